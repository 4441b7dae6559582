//! Values against schemas, with the `jsonschema` crate.
//!
//! The API's named schemas are *prepared* once per checker — references
//! rewritten to one registered document, OpenAPI's `nullable` turned into
//! JSON Schema, Swagger's `type: file` opened, `readOnly` properties taken
//! out of `required` (a request does not send them), everything that does
//! not validate (descriptions, examples) dropped — and registered; each
//! parameter and request body schema is compiled against that registry on
//! first use and kept, so cycles resolve through the registry and a
//! schema shared by a thousand endpoints is prepared once.

use std::sync::{Arc, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Registry, ValidationError, Validator};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value, json};
use specdex_spec::pointer::{escape, split_ref, tokens};
use specdex_spec::{Api, SpecFormat};

use crate::defs::Defs;
use crate::{Kind, Problem, Severity, listing, nearest};

/// Where the prepared named schemas live (a name nobody resolves over a
/// network: the registry holds it).
const BASE: &str = "https://specdex.invalid/schemas.json";

/// Characters escaped in a reference's fragment (beyond controls).
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b']')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'`');

/// Keywords that take part in validation; everything else is dropped.
const KEPT: [&str; 33] = [
    "type",
    "enum",
    "const",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "prefixItems",
    "additionalItems",
    "contains",
    "propertyNames",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "unevaluatedProperties",
    "dependentRequired",
    "$ref",
];

/// A compiled validator, or why there is none.
type Compiled = Result<Arc<Validator>, String>;

/// The compiled validators of one API, built on first use.
pub(crate) struct Validators {
    draft: Draft,
    /// Keeps `nullable` and `x-nullable` (OpenAPI 3.0, Swagger 2.0).
    nullable: bool,
    registry: Result<Registry<'static>, String>,
    /// Per endpoint: one slot per parameter, then one per body media type.
    slots: Vec<Vec<OnceLock<Compiled>>>,
}

impl Validators {
    pub fn new(api: &Api) -> Validators {
        let (draft, nullable) = match api.format {
            SpecFormat::Swagger2 | SpecFormat::Openapi30 => (Draft::Draft4, true),
            SpecFormat::Openapi31 | SpecFormat::Openapi32 => (Draft::Draft202012, false),
        };
        let prepare = Prepare {
            draft,
            nullable,
            patterns: true,
        };
        let definitions: Map<String, Value> = api
            .schemas
            .iter()
            .map(|s| (s.name.clone(), prepare.schema(&s.schema)))
            .collect();
        let registry = Registry::new()
            .draft(draft)
            .add(BASE, json!({ "definitions": definitions }))
            .and_then(|builder| builder.prepare())
            .map_err(|e| e.to_string());
        let slots = api
            .endpoints
            .iter()
            .map(|e| {
                let bodies = e.request_body.as_ref().map_or(0, |b| b.content.len());
                (0..e.parameters.len() + bodies)
                    .map(|_| OnceLock::new())
                    .collect()
            })
            .collect();
        Validators {
            draft,
            nullable,
            registry,
            slots,
        }
    }

    /// The validator of parameter `param` of endpoint `endpoint`.
    pub fn parameter(&self, endpoint: usize, param: usize, schema: &Value) -> &Compiled {
        self.slot(endpoint, param, schema)
    }

    /// The validator of media type `media` of endpoint `endpoint`'s body.
    pub fn body(&self, api: &Api, endpoint: usize, media: usize, schema: &Value) -> &Compiled {
        let params = api.endpoints[endpoint].parameters.len();
        self.slot(endpoint, params + media, schema)
    }

    fn slot(&self, endpoint: usize, index: usize, schema: &Value) -> &Compiled {
        static MISSING: OnceLock<Compiled> = OnceLock::new();
        match self.slots.get(endpoint).and_then(|s| s.get(index)) {
            Some(slot) => slot.get_or_init(|| self.compile(schema)),
            None => MISSING.get_or_init(|| Err("no such schema".to_owned())),
        }
    }

    fn compile(&self, schema: &Value) -> Compiled {
        let registry = self.registry.as_ref().map_err(Clone::clone)?;
        let build = |patterns: bool| {
            let prepare = Prepare {
                draft: self.draft,
                nullable: self.nullable,
                patterns,
            };
            jsonschema::options()
                .with_draft(self.draft)
                .with_registry(registry)
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                .build(&prepare.schema(schema))
        };
        // A `pattern` written for another regex dialect should not cost the
        // rest of the schema: try again without patterns.
        build(true)
            .or_else(|_| build(false))
            .map(Arc::new)
            .map_err(|e| e.to_string())
    }
}

/// How named and inline schemas are turned into what the validator reads.
struct Prepare {
    draft: Draft,
    nullable: bool,
    patterns: bool,
}

