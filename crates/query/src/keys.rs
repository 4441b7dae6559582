//! API keys: making them, recognising them, and what each may do.
//!
//! A key is `sdx_` and 64 hex digits (32 random bytes from the operating
//! system). The catalog keeps only its SHA-256, so a key is shown once, when
//! it is made. A presented key is hashed and looked up by its hash: nothing
//! ever compares key text, so the time a lookup takes says nothing about the
//! key (the index compares hashes, which an attacker cannot steer toward a
//! stored one), and no code path logs or repeats a key.
//!
//! Lookups are remembered: after [`KEY_RECHECK`] the answer is still used
//! while one request has it looked up again off the request path, and after
//! [`KEY_TRUST`] a request waits for the catalog. So a busy server asks the
//! catalog about each key about three times a second without making any
//! request wait, and a key revoked on any replica is refused by every
//! replica within a second. Each use is counted in memory and written to
//! the catalog by [`Keys::flush`] (a server calls it every few seconds),
//! not once per request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest as _, Sha256};
use specdex_spec::slug::is_valid_slug;
use specdex_store::{Catalog, KeyInfo, KeyScope, KeyUse, NewKey, StoreError, split_api_id};

use crate::QueryError;

/// What every key begins with, so a leaked one is recognisable (secret
/// scanners match such prefixes).
pub const KEY_PREFIX: &str = "sdx_";

/// How old a key lookup may be before it is looked up again, in the
/// background while the remembered answer still serves.
pub const KEY_RECHECK: Duration = Duration::from_millis(300);

/// How old a key lookup may be and still answer: with the lookup's own
/// time, the most a revocation takes to reach every replica (under a
/// second).
pub const KEY_TRUST: Duration = Duration::from_millis(800);

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
    Known(Remembered),
    /// Ask the catalog about the key with this digest.
    Ask(KeyDigest),
}

/// A remembered answer about a key: what it was, and whether the caller
/// should have it looked up again off the request path
/// ([`crate::Engine::recheck_key`]); one caller at a time is told so.
#[derive(Debug)]
pub struct Remembered {
    pub answer: Result<Arc<Caller>, QueryError>,
    pub recheck: bool,
}

/// One remembered lookup, and the uses of the key counted on it. Every
/// request with a key reads one, so its counters are atomics read under a
/// shared lock: requests do not wait for each other.
struct Lookedup {
    /// When the catalog was asked.
    at: Instant,
    /// What it said: `None` for a key it does not hold.
    info: Option<KeyInfo>,
    /// The caller the key names, made once for every request that uses
    /// it; `None` when the key is refused.
    caller: Option<Arc<Caller>>,
    /// A caller was told to look the key up again.
    rechecking: AtomicBool,
    /// Uses counted since the last flush, and the last one's unix second.
    uses: AtomicU64,
    last_used_at: AtomicI64,
}

impl Lookedup {
    /// Takes the uses counted so far: `(uses, last used at)`.
    fn take_uses(&self) -> (u64, i64) {
        (
            self.uses.swap(0, Ordering::Relaxed),
            self.last_used_at.load(Ordering::Relaxed),
        )
    }
}

fn not_valid() -> QueryError {
    QueryError::Unauthorized("this key is not valid".to_owned())
}

/// The SHA-256 of a key's text: what this process remembers keys by (the
/// catalog by its hex form, [`key_hash`]).
type KeyDigest = [u8; 32];

/// The keys part of the engine: lookups remembered briefly, uses counted.
#[derive(Default)]
pub(crate) struct Keys {
    remembered: RwLock<HashMap<KeyDigest, Lookedup>>,
    /// Uses not counted on a remembered lookup: those of lookups since
    /// replaced or forgotten, of the requests that asked the catalog, and
    /// of flushes that failed. `(uses, last used at)` per key.
    uses: Mutex<HashMap<KeyDigest, (u64, i64)>>,
}

impl Keys {
    /// The caller a bearer key names, counting one use of it; refuses a key
    /// the catalog does not hold or has revoked.
    pub(crate) fn authenticate(
        &self,
        catalog: &dyn Catalog,
        key: &str,
    ) -> Result<Arc<Caller>, QueryError> {
        let digest = match self.remembered(key, Instant::now()) {
            Lookup::Known(remembered) => return remembered.answer,
            Lookup::Ask(digest) => digest,
        };
        let answer = caller_of(self.look_up(catalog, digest)?.as_ref()).map(Arc::new);
        if answer.is_ok() {
            self.count_use(digest);
        }
        answer
    }

