//! Splitting a catalog written before APIs had their own identity (one
//! history per provider) into `provider/api` histories, by the same rule a
//! fresh ingest follows. Both stores' migrations feed it their snapshots in
//! ingest order and write back what it decides.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;
use specdex_spec::identity::{KnownApis, identify_parts};
use specdex_spec::slug::legacy_provider_slug;
use specdex_spec::{Api, DEFAULT_MAX_BYTES, bundle::content_hash, parse::parse_bytes};

/// One snapshot of the old layout, as the migration reads it.
pub(crate) struct OldSnapshot<'a> {
    /// Its id.
    pub id: i64,
    /// The provider slug it was stored under.
    pub provider: &'a str,
    /// Its model without endpoints and schemas.
    pub api: &'a Api,
    /// Its operations' path templates.
    pub paths: &'a [String],
    /// Its content hash as stored (over the bytes, in the old layout).
    pub content_hash: &'a str,
    /// The root document as ingested.
    pub document: &'a [u8],
}

/// Where a snapshot goes.
pub(crate) struct Assignment {
    pub provider: String,
    pub name: String,
    /// The hash to store instead of the old one: what a fresh ingest of the
    /// same document computes, when it can be told from the root document
    /// alone (no file `$ref`s) and no earlier snapshot of the API has it.
    /// When an earlier snapshot of the API already has the stored hash
    /// (two providers' identical documents now in one API), a hash made
    /// unique with the snapshot id, so that every snapshot is kept. `None`
    /// keeps the stored hash.
    pub content_hash: Option<String>,
    /// Its path keys, for the catalog's index of them.
    pub path_keys: BTreeSet<String>,
}

/// The decisions so far: each API's newest paths, and the hashes taken.
#[derive(Default)]
pub(crate) struct Splitter {
    apis: HashMap<String, KnownApis>,
    hashes: HashSet<(String, String, String)>,
}

impl Splitter {
    /// Places the next snapshot (they must come in ingest order).
    pub fn assign(&mut self, old: &OldSnapshot<'_>) -> Assignment {
        let paths: Vec<&str> = old.paths.iter().map(String::as_str).collect();
        // A slug the old rule would have derived was not chosen by anyone,
        // so the new rule may choose again; any other slug was the user's.
        let chosen = (old.provider != legacy_provider_slug(old.api)).then_some(old.provider);
        let identity = identify_parts(old.api, &paths, chosen, None);
        let known = self.apis.entry(identity.provider.clone()).or_default();
        let placed = known.place(&identity);
        known.record(&placed.name, identity.evidence.paths.clone());
        let provider = identity.provider;
        let taken = |hash: &String| {
            self.hashes
                .contains(&(provider.clone(), placed.name.clone(), hash.clone()))
        };
        let replacement = match fresh_hash(old.document).filter(|hash| !taken(hash)) {
            Some(fresh) => Some(fresh),
            None if taken(&old.content_hash.to_owned()) => Some(content_hash(&Value::String(
                format!("{}:{}", old.content_hash, old.id),
            ))),
            None => None,
        };
        let kept = replacement
            .clone()
            .unwrap_or_else(|| old.content_hash.to_owned());
        self.hashes
            .insert((provider.clone(), placed.name.clone(), kept));
        Assignment {
            provider,
            name: placed.name,
            content_hash: replacement,
            path_keys: identity.evidence.paths,
        }
    }
}

/// The content hash of a document that references no other file.
fn fresh_hash(document: &[u8]) -> Option<String> {
    let (value, _) = parse_bytes("document", document, DEFAULT_MAX_BYTES).ok()?;
    (!has_file_ref(&value)).then(|| content_hash(&value))
}

fn has_file_ref(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| !r.starts_with('#'))
                {
                    return true;
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}
