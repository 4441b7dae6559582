//! Reads OpenAPI 3.x and Swagger 2.0 documents into specdex's normalized model.
//!
//! The pipeline is bytes → [`parse`] (JSON or YAML, by content, with limits)
//! → [`version::detect`] → [`bundle`] (every `$ref` made local, files read
//! through a caller-supplied [`Fetch`]) → [`extract`] (endpoints, schemas,
//! security, servers) with [`validate`] adding warnings for rule breaks.
//!
//! This crate does no I/O of its own and knows nothing about storage: give it
//! bytes and a way to read referenced files, get an [`Api`] back.
//!
//! ```
//! use specdex_spec::{read_api, Base, NoFetch, ReadOptions};
//! let doc = br#"{"openapi": "3.0.3", "info": {"title": "Pets", "version": "1"},
//!   "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#;
//! let read = read_api("pets.json", doc, &Base::Detached, &NoFetch, &ReadOptions::default()).unwrap();
//! assert_eq!(read.api.endpoints[0].key(), "GET /pets");
//! ```

pub mod bundle;
pub mod error;
pub mod extract;
mod flow_depth;
pub mod identity;
pub mod model;
mod parallel;
pub mod parse;
pub mod pointer;
pub mod slug;
pub mod validate;
pub mod version;

pub use bundle::{Base, Fetch, FetchError, NoFetch};
pub use error::SpecError;
pub use model::*;
pub use parallel::{drop_beside, side_by_side};
pub use parse::{DEFAULT_MAX_BYTES, MAX_DEPTH};

/// Limits and permissions for reading one document.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest document or referenced file accepted, in bytes.
    pub max_bytes: u64,
    /// Most files one document may reference (DigitalOcean uses 2,907).
    pub max_files: usize,
    /// Follow `$ref`s to http(s) URLs.
    pub allow_remote_refs: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            max_files: 20_000,
            allow_remote_refs: false,
        }
    }
}

/// Documents from which reading uses a second thread (packing the text
/// beside parsing it, extracting beside validating) and frees the parsed
/// tree on a third: below this, a thread costs more than it saves.
pub const THREADS_FROM_BYTES: usize = 1 << 20;

/// Most warnings kept per document; the rest are counted in one last warning.
pub const MAX_WARNINGS: usize = 200;

/// A document read into the model.
#[derive(Debug)]
pub struct ReadDocument {
    pub api: Api,
    /// SHA-256 (hex) of the document and every file it references.
    pub content_hash: String,
    /// Files and URLs read besides the document itself.
    pub referenced_files: Vec<String>,
}

/// Reads one document: parse, detect, bundle, extract, validate.
///
/// `file` names the document in messages; `base` says where it lives so
/// relative references can be resolved through `fetch`.
pub fn read_api(
    file: &str,
    bytes: &[u8],
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
) -> Result<ReadDocument, SpecError> {
    let parsed = parse::parse_document(file, bytes, options.max_bytes)?;
    let large = bytes.len() >= THREADS_FROM_BYTES;
    read_parsed(file, parsed, large, base, fetch, options)
}

/// [`read_api`] for a caller that keeps the document in another form,
/// compressed say, and frees its text: `beside_parse` is given the text,
/// as pieces that join into it, while it is parsed (on threads of their
/// own, for a large document: see [`parse::parse_owned_document`]), and
/// what it returns comes back with the model. The text is freed once both
/// are done, so text, parsed tree and model are never all held at once.
pub fn read_owned_api<T: Send>(
    file: &str,
    mut bytes: Vec<u8>,
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
    beside_parse: impl FnOnce(&[&[u8]]) -> T + Send,
) -> Result<(ReadDocument, T), SpecError> {
    let large = bytes.len() >= THREADS_FROM_BYTES;
    let (parsed, kept) =
        parse::parse_owned_document(file, &mut bytes, options.max_bytes, large, beside_parse);
    drop(bytes);
    let read = read_parsed(file, parsed?, large, base, fetch, options)?;
    Ok((read, kept))
}

