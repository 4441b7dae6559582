//! A planned call as faces receive it (REST's JSON body, MCP's arguments):
//! parameters as name → value maps, a body as any JSON value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::PlannedCall;

/// A planned call written as JSON.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    /// `GET`, `POST`, ...
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z]+$"))]
    pub method: String,
    /// The concrete path (`/repos/octocat/hello/pulls/5`), a query string
    /// allowed; or a full URL.
    #[cfg_attr(feature = "openapi", schema(pattern = r"\S"))]
    pub path: String,
    /// Name → value (a list for a repeated name).
    #[serde(default)]
    pub query: BTreeMap<String, Values>,
    /// Name → value; credentials are looked for, never read.
    #[serde(default)]
    pub headers: BTreeMap<String, Values>,
    /// Name → value.
    #[serde(default)]
    pub cookies: BTreeMap<String, Values>,
    /// JSON, or a string sent as is (a form: `a=1&card[cvc]=2`).
    #[serde(default)]
    pub body: Option<Value>,
    /// Default: the Content-Type header, else guessed from the body.
    #[serde(default)]
    pub content_type: Option<String>,
}

// One value, or several for a name that repeats. (No doc comments on the
// value types: they would be repeated in every tool schema.)
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Values {
    One(Scalar),
    Many(Vec<Scalar>),
}

// A parameter value: text, or a number or boolean written as JSON.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    Number(serde_json::Number),
    Flag(bool),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::Text(text) => text,
            Scalar::Number(n) => n.to_string(),
            Scalar::Flag(b) => b.to_string(),
        }
    }
}

fn pairs(map: BTreeMap<String, Values>) -> Vec<(String, String)> {
    map.into_iter()
        .flat_map(|(name, values)| {
            let values = match values {
                Values::One(one) => vec![one],
                Values::Many(many) => many,
            };
            values.into_iter().map(move |v| (name.clone(), v.text()))
        })
        .collect()
}

impl From<CallInput> for PlannedCall {
    fn from(input: CallInput) -> PlannedCall {
        PlannedCall {
            method: input.method,
            path: input.path,
            query: pairs(input.query),
            headers: pairs(input.headers),
            cookies: pairs(input.cookies),
            body: input.body.map(|body| match body {
                Value::String(text) => text,
                other => other.to_string(),
            }),
            content_type: input.content_type,
        }
    }
}
