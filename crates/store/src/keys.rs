//! API keys as the catalog keeps them: a name, a scope, the APIs a key is
//! restricted to, and the SHA-256 of the key's text — never the text.
//! Making keys and deciding what a key may do belong to the layers above;
//! the store only keeps the rows, so every replica sees the same keys.

use serde::{Deserialize, Serialize};

/// What a key may do. Each scope includes the ones before it: `publish`
/// reads, `admin` publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    /// Read the catalog (needed only when the server requires a key).
    Read,
    /// Publish snapshots of its APIs (every API when unrestricted).
    Publish,
    /// Everything: removal, keys.
    Admin,
}

impl KeyScope {
    /// Parses `read`, `publish` or `admin`.
    pub fn parse(text: &str) -> Option<KeyScope> {
        match text {
            "read" => Some(KeyScope::Read),
            "publish" => Some(KeyScope::Publish),
            "admin" => Some(KeyScope::Admin),
            _ => None,
        }
    }

    /// The name the catalog and the faces use.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Read => "read",
            KeyScope::Publish => "publish",
            KeyScope::Admin => "admin",
        }
    }
}

/// A key to add. Borrowed, like [`crate::NewSnapshot`].
#[derive(Debug, Clone, Copy)]
pub struct NewKey<'a> {
    /// Unique among every key the catalog has held, revoked ones included.
    pub name: &'a str,
    /// What the key may do.
    pub scope: KeyScope,
    /// `provider/api` ids the key is restricted to; empty for every API.
    pub apis: &'a [String],
    /// Lower-case hex SHA-256 of the key's text.
    pub hash: &'a str,
}

/// A key as stored, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    /// The name it was created with, unique in the catalog.
    pub name: String,
    /// What the key may do.
    pub scope: KeyScope,
    /// `provider/api` ids the key is restricted to; empty for every API.
    pub apis: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last request made with it, as last recorded
    /// (servers record use every few seconds, not per request).
    pub last_used_at: Option<i64>,
    /// Requests made with it, as last recorded.
    pub uses: u64,
    /// Unix seconds; a revoked key is never accepted.
    pub revoked_at: Option<i64>,
}

/// Use of one key since it was last recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    /// Hex SHA-256 of the key's text.
    pub hash: String,
    /// Requests made with it since.
    pub uses: u64,
    /// Unix seconds of the latest of those uses.
    pub last_used_at: i64,
}

/// Whether `hash` is a lower-case hex SHA-256, as the catalog stores it.
pub fn is_key_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
