//! The normalized model: what specdex keeps of an API description.
//!
//! Every type here is plain data with stable serde field names, because the
//! store persists these values as JSON and the query engine (and its JSON
//! rendering) hands them to clients. Schemas stay JSON Schema values with
//! `$ref`s kept as references; [`Api::schemas`] holds their targets, so a
//! reader can expand them to any depth without the original document.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which family and minor version of the specification a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecFormat {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x.
    Openapi30,
    /// OpenAPI 3.1.x.
    Openapi31,
    /// OpenAPI 3.2.x (read like 3.1).
    Openapi32,
}

impl SpecFormat {
    /// The label used in listings: `swagger 2.0`, `openapi 3.1`.
    pub fn label(self) -> &'static str {
        match self {
            SpecFormat::Swagger2 => "swagger 2.0",
            SpecFormat::Openapi30 => "openapi 3.0",
            SpecFormat::Openapi31 => "openapi 3.1",
            SpecFormat::Openapi32 => "openapi 3.2",
        }
    }
}

/// One API description, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    pub format: SpecFormat,
    /// The `swagger`/`openapi` field exactly as written (`"3.0.3"`).
    pub spec_version: String,
    pub info: Info,
    /// Base URLs. Swagger 2 `schemes`+`host`+`basePath` become one entry per scheme.
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    /// The document-wide default security (alternatives; each alternative is
    /// a set of schemes that apply together).
    pub security: Vec<SecurityRequirement>,
    pub tags: Vec<Tag>,
    /// Operations under `paths`, in document order.
    pub endpoints: Vec<Endpoint>,
    /// Operations under `webhooks` (OpenAPI 3.1+); `path` holds the webhook name.
    pub webhooks: Vec<Endpoint>,
    /// Named schemas: `components.schemas` / `definitions`, then the targets of
    /// references into other files (with [`NamedSchema::external`] set).
    pub schemas: Vec<NamedSchema>,
    /// Where the document breaks the specification but could still be read.
    pub warnings: Vec<Warning>,
}

impl Api {
    /// Number of operations under `paths` (webhooks excluded).
    pub fn endpoint_count(&self) -> usize {
        self.endpoints.len()
    }

    /// Number of schemas the document itself names (`components.schemas` or
    /// `definitions`); targets pulled in from other files are not counted.
    pub fn schema_count(&self) -> usize {
        self.schemas.iter().filter(|s| !s.external).count()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    pub title: String,
    /// `info.version` as text (numbers are written as they appear).
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<Value>,
    /// APIs.guru `x-providerName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// APIs.guru `x-serviceName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Server {
    /// The URL with server variables replaced by their defaults.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityScheme {
    /// The key under `securitySchemes` / `securityDefinitions`.
    pub name: String,
    /// `apiKey`, `http`, `oauth2`, `openIdConnect`, `mutualTLS`, `basic`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For `apiKey`: where the key goes (`header`, `query`, `cookie`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For `apiKey`: the header/query/cookie name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_name: Option<String>,
    /// For `http`: `bearer`, `basic`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_format: Option<String>,
    /// For `oauth2`/`openIdConnect`: the flows or discovery URL, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flows: Option<Value>,
}

/// One alternative of a security requirement: all listed schemes apply
/// together. An empty requirement means "no authentication".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemeUse {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One operation: (METHOD, path) with path-level parameters merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Endpoint {
    /// Upper-case HTTP method (`GET`, `DELETE`).
    pub method: String,
    /// The path template as written (`/repos/{owner}/{repo}`), or the webhook name.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<RequestBody>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Response>,
    /// Effective security: the operation's own, else the document default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<SecurityRequirement>,
    /// Base URLs that override the document's for this operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Server>,
    /// `x-codeSamples` / `x-code-samples`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_samples: Vec<CodeSample>,
}

impl Endpoint {
    /// `"DELETE /activedirectories/{id}"`: the key agents use to name an endpoint.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parameter {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    /// A short type label: `string`, `integer(int64)`, `array[string]`,
    /// `string | null`, or a schema name for a reference.
    #[serde(rename = "type")]
    pub type_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// How an array or object value is written (`form`, `simple`,
    /// `deepObject`, `spaceDelimited`, `pipeDelimited`, `label`, `matrix`),
    /// when the document says; Swagger 2's `collectionFormat` is read into
    /// it (`multi` → `form` exploded, `csv` → not exploded, `ssv` →
    /// `spaceDelimited`, `pipes` → `pipeDelimited`, `tsv` → `tabDelimited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Whether each array item or object property is its own
    /// `name=value` pair, when the document says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub required: bool,
    pub content: Vec<MediaType>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaType {
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Response {
    /// `200`, `4XX`, `default`, as written.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<MediaType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Header {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub type_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSample {
    /// Language as the spec names it (`curl`, `Shell`, `Python`).
    pub lang: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedSchema {
    /// The key under `components.schemas` / `definitions`; for a schema that
    /// lives in another file, its path relative to the ingest root with the
    /// fragment (`models/droplet.yml`, `common.yaml#/Error`).
    pub name: String,
    /// The schema as written, with `$ref`s rewritten to point into this
    /// document (see [`crate::schema_ref_name`]).
    pub schema: Value,
    /// Whether the schema takes part in a reference cycle: expanding it
    /// without a depth limit would never end.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_cycle: bool,
    /// Pulled in from another file rather than named by the document.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
}

/// A place where the document breaks the specification but was still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    /// JSON pointer into the document (`/paths/~1users/get/responses/4xx`), or
    /// `""` for the whole document.
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}