impl Prepare {
    fn schema(&self, schema: &Value) -> Value {
        match schema {
            Value::Object(map) => self.object(map),
            Value::Bool(allowed) if self.draft == Draft::Draft4 => {
                if *allowed {
                    json!({})
                } else {
                    json!({"not": {}})
                }
            }
            other => other.clone(),
        }
    }

    fn object(&self, map: &Map<String, Value>) -> Value {
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let target = json!({ "$ref": rewrite(reference) });
            // OpenAPI 3.0 and draft 4 ignore siblings of `$ref`; 3.1 reads them.
            if self.draft == Draft::Draft4 || map.len() == 1 {
                return self.nullable_wrap(map, target);
            }
        }
        let mut out = Map::new();
        for (key, value) in map {
            if !KEPT.contains(&key.as_str()) || (key == "pattern" && !self.patterns) {
                continue;
            }
            let prepared = match key.as_str() {
                "$ref" => Value::String(value.as_str().map(rewrite).unwrap_or_default()),
                "properties" | "patternProperties" => Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, s)| (name.clone(), self.schema(s)))
                        .collect(),
                ),
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|s| self.schema(s))
                        .collect(),
                ),
                "items" if value.is_array() => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|s| self.schema(s))
                        .collect(),
                ),
                "additionalProperties" | "additionalItems" if value.is_boolean() => value.clone(),
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "not"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties" => self.schema(value),
                "type" if value == "file" => continue,
                "required" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|name| !read_only(map, name))
                        .cloned()
                        .collect(),
                ),
                _ => value.clone(),
            };
            out.insert(key.clone(), prepared);
        }
        let nullable = self.is_nullable(map);
        if nullable {
            match out.get_mut("type") {
                Some(Value::String(t)) => {
                    let t = std::mem::take(t);
                    out.insert("type".to_owned(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = out.get_mut("enum") {
                        values.push(Value::Null);
                    }
                    return Value::Object(out);
                }
                Some(_) => return Value::Object(out),
                None => {}
            }
        }
        self.nullable_wrap(map, Value::Object(out))
    }

    fn is_nullable(&self, map: &Map<String, Value>) -> bool {
        self.nullable
            && (map.get("nullable") == Some(&Value::Bool(true))
                || map.get("x-nullable") == Some(&Value::Bool(true)))
    }

    fn nullable_wrap(&self, map: &Map<String, Value>, schema: Value) -> Value {
        if self.is_nullable(map) {
            json!({"anyOf": [schema, {"type": "null"}]})
        } else {
            schema
        }
    }
}

/// Whether property `name` of the object `map` is `readOnly`.
fn read_only(map: &Map<String, Value>, name: &Value) -> bool {
    name.as_str()
        .and_then(|name| map.get("properties")?.get(name)?.get("readOnly"))
        == Some(&Value::Bool(true))
}

/// A reference into the document, pointed at the registered copy of the
/// named schema; one that names no schema (`#/paths/...`) accepts anything.
fn rewrite(reference: &str) -> String {
    let (doc, fragment) = split_ref(reference);
    let tokens = tokens(fragment);
    let (name, rest) = match tokens.as_slice() {
        [c, s, name, rest @ ..] if c == "components" && s == "schemas" => (name, rest),
        [d, name, rest @ ..] if d == "definitions" || d == specdex_spec::pointer::BUNDLE_KEY => {
            (name, rest)
        }
        _ => return format!("{BASE}#/definitions/x-specdex-unresolved"),
    };
    if !doc.is_empty() {
        return format!("{BASE}#/definitions/x-specdex-unresolved");
    }
    let pointer: String = std::iter::once(name)
        .chain(rest)
        .map(|t| format!("/{}", escape(t)))
        .collect();
    format!(
        "{BASE}#/definitions{}",
        utf8_percent_encode(&pointer, FRAGMENT)
    )
}

/// The problems a validator finds in `value`, at `location` (`body`, or a
/// parameter's place with its `name`).
pub(crate) fn problems(
    validator: &Validator,
    value: &Value,
    location: &str,
    name: Option<&str>,
    defs: &Defs,
    schema: &Value,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for error in validator.iter_errors(value).take(crate::MAX_PROBLEMS) {
        translate(&error, location, name, defs, schema, value, &mut out, 0);
    }
    out
}

/// How deep `anyOf`/`oneOf` explanations are followed.
const MAX_EXPLAIN_DEPTH: usize = 4;

