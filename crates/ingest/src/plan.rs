//! Turning what the user named (files, directories, URLs) into a list of
//! documents to ingest.
//!
//! A directory is walked recursively. A file in it is a document when its
//! text has a top-level `openapi` or `swagger` key; files without one are
//! fragments of multi-file specs and are left out, and so is a document that
//! another document in the batch references (it is part of that document).
//! Documents are ordered naturally by path (`1.9/` before `1.10/`), so that
//! in an APIs.guru tree (`APIs/<provider>/<service>/<version>/openapi.yaml`)
//! older versions go in first and the newest becomes current.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One document to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A file, with the root its references must stay inside.
    File { path: PathBuf, root: PathBuf },
    /// An http(s) URL.
    Url(String),
}

impl Job {
    /// The source as the user would recognise it.
    pub fn source(&self) -> String {
        match self {
            Job::File { path, .. } => path.display().to_string(),
            Job::Url(url) => url.clone(),
        }
    }

    /// The document's size in bytes if known before reading it (0 for URLs).
    pub fn size_hint(&self) -> u64 {
        match self {
            Job::File { path, .. } => std::fs::metadata(path).map_or(0, |m| m.len()),
            Job::Url(_) => 0,
        }
    }
}

/// A source that could not be planned (a missing path, say).
#[derive(Debug, Clone)]
pub struct PlanFailure {
    pub source: String,
    pub message: String,
}

/// Expands sources into jobs. `root` overrides the default root (the named
/// directory, or a named file's own directory).
pub fn plan(
    sources: &[String],
    root: Option<&Path>,
    max_bytes: u64,
) -> (Vec<Job>, Vec<PlanFailure>) {
    let mut jobs = Vec::new();
    let mut failures = Vec::new();
    for source in sources {
        let lower = source.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            jobs.push(Job::Url(source.clone()));
            continue;
        }
        let path = PathBuf::from(source);
        let metadata = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                failures.push(PlanFailure {
                    source: source.clone(),
                    message: format!("{source}: {e}"),
                });
                continue;
            }
        };
        if metadata.is_dir() {
            let dir_root = root.map_or_else(|| path.clone(), Path::to_path_buf);
            match documents_in(&path, max_bytes) {
                Ok(found) if found.is_empty() => failures.push(PlanFailure {
                    source: source.clone(),
                    message: format!(
                        "{source}: no OpenAPI or Swagger documents found in this directory"
                    ),
                }),
                Ok(found) => jobs.extend(found.into_iter().map(|path| Job::File {
                    path,
                    root: dir_root.clone(),
                })),
                Err(e) => failures.push(PlanFailure {
                    source: source.clone(),
                    message: format!("{source}: {e}"),
                }),
            }
        } else {
            let file_root = root.map_or_else(|| crate::fs::default_root(&path), Path::to_path_buf);
            jobs.push(Job::File {
                path,
                root: file_root,
            });
        }
    }
    (jobs, failures)
}

/// The documents under `dir`, naturally ordered, minus those another
/// document references. Every file is read to tell documents from the rest
/// (APIs.guru: 3,700 files, 425 MB), on as many threads as there are CPUs.
fn documents_in(dir: &Path, max_bytes: u64) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let sniffed: Vec<(&PathBuf, Sniffed)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    while let Some(file) =
                        files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        found.extend(sniff(dir, file, max_bytes).map(|sniffed| (file, sniffed)));
                    }
                    found
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let referenced: HashSet<&PathBuf> = sniffed.iter().flat_map(|(_, s)| &s.references).collect();
    let mut documents: Vec<PathBuf> = sniffed
        .iter()
        .filter(|(file, s)| s.is_document && !referenced.contains(&lexical(file)))
        .map(|(file, _)| (*file).clone())
        .collect();
    documents.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    Ok(documents)
}

/// What reading a file once tells the plan.
struct Sniffed {
    is_document: bool,
    /// The files its `$ref`s name, joined to its directory, lexical.
    references: Vec<PathBuf>,
}

/// Reads `file` (under `dir`): whether it is a document and which files it
/// references. `None` for a file that cannot be read (skipped).
fn sniff(dir: &Path, file: &Path, max_bytes: u64) -> Option<Sniffed> {
    let metadata = std::fs::metadata(file).ok()?;
    if metadata.len() > max_bytes {
        // Too large to sniff cheaply; let the reader refuse it by name.
        return Some(Sniffed {
            is_document: true,
            references: Vec::new(),
        });
    }
    let bytes = std::fs::read(file).ok()?;
    let dir_of_file = file.parent().unwrap_or(dir);
    Some(Sniffed {
        is_document: is_document(&bytes),
        references: file_refs(&bytes)
            .into_iter()
            .map(|reference| lexical(&dir_of_file.join(reference)))
            .collect(),
    })
}

