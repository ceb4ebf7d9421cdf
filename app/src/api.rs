//! Server functions, one file per resource. Each is a public endpoint: it authorizes, parses,
//! calls the backend and maps errors, and nothing else.

pub mod admins;
pub mod auth;
pub mod invitations;
pub mod organizations;
pub mod outbox;
pub mod settings;
pub mod teams;
pub mod users;