#[allow(clippy::too_many_arguments)]
fn translate(
    error: &ValidationError<'_>,
    location: &str,
    name: Option<&str>,
    defs: &Defs,
    schema: &Value,
    value: &Value,
    out: &mut Vec<Problem>,
    depth: usize,
) {
    let pointer = error.instance_path().as_str().to_owned();
    let field = |p: &str| -> String {
        match name {
            Some(name) if p.is_empty() => name.to_owned(),
            Some(name) => format!("{name}{p}"),
            None => p.rsplit('/').next().unwrap_or_default().to_owned(),
        }
    };
    let here = |kind: Kind, message: String, fix: String| {
        let mut problem = Problem::error(kind, message, fix).at(pointer.clone());
        problem.location = Some(location.to_owned());
        problem.name = Some(field(&pointer)).filter(|n| !n.is_empty());
        problem
    };
    let shown = error.instance().to_string();
    let shown = shorten(&shown);
    let what = describe(name, &pointer);
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let child = format!("{pointer}/{}", escape(property));
            let sub = at_pointer(defs, schema, &pointer)
                .and_then(|s| defs.property(s, property))
                .map(|s| type_label(defs, s));
            let mut problem = here(
                Kind::MissingField,
                format!(
                    "{} is missing required field `{property}`",
                    describe(name, &pointer)
                ),
                format!(
                    "add `{property}`{}",
                    sub.as_deref()
                        .map(|t| format!(" ({t})"))
                        .unwrap_or_default()
                ),
            )
            .at(child.clone());
            problem.name = Some(property.to_owned());
            problem.expected = sub.or(Some("required".to_owned()));
            out.push(problem);
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let declared = declared_fields(defs, schema, value, &pointer);
            for key in unexpected {
                let fix = match nearest(key, declared.iter().map(String::as_str)) {
                    Some(close) => {
                        format!("did you mean `{close}`? The schema allows no other fields")
                    }
                    None => format!("remove `{key}`: the schema allows no other fields"),
                };
                let mut problem = here(
                    Kind::UnknownField,
                    format!("{what} has a field the schema does not declare: `{key}`"),
                    fix,
                )
                .at(format!("{pointer}/{}", escape(key)))
                .with_choices(declared.clone());
                problem.name = Some(key.clone());
                problem.expected = Some(format!(
                    "one of the declared fields: {}",
                    listing(&declared, 20)
                ));
                out.push(problem);
            }
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            out.push(
                here(
                    Kind::WrongType,
                    format!("{what} is {shown}, not {}", article(&expected)),
                    format!("send {}", article(&expected)),
                )
                .expecting(expected),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            let sent = error.instance();
            let fix = match sent
                .as_str()
                .and_then(|s| nearest(s, choices.iter().map(String::as_str)))
            {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("use one of {}", listing(&choices, 12)),
            };
            out.push(
                here(
                    Kind::NotInEnum,
                    format!("{what} is {shown}, not an allowed value"),
                    fix,
                )
                .expecting(format!("one of {}", listing(&choices, 12)))
                .with_choices(choices.into_iter().take(100).collect()),
            );
        }
        ValidationErrorKind::Constant { expected_value } => {
            let expected = expected_value.to_string();
            out.push(
                here(
                    Kind::NotInEnum,
                    format!("{what} is {shown}, not {expected}"),
                    format!("send {expected}"),
                )
                .expecting(expected.clone())
                .with_choices(vec![expected]),
            );
        }
        ValidationErrorKind::Format { format } => out.push(
            here(
                Kind::WrongFormat,
                format!("{what} is {shown}, not a valid {format}"),
                format!("send a {format} value{}", format_hint(format)),
            )
            .expecting(format.clone()),
        ),
        ValidationErrorKind::Pattern { pattern } => out.push(
            here(
                Kind::PatternMismatch,
                format!("{what} is {shown}, which does not match the pattern"),
                format!("send a value matching `{pattern}`"),
            )
            .expecting(format!("matches {pattern}")),
        ),
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit }
        | ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            let bound = match error.kind() {
                ValidationErrorKind::Minimum { .. } => "≥",
                ValidationErrorKind::ExclusiveMinimum { .. } => ">",
                ValidationErrorKind::Maximum { .. } => "≤",
                _ => "<",
            };
            let expected = format!("{bound} {limit}");
            out.push(
                here(
                    Kind::OutOfRange,
                    format!("{what} is {shown}, out of range"),
                    format!("send a number {expected}"),
                )
                .expecting(expected),
            );
        }
        ValidationErrorKind::MinLength { limit }
        | ValidationErrorKind::MaxLength { limit }
        | ValidationErrorKind::MinItems { limit }
        | ValidationErrorKind::MaxItems { limit }
        | ValidationErrorKind::MinProperties { limit }
        | ValidationErrorKind::MaxProperties { limit } => {
            let (bound, unit) = match error.kind() {
                ValidationErrorKind::MinLength { .. } => ("at least", "characters"),
                ValidationErrorKind::MaxLength { .. } => ("at most", "characters"),
                ValidationErrorKind::MinItems { .. } => ("at least", "items"),
                ValidationErrorKind::MaxItems { .. } => ("at most", "items"),
                ValidationErrorKind::MinProperties { .. } => ("at least", "fields"),
                _ => ("at most", "fields"),
            };
            let expected = format!("{bound} {limit} {unit}");
            out.push(
                here(
                    Kind::OutOfRange,
                    format!(
                        "{what} has too {} {unit}",
                        if bound == "at least" { "few" } else { "many" }
                    ),
                    format!("send {expected}"),
                )
                .expecting(expected),
            );
        }
        ValidationErrorKind::MultipleOf { multiple_of } => out.push(
            here(
                Kind::OutOfRange,
                format!("{what} is {shown}, not a multiple of {multiple_of}"),
                format!("send a multiple of {multiple_of}"),
            )
            .expecting(format!("multiple of {multiple_of}")),
        ),
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let best = context
                .iter()
                .filter(|branch| !branch.is_empty())
                .min_by_key(|branch| {
                    let at_root_type = branch.iter().all(|e| {
                        matches!(e.kind(), ValidationErrorKind::Type { .. })
                            && e.instance_path().as_str() == pointer
                    });
                    (at_root_type, branch.len())
                });
            match best {
                Some(branch) if depth < MAX_EXPLAIN_DEPTH && branch.len() <= 3 => {
                    for inner in branch {
                        translate(inner, location, name, defs, schema, value, out, depth + 1);
                    }
                }
                _ => out.push(here(
                    Kind::NoAlternative,
                    format!(
                        "{what} matches none of the schema's {} alternatives",
                        context.len()
                    ),
                    "shape it like one of the alternatives (get the schema to see them)".to_owned(),
                )),
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            let mut problem = here(
                Kind::NoAlternative,
                format!("{what} matches more than one of the schema's `oneOf` alternatives"),
                "the spec's alternatives overlap; the server may still accept it".to_owned(),
            );
            problem.severity = Severity::Warning;
            out.push(problem);
        }
        ValidationErrorKind::BacktrackLimitExceeded { .. }
        | ValidationErrorKind::RegexEngineFailure { .. }
        | ValidationErrorKind::Referencing(_) => {
            let mut problem = here(
                Kind::Unchecked,
                format!("{what} could not be checked: {error}"),
                "check this value by hand against the schema".to_owned(),
            );
            problem.severity = Severity::Warning;
            out.push(problem);
        }
        _ => out.push(here(
            Kind::InvalidValue,
            format!("{what}: {}", shorten(&error.to_string())),
            "change the value to what the schema allows".to_owned(),
        )),
    }
}

