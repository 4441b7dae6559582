//! Bundling: one self-contained document from a document and the files it
//! references.
//!
//! Every `$ref` into another file is rewritten to a local reference
//! `#/x-specdex-bundle/<name>`, and the target (itself rewritten the same way,
//! relative to its own file) is stored once under that name. Local references
//! of the root document are left alone. After bundling, every reference in
//! the document is local, so the extractor and the query engine never touch a
//! file again, and cycles across files are just local cycles.
//!
//! Safety: a file reference is resolved lexically against the referencing
//! file and must stay inside the ingest root; one that leaves it refuses the
//! whole document. Reading is delegated to a [`Fetch`] implementation, which
//! must also refuse paths that escape the root through symbolic links. Remote
//! references are followed only when [`ReadOptions::allow_remote_refs`] is set.
//! A reference that cannot be followed for an innocent reason (missing file,
//! missing pointer, remote refs off) stays as written and becomes a warning.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::ReadOptions;
use crate::error::SpecError;
use crate::model::Warning;
use crate::parse::parse_bytes;
use crate::pointer::{self, BUNDLE_KEY};

/// Where a document came from, which decides how its relative references resolve.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Base {
    /// A file, by its path relative to the ingest root (normalized, no `..`).
    File(PathBuf),
    /// A document fetched from an http(s) URL.
    Url(String),
    /// A document with no location (uploaded): it may not reference files.
    Detached,
}

/// Why a referenced file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// It does not exist: the reference dangles (a warning).
    NotFound(String),
    /// Reading it would break a safety rule (a symlink out of the root, a
    /// forbidden URL): the document is refused.
    Forbidden(String),
    /// Any other failure to read it (a warning).
    Failed(String),
}

/// Reads the files and URLs a document references. The spec crate does no
/// I/O of its own; the ingest layer supplies this.
pub trait Fetch {
    /// Reads a file given by its path relative to the ingest root.
    fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError>;
    /// Reads an http(s) URL (only called when remote refs are allowed).
    fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError>;
}

/// A [`Fetch`] that reads nothing: for documents with no location.
pub struct NoFetch;

impl Fetch for NoFetch {
    fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError> {
        Err(FetchError::Forbidden(format!(
            "{} cannot be read: this document has no location",
            relative.display()
        )))
    }
    fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        Err(FetchError::Forbidden(format!("{url} cannot be fetched")))
    }
}

