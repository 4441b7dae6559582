//! Which specification a document claims to follow.

use serde_json::Value;

use crate::error::SpecError;
use crate::model::{SpecFormat, Warning};

/// What [`detect`] found: the format, the version field as written, and any
/// complaints about how it was written.
#[derive(Debug)]
pub struct Detected {
    pub format: SpecFormat,
    pub spec_version: String,
    pub warnings: Vec<Warning>,
}

/// Reads the `swagger` / `openapi` field. A document without one, or with a
/// version specdex does not read, is refused; a version written as a number
/// or without its patch level is accepted with a warning.
pub fn detect(file: &str, doc: &Value) -> Result<Detected, SpecError> {
    let not_a_spec = |reason: &str| SpecError::NotASpec {
        file: file.to_owned(),
        reason: reason.to_owned(),
    };
    let map = match doc {
        Value::Object(map) => map,
        Value::Null => return Err(not_a_spec("the document is empty")),
        Value::Array(_) => return Err(not_a_spec("the top level is a list, not a mapping")),
        _ => return Err(not_a_spec("the top level is a single value, not a mapping")),
    };
    let mut warnings = Vec::new();
    let (field, raw) = if let Some(v) = map.get("openapi") {
        if map.contains_key("swagger") {
            warnings.push(warning(
                "",
                "both `openapi` and `swagger` are set; reading it as OpenAPI",
            ));
        }
        ("openapi", v)
    } else if let Some(v) = map.get("swagger") {
        ("swagger", v)
    } else if let Some(v) = map.get("swaggerVersion") {
        return Err(SpecError::UnsupportedVersion {
            file: file.to_owned(),
            field: "swaggerVersion",
            version: text_of(v),
        });
    } else if map.contains_key("asyncapi") {
        return Err(not_a_spec(
            "this is an AsyncAPI document, not OpenAPI or Swagger",
        ));
    } else {
        return Err(not_a_spec(
            "no `openapi` or `swagger` field at the top level (a fragment of a multi-file spec? ingest the document that references it)",
        ));
    };
    let version = text_of(raw);
    if !raw.is_string() {
        warnings.push(warning(
            &format!("/{field}"),
            &format!("`{field}` must be a string such as \"{version}\", not a number"),
        ));
    }
    let unsupported = || SpecError::UnsupportedVersion {
        file: file.to_owned(),
        field: if field == "openapi" {
            "openapi"
        } else {
            "swagger"
        },
        version: version.clone(),
    };
    let format = if field == "swagger" {
        if version == "2.0" || version == "2" {
            SpecFormat::Swagger2
        } else {
            return Err(unsupported());
        }
    } else {
        let mut parts = version.splitn(3, '.');
        let major = parts.next().unwrap_or_default();
        let minor = parts.next().unwrap_or_default();
        let patch = parts.next();
        let format = match (major, minor) {
            ("3", "0") => SpecFormat::Openapi30,
            ("3", "1") => SpecFormat::Openapi31,
            ("3", "2") => SpecFormat::Openapi32,
            _ => return Err(unsupported()),
        };
        if patch.is_none() {
            warnings.push(warning(
                "/openapi",
                &format!("`openapi` should name a patch release such as \"{version}.0\""),
            ));
        }
        format
    };
    Ok(Detected {
        format,
        spec_version: version,
        warnings,
    })
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn warning(pointer: &str, message: &str) -> Warning {
    Warning {
        pointer: pointer.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions() {
        let f = |v: Value| detect("t", &v).map(|d| (d.format, d.warnings.len()));
        assert_eq!(
            f(json!({"swagger": "2.0"})).ok(),
            Some((SpecFormat::Swagger2, 0))
        );
        assert_eq!(
            f(json!({"swagger": 2.0})).ok(),
            Some((SpecFormat::Swagger2, 1))
        );
        assert_eq!(
            f(json!({"openapi": "3.0.3"})).ok(),
            Some((SpecFormat::Openapi30, 0))
        );
        assert_eq!(
            f(json!({"openapi": "3.1"})).ok(),
            Some((SpecFormat::Openapi31, 1))
        );
        assert_eq!(
            f(json!({"openapi": "3.2.0"})).ok(),
            Some((SpecFormat::Openapi32, 0))
        );
        assert!(matches!(
            f(json!({"swagger": "1.2"})),
            Err(SpecError::UnsupportedVersion { .. })
        ));
        assert!(matches!(
            f(json!({"swaggerVersion": "1.2"})),
            Err(SpecError::UnsupportedVersion { .. })
        ));
        assert!(matches!(
            f(json!({"swagger": "3.0"})),
            Err(SpecError::UnsupportedVersion { .. })
        ));
        assert!(matches!(
            f(json!({"openapi": "4.0.0"})),
            Err(SpecError::UnsupportedVersion { .. })
        ));
        assert!(matches!(
            f(json!({"title": "x"})),
            Err(SpecError::NotASpec { .. })
        ));
        assert!(matches!(f(json!(null)), Err(SpecError::NotASpec { .. })));
        assert!(matches!(f(json!([1])), Err(SpecError::NotASpec { .. })));
    }
}
