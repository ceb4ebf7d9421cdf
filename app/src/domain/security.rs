//! Settings > General > Security: how long idle sessions last and how long delivered emails are
//! kept, with their bounds, checked the same in the browser and on the server.

use crate::error::{AppError, FieldMessage};
use serde::{Deserialize, Serialize};

/// The security settings as stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    /// An admin's session ends after this many minutes without a request.
    pub admin_idle_minutes: i64,
    /// A consumer's session ends after this many days without a request.
    pub consumer_idle_days: i64,
    /// Delivered emails are deleted from the outbox after this many days.
    pub outbox_retention_days: i64,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self {
            admin_idle_minutes: 60,
            consumer_idle_days: 7,
            outbox_retention_days: 30,
        }
    }
}

/// Each setting's form field, bounds and plain-words rule.
pub const BOUNDS: [(&str, i64, i64, &str); 3] = [
    (
        "admin_idle_minutes",
        5,
        24 * 60,
        "Enter a whole number of minutes from 5 to 1440.",
    ),
    (
        "consumer_idle_days",
        1,
        30,
        "Enter a whole number of days from 1 to 30.",
    ),
    (
        "outbox_retention_days",
        1,
        365,
        "Enter a whole number of days from 1 to 365.",
    ),
];

impl SecuritySettings {
    /// Parses the three fields as typed; every field's problem at once.
    pub fn parse(admin_idle: &str, consumer_idle: &str, retention: &str) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut values = [0i64; 3];
        for (i, typed) in [admin_idle, consumer_idle, retention].iter().enumerate() {
            let (field, min, max, message) = BOUNDS[i];
            match typed.trim().parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => values[i] = v,
                _ => errors.push(FieldMessage {
                    field: field.to_owned(),
                    message: message.to_owned(),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation {
                errors,
                values: Vec::new(),
            });
        }
        Ok(Self {
            admin_idle_minutes: values[0],
            consumer_idle_days: values[1],
            outbox_retention_days: values[2],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_setting_is_checked_against_its_bounds() {
        assert_eq!(
            SecuritySettings::parse("60", "7", "30"),
            Ok(SecuritySettings::default())
        );
        let err = SecuritySettings::parse("4", "x", "366").expect_err("all three wrong");
        for field in [
            "admin_idle_minutes",
            "consumer_idle_days",
            "outbox_retention_days",
        ] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
    }
}