/// The result of bundling.
#[derive(Debug)]
pub struct Bundled {
    /// The root document with [`BUNDLE_KEY`] holding external targets.
    pub document: Value,
    /// SHA-256 (hex) over the root's parsed content and every file read, in
    /// read order (see [`hash_value`]).
    pub content_hash: String,
    /// The files and URLs read besides the root, as named in the bundle.
    pub files: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Bundles `document` (read from `base`, named `file` in messages).
pub fn bundle(
    file: &str,
    document: Value,
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
) -> Result<Bundled, SpecError> {
    let mut hasher = Sha256::new();
    hash_value(&mut hasher, &document);
    let mut bundler = Bundler {
        file,
        root: base.clone(),
        fetch,
        options,
        docs: HashMap::new(),
        hasher,
        files: Vec::new(),
        entries: Map::new(),
        queue: VecDeque::new(),
        queued: HashSet::new(),
        warnings: Vec::new(),
    };
    let mut document = document;
    bundler.rewrite(&mut document, base, None)?;
    while let Some(job) = bundler.queue.pop_front() {
        let Some(Some(doc)) = bundler.docs.get(&job.doc) else {
            continue;
        };
        let Some(target) = pointer::resolve(doc, &job.fragment) else {
            continue;
        };
        let mut target = target.clone();
        bundler.rewrite(&mut target, &job.doc, None)?;
        bundler.entries.insert(job.name, target);
    }
    if !bundler.entries.is_empty()
        && let Value::Object(root) = &mut document
    {
        root.insert(BUNDLE_KEY.to_owned(), Value::Object(bundler.entries));
    }
    Ok(Bundled {
        document,
        content_hash: hex(&bundler.hasher.finalize()),
        files: bundler.files,
        warnings: bundler.warnings,
    })
}

/// Feeds `value` to `hasher` in a form that depends only on the parsed
/// content: the same document re-indented, or converted between JSON and
/// YAML, hashes the same. Keys stay in document order, which listings show.
/// Iterative, so the work is linear in the value whatever its depth.
pub fn hash_value(hasher: &mut Sha256, value: &Value) {
    enum Item<'a> {
        Value(&'a Value),
        Key(&'a str),
    }
    let mut feed = Feed {
        hasher,
        buffer: Vec::with_capacity(FEED_BUFFER),
        digits: String::new(),
    };
    let mut stack = vec![Item::Value(value)];
    while let Some(item) = stack.pop() {
        match item {
            Item::Key(key) => feed.text(b'k', key),
            Item::Value(Value::Null) => feed.bytes(b"n"),
            Item::Value(Value::Bool(b)) => feed.bytes(if *b { b"t" } else { b"f" }),
            Item::Value(Value::Number(n)) => feed.number(n),
            Item::Value(Value::String(s)) => feed.text(b's', s),
            Item::Value(Value::Array(items)) => {
                feed.open(b'[', items.len());
                stack.extend(items.iter().rev().map(Item::Value));
            }
            Item::Value(Value::Object(map)) => {
                feed.open(b'{', map.len());
                // Reversed, so that each key comes out just before its value
                // and the entries in document order.
                for (key, value) in map.iter().rev() {
                    stack.push(Item::Value(value));
                    stack.push(Item::Key(key));
                }
            }
        }
    }
    feed.flush();
}

/// Bytes gathered before the hasher is given them: it takes a few bytes at
/// a time (a tag, a length, a word) at a cost per call that was most of
/// the hashing (GitHub's spec: a million strings, three calls each).
const FEED_BUFFER: usize = 64 * 1024;

/// What [`hash_value`] writes to the hasher, gathered into large updates:
/// the hash of a stream does not depend on how it is cut.
struct Feed<'h> {
    hasher: &'h mut Sha256,
    buffer: Vec<u8>,
    /// A number's text, made here rather than in a new string each time.
    digits: String,
}

impl Feed<'_> {
    fn bytes(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > FEED_BUFFER {
            self.flush();
        }
        if bytes.len() > FEED_BUFFER {
            self.hasher.update(bytes);
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }

    fn open(&mut self, tag: u8, len: usize) {
        self.bytes(&[tag]);
        self.bytes(&(len as u64).to_le_bytes());
    }

    fn text(&mut self, tag: u8, text: &str) {
        self.open(tag, text.len());
        self.bytes(text.as_bytes());
    }

    fn number(&mut self, number: &serde_json::Number) {
        use std::fmt::Write;
        let mut digits = std::mem::take(&mut self.digits);
        digits.clear();
        // Writing to a String cannot fail.
        let _ = write!(digits, "{number}");
        self.text(b'#', &digits);
        self.digits = digits;
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buffer);
        self.buffer.clear();
    }
}

/// Lower-case hex SHA-256 of a parsed document alone, as [`bundle`] would
/// compute it for a document that references no other file.
pub fn content_hash(document: &Value) -> String {
    let mut hasher = Sha256::new();
    hash_value(&mut hasher, document);
    hex(&hasher.finalize())
}

struct Job {
    name: String,
    doc: Base,
    fragment: String,
}

/// One step of the path from the document root to the node being visited;
/// a linked list on the stack, so the pointer is only built when needed.
struct Crumb<'a> {
    parent: Option<&'a Crumb<'a>>,
    token: Token<'a>,
}

enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer_of(crumb: Option<&Crumb<'_>>) -> String {
    let mut tokens = Vec::new();
    let mut at = crumb;
    while let Some(c) = at {
        tokens.push(match c.token {
            Token::Key(k) => pointer::escape(k),
            Token::Index(i) => i.to_string(),
        });
        at = c.parent;
    }
    tokens.iter().rev().map(|t| format!("/{t}")).collect()
}

enum RefAction {
    Keep,
    Rewrite(String),
    Inline(Value),
}

struct Bundler<'a> {
    file: &'a str,
    root: Base,
    fetch: &'a dyn Fetch,
    options: &'a ReadOptions,
    /// Loaded documents; `None` for one that failed (already warned about).
    docs: HashMap<Base, Option<Value>>,
    hasher: Sha256,
    files: Vec<String>,
    entries: Map<String, Value>,
    queue: VecDeque<Job>,
    queued: HashSet<String>,
    warnings: Vec<Warning>,
}