    /// [`Keys::authenticate`] without asking the catalog: `None` when the
    /// key was not looked up within [`KEY_TRUST`]. A server answers most
    /// requests with it on the request's own thread, and only sends the
    /// rest where blocking is allowed.
    pub(crate) fn authenticate_remembered(&self, key: &str) -> Option<Remembered> {
        match self.remembered(key, Instant::now()) {
            Lookup::Known(remembered) => Some(remembered),
            Lookup::Ask(_) => None,
        }
    }

    /// Looks `key` up in the catalog again and remembers the answer,
    /// counting no use.
    pub(crate) fn recheck(&self, catalog: &dyn Catalog, key: &str) -> Result<(), QueryError> {
        self.look_up(catalog, key_digest(key)).map(drop)
    }

    /// What the catalog holds for the key with `digest`, remembered from
    /// the moment it was asked.
    fn look_up(
        &self,
        catalog: &dyn Catalog,
        digest: KeyDigest,
    ) -> Result<Option<KeyInfo>, QueryError> {
        let at = Instant::now();
        let info = catalog.key_by_hash(&specdex_spec::bundle::hex(&digest))?;
        let mut remembered = write(&self.remembered);
        if remembered.len() >= MAX_REMEMBERED_KEYS {
            self.keep_uses(remembered.drain());
        }
        let replaced = remembered.insert(
            digest,
            Lookedup {
                at,
                caller: caller_of(info.as_ref()).ok().map(Arc::new),
                info: info.clone(),
                rechecking: AtomicBool::new(false),
                uses: AtomicU64::new(0),
                last_used_at: AtomicI64::new(0),
            },
        );
        self.keep_uses(replaced.map(|lookup| (digest, lookup)));
        Ok(info)
    }

    /// Keeps the uses counted on lookups that are going away.
    fn keep_uses(&self, gone: impl IntoIterator<Item = (KeyDigest, Lookedup)>) {
        let mut uses = lock(&self.uses);
        for (digest, lookup) in gone {
            let (count, last_used_at) = lookup.take_uses();
            if count > 0 {
                add_uses(&mut uses, digest, count, last_used_at);
            }
        }
    }

    /// What is remembered about `key` at `now`.
    fn remembered(&self, key: &str, now: Instant) -> Lookup {
        if !key.starts_with(KEY_PREFIX) || key.len() > 200 {
            return Lookup::Known(Remembered {
                answer: Err(not_valid()),
                recheck: false,
            });
        }
        let digest = key_digest(key);
        let remembered = read(&self.remembered);
        let Some((lookup, age)) = remembered
            .get(&digest)
            .map(|lookup| (lookup, now.saturating_duration_since(lookup.at)))
            .filter(|(_, age)| *age < KEY_TRUST)
        else {
            return Lookup::Ask(digest);
        };
        let recheck = age >= KEY_RECHECK && !lookup.rechecking.swap(true, Ordering::Relaxed);
        let answer = match &lookup.caller {
            Some(caller) => {
                lookup.uses.fetch_add(1, Ordering::Relaxed);
                lookup.last_used_at.store(unix_now(), Ordering::Relaxed);
                Ok(caller.clone())
            }
            // Refused: the reason is worded only for those who get it.
            None => caller_of(lookup.info.as_ref()).map(Arc::new),
        };
        Lookup::Known(Remembered { answer, recheck })
    }

    /// Counts one use of the key with `digest`, now, apart from its lookup.
    fn count_use(&self, digest: KeyDigest) {
        add_uses(&mut lock(&self.uses), digest, 1, unix_now());
    }

