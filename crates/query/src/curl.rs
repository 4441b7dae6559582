//! curl examples: the spec's own when it has one, else built from the
//! base URL, path, required parameters, auth and a body skeleton.

use serde_json::Value;
use specdex_spec::{Endpoint, SecurityScheme};

use crate::schema::{SchemaSource, skeleton};

/// How many levels of `$ref` a generated body follows.
const BODY_DEPTH: usize = 3;

/// A curl command for `endpoint`.
pub fn curl(
    endpoint: &Endpoint,
    base_url: Option<&str>,
    auth: &[SecurityScheme],
    source: &mut dyn SchemaSource,
) -> String {
    if let Some(sample) = own_sample(endpoint) {
        return sample;
    }
    let base = base_url.map_or("{base_url}", |b| b.trim_end_matches('/'));
    let mut query: Vec<String> = endpoint
        .parameters
        .iter()
        .filter(|p| p.location == "query" && p.required)
        .map(|p| format!("{}={{{}}}", p.name, p.name))
        .collect();
    let mut lines = Vec::new();
    let mut first = String::from("curl");
    if endpoint.method != "GET" {
        first.push_str(&format!(" -X {}", endpoint.method));
    }
    for scheme in auth {
        let var = env_var(&scheme.name);
        match (
            scheme.kind.as_str(),
            scheme.location.as_deref(),
            scheme.scheme.as_deref(),
        ) {
            ("apiKey", Some("query"), _) => query.push(format!(
                "{}=${var}",
                scheme.parameter_name.as_deref().unwrap_or("api_key")
            )),
            ("apiKey", Some("cookie"), _) => lines.push(format!(
                "-b \"{}=${var}\"",
                scheme.parameter_name.as_deref().unwrap_or("session")
            )),
            ("apiKey", _, _) => lines.push(format!(
                "-H \"{}: ${var}\"",
                scheme.parameter_name.as_deref().unwrap_or("X-API-Key")
            )),
            ("http", _, Some(s)) if s.eq_ignore_ascii_case("basic") => {
                lines.push("-u \"$USERNAME:$PASSWORD\"".to_owned());
            }
            ("http" | "oauth2" | "openIdConnect", _, _) => {
                lines.push("-H \"Authorization: Bearer $TOKEN\"".to_owned());
            }
            _ => {}
        }
    }
    for header in endpoint
        .parameters
        .iter()
        .filter(|p| p.location == "header" && p.required)
    {
        lines.push(format!("-H \"{}: {{{}}}\"", header.name, header.name));
    }
    if let Some(body) = &endpoint.request_body {
        let preferred = [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ];
        let media = preferred
            .iter()
            .find_map(|p| body.content.iter().find(|m| m.media_type.starts_with(p)))
            .or_else(|| body.content.first());
        if let Some(media) = media {
            let example = media
                .example
                .clone()
                .or_else(|| {
                    media
                        .schema
                        .as_ref()
                        .map(|s| skeleton(s, BODY_DEPTH, source))
                })
                .unwrap_or(Value::Null);
            body_lines(&media.media_type, &example, &mut lines);
        }
    }
    let url = if query.is_empty() {
        format!("{base}{}", endpoint.path)
    } else {
        format!("{base}{}?{}", endpoint.path, query.join("&"))
    };
    first.push_str(&format!(" \"{url}\""));
    std::iter::once(first)
        .chain(lines.into_iter().map(|l| format!("  {l}")))
        .collect::<Vec<_>>()
        .join(" \\\n")
}

fn body_lines(media_type: &str, example: &Value, lines: &mut Vec<String>) {
    if media_type.starts_with("application/x-www-form-urlencoded")
        || media_type.starts_with("multipart/")
    {
        let flag = if media_type.starts_with("multipart/") {
            "-F"
        } else {
            "-d"
        };
        if let Value::Object(fields) = example {
            for (name, value) in fields {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Object(_) | Value::Array(_) => "…".to_owned(),
                    other => other.to_string(),
                };
                lines.push(format!("{flag} \"{name}={text}\""));
            }
        }
        return;
    }
    lines.push(format!("-H \"Content-Type: {media_type}\""));
    if !example.is_null() {
        let text = serde_json::to_string(example)
            .unwrap_or_default()
            .replace('\'', "'\\''");
        lines.push(format!("-d '{text}'"));
    }
}

/// The endpoint's own curl sample (`x-codeSamples` in curl or shell).
fn own_sample(endpoint: &Endpoint) -> Option<String> {
    endpoint
        .code_samples
        .iter()
        .find(|s| {
            let lang = s.lang.to_ascii_lowercase();
            (lang == "curl" || lang == "shell" || lang == "bash" || lang == "sh")
                && s.source.contains("curl")
        })
        .map(|s| s.source.trim().to_owned())
}

/// `x-api-key` → `X_API_KEY`: the shell variable a credential goes in.
fn env_var(scheme_name: &str) -> String {
    let var: String = scheme_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if var.is_empty() || var.starts_with(|c: char| c.is_ascii_digit()) {
        format!("KEY_{var}")
    } else {
        var
    }
}