impl Bundler<'_> {
    fn rewrite(
        &mut self,
        value: &mut Value,
        base: &Base,
        crumb: Option<&Crumb<'_>>,
    ) -> Result<(), SpecError> {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    match self.visit_ref(&reference, base, crumb)? {
                        RefAction::Keep => {}
                        RefAction::Rewrite(local) => {
                            map.insert("$ref".to_owned(), Value::String(local));
                        }
                        RefAction::Inline(target) => {
                            *value = target;
                            return Ok(());
                        }
                    }
                }
                for (key, child) in map.iter_mut() {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        let here = Crumb {
                            parent: crumb,
                            token: Token::Key(key),
                        };
                        self.rewrite(child, base, Some(&here))?;
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        let here = Crumb {
                            parent: crumb,
                            token: Token::Index(index),
                        };
                        self.rewrite(child, base, Some(&here))?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn warn(&mut self, base: &Base, crumb: Option<&Crumb<'_>>, message: String) {
        let pointer = pointer_of(crumb);
        let pointer = if *base == self.root {
            pointer
        } else {
            format!("{}#{pointer}", display(base))
        };
        self.warnings.push(Warning { pointer, message });
    }

    fn visit_ref(
        &mut self,
        reference: &str,
        base: &Base,
        crumb: Option<&Crumb<'_>>,
    ) -> Result<RefAction, SpecError> {
        let (doc_part, fragment) = pointer::split_ref(reference);
        let target_doc = if doc_part.is_empty() {
            if *base == self.root {
                return Ok(RefAction::Keep);
            }
            base.clone()
        } else {
            match self.locate(doc_part, base, reference, crumb)? {
                Some(doc) => doc,
                None => return Ok(RefAction::Keep),
            }
        };
        if target_doc == self.root {
            return Ok(RefAction::Rewrite(format!("#{fragment}")));
        }
        if !self.load(&target_doc)? {
            self.warn(
                base,
                crumb,
                format!(
                    "dangling $ref \"{reference}\": {} could not be read",
                    display(&target_doc)
                ),
            );
            return Ok(RefAction::Keep);
        }
        let Some((target_doc, fragment)) = self.resolve_across(&target_doc, fragment, crumb)?
        else {
            self.warn(
                base,
                crumb,
                format!(
                    "dangling $ref \"{reference}\": no such location in {}",
                    display(&target_doc)
                ),
            );
            if doc_part.is_empty() {
                // Left as written, `#/a` inside another file would now name
                // `/a` of the root document. Name the file instead, so every
                // reader sees a reference that was not followed.
                return Ok(RefAction::Rewrite(format!(
                    "{}#{fragment}",
                    display(&target_doc)
                )));
            }
            return Ok(RefAction::Keep);
        };
        if target_doc == self.root {
            return Ok(RefAction::Rewrite(format!("#{fragment}")));
        }
        let resolved = self
            .docs
            .get(&target_doc)
            .and_then(Option::as_ref)
            .and_then(|doc| pointer::resolve(doc, &fragment));
        let Some(target) = resolved else {
            return Ok(RefAction::Keep);
        };
        if !matches!(target, Value::Object(_) | Value::Array(_)) {
            // `description: {$ref: description.yml#/intro}`: inline text.
            return Ok(RefAction::Inline(target.clone()));
        }
        let name = if fragment.is_empty() || fragment == "/" {
            display(&target_doc)
        } else {
            format!("{}#{fragment}", display(&target_doc))
        };
        if self.queued.insert(name.clone()) {
            self.queue.push_back(Job {
                name: name.clone(),
                doc: target_doc,
                fragment,
            });
        }
        // `%` is escaped so that percent-decoding the fragment gives the name back.
        Ok(RefAction::Rewrite(format!(
            "#/{BUNDLE_KEY}/{}",
            pointer::escape(&name).replace('%', "%25")
        )))
    }

    /// Finds `fragment` in the loaded document `doc`, following references
    /// met on the way, into other files too (swagger-parser's
    /// `#/properties/first/type` where `first` is a `$ref` to another file).
    /// Returns the document and fragment where the target really lives, or
    /// `None` if it cannot be found (a hop back into the root document is
    /// not followed).
    fn resolve_across(
        &mut self,
        doc: &Base,
        fragment: &str,
        crumb: Option<&Crumb<'_>>,
    ) -> Result<Option<(Base, String)>, SpecError> {
        const MAX_HOPS: usize = 32;
        let mut doc = doc.clone();
        let mut tokens = pointer::tokens(fragment);
        for hop in 0..MAX_HOPS {
            let step = match self.docs.get(&doc) {
                Some(Some(value)) => walk_tokens(value, &tokens),
                _ => return Ok(None),
            };
            let (index, reference) = match step {
                Walk::Found if hop == 0 => return Ok(Some((doc, fragment.to_owned()))),
                Walk::Found => {
                    let joined = pointer::join(tokens.iter().map(String::as_str));
                    return Ok(Some((doc, joined.replace('%', "%25"))));
                }
                Walk::Missing => return Ok(None),
                Walk::Redirect(index, reference) => (index, reference),
            };
            let (doc_part, target_fragment) = pointer::split_ref(&reference);
            let next_doc = if doc_part.is_empty() {
                doc.clone()
            } else {
                match self.locate(doc_part, &doc, &reference, crumb)? {
                    Some(next) if next != self.root => next,
                    _ => return Ok(None),
                }
            };
            if !self.load(&next_doc)? {
                return Ok(None);
            }
            let mut next_tokens = pointer::tokens(target_fragment);
            next_tokens.extend(tokens.drain(index..));
            tokens = next_tokens;
            doc = next_doc;
        }
        Ok(None)
    }

    /// Resolves the document part of a reference against `base`.
    /// `Ok(None)`: not followed (warned). `Err`: the document is refused.
    fn locate(
        &mut self,
        doc_part: &str,
        base: &Base,
        reference: &str,
        crumb: Option<&Crumb<'_>>,
    ) -> Result<Option<Base>, SpecError> {
        let lower = doc_part.to_ascii_lowercase();
        let is_remote = lower.starts_with("http://") || lower.starts_with("https://");
        let has_scheme = doc_part
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
        if is_remote || matches!(base, Base::Url(_)) {
            let url = match base {
                Base::Url(b) if !is_remote => join_url(b, doc_part),
                _ => doc_part.to_owned(),
            };
            if !self.options.allow_remote_refs {
                self.warn(
                    base,
                    crumb,
                    format!(
                        "remote $ref \"{reference}\" not followed (remote references are off; allow them with --allow-remote-refs)"
                    ),
                );
                return Ok(None);
            }
            return Ok(Some(Base::Url(url)));
        }
        if has_scheme {
            if lower.starts_with("file:") {
                return Err(self.outside_root(reference, base, crumb));
            }
            self.warn(
                base,
                crumb,
                format!("$ref \"{reference}\" uses an unsupported URI scheme; not followed"),
            );
            return Ok(None);
        }
        let Base::File(from) = base else {
            self.warn(
                base,
                crumb,
                format!("$ref \"{reference}\" names a file, but this document has no location; not followed"),
            );
            return Ok(None);
        };
        let decoded = percent_encoding::percent_decode_str(doc_part).decode_utf8_lossy();
        let dir = from.parent().unwrap_or(Path::new(""));
        match normalize_within(dir, Path::new(decoded.as_ref())) {
            Some(path) => Ok(Some(Base::File(path))),
            None => Err(self.outside_root(reference, base, crumb)),
        }
    }

    fn outside_root(&self, reference: &str, base: &Base, crumb: Option<&Crumb<'_>>) -> SpecError {
        let pointer = pointer_of(crumb);
        SpecError::RefOutsideRoot {
            file: self.file.to_owned(),
            pointer: if *base == self.root {
                pointer
            } else {
                format!("{}#{pointer}", display(base))
            },
            reference: reference.to_owned(),
            root: "the ingest root".to_owned(),
        }
    }

    /// Makes sure `doc` is loaded; `Ok(false)` if it could not be (innocently).
    fn load(&mut self, doc: &Base) -> Result<bool, SpecError> {
        if let Some(loaded) = self.docs.get(doc) {
            return Ok(loaded.is_some());
        }
        if self.docs.len() >= self.options.max_files {
            return Err(SpecError::Refused {
                file: self.file.to_owned(),
                reason: format!(
                    "references more than {} files; refusing the document",
                    self.options.max_files
                ),
            });
        }
        let name = display(doc);
        let fetched = match doc {
            Base::File(path) => self.fetch.read_file(path),
            Base::Url(url) => self.fetch.read_url(url),
            Base::Detached => Err(FetchError::NotFound(name.clone())),
        };
        let bytes = match fetched {
            Ok(bytes) => bytes,
            Err(FetchError::Forbidden(reason)) => {
                return Err(SpecError::Refused {
                    file: self.file.to_owned(),
                    reason: format!("$ref to {name}: {reason}"),
                });
            }
            Err(FetchError::NotFound(_) | FetchError::Failed(_)) => {
                self.docs.insert(doc.clone(), None);
                return Ok(false);
            }
        };
        self.hasher.update(name.as_bytes());
        self.hasher.update([0]);
        self.files.push(name.clone());
        match parse_bytes(&name, &bytes, self.options.max_bytes) {
            Ok((value, _)) => {
                hash_value(&mut self.hasher, &value);
                self.docs.insert(doc.clone(), Some(value));
                Ok(true)
            }
            Err(
                err @ (SpecError::TooLarge { .. }
                | SpecError::TooDeep { .. }
                | SpecError::AliasBomb { .. }),
            ) => Err(SpecError::Refused {
                file: self.file.to_owned(),
                reason: format!("referenced file refused: {err}"),
            }),
            Err(err) => {
                self.hasher.update(&bytes);
                self.warnings.push(Warning {
                    pointer: String::new(),
                    message: format!("referenced file unreadable: {err}"),
                });
                self.docs.insert(doc.clone(), None);
                Ok(false)
            }
        }
    }
}

