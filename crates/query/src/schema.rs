//! Schema references: naming, expanding to a depth, and example bodies.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use specdex_spec::Endpoint;
pub use specdex_spec::pointer::schema_ref_target as ref_target;

/// The named schemas `value` references, in the order first met, each
/// once, appended to `names`.
pub fn refs(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(ref_target)
                && !names.contains(&name)
            {
                names.push(name);
            }
            for v in map.values() {
                refs(v, names);
            }
        }
        Value::Array(items) => {
            for v in items {
                refs(v, names);
            }
        }
        _ => {}
    }
}

/// The named schemas an endpoint references directly: in its parameters,
/// request body, responses and response headers, in that order.
pub fn endpoint_refs(endpoint: &Endpoint) -> Vec<String> {
    let mut names = Vec::new();
    let parameters = endpoint.parameters.iter().filter_map(|p| p.schema.as_ref());
    let body = endpoint
        .request_body
        .iter()
        .flat_map(|b| &b.content)
        .filter_map(|m| m.schema.as_ref());
    let responses = endpoint.responses.iter().flat_map(|r| {
        r.content
            .iter()
            .filter_map(|m| m.schema.as_ref())
            .chain(r.headers.iter().filter_map(|h| h.schema.as_ref()))
    });
    for schema in parameters.chain(body).chain(responses) {
        refs(schema, &mut names);
    }
    names
}

/// Looks schemas up by name (backed by the store, memoized per request).
pub trait SchemaSource {
    fn schema(&mut self, name: &str) -> Option<Value>;
}

impl SchemaSource for HashMap<String, Value> {
    fn schema(&mut self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }
}

/// Expands `$ref`s in `schema` (named `root`, if it is a named schema) up
/// to `depth` levels. A reference to a schema already being expanded on the
/// current path is left as a reference marked `"x-circular": true`, so
/// cycles end.
pub fn expand(
    schema: &Value,
    root: Option<&str>,
    depth: usize,
    source: &mut dyn SchemaSource,
) -> Value {
    let mut path: Vec<String> = root.map(str::to_owned).into_iter().collect();
    expand_inner(schema, depth, source, &mut path)
}

fn expand_inner(
    schema: &Value,
    depth: usize,
    source: &mut dyn SchemaSource,
    path: &mut Vec<String>,
) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if let Some(name) = ref_target(reference) {
                    if path.contains(&name) {
                        let mut marked = map.clone();
                        marked.insert("x-circular".to_owned(), Value::Bool(true));
                        return Value::Object(marked);
                    }
                    if let Some(target) = (depth > 0).then(|| source.schema(&name)).flatten() {
                        path.push(name);
                        let expanded = expand_inner(&target, depth - 1, source, path);
                        path.pop();
                        return expanded;
                    }
                }
                return Value::Object(map.clone());
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), expand_inner(v, depth, source, path)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| expand_inner(v, depth, source, path))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A JSON value shaped like `schema`, for example request bodies: the
/// schema's own example where it has one, else placeholders by type.
/// References are followed up to `depth` levels; cycles and deeper levels
/// become `{}`.
pub fn skeleton(schema: &Value, depth: usize, source: &mut dyn SchemaSource) -> Value {
    let mut path = Vec::new();
    skeleton_inner(schema, depth, source, &mut path)
}

fn skeleton_inner(
    schema: &Value,
    depth: usize,
    source: &mut dyn SchemaSource,
    path: &mut Vec<String>,
) -> Value {
    let Some(map) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let Some(name) = ref_target(reference) else {
            return json!({});
        };
        if depth == 0 || path.contains(&name) {
            return json!({});
        }
        let Some(target) = source.schema(&name) else {
            return json!({});
        };
        path.push(name);
        let value = skeleton_inner(&target, depth - 1, source, path);
        path.pop();
        return value;
    }
    if let Some(example) = map.get("example") {
        return example.clone();
    }
    if let Some(first) = map
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(default) = map.get("default") {
        return default.clone();
    }
    for keyword in ["allOf"] {
        if let Some(parts) = map.get(keyword).and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(fields) = skeleton_inner(part, depth, source, path) {
                    merged.extend(fields);
                }
            }
            return Value::Object(merged);
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(first) = map
            .get(keyword)
            .and_then(Value::as_array)
            .and_then(|p| p.first())
        {
            return skeleton_inner(first, depth, source, path);
        }
    }
    let kind = match map.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if map.contains_key("properties") => "object",
        _ => "",
    };
    match kind {
        "object" => {
            let properties = map.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            if let Some(properties) = properties {
                // Required properties first; optional ones only when there
                // are no required ones, so the example stays short.
                let chosen: Vec<(&String, &Value)> = if required.is_empty() {
                    properties.iter().take(8).collect()
                } else {
                    properties
                        .iter()
                        .filter(|(k, _)| required.contains(&k.as_str()))
                        .collect()
                };
                for (name, property) in chosen {
                    out.insert(name.clone(), skeleton_inner(property, depth, source, path));
                }
            }
            Value::Object(out)
        }
        "array" => match map.get("items") {
            Some(items) => Value::Array(vec![skeleton_inner(items, depth, source, path)]),
            None => json!([]),
        },
        "string" => match map.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-01-01T00:00:00Z"),
            Some("date") => json!("2024-01-01"),
            Some("email") => json!("user@example.com"),
            Some("uri" | "url") => json!("https://example.com"),
            Some("uuid") => json!("00000000-0000-0000-0000-000000000000"),
            _ => json!("string"),
        },
        "integer" => json!(0),
        "number" => json!(0.0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> HashMap<String, Value> {
        [
            (
                "Node".to_owned(),
                json!({"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}, "v": {"$ref": "#/components/schemas/Leaf"}}}),
            ),
            ("Leaf".to_owned(), json!({"type": "string", "example": "leaf"})),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn depth_zero_keeps_references() {
        let schema = json!({"$ref": "#/components/schemas/Node"});
        assert_eq!(expand(&schema, None, 0, &mut source()), schema);
    }

    #[test]
    fn cycles_are_marked_not_expanded() {
        let expanded = expand(
            &json!({"$ref": "#/components/schemas/Node"}),
            None,
            5,
            &mut source(),
        );
        assert_eq!(
            expanded["properties"]["v"],
            json!({"type": "string", "example": "leaf"})
        );
        assert_eq!(
            expanded["properties"]["next"],
            json!({"$ref": "#/components/schemas/Node", "x-circular": true})
        );
    }

    #[test]
    fn depth_limits_expansion() {
        let expanded = expand(
            &json!({"$ref": "#/components/schemas/Node"}),
            None,
            1,
            &mut source(),
        );
        assert_eq!(
            expanded["properties"]["v"],
            json!({"$ref": "#/components/schemas/Leaf"})
        );
    }

    #[test]
    fn skeletons_follow_refs_and_stop_at_cycles() {
        let body = skeleton(
            &json!({"$ref": "#/components/schemas/Node"}),
            4,
            &mut source(),
        );
        assert_eq!(body, json!({"next": {}, "v": "leaf"}));
    }

    #[test]
    fn ref_targets() {
        assert_eq!(ref_target("#/definitions/Pet").as_deref(), Some("Pet"));
        assert_eq!(
            ref_target("#/components/schemas/a~1b").as_deref(),
            Some("a/b")
        );
        assert_eq!(
            ref_target("#/x-specdex-bundle/models~1d.yml").as_deref(),
            Some("models/d.yml")
        );
        assert_eq!(ref_target("#/components/schemas/A/properties/b"), None);
        assert_eq!(ref_target("other.yaml#/A"), None);
    }
}
