//! The one error type that crosses the wire between server functions and the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What a server function can answer besides success. Each variant names the HTTP status it means;
/// the text shown to people never contains internal details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 422: one or more fields are not acceptable; each names its form field. `values` carries
    /// what was typed (never a password) back to a form posted without JavaScript.
    #[error("{}", first_message(errors))]
    Validation {
        errors: Vec<FieldMessage>,
        #[serde(default)]
        values: Vec<(String, String)>,
    },
    /// 400: the request itself could not be read.
    #[error("{message}")]
    BadRequest { message: String },
    /// 401: not signed in, or the sign-in failed.
    #[error("{message}")]
    Unauthorized { message: String },
    /// 403: signed in, but not allowed.
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// 404: the thing asked for does not exist (or is not visible to the caller).
    #[error("Not found.")]
    NotFound,
    /// 409: the change conflicts with the current state.
    #[error("{message}")]
    Conflict { message: String },
    /// 429: too many attempts; try again later.
    #[error("Too many attempts. Please wait a moment and try again.")]
    RateLimited,
    /// 500: something failed on the server; `reference` is also in the server's log line.
    #[error("Something went wrong on our side. Reference: {reference}")]
    Internal { reference: String },
    /// The browser could not reach the server, or could not read its answer.
    #[error("The server could not be reached. Please try again.")]
    Network,
}

/// A message about one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// The problems a form check finds, each under its field, to be reported all at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldMessage>);

impl FieldErrors {
    pub fn note(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldMessage {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The parsed value, or `None` with the parser's message noted under `field`.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parsed: Result<T, E>,
    ) -> Option<T> {
        parsed.map_err(|e| self.note(field, e.to_string())).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The validation error that reports them.
    pub fn into_error(self) -> AppError {
        AppError::Validation {
            errors: self.0,
            values: Vec::new(),
        }
    }
}

fn first_message(errors: &[FieldMessage]) -> &str {
    errors
        .first()
        .map(|e| e.message.as_str())
        .unwrap_or("Check the form.")
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            errors: vec![FieldMessage {
                field: field.to_owned(),
                message: message.into(),
            }],
            values: Vec::new(),
        }
    }

    /// What was typed into `field`, when a validation error carries it back.
    pub fn echoed(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { values, .. } => values
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized {
            message: message.into(),
        }
    }

    /// The message for `field`, if this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { errors, .. } => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error stands for.
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation { .. } => 422,
            Self::BadRequest { .. } => 400,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict { .. } => 409,
            Self::RateLimited => 429,
            Self::Internal { .. } | Self::Network => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Network,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest {
                message: "The request could not be read.".to_owned(),
            },
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_) => Self::Internal {
                reference: "server-fn".to_owned(),
            },
        }
    }
}