/// How far a pointer got in one document.
enum Walk {
    /// Every token was found.
    Found,
    /// Token `.0` is missing from an object that is a reference (`.1`).
    Redirect(usize, String),
    /// A token is missing and there is no reference to follow.
    Missing,
}

fn walk_tokens(root: &Value, tokens: &[String]) -> Walk {
    let mut current = root;
    for (index, token) in tokens.iter().enumerate() {
        let next = match current {
            Value::Object(map) => map.get(token.as_str()),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        current = match next {
            Some(next) => next,
            None => {
                return match current.get("$ref").and_then(Value::as_str) {
                    Some(reference) => Walk::Redirect(index, reference.to_owned()),
                    None => Walk::Missing,
                };
            }
        };
    }
    Walk::Found
}

/// Joins `relative` onto directory `dir` lexically; `None` if the result
/// would leave the root (too many `..`, or an absolute path).
pub fn normalize_within(dir: &Path, relative: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in dir.components().chain(relative.components()) {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

fn join_url(base: &str, relative: &str) -> String {
    let without_query = base.split(['?', '#']).next().unwrap_or(base);
    let dir = without_query
        .rfind('/')
        .map_or(without_query, |i| &without_query[..=i]);
    if let Some(rooted) = relative.strip_prefix('/') {
        let origin_end = dir
            .find("://")
            .and_then(|s| dir[s + 3..].find('/').map(|i| s + 3 + i))
            .unwrap_or(dir.len());
        return format!("{}/{rooted}", &dir[..origin_end]);
    }
    let mut url = format!("{dir}{relative}");
    while let Some(i) = url.find("/../") {
        let head = &url[..i];
        let cut = head.rfind('/').map_or(i, |j| j);
        url = format!("{}{}", &url[..cut], &url[i + 3..]);
    }
    url.replace("/./", "/")
}

fn display(doc: &Base) -> String {
    match doc {
        Base::File(path) => path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Base::Url(url) => url.clone(),
        Base::Detached => "(uploaded document)".to_owned(),
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    /// The content hash is stored with every snapshot and compared with
    /// the hash of every later ingest: its value for a given content must
    /// never change, or identical content would be stored again.
    #[test]
    fn the_content_hash_of_a_document_is_fixed() {
        let long = "x".repeat(100_000);
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "Pets ü", "version": 1, "x-n": [-1, 2.5, 1e300, true, false, null]},
            "paths": {"/pets": {"get": {"description": long, "responses": {}}}},
            "": [[], {}, ""],
        });
        assert_eq!(
            content_hash(&document),
            "8e312d55c1a7d59b27a19b54d8e6786b9574a9b52c56850f43baaaefe56418c5"
        );
    }

    /// An in-memory tree of files.
    pub(crate) struct Files(pub(crate) BTreeMap<&'static str, &'static str>);

    impl Fetch for Files {
        fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError> {
            let key = relative.to_string_lossy();
            self.0
                .get(key.as_ref())
                .map(|s| s.as_bytes().to_vec())
                .ok_or_else(|| FetchError::NotFound(key.into_owned()))
        }
        fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
            Err(FetchError::NotFound(url.to_owned()))
        }
    }

    fn run(
        files: &[(&'static str, &'static str)],
        root: &'static str,
    ) -> Result<Bundled, SpecError> {
        let fs = Files(files.iter().copied().collect());
        let bytes = fs.0[root].as_bytes();
        let (doc, _) = parse_bytes(root, bytes, 1 << 20)?;
        bundle(
            root,
            doc,
            &Base::File(PathBuf::from(root)),
            &fs,
            &ReadOptions::default(),
        )
    }

    #[test]
    fn normalize_within_stays_inside() {
        assert_eq!(
            normalize_within(Path::new("spec"), Path::new("../common/e.yaml")),
            Some(PathBuf::from("common/e.yaml"))
        );
        assert_eq!(
            normalize_within(Path::new("spec"), Path::new("../../etc/passwd")),
            None
        );
        assert_eq!(
            normalize_within(Path::new(""), Path::new("/etc/passwd")),
            None
        );
        assert_eq!(
            normalize_within(Path::new("a"), Path::new("./b/../c.yml")),
            Some(PathBuf::from("a/c.yml"))
        );
    }

    #[test]
    fn external_refs_become_local_bundle_entries() {
        let out = run(
            &[
                ("spec/api.yaml", "paths:\n  /a:\n    $ref: 'paths/a.yaml'\ncomponents:\n  schemas:\n    E:\n      $ref: '../common/e.yaml#/Error'\n"),
                ("spec/paths/a.yaml", "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: '../../common/e.yaml#/Error'\n"),
                ("common/e.yaml", "Error:\n  type: object\n  properties:\n    next:\n      $ref: '#/Error'\n"),
            ],
            "spec/api.yaml",
        )
        .expect("bundles");
        let doc = &out.document;
        assert_eq!(
            doc["paths"]["/a"]["$ref"],
            "#/x-specdex-bundle/spec~1paths~1a.yaml"
        );
        assert_eq!(
            doc["components"]["schemas"]["E"]["$ref"],
            "#/x-specdex-bundle/common~1e.yaml#~1Error"
        );
        let bundle = &doc[BUNDLE_KEY];
        // The self-reference inside the external file is rewritten too: a
        // cycle across files becomes a local cycle, not an infinite inline.
        assert_eq!(
            bundle["common/e.yaml#/Error"]["properties"]["next"]["$ref"],
            "#/x-specdex-bundle/common~1e.yaml#~1Error"
        );
        assert_eq!(out.files, ["spec/paths/a.yaml", "common/e.yaml"]);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn refs_leaving_the_root_refuse_the_document() {
        let err = run(
            &[("api.yaml", "a:\n  $ref: '../../etc/passwd'\n")],
            "api.yaml",
        )
        .expect_err("refused");
        assert!(
            matches!(err, SpecError::RefOutsideRoot { ref pointer, .. } if pointer == "/a"),
            "{err}"
        );
        let err = run(
            &[("api.yaml", "a:\n  $ref: 'file:///etc/passwd'\n")],
            "api.yaml",
        )
        .expect_err("refused");
        assert!(matches!(err, SpecError::RefOutsideRoot { .. }), "{err}");
    }

    #[test]
    fn dangling_and_remote_refs_are_warnings() {
        let out = run(
            &[(
                "api.yaml",
                "a:\n  $ref: 'missing.yaml'\nb:\n  $ref: 'https://example.com/x.json'\n",
            )],
            "api.yaml",
        )
        .expect("lenient");
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert!(out.warnings[0].message.contains("missing.yaml"));
        assert!(out.warnings[1].message.contains("remote"));
        assert_eq!(out.document["a"]["$ref"], "missing.yaml");
    }

    #[test]
    fn dangling_local_refs_in_other_files_do_not_point_into_the_root() {
        let out = run(
            &[
                ("api.yaml", "nope: {type: string}\na:\n  $ref: 'b.yaml'\n"),
                ("b.yaml", "x:\n  $ref: '#/nope'\n"),
            ],
            "api.yaml",
        )
        .expect("lenient");
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert_eq!(
            out.document[BUNDLE_KEY]["b.yaml"]["x"]["$ref"],
            "b.yaml#/nope"
        );
    }

    #[test]
    fn pointers_through_references_into_other_files_are_followed() {
        // swagger-parser's deep-circular: `first` is a reference to another
        // file, and the pointer goes on inside that file.
        let out = run(
            &[
                ("api.yaml", "a:\n  $ref: 'defs/name.yaml'\n"),
                (
                    "defs/name.yaml",
                    "properties:\n  first:\n    $ref: 'string.yaml'\n  middle:\n    enum:\n      - $ref: '#/properties/first/type'\n      - $ref: '#/properties/first/x'\n",
                ),
                ("defs/string.yaml", "type: string\nx: {y: 1}\n"),
            ],
            "api.yaml",
        )
        .expect("bundles");
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let name = &out.document[BUNDLE_KEY]["defs/name.yaml"];
        assert_eq!(name["properties"]["middle"]["enum"][0], json!("string"));
        assert_eq!(
            name["properties"]["middle"]["enum"][1]["$ref"],
            "#/x-specdex-bundle/defs~1string.yaml#~1x"
        );
        assert_eq!(
            out.document[BUNDLE_KEY]["defs/string.yaml#/x"],
            json!({"y": 1})
        );
    }

    #[test]
    fn scalar_targets_are_inlined() {
        let out = run(
            &[
                (
                    "api.yaml",
                    "tags:\n  - name: t\n    description:\n      $ref: 'd.yml#/intro'\n",
                ),
                ("d.yml", "intro: Hello\n"),
            ],
            "api.yaml",
        )
        .expect("bundles");
        assert_eq!(out.document["tags"][0]["description"], json!("Hello"));
    }

    #[test]
    fn hash_covers_referenced_files() {
        let a = run(
            &[
                ("api.yaml", "a:\n  $ref: 'b.yaml'\n"),
                ("b.yaml", "x: {y: 1}\n"),
            ],
            "api.yaml",
        )
        .expect("a");
        let b = run(
            &[
                ("api.yaml", "a:\n  $ref: 'b.yaml'\n"),
                ("b.yaml", "x: {y: 2}\n"),
            ],
            "api.yaml",
        )
        .expect("b");
        assert_ne!(a.content_hash, b.content_hash);
    }

    #[test]
    fn hash_is_of_content_not_bytes() {
        let hash = |files: &[(&'static str, &'static str)]| {
            run(files, "api.yaml").expect("bundles").content_hash
        };
        let yaml = hash(&[
            ("api.yaml", "a:\n  b: [1, 'x']\n  c: {$ref: 'b.yaml'}\n"),
            ("b.yaml", "y: 1\n"),
        ]);
        let json = hash(&[
            (
                "api.yaml",
                "{\"a\": {\"b\": [1, \"x\"],\n \"c\": {\"$ref\": \"b.yaml\"}}}",
            ),
            ("b.yaml", "{\"y\":  1}"),
        ]);
        assert_eq!(yaml, json);
        let reordered = hash(&[
            ("api.yaml", "a:\n  c: {$ref: 'b.yaml'}\n  b: [1, 'x']\n"),
            ("b.yaml", "y: 1\n"),
        ]);
        assert_ne!(yaml, reordered, "order is content: listings follow it");
        let key_or_value = hash(&[("api.yaml", "ab: c\n"), ("b.yaml", "")]);
        assert_ne!(
            key_or_value,
            hash(&[("api.yaml", "a: bc\n"), ("b.yaml", "")])
        );
    }

    #[test]
    fn url_join() {
        assert_eq!(
            join_url("https://h/a/b/spec.yaml", "../c.yaml"),
            "https://h/a/c.yaml"
        );
        assert_eq!(
            join_url("https://h/a/spec.yaml", "/x.yaml"),
            "https://h/x.yaml"
        );
        assert_eq!(
            join_url("https://h/a/spec.yaml", "./x.yaml"),
            "https://h/a/x.yaml"
        );
    }
}