/// Detect, bundle, extract and validate a parsed document; a `large` one
/// on several threads.
fn read_parsed(
    file: &str,
    parsed: parse::Parsed,
    large: bool,
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
) -> Result<ReadDocument, SpecError> {
    let detected = version::detect(file, &parsed.value)?;
    let format = detected.format;
    // A document whose every `$ref` is local is its own bundle: bundling
    // would read nothing and change nothing, so it is skipped and the
    // content hash (the bundle's, of the document alone) is taken beside
    // extracting instead of before it.
    let (mut document, bundle_hash, referenced_files, mut warnings) = if parsed.external_refs {
        let bundled = bundle::bundle(file, parsed.value, base, fetch, options)?;
        let hash = Some(bundled.content_hash);
        (bundled.document, hash, bundled.files, bundled.warnings)
    } else {
        (parsed.value, None, Vec::new(), Vec::new())
    };
    // Extracting and validating read the same tree and nothing else: for a
    // large document they run side by side. Then nothing reads the tree, so
    // the named schemas are moved out of it rather than copied.
    let ((mut api, content_hash), checked) = side_by_side(
        large,
        || {
            let api = extract::extract_all_but_schemas(&document, detected);
            let hash = bundle_hash.unwrap_or_else(|| bundle::content_hash(&document));
            (api, hash)
        },
        || validate::check(&document, format),
    );
    extract::take_schemas(&mut document, &mut api);
    if large {
        // Freeing a large tree (a million nodes for GitHub's 13 MB) takes
        // tens of milliseconds that nobody needs to wait for.
        drop_beside(document);
    }
    warnings.append(&mut api.warnings);
    warnings.extend(checked);
    api.warnings = cap_warnings(warnings);
    Ok(ReadDocument {
        api,
        content_hash,
        referenced_files,
    })
}

fn cap_warnings(mut warnings: Vec<Warning>) -> Vec<Warning> {
    // The same fault found by two passes is reported once.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert((w.pointer.clone(), w.message.clone())));
    if warnings.len() > MAX_WARNINGS {
        let more = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(Warning {
            pointer: String::new(),
            message: format!("… and {more} more warnings"),
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::bundle::tests::Files;

    /// Documents whose `$ref`s are local, external, empty or not strings.
    fn any_document() -> impl Strategy<Value = Value> {
        let reference = prop_oneof![
            Just(json!("#/components/schemas/A")),
            Just(json!("#/paths")),
            Just(json!("other.json#/x")),
            Just(json!("")),
            Just(json!({"$ref": "#/x"})),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(|n| json!(n)),
            "[ -~]{0,8}".prop_map(Value::String),
        ];
        let key = prop_oneof![
            Just("$ref".to_owned()),
            Just("schema".to_owned()),
            Just("get".to_owned()),
            "[a-z/{}]{1,6}",
        ];
        let node = leaf.prop_recursive(4, 48, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..5)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
                reference.clone().prop_map(|target| json!({"$ref": target})),
            ]
        });
        (node.clone(), node).prop_map(|(path, schema)| {
            json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": path}}}}}}},
                "components": {"schemas": {"A": schema}},
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Skipping the bundle for a document whose references are all
        /// local gives what bundling it gives: the same model, warnings,
        /// files and content hash.
        #[test]
        fn a_document_without_external_references_reads_as_its_bundle(document in any_document()) {
            let text = serde_json::to_vec(&document).expect("encodes");
            let fetch = Files(BTreeMap::from([("other.json", r#"{"x": {"type": "string"}}"#)]));
            let base = Base::File("api.json".into());
            let options = ReadOptions::default();
            let read = |force_bundle: bool| {
                let mut parsed = parse::parse_document("api.json", &text, u64::MAX).expect("parses");
                parsed.external_refs |= force_bundle;
                read_parsed("api.json", parsed, false, &base, &fetch, &options)
                    .map(|read| format!("{read:?}"))
                    .map_err(|e| e.to_string())
            };
            prop_assert_eq!(read(false), read(true));
        }
    }
}
