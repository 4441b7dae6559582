//! API keys: making them, recognising them, and what each may do.
//!
//! A key is `sdx_` and 64 hex digits (32 random bytes from the operating
//! system). The catalog keeps only its SHA-256, so a key is shown once, when
//! it is made. A presented key is hashed and looked up by its hash: nothing
//! ever compares key text, so the time a lookup takes says nothing about the
//! key (the index compares hashes, which an attacker cannot steer toward a
//! stored one), and no code path logs or repeats a key.
//!
//! Lookups are remembered for [`KEY_RECHECK`], so a busy server asks the
//! catalog about each key at most about once a second, and a key revoked on
//! any replica is refused by every replica within that time. Each use is
//! counted in memory and written to the catalog by [`Keys::flush`] (a
//! server calls it every few seconds), not once per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use specdex_spec::slug::is_valid_slug;
use specdex_store::{Catalog, KeyInfo, KeyScope, KeyUse, NewKey, StoreError, split_api_id};

use crate::QueryError;

/// What every key begins with, so a leaked one is recognisable (secret
/// scanners match such prefixes).
pub const KEY_PREFIX: &str = "sdx_";

/// How long a key lookup is trusted before the catalog is asked again:
/// the most a revocation takes to reach every replica.
pub const KEY_RECHECK: Duration = Duration::from_millis(500);

/// Remembered lookups, at most (a flood of made-up keys must not grow the
/// memory without end); past it they start over.
const MAX_REMEMBERED_KEYS: usize = 10_000;

/// Who is asking: the key a request came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key's name (recorded on what it publishes).
    pub name: String,
    pub scope: KeyScope,
    /// `provider/api` ids it is restricted to; empty for every API.
    pub apis: Vec<String>,
}

impl Caller {
    /// Whether the key may publish snapshots of `api` (`provider/api`).
    pub fn may_publish(&self, api: &str) -> bool {
        self.scope >= KeyScope::Publish
            && (self.scope == KeyScope::Admin
                || self.apis.is_empty()
                || self.apis.iter().any(|a| a == api))
    }

    /// Refuses unless the key may publish `api`.
    pub fn check_publish(&self, api: &str) -> Result<(), QueryError> {
        if self.may_publish(api) {
            return Ok(());
        }
        Err(QueryError::Forbidden(if self.scope < KeyScope::Publish {
            format!(
                "key `{}` has scope `{}`; publishing needs a `publish` or `admin` key",
                self.name,
                self.scope.as_str()
            )
        } else {
            format!(
                "key `{}` may publish only {}; not `{api}`",
                self.name,
                self.apis.join(", ")
            )
        }))
    }
}

/// A key just made: its text, shown once, and what the catalog keeps.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The key itself; the catalog keeps only its hash.
    pub key: String,
    pub info: KeyInfo,
}

/// What is known about a key without asking the catalog.
enum Lookup {
    Known(Result<Caller, QueryError>),
    /// Ask the catalog about this hash.
    Ask(String),
}

fn not_valid() -> QueryError {
    QueryError::Unauthorized("this key is not valid".to_owned())
}

/// The keys part of the engine: lookups remembered briefly, uses counted.
#[derive(Default)]
pub(crate) struct Keys {
    remembered: Mutex<HashMap<String, (Instant, Option<KeyInfo>)>>,
    uses: Mutex<HashMap<String, (u64, i64)>>,
}

impl Keys {
    /// The caller a bearer key names, counting one use of it; refuses a key
    /// the catalog does not hold or has revoked.
    pub(crate) fn authenticate(
        &self,
        catalog: &dyn Catalog,
        key: &str,
    ) -> Result<Caller, QueryError> {
        let hash = match self.remembered(key) {
            Lookup::Known(answer) => return answer,
            Lookup::Ask(hash) => hash,
        };
        let info = catalog.key_by_hash(&hash)?;
        let answer = self.decide(&hash, info.clone());
        let mut remembered = lock(&self.remembered);
        if remembered.len() >= MAX_REMEMBERED_KEYS {
            remembered.clear();
        }
        remembered.insert(hash, (Instant::now(), info));
        answer
    }

    /// [`Keys::authenticate`] without asking the catalog: `None` when the
    /// key was not looked up within [`KEY_RECHECK`]. A server answers most
    /// requests with it on the request's own thread, and only sends the
    /// rest where blocking is allowed.
    pub(crate) fn authenticate_remembered(&self, key: &str) -> Option<Result<Caller, QueryError>> {
        match self.remembered(key) {
            Lookup::Known(answer) => Some(answer),
            Lookup::Ask(_) => None,
        }
    }

