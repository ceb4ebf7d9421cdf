//! Runtime configuration, already validated (the binary parses it from flags and environment).

use secrecy::SecretString;
use url::Url;

/// Everything the backend needs to know about how it was started.
#[derive(Clone, Debug)]
pub struct Config {
    /// Used in email links and for the cookie's `Secure` flag; never taken from a request.
    pub public_url: Url,
    pub smtp_url: Option<SecretString>,
    pub smtp_from: String,
    pub portal_name: String,
    /// Behind a reverse proxy: the client's address for rate limits is the last entry of
    /// `X-Forwarded-For` (the one the proxy added) instead of the connection's peer.
    pub trust_forwarded_for: bool,
}

impl Config {
    /// Session cookies are `Secure` when the portal is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `{public_url}{path}` with `path` starting with `/`.
    pub fn link(&self, path_and_query: &str) -> String {
        let base = self.public_url.as_str().trim_end_matches('/');
        format!("{base}{path_and_query}")
    }
}
