//! Integration tests: the real server on port 0, a fresh database per test (SQLite file, or a new
//! Postgres database when TEST_POSTGRES_URL is set).

mod admins;
mod apps;
mod authorization;
mod catalog;
mod cli;
mod colleagues;
mod counts;
mod dashboard;
mod documentation;
mod foundation;
mod gateway_nginx;
mod home;
mod memberships;
mod organization_requests;
mod organizations;
mod rest;
mod rest_resources;
mod security;
mod self_service;
mod smtp;
mod support;
mod teams;
mod templates;
mod user_search;
mod users;