    /// Writes the uses counted since the last flush to the catalog. On
    /// failure they are kept for the next one.
    pub(crate) fn flush(&self, catalog: &dyn Catalog) -> Result<(), QueryError> {
        let mut taken: Vec<(KeyDigest, (u64, i64))> = lock(&self.uses).drain().collect();
        for (digest, lookup) in read(&self.remembered).iter() {
            let (count, last_used_at) = lookup.take_uses();
            if count > 0 {
                taken.push((*digest, (count, last_used_at)));
            }
        }
        if taken.is_empty() {
            return Ok(());
        }
        let recorded: Vec<KeyUse> = taken
            .iter()
            .map(|(digest, (uses, last_used_at))| KeyUse {
                hash: specdex_spec::bundle::hex(digest),
                uses: *uses,
                last_used_at: *last_used_at,
            })
            .collect();
        if let Err(e) = catalog.record_key_uses(&recorded) {
            let mut uses = lock(&self.uses);
            for (digest, (count, last_used_at)) in taken {
                add_uses(&mut uses, digest, count, last_used_at);
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Forgets what was remembered about keys (after a revocation in this
    /// process, so it takes effect at once here).
    pub(crate) fn forget(&self) {
        self.keep_uses(write(&self.remembered).drain());
    }
}

/// The caller a key the catalog holds names; refuses a key it does not
/// hold (`None`) or has revoked.
fn caller_of(info: Option<&KeyInfo>) -> Result<Caller, QueryError> {
    let info = info.ok_or_else(not_valid)?;
    if info.revoked_at.is_some() {
        return Err(QueryError::Unauthorized(format!(
            "key `{}` has been revoked",
            info.name
        )));
    }
    Ok(Caller {
        name: info.name.clone(),
        scope: info.scope,
        apis: info.apis.clone(),
    })
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
    specdex_spec::bundle::hex(&key_digest(key))
}

/// SHA-256 of a key's text.
fn key_digest(key: &str) -> KeyDigest {
    Sha256::digest(key.as_bytes()).into()
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Adds `count` uses, the last at `last_used_at`, to a key's kept uses.
fn add_uses(
    uses: &mut HashMap<KeyDigest, (u64, i64)>,
    digest: KeyDigest,
    count: u64,
    last_used_at: i64,
) {
    let kept = uses.entry(digest).or_insert((0, 0));
    kept.0 += count;
    kept.1 = kept.1.max(last_used_at);
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    fn a_remembered_key_is_rechecked_once_in_time_and_trusted_no_longer() {
        let catalog = specdex_store::SqliteCatalog::open_in_memory().expect("catalog");
        let keys = Keys::default();
        let made = create(&catalog, "ci", KeyScope::Read, &[]).expect("key");
        let key = made.key.as_str();
        let at = |ms| Instant::now() + Duration::from_millis(ms);
        let known = |lookup: Lookup| match lookup {
            Lookup::Known(Remembered { answer, recheck }) => Some((
                answer.map(|c| c.name.clone()).map_err(|e| e.to_string()),
                recheck,
            )),
            Lookup::Ask(_) => None,
        };
        assert!(
            known(keys.remembered(key, at(0))).is_none(),
            "never looked up"
        );
        let first = keys.authenticate(&catalog, key).map(|c| c.name.clone());
        assert_eq!(first.ok().as_deref(), Some("ci"));
        assert_eq!(
            known(keys.remembered(key, at(100))),
            Some((Ok("ci".into()), false))
        );
        assert_eq!(
            known(keys.remembered(key, at(400))),
            Some((Ok("ci".into()), true)),
            "due for a recheck: this caller is told"
        );
        assert_eq!(
            known(keys.remembered(key, at(450))),
            Some((Ok("ci".into()), false)),
            "and no other meanwhile"
        );
        assert!(
            known(keys.remembered(key, at(900))).is_none(),
            "too old to trust"
        );

        catalog.revoke_key("ci").expect("revoke");
        keys.recheck(&catalog, key).expect("recheck");
        let (answer, recheck) = known(keys.remembered(key, at(0))).expect("just looked up");
        assert!(!recheck);
        assert!(answer.expect_err("revoked").to_string().contains("revoked"));
        keys.flush(&catalog).expect("flush");
        let recorded = catalog.keys().expect("keys");
        assert_eq!(
            recorded[0].uses, 4,
            "a recheck counts no use; answers from memory do, across the lookup it replaced"
        );
        keys.flush(&catalog).expect("flush");
        assert_eq!(catalog.keys().expect("keys")[0].uses, 4, "counted once");
    }

    #[test]
    fn keys_are_random_and_hashed_as_stored() {
        let (a, b) = (new_key_text().expect("key"), new_key_text().expect("key"));
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 64);
        assert!(specdex_store::is_key_hash(&key_hash(&a)));
    }
}
