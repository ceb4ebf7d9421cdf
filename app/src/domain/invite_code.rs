//! Invite codes as the admin app shows them, and the validation of "Add new invite code".

use crate::error::{AppError, FieldMessage};
use serde::{Deserialize, Serialize};

/// One row of the invite codes list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCodeRow {
    pub id: String,
    pub code: String,
    pub team_id: String,
    pub team: String,
    pub organization: String,
    pub quota: i64,
    pub used: i64,
    pub expires_at: i64,
    pub active: bool,
    pub created_at: i64,
}

impl InviteCodeRow {
    /// "Active", "Inactive", "Expired" or "Used up", as the list shows it at `now`.
    pub fn state(&self, now: i64) -> &'static str {
        if !self.active {
            "Inactive"
        } else if self.expires_at <= now {
            "Expired"
        } else if self.used >= self.quota {
            "Used up"
        } else {
            "Active"
        }
    }
}

/// What "Add new invite code" posts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCodeForm {
    pub team_id: String,
    pub quota: String,
    /// A date, `YYYY-MM-DD`: the code works until the end of that day (UTC).
    pub expires_on: String,
    #[serde(default)]
    pub active: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidInviteCode {
    pub team_id: String,
    pub quota: i64,
    pub expires_at: i64,
    pub active: bool,
}

pub const MAX_QUOTA: i64 = 100_000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl InviteCodeForm {
    pub fn validate(&self, now: i64) -> Result<ValidInviteCode, AppError> {
        let mut errors = Vec::new();
        let mut note = |field: &str, message: &str| {
            errors.push(FieldMessage {
                field: field.to_owned(),
                message: message.to_owned(),
            })
        };
        if self.team_id.trim().is_empty() {
            note("team_id", "Choose a team.");
        }
        let quota = self
            .quota
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|q| (1..=MAX_QUOTA).contains(q));
        if quota.is_none() {
            note(
                "quota",
                "Enter a whole number of accounts from 1 to 100,000.",
            );
        }
        let expires_at = parse_date(self.expires_on.trim()).map(|day| day + DAY_MS);
        match expires_at {
            None => note("expires_on", "Enter a date like 2026-12-31."),
            Some(at) if at <= now => note("expires_on", "Choose today or a later date."),
            Some(_) => {}
        }
        match (quota, expires_at) {
            (Some(quota), Some(expires_at)) if errors.is_empty() => Ok(ValidInviteCode {
                team_id: self.team_id.trim().to_owned(),
                quota,
                expires_at,
                active: self.active.is_some(),
            }),
            _ => Err(AppError::Validation {
                errors,
                values: vec![
                    ("team_id".into(), self.team_id.clone()),
                    ("quota".into(), self.quota.clone()),
                    ("expires_on".into(), self.expires_on.clone()),
                ],
            }),
        }
    }
}

/// Unix milliseconds at the start (UTC) of a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if text.len() != 10 || !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    // Howard Hinnant's days-from-civil algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::format_time;

    #[test]
    fn dates_parse_to_utc_midnight_and_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        let at = parse_date("2026-11-28").expect("date");
        assert_eq!(format_time(at), "2026-11-28 00:00 UTC");
        assert_eq!(
            format_time(parse_date("2000-02-29").expect("leap")),
            "2000-02-29 00:00 UTC"
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "tomorrow",
            "",
            "2026-12-32",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_code_runs_to_the_end_of_its_day_and_must_lie_ahead() {
        let now = parse_date("2026-11-22").expect("date") + 5;
        let form = InviteCodeForm {
            team_id: "t".into(),
            quota: "5".into(),
            expires_on: "2026-11-22".into(),
            active: Some("on".into()),
        };
        let valid = form.validate(now).expect("valid");
        assert_eq!(valid.expires_at, parse_date("2026-11-23").expect("date"));
        assert!(valid.active);
        let past = InviteCodeForm {
            expires_on: "2026-11-21".into(),
            ..form.clone()
        };
        assert!(
            past.validate(now)
                .expect_err("past")
                .field_message("expires_on")
                .is_some()
        );
        for quota in ["0", "-1", "1.5", "100001", ""] {
            let bad = InviteCodeForm {
                quota: quota.into(),
                ..form.clone()
            };
            assert!(
                bad.validate(now)
                    .expect_err(quota)
                    .field_message("quota")
                    .is_some()
            );
        }
    }

    #[test]
    fn the_state_reads_inactive_then_expired_then_used_up() {
        let row = InviteCodeRow {
            id: "i".into(),
            code: "c".into(),
            team_id: "t".into(),
            team: "T".into(),
            organization: "O".into(),
            quota: 2,
            used: 2,
            expires_at: 10,
            active: true,
            created_at: 0,
        };
        assert_eq!(row.state(5), "Used up");
        assert_eq!(row.state(10), "Expired");
        assert_eq!(
            InviteCodeRow {
                active: false,
                ..row.clone()
            }
            .state(5),
            "Inactive"
        );
        assert_eq!(InviteCodeRow { used: 1, ..row }.state(5), "Active");
    }
}
