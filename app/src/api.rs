//! Server functions, one file per resource. Each is a public endpoint: it authorizes, parses,
//! calls the backend and maps errors, and nothing else.

pub mod access_requests;
pub mod account;
pub mod admins;
pub mod api_tokens;
pub mod approvals;
pub mod apps;
pub mod auth;
pub mod catalog;
pub mod dashboard;
pub mod documentation;
pub mod home;
#[cfg(feature = "ssr")]
pub mod http;
pub mod invitations;
pub mod invite_codes;
pub mod organization_requests;
pub mod organizations;
pub mod outbox;
pub mod settings;
pub mod teams;
pub mod templates;
pub mod users;
