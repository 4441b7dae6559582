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
pub use parallel::side_by_side;
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

/// Documents from which reading uses a second thread (extract beside
/// validate) and frees the parsed tree on a third: below this, a thread
/// costs more than it saves.
const THREADS_FROM_BYTES: usize = 1 << 20;

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
    let (document, _) = parse::parse_bytes(file, bytes, options.max_bytes)?;
    let large = bytes.len() >= THREADS_FROM_BYTES;
    read_parsed(file, document, large, base, fetch, options)
}

/// [`read_api`] for a caller that gives the document's bytes away: they are
/// handed to `after_parse` as soon as they are parsed (on a second thread,
/// beside the rest of the reading, for a large document), and what it
/// returns comes back with the model. A caller that keeps the document in
/// another form, compressed say, so never holds its text, its parsed tree
/// and its model all at once.
pub fn read_owned_api<T: Send>(
    file: &str,
    bytes: Vec<u8>,
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
    after_parse: impl FnOnce(Vec<u8>) -> T + Send,
) -> Result<(ReadDocument, T), SpecError> {
    let (document, _) = parse::parse_bytes(file, &bytes, options.max_bytes)?;
    let large = bytes.len() >= THREADS_FROM_BYTES;
    let (read, kept) = side_by_side(
        large,
        || read_parsed(file, document, large, base, fetch, options),
        || after_parse(bytes),
    );
    Ok((read?, kept))
}

/// Detect, bundle, extract and validate a parsed document; a `large` one
/// on several threads.
fn read_parsed(
    file: &str,
    document: serde_json::Value,
    large: bool,
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
) -> Result<ReadDocument, SpecError> {
    let detected = version::detect(file, &document)?;
    let format = detected.format;
    let bundled = bundle::bundle(file, document, base, fetch, options)?;
    let mut document = bundled.document;
    // Extracting and validating read the same tree and nothing else: for a
    // large document they run side by side. Then nothing reads the tree, so
    // the named schemas are moved out of it rather than copied.
    let (mut api, checked) = side_by_side(
        large,
        || extract::extract_all_but_schemas(&document, detected),
        || validate::check(&document, format),
    );
    extract::take_schemas(&mut document, &mut api);
    if large {
        // Freeing a large tree (a million nodes for GitHub's 13 MB) takes
        // tens of milliseconds that nobody needs to wait for.
        std::thread::spawn(move || drop(document));
    }
    let mut warnings = bundled.warnings;
    warnings.append(&mut api.warnings);
    warnings.extend(checked);
    api.warnings = cap_warnings(warnings);
    Ok(ReadDocument {
        api,
        content_hash: bundled.content_hash,
        referenced_files: bundled.files,
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
