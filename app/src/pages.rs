//! One module per route.

pub mod account;
pub mod admin;
pub mod admins;
pub mod approvals;
pub mod change_password;
pub mod colleague;
pub mod confirm_email;
pub mod dashboard;
pub mod email_templates;
pub mod forgot_password;
pub mod home;
pub mod invite;
pub mod invite_codes;
pub mod login;
pub mod not_found;
pub mod organization;
pub mod organizations;
pub mod outbox;
pub mod register;
pub mod reset_password;
pub mod setup;
pub mod team;
pub mod teams;
pub mod user;
pub mod user_edit;
pub mod users;
