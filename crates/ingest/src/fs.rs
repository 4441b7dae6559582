//! Reading documents and the files they reference from disk, confined to a root.

use std::path::{Path, PathBuf};

use specdex_spec::{Base, Fetch, FetchError, ReadDocument, ReadOptions, SpecError};

use crate::http::HttpClient;

/// Reads referenced files under `root` and nowhere else.
///
/// The spec crate already refuses references that leave the root lexically
/// (`../../etc/passwd`); this also refuses a path inside the root that
/// resolves, through a symbolic link, to a file outside it.
pub struct RootedFetch {
    root: PathBuf,
    max_bytes: u64,
    http: Option<HttpClient>,
}

impl RootedFetch {
    /// `root` must exist; it is canonicalized once here. Files over
    /// `max_bytes` are refused before they are read.
    pub fn new(root: &Path, max_bytes: u64, http: Option<HttpClient>) -> std::io::Result<Self> {
        Ok(RootedFetch {
            root: root.canonicalize()?,
            max_bytes,
            http,
        })
    }

    /// The canonical root.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Fetch for RootedFetch {
    fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError> {
        let joined = self.root.join(relative);
        let real = match joined.canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FetchError::NotFound(relative.display().to_string()));
            }
            Err(e) => return Err(FetchError::Failed(format!("{}: {e}", relative.display()))),
        };
        if !real.starts_with(&self.root) {
            return Err(FetchError::Forbidden(format!(
                "{} resolves (through a symbolic link) to {}, outside the ingest root {}",
                relative.display(),
                real.display(),
                self.root.display()
            )));
        }
        read_document_bytes(&real, self.max_bytes).map_err(|e| match e {
            SpecError::TooLarge { .. } => FetchError::Forbidden(e.to_string()),
            other => FetchError::Failed(other.to_string()),
        })
    }

    fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        match &self.http {
            Some(http) => http.get(url).map_err(|e| FetchError::Failed(e.to_string())),
            None => Err(FetchError::Forbidden(format!(
                "{url}: remote references are off"
            ))),
        }
    }
}

/// The root a file's references may use when the caller names none: the
/// file's own directory.
pub fn default_root(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads the document at `path`, resolving file references inside `root`.
pub fn read_path(
    path: &Path,
    root: &Path,
    options: &ReadOptions,
    http: Option<HttpClient>,
) -> Result<ReadDocument, SpecError> {
    let bytes = read_document_bytes(path, options.max_bytes)?;
    read_bytes_at(path, root, &bytes, options, http)
}

/// Reads a document file, refusing one over `max_bytes` before reading it.
pub fn read_document_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, SpecError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| SpecError::Refused {
            file: file.clone(),
            reason: format!("cannot read: {e}"),
        })?
        .len();
    if size > max_bytes {
        return Err(SpecError::TooLarge {
            file,
            size,
            limit: max_bytes,
        });
    }
    std::fs::read(path).map_err(|e| SpecError::Refused {
        file,
        reason: format!("cannot read: {e}"),
    })
}

/// Reads `bytes`, the content of the file at `path`, as a document whose
/// file references must stay inside `root` (`path` must lie inside it too).
pub fn read_bytes_at(
    path: &Path,
    root: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    http: Option<HttpClient>,
) -> Result<ReadDocument, SpecError> {
    let rooted = Rooted::new(path, root, options, http)?;
    specdex_spec::read_api(&rooted.file, bytes, &rooted.base, &rooted.fetch, options)
}

/// [`read_bytes_at`] giving the bytes away once they are parsed, and to
/// `beside_parse` while they are (see [`specdex_spec::read_owned_api`]).
pub fn read_owned_bytes_at<T: Send>(
    path: &Path,
    root: &Path,
    bytes: Vec<u8>,
    options: &ReadOptions,
    http: Option<HttpClient>,
    beside_parse: impl FnOnce(&[&[u8]]) -> T + Send,
) -> Result<(ReadDocument, T), SpecError> {
    let rooted = Rooted::new(path, root, options, http)?;
    specdex_spec::read_owned_api(
        &rooted.file,
        bytes,
        &rooted.base,
        &rooted.fetch,
        options,
        beside_parse,
    )
}

/// A document file read inside an ingest root: its name in messages, where
/// it lies under the root, and the fetch its file references go through.
struct Rooted {
    file: String,
    base: Base,
    fetch: RootedFetch,
}

impl Rooted {
    /// Refuses a root that cannot be used and a `path` outside it.
    fn new(
        path: &Path,
        root: &Path,
        options: &ReadOptions,
        http: Option<HttpClient>,
    ) -> Result<Self, SpecError> {
        let file = path.display().to_string();
        let refused = |reason: String| SpecError::Refused {
            file: file.clone(),
            reason,
        };
        let fetch = RootedFetch::new(root, options.max_bytes, http).map_err(|e| {
            refused(format!(
                "cannot use {} as the ingest root: {e}",
                root.display()
            ))
        })?;
        let real = path
            .canonicalize()
            .map_err(|e| refused(format!("cannot read: {e}")))?;
        let Ok(relative) = real.strip_prefix(fetch.root()) else {
            return Err(refused(format!(
                "the document is outside the ingest root {} (name a wider one with --root)",
                fetch.root().display()
            )));
        };
        let base = Base::File(relative.to_path_buf());
        Ok(Rooted { file, base, fetch })
    }
}
