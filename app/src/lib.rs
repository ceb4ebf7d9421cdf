//! Portico's application: the router, pages, server functions, and (with `ssr`) the backend.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
pub mod routes;

pub use routes::{App, shell};
