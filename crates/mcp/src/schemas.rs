//! Output schemas of the tools, generated from the answer types' own
//! `utoipa::ToSchema` derives (the same source as the REST API's OpenAPI
//! document), rewritten as self-contained JSON Schema 2020-12 documents:
//! `#/components/schemas/X` references become `#/$defs/X`, and each tool's
//! schema carries only the definitions it reaches.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use rmcp::model::JsonObject;
use serde_json::{Map, Value};
use specdex_query::{
    Changes, CheckAnswer, EndpointDetails, EndpointPage, SchemaDetails, SearchResults, Summary,
    Versions,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(
    SearchResults,
    EndpointPage,
    EndpointDetails,
    SchemaDetails,
    Summary,
    Versions,
    Changes,
    CheckAnswer
)))]
struct Outputs;

const COMPONENTS: &str = "#/components/schemas/";
const DEFS: &str = "#/$defs/";

/// Every answer type's schema by name, references rewritten to `$defs`.
fn definitions() -> &'static Map<String, Value> {
    static DEFINITIONS: LazyLock<Map<String, Value>> = LazyLock::new(|| {
        let components = Outputs::openapi().components.unwrap_or_default();
        let mut all = match serde_json::to_value(&components.schemas) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        for schema in all.values_mut() {
            rewrite_refs(schema);
        }
        all
    });
    &DEFINITIONS
}

fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref"
                    && let Value::String(target) = child
                    && let Some(name) = target.strip_prefix(COMPONENTS)
                {
                    *target = format!("{DEFS}{name}");
                } else {
                    rewrite_refs(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

fn collect_refs(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref"
                    && let Some(name) = child.as_str().and_then(|t| t.strip_prefix(DEFS))
                {
                    found.insert(name.to_owned());
                } else {
                    collect_refs(child, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

/// The output schema of a tool whose answer type is `name`: the type's
/// schema at the root (an object), the definitions it reaches in `$defs`.
pub fn output(name: &str) -> Option<Arc<JsonObject>> {
    let all = definitions();
    let Value::Object(root) = all.get(name)?.clone() else {
        return None;
    };
    let mut reached = BTreeSet::new();
    collect_refs(&Value::Object(root.clone()), &mut reached);
    let mut pending: Vec<String> = reached.iter().cloned().collect();
    while let Some(next) = pending.pop() {
        let mut more = BTreeSet::new();
        if let Some(schema) = all.get(&next) {
            collect_refs(schema, &mut more);
        }
        for name in more {
            if reached.insert(name.clone()) {
                pending.push(name);
            }
        }
    }
    let mut schema = JsonObject::new();
    schema.insert(
        "$schema".into(),
        Value::String("https://json-schema.org/draft/2020-12/schema".into()),
    );
    schema.extend(root);
    if !reached.is_empty() {
        let defs: Map<String, Value> = reached
            .into_iter()
            .filter_map(|name| all.get(&name).map(|s| (name, s.clone())))
            .collect();
        schema.insert("$defs".into(), Value::Object(defs));
    }
    Some(Arc::new(schema))
}
