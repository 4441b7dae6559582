//! Fetching documents over http(s), with a size limit and a timeout.

use std::io::Read;
use std::time::Duration;

/// Why a URL could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url}: {source}")]
    Request {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: the server answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: more than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {source}")]
    Read {
        url: String,
        #[source]
        source: std::io::Error,
    },
}

/// A blocking http(s) client for documents and remote references.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::blocking::Client,
    max_bytes: u64,
}

impl HttpClient {
    /// A client that gives up after `timeout` and refuses bodies over `max_bytes`.
    pub fn new(timeout: Duration, max_bytes: u64) -> Result<Self, reqwest::Error> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("specdex/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpClient { client, max_bytes })
    }

    /// GETs `url` and returns the body.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, HttpError> {
        match self.get_if_changed(url, None, None)? {
            Conditional::Changed { body, .. } => Ok(body),
            // Not asked for; a server that answers it anyway has no body.
            Conditional::NotModified => Err(HttpError::Status {
                url: url.to_owned(),
                status: 304,
            }),
        }
    }

    /// GETs `url` unless it is unchanged since the answer that gave `etag`
    /// or `last_modified` (sent as `If-None-Match` / `If-Modified-Since`).
    pub fn get_if_changed(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Conditional, HttpError> {
        let mut request = self.client.get(url);
        if let Some(etag) = etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(since) = last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, since);
        }
        let response = request.send().map_err(|source| HttpError::Request {
            url: url.to_owned(),
            source,
        })?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        if !status.is_success() {
            return Err(HttpError::Status {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let mut body = Vec::new();
        // Read one byte past the limit to tell "exactly at" from "over".
        response
            .take(self.max_bytes + 1)
            .read_to_end(&mut body)
            .map_err(|source| HttpError::Read {
                url: url.to_owned(),
                source,
            })?;
        if body.len() as u64 > self.max_bytes {
            return Err(HttpError::TooLarge {
                url: url.to_owned(),
                limit: self.max_bytes,
            });
        }
        Ok(Conditional::Changed {
            body,
            etag,
            last_modified,
        })
    }
}

/// What a conditional GET found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditional {
    /// The server answered 304: nothing changed since the validators sent.
    NotModified,
    /// A document, with the validators to send next time.
    Changed {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// What a server answered to a document sent to it.
#[derive(Debug, Clone)]
pub struct Answered {
    pub status: u16,
    /// The body as text (lossy), for the caller to print or parse.
    pub body: String,
}

impl HttpClient {
    /// POSTs `document` to `url` with `query` parameters and, when given,
    /// `Authorization: Bearer key`; any status is an answer (the caller
    /// reads the refusal's message), only a failed exchange is an error.
    pub fn post_document(
        &self,
        url: &str,
        query: &[(&str, &str)],
        key: Option<&str>,
        document: Vec<u8>,
    ) -> Result<Answered, HttpError> {
        let mut request = self.client.post(url).query(query).body(document);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().map_err(|source| HttpError::Request {
            url: url.to_owned(),
            source,
        })?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        response
            .take(self.max_bytes)
            .read_to_end(&mut body)
            .map_err(|source| HttpError::Read {
                url: url.to_owned(),
                source,
            })?;
        Ok(Answered {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// Reads the references of a document fetched from a URL: URLs only, and
/// only when remote references are allowed (a client is given).
pub struct UrlFetch {
    http: Option<HttpClient>,
}

impl UrlFetch {
    /// `http` is `None` when remote references are off.
    pub fn new(http: Option<HttpClient>) -> Self {
        UrlFetch { http }
    }
}

impl specdex_spec::Fetch for UrlFetch {
    fn read_file(&self, relative: &std::path::Path) -> Result<Vec<u8>, specdex_spec::FetchError> {
        Err(specdex_spec::FetchError::Forbidden(format!(
            "{}: a document fetched from a URL may not read local files",
            relative.display()
        )))
    }

    fn read_url(&self, url: &str) -> Result<Vec<u8>, specdex_spec::FetchError> {
        match &self.http {
            Some(http) => http
                .get(url)
                .map_err(|e| specdex_spec::FetchError::Failed(e.to_string())),
            None => Err(specdex_spec::FetchError::Forbidden(format!(
                "{url}: remote references are off"
            ))),
        }
    }
}
