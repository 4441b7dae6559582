//! Typed extractors whose rejections are [`ApiError`]s: query parameters
//! that name the parameter when they do not parse, the answer format, and
//! `If-None-Match`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{ACCEPT, IF_NONE_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Query parameters deserialized into `T` (repeated keys fill a `Vec`); a
/// value that does not parse is a 400 naming the parameter.
#[derive(Debug, Clone)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Params)
    }
}

/// Reads a query string into `T`.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer = serde_html_form::Deserializer::from_bytes(query.as_bytes());
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let mut message = error.into_inner().to_string();
        if message == "unsupported value" {
            // serde_html_form's word for a repeated single-valued key.
            message = "given more than once; pass it once".to_owned();
        }
        // A missing field is reported at the root: take its name from the message.
        let parameter = match path.split(['[', '.']).next() {
            Some(name) if !name.is_empty() && name != "?" => name.to_owned(),
            _ => message
                .split('`')
                .nth(1)
                .unwrap_or("query string")
                .to_owned(),
        };
        ApiError::BadParameter { parameter, message }
    })
}

/// A JSON request body deserialized into `T`, whatever `Content-Type` says;
/// one that does not parse is a 400 naming the field (the body limit layer
/// has already refused one too large with 413).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::Other {
                status: rejection.status(),
                code: crate::error::code_for(rejection.status()),
                message: rejection.body_text(),
            })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut deserializer)
            .map(JsonBody)
            .map_err(|error| {
                let path = error.path().to_string();
                ApiError::BadParameter {
                    parameter: if path == "." { "body".to_owned() } else { path },
                    message: error.into_inner().to_string(),
                }
            })
    }
}

/// For `#[serde(default, deserialize_with = "given")]` on an optional
/// parameter: absent is `None`, but a present value must parse, so `limit=`
/// or `format=` is a 400 rather than the default (serde_html_form reads an
/// empty value as `None` otherwise).
pub fn given<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// The rendering a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`: the typed answer.
    Json,
    /// `text/markdown; charset=utf-8`: the same answer for people and agents.
    Markdown,
}

impl Format {
    /// The `Content-Type` of this rendering.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
        }
    }

    /// What the format adds to an answer's entity tag, so the two
    /// renderings of one answer never share a tag.
    pub fn tag_suffix(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
        }
    }
}

/// The values of `?format=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FormatName {
    Json,
    Md,
}

/// The `format` query parameter of every answer route.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `json` (the default) or `md` for markdown. Overrides `Accept`; without
    /// it, `Accept: text/markdown` selects markdown.
    #[serde(default, deserialize_with = "given")]
    #[param(inline, nullable = false)]
    pub format: Option<FormatName>,
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let asked: FormatParam = parse_query(parts.uri.query().unwrap_or_default())?;
        Ok(match asked.format {
            Some(FormatName::Json) => Format::Json,
            Some(FormatName::Md) => Format::Markdown,
            None => negotiate(&parts.headers),
        })
    }
}

/// Markdown when `Accept` prefers `text/markdown` to `application/json`
/// (by quality, the most specific range deciding for each); else JSON.
fn negotiate(headers: &HeaderMap) -> Format {
    // (specificity, quality) of the best-matching range for each type.
    let mut json = (0u8, 0.0f32);
    let mut markdown = (0u8, 0.0f32);
    let ranges = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for range in ranges {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        for (target, slot) in [
            ("application/json", &mut json),
            ("text/markdown", &mut markdown),
        ] {
            let specificity = specificity(&media, target);
            if specificity > slot.0 {
                *slot = (specificity, quality);
            }
        }
    }
    if markdown.1 > json.1 {
        Format::Markdown
    } else {
        Format::Json
    }
}

/// 3 for an exact match, 2 for `type/*`, 1 for `*/*`, 0 for none.
fn specificity(range: &str, target: &str) -> u8 {
    if range == target {
        return 3;
    }
    match range.split_once('/') {
        Some(("*", "*")) => 1,
        Some((kind, "*")) if target.split('/').next() == Some(kind) => 2,
        _ => 0,
    }
}

/// The `If-None-Match` header: the entity tags a client already has.
#[derive(Debug, Clone, Default)]
pub struct IfNoneMatch(Vec<HeaderValue>);

impl IfNoneMatch {
    /// Whether `etag` (a quoted strong tag) is among them, by the weak
    /// comparison RFC 9110 prescribes for `If-None-Match`, or they are `*`.
    pub fn matches(&self, etag: &str) -> bool {
        let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
        let wanted = bare(etag);
        self.0
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|tag| tag.trim() == "*" || bare(tag) == wanted)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfNoneMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(IfNoneMatch(
            parts
                .headers
                .get_all(IF_NONE_MATCH)
                .iter()
                .cloned()
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Format {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(value).expect("header"));
        negotiate(&headers)
    }

    #[test]
    fn accept_header_negotiation() {
        assert_eq!(negotiate(&HeaderMap::new()), Format::Json);
        assert_eq!(accept("text/markdown"), Format::Markdown);
        assert_eq!(accept("text/*"), Format::Markdown);
        assert_eq!(accept("*/*"), Format::Json);
        assert_eq!(accept("application/json, text/markdown"), Format::Json);
        assert_eq!(
            accept("application/json;q=0.5, text/markdown"),
            Format::Markdown
        );
        assert_eq!(accept("text/markdown;q=0.1, */*"), Format::Json);
        assert_eq!(accept("text/html"), Format::Json);
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let tags = |v: &str| IfNoneMatch(vec![HeaderValue::from_str(v).expect("header")]);
        assert!(tags("\"a-json\"").matches("\"a-json\""));
        assert!(tags("W/\"a-json\"").matches("\"a-json\""));
        assert!(tags("\"x\", \"a-json\"").matches("\"a-json\""));
        assert!(tags("*").matches("\"a-json\""));
        assert!(!tags("\"a-md\"").matches("\"a-json\""));
        assert!(!IfNoneMatch::default().matches("\"a-json\""));
    }

    #[test]
    fn bad_values_name_their_parameter() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct P {
            limit: Option<usize>,
            q: String,
            e: Option<Vec<String>>,
        }
        let error = parse_query::<P>("q=x&limit=abc").expect_err("bad limit");
        assert!(error.to_string().starts_with("invalid `limit`"), "{error}");
        let error = parse_query::<P>("limit=1").expect_err("missing q");
        assert!(error.to_string().starts_with("invalid `q`"), "{error}");
        let ok = parse_query::<P>("q=x&e=GET%20/a&e=GET%20/b").expect("repeated e");
        assert_eq!(ok.e.map(|e| e.len()), Some(2));
    }
}