/// `path` with `.` and `a/..` removed, without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Regular files under `dir`, skipping hidden entries and `node_modules`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "node_modules" {
            continue;
        }
        let file_type = entry.file_type()?;
        let path = entry.path();
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if file_type.is_file() || (file_type.is_symlink() && path.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether the text has a top-level `openapi`/`swagger` key: in JSON any
/// `"openapi":`, in YAML a line starting `openapi:` (Stripe puts it last).
pub fn is_document(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        // Let the reader explain the encoding problem.
        return contains_key_line(&String::from_utf8_lossy(bytes));
    };
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if json {
        memchr::memmem::find(bytes, b"\"openapi\"").is_some()
            || memchr::memmem::find(bytes, b"\"swagger\"").is_some()
    } else {
        contains_key_line(text)
    }
}

fn contains_key_line(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start_matches('\u{feff}');
        [
            "openapi",
            "swagger",
            "\"openapi\"",
            "\"swagger\"",
            "'openapi'",
            "'swagger'",
        ]
        .iter()
        .any(|key| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    })
}

/// File parts of `$ref` values found in the text (`a.yaml#/x` → `a.yaml`),
/// without URLs or local fragments. Searches the bytes: a document is
/// mostly text without references, which is not worth decoding here.
pub fn file_refs(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b"$ref") {
        let rest = &bytes[at + 4..];
        let value = trim_start_bytes(rest, b"\"'");
        let value = trim_start_bytes(value, b" \t\r\n");
        let value = trim_start_bytes(value, b":");
        let value = trim_start_bytes(value, b" \t\r\n");
        let value = trim_start_bytes(value, b"\"'");
        let end = value
            .iter()
            .position(|&c| {
                matches!(c, b'"' | b'\'' | b'#' | b',' | b'}') || c.is_ascii_whitespace()
            })
            .unwrap_or(value.len());
        let file = String::from_utf8_lossy(&value[..end]);
        if !file.is_empty() && !file.contains("://") {
            out.push(file.into_owned());
        }
    }
    out
}

/// `bytes` without the leading bytes that are in `set`.
fn trim_start_bytes<'a>(bytes: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = bytes
        .iter()
        .position(|b| !set.contains(b))
        .unwrap_or(bytes.len());
    &bytes[start..]
}

/// Compares strings with digit runs as numbers: `v2` < `v10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let an = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let bn = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                let (ad, bd) = (
                    a[..an].trim_start_matches('0'),
                    b[..bn].trim_start_matches('0'),
                );
                let order = ad.len().cmp(&bd.len()).then_with(|| ad.cmp(bd));
                if order != Ordering::Equal {
                    return order;
                }
                a = &a[an..];
                b = &b[bn..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a = &a[x.len_utf8()..];
                b = &b[y.len_utf8()..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_sniffed_by_content() {
        assert!(is_document(b"{\"swagger\": \"2.0\"}"));
        assert!(is_document(b"info:\n  title: x\nopenapi: 3.0.0\n"));
        assert!(is_document(b"'openapi' : 3.1.0\n"));
        assert!(!is_document(
            b"type: object\nproperties:\n  openapi_version: {}\n"
        ));
        assert!(!is_document(b"Error:\n  type: object\n"));
    }

    #[test]
    fn refs_are_found_in_json_and_yaml() {
        let yaml =
            b"a:\n  $ref: '../common/Error.yaml'\nb:\n  $ref: \"#/local\"\nc: {$ref: x.yml#/y}\n";
        assert_eq!(file_refs(yaml), ["../common/Error.yaml", "x.yml"]);
        let json = br#"{"a": {"$ref": "defs.json#/A"}, "b": {"$ref": "https://x/y.json"}}"#;
        assert_eq!(file_refs(json), ["defs.json"]);
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["a/1.10/x", "a/1.9/x", "a/1.2.3/x", "b", "a/10/x"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a/1.2.3/x", "a/1.9/x", "a/1.10/x", "a/10/x", "b"]);
    }

    #[test]
    fn referenced_documents_and_fragments_are_left_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write(
            "main.yaml",
            "openapi: 3.0.0\npaths:\n  /a:\n    $ref: 'paths/a.yaml'\n",
        );
        write(
            "paths/a.yaml",
            "get: {responses: {'200': {description: ok}}}\n",
        );
        write(
            "other/openapi.yaml",
            "openapi: 3.0.0\ncomponents:\n  schemas:\n    X: {$ref: '../shared/whole.yaml'}\n",
        );
        write(
            "shared/whole.yaml",
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\n",
        );
        let (jobs, failures) = plan(&[dir.path().display().to_string()], None, 1 << 20);
        assert!(failures.is_empty());
        let names: Vec<String> = jobs
            .iter()
            .map(|j| match j {
                Job::File { path, .. } => path
                    .strip_prefix(dir.path())
                    .expect("inside")
                    .display()
                    .to_string(),
                Job::Url(u) => u.clone(),
            })
            .collect();
        assert_eq!(names, ["main.yaml", "other/openapi.yaml"]);
    }
}
