//! The API's named schemas, looked up by reference, for the walks that
//! read values the way a schema describes them (decoding strings into
//! numbers, finding the declared fields of an object).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use specdex_spec::Api;
use specdex_spec::pointer::schema_ref_target;

/// References followed in a row before giving up (a chain `A → B → A` of
/// bare references has no end).
const MAX_HOPS: usize = 16;

/// Levels of `allOf`/`anyOf`/`oneOf` looked into when collecting what a
/// schema allows.
const MAX_COMBINATOR_DEPTH: usize = 6;

/// JSON types a schema allows, as a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Types(u8);

impl Types {
    pub const STRING: Types = Types(1);
    pub const INTEGER: Types = Types(2);
    pub const NUMBER: Types = Types(4);
    pub const BOOLEAN: Types = Types(8);
    pub const ARRAY: Types = Types(16);
    pub const OBJECT: Types = Types(32);
    pub const NULL: Types = Types(64);

    fn of(name: &str) -> Types {
        match name {
            "string" => Types::STRING,
            "integer" => Types::INTEGER,
            "number" => Types::NUMBER,
            "boolean" => Types::BOOLEAN,
            "array" => Types::ARRAY,
            "object" => Types::OBJECT,
            "null" => Types::NULL,
            _ => Types::default(),
        }
    }

    pub fn has(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }

    fn add(&mut self, other: Types) {
        self.0 |= other.0;
    }
}

/// The API's named schemas by name, read in place from the model the
/// checker holds (no copy of the schemas).
pub(crate) struct Defs {
    api: Arc<Api>,
    /// Name → index into `api.schemas`.
    index: HashMap<String, usize>,
}

impl Defs {
    pub fn new(api: &Arc<Api>) -> Defs {
        Defs {
            index: api
                .schemas
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.clone(), i))
                .collect(),
            api: api.clone(),
        }
    }

    fn named(&self, name: &str) -> Option<&Value> {
        self.index.get(name).map(|&i| &self.api.schemas[i].schema)
    }

    /// `schema` with references followed to what they name.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..MAX_HOPS {
            let Some(target) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(schema_ref_target)
                .and_then(|name| self.named(&name))
            else {
                return schema;
            };
            schema = target;
        }
        schema
    }

    /// The types `schema` allows, looking through references and
    /// combinators; empty when it does not say.
    pub fn types(&self, schema: &Value) -> Types {
        let mut types = Types::default();
        self.collect_types(schema, 0, &mut types);
        types
    }

    fn collect_types(&self, schema: &Value, depth: usize, types: &mut Types) {
        let schema = self.resolve(schema);
        match schema.get("type") {
            Some(Value::String(t)) => types.add(Types::of(t)),
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .for_each(|t| types.add(Types::of(t))),
            _ => {}
        }
        if schema.get("properties").is_some() {
            types.add(Types::OBJECT);
        }
        if schema.get("items").is_some() {
            types.add(Types::ARRAY);
        }
        if depth < MAX_COMBINATOR_DEPTH {
            for branch in self.branches(schema) {
                self.collect_types(branch, depth + 1, types);
            }
        }
    }

    /// The schemas of `allOf`, `anyOf` and `oneOf` directly under `schema`.
    pub fn branches<'a>(&self, schema: &'a Value) -> impl Iterator<Item = &'a Value> {
        ["allOf", "anyOf", "oneOf"]
            .into_iter()
            .filter_map(|k| schema.get(k).and_then(Value::as_array))
            .flatten()
    }

    /// The schema of property `key` of an object described by `schema`
    /// (in `properties`, or in a branch), else its `additionalProperties`
    /// schema.
    pub fn property<'a>(&'a self, schema: &'a Value, key: &str) -> Option<&'a Value> {
        self.find(schema, 0, &|s| {
            s.get("properties")
                .and_then(|p| p.get(key))
                .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
        })
    }

    /// The schema of the items of an array described by `schema`.
    pub fn items<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
        self.find(schema, 0, &|s| s.get("items").filter(|i| i.is_object()))
    }

    fn find<'a>(
        &'a self,
        schema: &'a Value,
        depth: usize,
        pick: &dyn Fn(&'a Value) -> Option<&'a Value>,
    ) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        if let Some(found) = pick(schema) {
            return Some(found);
        }
        if depth >= MAX_COMBINATOR_DEPTH {
            return None;
        }
        self.branches(schema)
            .find_map(|branch| self.find(branch, depth + 1, pick))
    }

    /// What an object described by `schema` declares: its properties (from
    /// every `allOf` branch, and from the `anyOf`/`oneOf` branch that
    /// declares most of `keys`) and whether it takes others.
    pub fn object<'a>(&'a self, schema: &'a Value, keys: &[&str]) -> ObjectView<'a> {
        let mut view = ObjectView::default();
        self.collect_object(schema, keys, 0, &mut view);
        view
    }

    fn collect_object<'a>(
        &'a self,
        schema: &'a Value,
        keys: &[&str],
        depth: usize,
        view: &mut ObjectView<'a>,
    ) {
        let schema = self.resolve(schema);
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            view.properties.push(properties);
        }
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => view.closed = true,
            Some(Value::Bool(true)) | Some(Value::Object(_)) => view.open = true,
            _ => {}
        }
        if schema.get("patternProperties").is_some()
            || schema.get("unevaluatedProperties").is_some()
        {
            view.open = true;
        }
        if depth >= MAX_COMBINATOR_DEPTH {
            return;
        }
        for branch in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.collect_object(branch, keys, depth + 1, view);
        }
        let alternatives: Vec<&Value> = ["anyOf", "oneOf"]
            .into_iter()
            .filter_map(|k| schema.get(k).and_then(Value::as_array))
            .flatten()
            .collect();
        if alternatives.is_empty() {
            return;
        }
        let best = alternatives
            .iter()
            .map(|branch| {
                let mut inner = ObjectView::default();
                self.collect_object(branch, keys, depth + 1, &mut inner);
                let covered = keys.iter().filter(|k| inner.declares(k)).count();
                (covered, !inner.properties.is_empty(), inner)
            })
            .max_by_key(|(covered, declares, _)| (*covered, *declares));
        if let Some((_, _, inner)) = best {
            view.properties.extend(inner.properties);
            view.open |= inner.open;
            view.closed |= inner.closed;
        }
    }
}

/// The declared shape of an object, gathered from its schema's parts.
#[derive(Default)]
pub(crate) struct ObjectView<'a> {
    pub properties: Vec<&'a Map<String, Value>>,
    /// `additionalProperties: false` somewhere: the validator refuses
    /// other fields itself.
    pub closed: bool,
    /// Other fields are explicitly allowed.
    pub open: bool,
}

impl ObjectView<'_> {
    pub fn declares(&self, key: &str) -> bool {
        self.properties.iter().any(|p| p.contains_key(key))
    }

    /// The declared field names, in order, without repeats.
    pub fn names(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.properties
            .iter()
            .flat_map(|p| p.keys())
            .filter(|key| seen.insert(key.as_str()))
            .cloned()
            .collect()
    }

    pub fn property(&self, key: &str) -> Option<&Value> {
        self.properties.iter().find_map(|p| p.get(key))
    }
}