    fn remembered(&self, key: &str) -> Lookup {
        if !key.starts_with(KEY_PREFIX) || key.len() > 200 {
            return Lookup::Known(Err(not_valid()));
        }
        let hash = key_hash(key);
        let info = match lock(&self.remembered).get(&hash) {
            Some((at, info)) if at.elapsed() < KEY_RECHECK => info.clone(),
            _ => return Lookup::Ask(hash),
        };
        Lookup::Known(self.decide(&hash, info))
    }

    /// Accepts a key the catalog holds unrevoked, counting one use.
    fn decide(&self, hash: &str, info: Option<KeyInfo>) -> Result<Caller, QueryError> {
        let info = info.ok_or_else(not_valid)?;
        if info.revoked_at.is_some() {
            return Err(QueryError::Unauthorized(format!(
                "key `{}` has been revoked",
                info.name
            )));
        }
        let mut uses = lock(&self.uses);
        let used = uses.entry(hash.to_owned()).or_insert((0, 0));
        used.0 += 1;
        used.1 = unix_now();
        Ok(Caller {
            name: info.name,
            scope: info.scope,
            apis: info.apis,
        })
    }

    /// Writes the uses counted since the last flush to the catalog. On
    /// failure they are kept for the next one.
    pub(crate) fn flush(&self, catalog: &dyn Catalog) -> Result<(), QueryError> {
        let taken: Vec<KeyUse> = lock(&self.uses)
            .drain()
            .map(|(hash, (uses, last_used_at))| KeyUse {
                hash,
                uses,
                last_used_at,
            })
            .collect();
        if taken.is_empty() {
            return Ok(());
        }
        if let Err(e) = catalog.record_key_uses(&taken) {
            let mut uses = lock(&self.uses);
            for used in taken {
                let kept = uses.entry(used.hash).or_insert((0, 0));
                kept.0 += used.uses;
                kept.1 = kept.1.max(used.last_used_at);
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Forgets what was remembered about keys (after a revocation in this
    /// process, so it takes effect at once here).
    pub(crate) fn forget(&self) {
        lock(&self.remembered).clear();
    }
}

/// Makes a key: checks the name and the APIs, stores the hash, returns the
/// text once.
pub(crate) fn create(
    catalog: &dyn Catalog,
    name: &str,
    scope: KeyScope,
    apis: &[String],
) -> Result<CreatedKey, QueryError> {
    if !is_valid_slug(name) {
        return Err(QueryError::bad(
            "name",
            format!("`{name}`: use 1 to 100 lower-case letters, digits, `.`, `-` or `_`"),
        ));
    }
    for api in apis {
        let valid = split_api_id(api).is_some_and(|(p, a)| is_valid_slug(p) && is_valid_slug(a));
        if !valid {
            return Err(QueryError::bad(
                "api",
                format!("`{api}`: write an API as provider/api, e.g. stripe/api"),
            ));
        }
    }
    let key = new_key_text()?;
    let info = catalog.create_key(NewKey {
        name,
        scope,
        apis,
        hash: &key_hash(&key),
    })?;
    Ok(CreatedKey { key, info })
}

/// `sdx_` and 64 hex digits of the operating system's randomness.
fn new_key_text() -> Result<String, QueryError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| {
        QueryError::Store(StoreError::Database {
            action: "make a key".to_owned(),
            cause: format!("the operating system gave no randomness: {e}").into(),
        })
    })?;
    Ok(format!(
        "{KEY_PREFIX}{}",
        specdex_spec::bundle::hex(&secret)
    ))
}

/// Lower-case hex SHA-256 of a key's text, as the catalog stores it.
pub fn key_hash(key: &str) -> String {
    specdex_spec::bundle::hex(&Sha256::digest(key.as_bytes()))
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Counts and remembered lookups stay sound if a holder panicked.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(scope: KeyScope, apis: &[&str]) -> Caller {
        Caller {
            name: "ci".to_owned(),
            scope,
            apis: apis.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn scopes_and_restrictions_decide_publishing() {
        assert!(!caller(KeyScope::Read, &[]).may_publish("stripe/api"));
        assert!(caller(KeyScope::Publish, &[]).may_publish("stripe/api"));
        let restricted = caller(KeyScope::Publish, &["stripe/api"]);
        assert!(restricted.may_publish("stripe/api"));
        assert!(!restricted.may_publish("github/api"));
        let refusal = restricted
            .check_publish("github/api")
            .expect_err("restricted to stripe/api");
        assert_eq!(refusal.status(), 403);
        assert!(refusal.to_string().contains("stripe/api"), "{refusal}");
        assert!(caller(KeyScope::Admin, &["stripe/api"]).may_publish("github/api"));
    }

    #[test]
    fn keys_are_random_and_hashed_as_stored() {
        let (a, b) = (new_key_text().expect("key"), new_key_text().expect("key"));
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 64);
        assert!(specdex_store::is_key_hash(&key_hash(&a)));
    }
}
