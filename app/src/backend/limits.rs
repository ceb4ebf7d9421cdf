//! Rate limits on the doors strangers knock on (login, registration, password reset, invitation
//! acceptance), per account and per client address, in fixed windows kept in the database so
//! every instance counts together. A window ends by itself: nothing is locked for good.

use super::auth::hash_secret;
use super::{AppState, Millis};
use crate::error::AppError;

/// At most `max` hits per `window_ms` for one subject.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window_ms: Millis,
}

const MINUTE: Millis = 60 * 1000;

/// Sign-in attempts for one email (cleared by a successful sign-in): ten guesses per quarter hour.
pub const LOGIN_ACCOUNT: Limit = Limit {
    name: "login:account",
    max: 10,
    window_ms: 15 * MINUTE,
};
/// Sign-in attempts from a browser that signed in to the account before (its device token):
/// counted apart, so guesses from elsewhere that lock the account do not shut its owner out.
pub const LOGIN_DEVICE: Limit = Limit {
    name: "login:device",
    max: 10,
    window_ms: 15 * MINUTE,
};
/// Sign-in attempts from one address, whatever the account.
pub const LOGIN_ADDRESS: Limit = Limit {
    name: "login:address",
    max: 200,
    window_ms: 15 * MINUTE,
};
/// Reset links mailed for one email; more requests are answered the same and send nothing.
pub const RESET_ACCOUNT: Limit = Limit {
    name: "reset:account",
    max: 3,
    window_ms: 60 * MINUTE,
};
/// Forgot-password requests from one address.
pub const RESET_ADDRESS: Limit = Limit {
    name: "reset:address",
    max: 30,
    window_ms: 60 * MINUTE,
};
/// Attempts to use one reset or invitation link (wrong confirmations included).
pub const TOKEN_USE: Limit = Limit {
    name: "token:use",
    max: 10,
    window_ms: 15 * MINUTE,
};
/// Reset and invitation link submissions from one address.
pub const TOKEN_ADDRESS: Limit = Limit {
    name: "token:address",
    max: 60,
    window_ms: 15 * MINUTE,
};
/// "Request a new invitation" from one dead invitation link; more get the same answer, unsent.
pub const INVITATION_REQUEST: Limit = Limit {
    name: "invitation:request",
    max: 3,
    window_ms: 24 * 60 * MINUTE,
};
/// Registrations with one email.
pub const REGISTER_ACCOUNT: Limit = Limit {
    name: "register:account",
    max: 5,
    window_ms: 60 * MINUTE,
};
/// Registrations from one address.
pub const REGISTER_ADDRESS: Limit = Limit {
    name: "register:address",
    max: 30,
    window_ms: 60 * MINUTE,
};
/// Posts of the first admin's setup form from one address (the link is checked first).
pub const SETUP_ADDRESS: Limit = Limit {
    name: "setup:address",
    max: 20,
    window_ms: 15 * MINUTE,
};
/// Current-password checks on the account page, per account.
pub const PASSWORD_CHECK: Limit = Limit {
    name: "password:account",
    max: 10,
    window_ms: 15 * MINUTE,
};

impl Limit {
    fn bucket(&self, subject: &str) -> String {
        format!(
            "{}:{}",
            self.name,
            hash_secret(&subject.trim().to_lowercase())
        )
    }

    fn window_start(&self, now: Millis) -> Millis {
        now - now.rem_euclid(self.window_ms)
    }

    /// Counts one hit for `subject`; `RateLimited` once the window holds more than `max`.
    pub async fn hit(&self, state: &AppState, subject: &str) -> Result<(), AppError> {
        if self.hit_within(state, subject).await? {
            Ok(())
        } else {
            Err(AppError::RateLimited)
        }
    }

    /// Counts one hit for `subject` and answers whether it is still within the limit.
    pub async fn hit_within(&self, state: &AppState, subject: &str) -> Result<bool, AppError> {
        let now = state.clock.now();
        let hits = state
            .store
            .hit_rate_limit(&self.bucket(subject), self.window_start(now))
            .await?;
        Ok(hits <= self.max)
    }

    /// Forgets the hits of `subject` (a successful sign-in clears its account's failures).
    pub async fn clear(&self, state: &AppState, subject: &str) -> Result<(), AppError> {
        Ok(state.store.clear_rate_limit(&self.bucket(subject)).await?)
    }
}

/// What one client is, for counting: an IPv4 address, or an IPv6 address's /64 network. One
/// IPv6 client holds a whole /64 and can rotate through it at will, so counting single IPv6
/// addresses would let it try without limit. An IPv4-mapped IPv6 address counts as the IPv4.
pub fn address_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_buckets_hide_the_subject() {
        assert_eq!(LOGIN_ACCOUNT.window_start(15 * MINUTE + 5), 15 * MINUTE);
        assert_eq!(LOGIN_ACCOUNT.window_start(15 * MINUTE - 1), 0);
        let bucket = LOGIN_ACCOUNT.bucket(" Ada@Example.com");
        assert_eq!(bucket, LOGIN_ACCOUNT.bucket("ada@example.com"));
        assert!(!bucket.contains("ada"));
        assert!(bucket.starts_with("login:account:"));
    }

    #[test]
    fn ipv6_clients_count_per_64_and_ipv4_per_address() {
        let key = |s: &str| address_key(s.parse().expect("ip"));
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_eq!(key("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));
    }
}