/// "the body", "field `/card/exp_month`", "query parameter `limit`".
fn describe(name: Option<&str>, pointer: &str) -> String {
    match (name, pointer) {
        (Some(name), "") => format!("`{name}`"),
        (Some(name), p) => format!("`{name}` at `{p}`"),
        (None, "") => "the body".to_owned(),
        (None, p) => format!("field `{p}`"),
    }
}

fn article(noun: &str) -> String {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {noun}"),
        _ => format!("a {noun}"),
    }
}

fn format_hint(format: &str) -> &'static str {
    match format {
        "date-time" => " such as 2025-06-30T12:00:00Z",
        "date" => " such as 2025-06-30",
        "email" => " such as someone@example.com",
        "uuid" => " such as 123e4567-e89b-12d3-a456-426614174000",
        "uri" | "url" => " such as https://example.com/a",
        _ => "",
    }
}

/// Long values shown cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_owned();
    }
    let cut: String = text.chars().take(57).collect();
    format!("{cut}…")
}

/// The schema that describes the value at `pointer` (by following
/// properties and items from `schema`).
fn at_pointer<'a>(defs: &'a Defs, schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut current = schema;
    for token in tokens(pointer) {
        current = if token.parse::<usize>().is_ok() {
            defs.items(current)
                .or_else(|| defs.property(current, &token))?
        } else {
            defs.property(current, &token)?
        };
    }
    Some(current)
}

/// The fields the object at `pointer` declares.
fn declared_fields(defs: &Defs, schema: &Value, value: &Value, pointer: &str) -> Vec<String> {
    let keys: Vec<&str> = specdex_spec::pointer::resolve(value, pointer)
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    at_pointer(defs, schema, pointer)
        .map(|s| defs.object(s, &keys).names())
        .unwrap_or_default()
}

/// A short label of what a schema takes (`string`, `integer`, `Address`).
pub(crate) fn type_label(defs: &Defs, schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return specdex_spec::pointer::ref_name(reference);
    }
    let resolved = defs.resolve(schema);
    match resolved.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}
