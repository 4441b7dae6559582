//! Reading a value the way its schema describes it, beyond what a JSON
//! Schema validator says: strings of a form or query string read as the
//! numbers and booleans the schema asks for, and fields that a request
//! should not carry — ones the schema does not declare where it leaves
//! objects open (a warning: the server may ignore them, which is rarely
//! what was meant), and `readOnly` ones.

use serde_json::{Map, Value};
use specdex_spec::pointer::escape;

use crate::MAX_BODY_DEPTH;
use crate::defs::{Defs, Types};
use crate::{Kind, Problem, listing, nearest};

/// `value` with strings turned into the numbers, booleans and arrays the
/// schema asks for (`"2000"` → `2000` where an integer is expected; a form's
/// `items[0]`, `items[1]` → an array).
pub(crate) fn coerce(defs: &Defs, schema: &Value, value: Value, depth: usize) -> Value {
    if depth > MAX_BODY_DEPTH {
        return value;
    }
    match value {
        Value::String(text) => scalar(defs.types(schema), text),
        Value::Object(map) => {
            let types = defs.types(schema);
            if types.has(Types::ARRAY)
                && !types.has(Types::OBJECT)
                && map.keys().all(|k| k.parse::<usize>().is_ok())
            {
                let mut items: Vec<(usize, Value)> = map
                    .into_iter()
                    .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                let array = Value::Array(items.into_iter().map(|(_, v)| v).collect());
                return coerce(defs, schema, array, depth);
            }
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match defs.property(schema, &k) {
                            Some(child) => coerce(defs, child, v, depth + 1),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect::<Map<String, Value>>(),
            )
        }
        Value::Array(items) => {
            let Some(item) = defs.items(schema) else {
                return Value::Array(items);
            };
            Value::Array(
                items
                    .into_iter()
                    .map(|v| coerce(defs, item, v, depth + 1))
                    .collect(),
            )
        }
        other => other,
    }
}

/// A string read as the scalar type the schema allows.
pub(crate) fn scalar(types: Types, text: String) -> Value {
    if types.has(Types::INTEGER)
        && let Ok(n) = text.parse::<i64>()
    {
        return Value::from(n);
    }
    if types.has(Types::NUMBER)
        && let Some(n) = text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(serde_json::Number::from_f64)
    {
        return Value::Number(n);
    }
    if types.has(Types::BOOLEAN) && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    if types.has(Types::NULL) && !types.has(Types::STRING) && text == "null" {
        return Value::Null;
    }
    Value::String(text)
}

/// Fields the request should not carry, found by walking `value` with its
/// schema: undeclared ones in open objects (warnings) and `readOnly` ones
/// (errors).
pub(crate) fn review(
    defs: &Defs,
    schema: &Value,
    value: &Value,
    location: &str,
    problems: &mut Vec<Problem>,
) {
    walk(defs, schema, value, String::new(), location, problems, 0);
}

fn walk(
    defs: &Defs,
    schema: &Value,
    value: &Value,
    pointer: String,
    location: &str,
    problems: &mut Vec<Problem>,
    depth: usize,
) {
    if depth > MAX_BODY_DEPTH || problems.len() > crate::MAX_PROBLEMS {
        return;
    }
    match value {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            let view = defs.object(schema, &keys);
            if view.properties.is_empty() {
                return;
            }
            let mut declared: Option<Vec<String>> = None;
            for (key, child) in map {
                let here = format!("{pointer}/{}", escape(key));
                match view.property(key) {
                    Some(property) => {
                        if is_read_only(defs, property) {
                            problems.push(
                                Problem::error(
                                    Kind::ReadOnlyField,
                                    format!("`{key}` is read-only: the server sets it"),
                                    format!("remove `{key}` from the request"),
                                )
                                .named(key, location)
                                .at(here.clone())
                                .expecting("not sent in requests"),
                            );
                        }
                        walk(defs, property, child, here, location, problems, depth + 1);
                    }
                    None if view.closed || view.open => {}
                    None => {
                        let names = declared.get_or_insert_with(|| view.names());
                        let fix = match nearest(key, names.iter().map(String::as_str)) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!(
                                "remove `{key}`; the declared fields are {}",
                                listing(names, 12)
                            ),
                        };
                        problems.push(
                            Problem::warning(
                                Kind::UnknownField,
                                format!(
                                    "`{key}` is not a declared field; the server may ignore it"
                                ),
                                fix,
                            )
                            .named(key, location)
                            .at(here)
                            .expecting(format!("one of {}", listing(names, 12)))
                            .with_choices(names.iter().take(100).cloned().collect()),
                        );
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = defs.items(schema) {
                for (i, child) in items.iter().enumerate() {
                    walk(
                        defs,
                        item,
                        child,
                        format!("{pointer}/{i}"),
                        location,
                        problems,
                        depth + 1,
                    );
                }
            }
        }
        _ => {}
    }
}

fn is_read_only(defs: &Defs, schema: &Value) -> bool {
    let flag = |s: &Value| s.get("readOnly") == Some(&Value::Bool(true));
    flag(schema) || flag(defs.resolve(schema))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_read_as_the_schema_says() {
        let api: specdex_spec::Api = serde_json::from_value(json!({
            "format": "openapi30", "spec_version": "3.0.0", "info": {"title": "t", "version": "1"},
            "servers": [], "security_schemes": [], "security": [], "tags": [], "endpoints": [],
            "webhooks": [], "warnings": [],
            "schemas": [{"name": "Item", "schema": {"type": "object", "properties": {"qty": {"type": "integer"}}}}]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let defs = Defs::new(&std::sync::Arc::new(api));
        let schema = json!({"type": "object", "properties": {
            "amount": {"type": "integer"}, "live": {"type": "boolean"}, "name": {"type": "string"},
            "rate": {"anyOf": [{"type": "number"}, {"type": "string", "enum": [""]}]},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
        }});
        let value = json!({"amount": "2000", "live": "true", "name": "42", "rate": "",
            "items": {"1": {"qty": "2"}, "0": {"qty": "x"}}});
        assert_eq!(
            coerce(&defs, &schema, value, 0),
            json!({"amount": 2000, "live": true, "name": "42", "rate": "",
                "items": [{"qty": "x"}, {"qty": 2}]})
        );
    }
}
