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

/// A key's rate limit as a server applies it: `cells` requests per
/// `window_us`, bursts up to `cells` (GCRA with a tolerance of one window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuota {
    /// Requests allowed per window (at least 1).
    pub cells: u64,
    /// The window, in microseconds (at least 1).
    pub window_us: i64,
}

impl RateQuota {
    /// Microseconds each request takes up: the window spread over its cells.
    pub fn period_us(self) -> i64 {
        let cells = i64::try_from(self.cells.max(1)).unwrap_or(i64::MAX);
        (self.window_us / cells).max(1)
    }
}

/// What a reservation of requests against a key's shared limit gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// Requests granted, at most those asked for (0: refused).
    pub granted: u64,
    /// Requests still available at once after these, within the window.
    pub remaining: u64,
    /// When refused: microseconds until one request fits again.
    pub retry_after_us: i64,
    /// The key's new theoretical arrival time (unix microseconds), to store.
    pub tat_us: i64,
}

/// Reserves up to `want` requests from a GCRA state `tat_us` at `now_us`:
/// as many as fit within one window of tolerance. Pure, so both stores
/// apply the same rule inside their transactions.
pub fn reserve(tat_us: i64, now_us: i64, want: u64, quota: RateQuota) -> Reservation {
    let period = quota.period_us();
    let tolerance = quota.window_us.max(period);
    let base = tat_us.max(now_us);
    let room = tolerance.saturating_sub(base - now_us);
    let fit = u64::try_from(room / period).unwrap_or(0);
    let granted = want.min(fit);
    let granted_us = i64::try_from(granted).map_or(i64::MAX, |g| g.saturating_mul(period));
    Reservation {
        granted,
        remaining: fit - granted,
        retry_after_us: if granted == 0 {
            (base + period - tolerance - now_us).max(1)
        } else {
            0
        },
        tat_us: if granted == 0 {
            tat_us
        } else {
            base.saturating_add(granted_us)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{RateQuota, reserve};

    const MINUTE: i64 = 60_000_000;

    #[test]
    fn a_burst_of_one_window_then_one_request_per_period() {
        let quota = RateQuota {
            cells: 600,
            window_us: MINUTE,
        };
        let now = 1_000 * MINUTE;
        let first = reserve(0, now, 500, quota);
        assert_eq!((first.granted, first.remaining), (500, 100));
        let second = reserve(first.tat_us, now, 500, quota);
        assert_eq!((second.granted, second.remaining), (100, 0));
        let refused = reserve(second.tat_us, now, 1, quota);
        assert_eq!(refused.granted, 0);
        assert_eq!(refused.tat_us, second.tat_us);
        // One period (100 ms) later, one more fits.
        assert_eq!(refused.retry_after_us, 100_000);
        let later = reserve(second.tat_us, now + 100_000, 5, quota);
        assert_eq!(later.granted, 1);
        // A key idle for a window has its whole burst again.
        assert_eq!(
            reserve(later.tat_us, now + 2 * MINUTE, 1000, quota).granted,
            600
        );
    }
}
