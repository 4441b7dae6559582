//! Rule checks that turn specification violations into warnings.
//!
//! This is not a JSON Schema validation against the OpenAPI meta-schema: it
//! is one structural walk of the bundled document that looks for the faults
//! real documents have and that a person can act on (a response code `4xx`,
//! a path placeholder without its parameter, two operations sharing an
//! `operationId`, a dangling `$ref`). It stays linear in the size of the
//! document and allocates only for the warnings it reports.
//!
//! Faults found elsewhere are not repeated here: the version field
//! ([`crate::version`]), missing `info` fields, dangling references met while
//! extracting and a parameter listed twice in one list ([`crate::extract`]),
//! references into other files ([`crate::bundle`]).
//!
//! The walk knows where schemas, parameters, responses and the rest sit, so a
//! key such as `allowReserved` is only judged where it means something.
//! Objects reached through a `$ref` are checked where they live; targets the
//! walk does not reach in place (a path item kept under `definitions`, files
//! pulled in by bundling under [`pointer::BUNDLE_KEY`]) are checked once,
//! after the walk, as what the first reference to them says they are.
//! Every rule reports at most [`PER_RULE`] places, then one summary warning.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::extract::METHODS;
use crate::model::{SpecFormat, Warning};
use crate::pointer;

/// Most warnings one rule reports before the rest are only counted.
pub const PER_RULE: usize = 5;

/// Checks a bundled document against the rules of its format.
pub fn check(doc: &Value, format: SpecFormat) -> Vec<Warning> {
    let Some(root) = doc.as_object() else {
        return Vec::new();
    };
    let mut checker = Checker::new(doc, format);
    let top = At::ROOT;
    checker.dangling_refs(doc, &top);
    checker.top_level(root);
    checker.deferred_targets();
    checker.finish()
}

/// What kind of fault a warning reports; each rule is bounded separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    DanglingRef,
    UnknownField,
    NoPaths,
    ResponseCode,
    ResponseDescription,
    NoResponses,
    Swagger2Keyword,
    SchemaShape,
    RequiredFlag,
    BodyParameters,
    DuplicateOperationId,
    PathTemplate,
    PathRequired,
    ParameterLocation,
    AllowReserved,
    ExampleAndExamples,
    Servers,
    Link,
    RequestBodyContent,
}

impl Rule {
    const ALL: [Rule; 19] = [
        Rule::DanglingRef,
        Rule::UnknownField,
        Rule::NoPaths,
        Rule::ResponseCode,
        Rule::ResponseDescription,
        Rule::NoResponses,
        Rule::Swagger2Keyword,
        Rule::SchemaShape,
        Rule::RequiredFlag,
        Rule::BodyParameters,
        Rule::DuplicateOperationId,
        Rule::PathTemplate,
        Rule::PathRequired,
        Rule::ParameterLocation,
        Rule::AllowReserved,
        Rule::ExampleAndExamples,
        Rule::Servers,
        Rule::Link,
        Rule::RequestBodyContent,
    ];

    /// How the summary warning names the places left unreported.
    fn plural(self) -> &'static str {
        match self {
            Rule::DanglingRef => "dangling $refs",
            Rule::UnknownField => "unknown fields",
            Rule::NoPaths => "missing top-level containers",
            Rule::ResponseCode => "invalid response codes",
            Rule::ResponseDescription => "responses without a description",
            Rule::NoResponses => "operations without responses",
            Rule::Swagger2Keyword => "schema keywords Swagger 2.0 does not have",
            Rule::SchemaShape => "schemas that are not objects",
            Rule::RequiredFlag => "schemas with a boolean `required`",
            Rule::BodyParameters => "operations with conflicting body parameters",
            Rule::DuplicateOperationId => "duplicate operationIds",
            Rule::PathTemplate => "path template mismatches",
            Rule::PathRequired => "path parameters not marked `required: true`",
            Rule::ParameterLocation => "parameters with an invalid `in`",
            Rule::AllowReserved => "misplaced `allowReserved`",
            Rule::ExampleAndExamples => "objects with both `example` and `examples`",
            Rule::Servers => "server faults",
            Rule::Link => "link faults",
            Rule::RequestBodyContent => "request bodies without `content`",
        }
    }
}

/// The kinds of object a `$ref` can stand for; a target pulled in from
/// another file is checked once per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    Link,
    Callback,
    Schema,
    /// A mapping of names to schemas (`properties`); DigitalOcean writes
    /// whole `properties` mappings as a `$ref` to another file.
    SchemaMap,
}

/// One step of the path from the document root to the value being checked:
/// a linked list on the stack, turned into a pointer only for a warning.
#[derive(Clone, Copy)]
struct At<'p> {
    parent: Option<&'p At<'p>>,
    token: Token<'p>,
}

#[derive(Clone, Copy)]
enum Token<'p> {
    Root,
    /// A whole pointer (already escaped), for a place reached by reference.
    Pointer(&'p str),
    Key(&'p str),
    Index(usize),
}

impl<'p> At<'p> {
    const ROOT: At<'static> = At {
        parent: None,
        token: Token::Root,
    };

    fn key<'q>(&'q self, key: &'q str) -> At<'q> {
        At {
            parent: Some(self),
            token: Token::Key(key),
        }
    }

    fn index(&self, index: usize) -> At<'_> {
        At {
            parent: Some(self),
            token: Token::Index(index),
        }
    }

    /// The pointer, with a place inside a file pulled in by bundling written
    /// as `file#/pointer` (the form [`crate::bundle`] uses).
    fn pointer(&self) -> String {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(step) = at {
            steps.push(step.token);
            at = step.parent;
        }
        let mut out = String::new();
        for token in steps.iter().rev() {
            match token {
                Token::Root => {}
                Token::Pointer(p) => out.push_str(p),
                Token::Key(k) => {
                    out.push('/');
                    out.push_str(&pointer::escape(k));
                }
                Token::Index(i) => out.push_str(&format!("/{i}")),
            }
        }
        display_pointer(out)
    }
}

/// `/x-specdex-bundle/common~1e.yaml/properties` → `common/e.yaml#/properties`.
fn display_pointer(pointer: String) -> String {
    let Some(rest) = pointer.strip_prefix(BUNDLE_PREFIX.trim_start_matches('#')) else {
        return pointer;
    };
    let (name, rest) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let name = name.replace("~1", "/").replace("~0", "~");
    match (name.contains('#'), rest.is_empty()) {
        (_, true) => name,
        (true, false) => format!("{name}{rest}"),
        (false, false) => format!("{name}#{rest}"),
    }
}

/// Where a reference into a file pulled in by bundling starts.
const BUNDLE_PREFIX: &str = "#/x-specdex-bundle/";

/// Identity of a value inside the document, for "already checked".
fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
}

struct Checker<'a> {
    doc: &'a Value,
    format: SpecFormat,
    warnings: Vec<Warning>,
    /// Places found per rule (indexed like [`Rule::ALL`]).
    found: [usize; Rule::ALL.len()],
    /// `type: file` in OpenAPI 3 schemas: how many, and the first place.
    type_file: (usize, String),
    /// Objects already checked, by address and kind (schemas only when
    /// reached through a reference).
    checked: HashSet<(usize, Kind)>,
    /// References whose targets are checked after the walk.
    deferred: Vec<(&'a str, Kind)>,
    deferred_seen: HashSet<(&'a str, Kind)>,
    /// Local references already found to resolve.
    resolved: HashSet<&'a str>,
    /// The endpoint (`GET /pets`) that first used each operationId.
    operation_ids: HashMap<&'a str, String>,
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Value, format: SpecFormat) -> Self {
        Checker {
            doc,
            format,
            warnings: Vec::new(),
            found: [0; Rule::ALL.len()],
            type_file: (0, String::new()),
            checked: HashSet::new(),
            deferred: Vec::new(),
            deferred_seen: HashSet::new(),
            resolved: HashSet::new(),
            operation_ids: HashMap::new(),
        }
    }

    fn is_swagger2(&self) -> bool {
        self.format == SpecFormat::Swagger2
    }

    /// OpenAPI 3.1 or later (JSON Schema 2020-12, webhooks).
    fn is_31_plus(&self) -> bool {
        matches!(self.format, SpecFormat::Openapi31 | SpecFormat::Openapi32)
    }

    /// Reports a fault unless its rule already reported [`PER_RULE`]; the
    /// message is only built when it will be kept.
    fn warn(&mut self, rule: Rule, at: &At<'_>, message: impl FnOnce() -> String) {
        let slot = &mut self.found[rule as usize];
        *slot += 1;
        if *slot <= PER_RULE {
            self.warnings.push(Warning {
                pointer: at.pointer(),
                message: message(),
            });
        }
    }

    fn finish(mut self) -> Vec<Warning> {
        let (count, first) = std::mem::take(&mut self.type_file);
        if count > 0 {
            let message = format!(
                "`type: file` is Swagger 2.0 only ({count} schema{} here); OpenAPI 3 describes a file as `type: string` with `format: binary` (or `contentMediaType` in 3.1)",
                if count == 1 { "" } else { "s" }
            );
            self.warnings.push(Warning {
                pointer: first,
                message,
            });
        }
        for rule in Rule::ALL {
            let found = self.found[rule as usize];
            if found > PER_RULE {
                self.warnings.push(Warning {
                    pointer: String::new(),
                    message: format!("… and {} more {}", found - PER_RULE, rule.plural()),
                });
            }
        }
        self.warnings
    }

    // ----- references -----

    /// One walk over the whole document for local `$ref`s that name nothing.
    /// References to other documents were followed (or warned about) by
    /// bundling; what is left of them is not judged here.
    fn dangling_refs(&mut self, value: &'a Value, at: &At<'_>) {
        match value {
            Value::Object(map) => {
                // One pass over the entries, not a lookup of `$ref` in each
                // object besides: hashing a key per object of the document
                // was most of this walk's time.
                for (key, child) in map {
                    match child {
                        Value::Object(_) | Value::Array(_) => {
                            self.dangling_refs(child, &at.key(key));
                        }
                        Value::String(reference) if key == "$ref" => {
                            self.check_ref(reference, at);
                        }
                        _ => {}
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    if matches!(child, Value::Object(_) | Value::Array(_)) {
                        self.dangling_refs(child, &at.index(i));
                    }
                }
            }
            _ => {}
        }
    }

    fn check_ref(&mut self, reference: &'a str, at: &At<'_>) {
        let Some(fragment) = reference.strip_prefix('#') else {
            return;
        };
        if self.resolved.contains(reference) {
            return;
        }
        if pointer::resolve(self.doc, fragment).is_some() {
            self.resolved.insert(reference);
        } else {
            self.warn(Rule::DanglingRef, at, || {
                format!("dangling $ref \"{reference}\"")
            });
        }
    }

    /// Follows local references (bounded) to the value they name, quietly:
    /// for reading what a reference stands for, not for checking it.
    fn deref(&self, value: &'a Value) -> &'a Value {
        let mut current = value;
        for _ in 0..32 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return current;
            };
            let Some(next) = reference
                .strip_prefix('#')
                .and_then(|fragment| pointer::resolve(self.doc, fragment))
            else {
                return current;
            };
            current = next;
        }
        current
    }

    /// Checks `value` as a `kind` object, unless it is a reference: a local
    /// target is checked where it lives, a bundled one here, once.
    fn visit(&mut self, value: &'a Value, at: &At<'_>, kind: Kind) {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            self.check_kind(value, at, kind);
            return;
        };
        if !reference.starts_with('#') {
            return;
        }
        // Named schemas are all walked in place; of the schemas a reference
        // can reach, only those pulled in from other files need a visit.
        let schema = matches!(kind, Kind::Schema | Kind::SchemaMap);
        if (!schema || reference.starts_with(BUNDLE_PREFIX))
            && self.deferred_seen.insert((reference, kind))
        {
            self.deferred.push((reference, kind));
        }
    }

    /// Checks the targets of references that the walk did not reach in
    /// place (`paths: {/a: {$ref: '#/definitions/a'}}`, bundled files).
    fn deferred_targets(&mut self) {
        while let Some((reference, kind)) = self.deferred.pop() {
            let fragment = &reference[1..];
            let Some(target) = pointer::resolve(self.doc, fragment) else {
                continue; // dangling: reported by the reference walk
            };
            if !self.checked.insert((address(target), kind)) {
                continue;
            }
            let tokens = pointer::tokens(fragment);
            let place = pointer::join(tokens.iter().map(String::as_str));
            let at = At {
                parent: None,
                token: Token::Pointer(&place),
            };
            self.visit(target, &at, kind);
        }
    }

    fn check_kind(&mut self, value: &'a Value, at: &At<'_>, kind: Kind) {
        if !matches!(kind, Kind::Schema | Kind::SchemaMap) {
            self.checked.insert((address(value), kind));
        }
        match kind {
            Kind::Schema => self.schema(value, at),
            Kind::SchemaMap => {
                if let Some(map) = value.as_object() {
                    for (name, schema) in map {
                        self.schema(schema, &at.key(name));
                    }
                }
            }
            _ => {
                let Some(object) = value.as_object() else {
                    return;
                };
                match kind {
                    Kind::PathItem => self.path_item(object, at),
                    Kind::Operation => self.operation(object, at),
                    Kind::Parameter => self.parameter(object, at),
                    Kind::RequestBody => self.request_body(object, at),
                    Kind::Response => self.response(object, at),
                    Kind::Header => self.header(object, at),
                    Kind::Link => self.link(object, at),
                    Kind::Callback => self.callback(object, at),
                    Kind::Schema | Kind::SchemaMap => {}
                }
            }
        }
    }

    /// Visits every value of a mapping (`components.parameters`, ...).
    fn visit_map(&mut self, map: Option<&'a Value>, at: &At<'_>, kind: Kind) {
        if let Some(map) = map.and_then(Value::as_object) {
            for (name, value) in map {
                if !name.starts_with("x-") || kind == Kind::Schema {
                    self.visit(value, &at.key(name), kind);
                }
            }
        }
    }

    /// Visits every item of a list (`parameters`, `allOf`, ...).
    fn visit_list(&mut self, list: Option<&'a Value>, at: &At<'_>, kind: Kind) {
        if let Some(list) = list.and_then(Value::as_array) {
            for (i, value) in list.iter().enumerate() {
                self.visit(value, &at.index(i), kind);
            }
        }
    }

    // ----- the top level -----

    fn top_level(&mut self, root: &'a Map<String, Value>) {
        let top = At::ROOT;
        self.unknown_fields(root, &top, top_level_fields(self.format), "the top level");
        self.containers(root);
        if !self.is_swagger2() {
            self.servers(root.get("servers"), &top.key("servers"));
        }
        let paths = top.key("paths");
        if let Some(map) = root.get("paths").and_then(Value::as_object) {
            for (path, item) in map {
                if path.starts_with("x-") {
                    continue;
                }
                let here = paths.key(path);
                self.visit(item, &here, Kind::PathItem);
                self.endpoints(path, item, &here, true);
            }
        }
        let webhooks = top.key("webhooks");
        if let Some(map) = root.get("webhooks").and_then(Value::as_object) {
            for (name, item) in map {
                let here = webhooks.key(name);
                self.visit(item, &here, Kind::PathItem);
                self.endpoints(name, item, &here, false);
            }
        }
        if self.is_swagger2() {
            self.visit_map(
                root.get("definitions"),
                &top.key("definitions"),
                Kind::Schema,
            );
            self.visit_map(
                root.get("parameters"),
                &top.key("parameters"),
                Kind::Parameter,
            );
            self.visit_map(root.get("responses"), &top.key("responses"), Kind::Response);
        } else if let Some(components) = root.get("components").and_then(Value::as_object) {
            self.components(components, &top.key("components"));
        }
    }

    /// A document must describe something: `paths` (Swagger 2.0, OpenAPI
    /// 3.0), or one of `paths`, `webhooks`, `components` (3.1 and later).
    fn containers(&mut self, root: &Map<String, Value>) {
        let top = At::ROOT;
        if self.is_31_plus() {
            if !["paths", "webhooks", "components"]
                .iter()
                .any(|k| root.contains_key(*k))
            {
                self.warn(Rule::NoPaths, &top, || {
                    "no `paths`, `webhooks` or `components`: OpenAPI 3.1 needs at least one of them"
                        .to_owned()
                });
            }
        } else if !root.contains_key("paths") {
            let label = self.format_label();
            self.warn(Rule::NoPaths, &top, || {
                format!("no `paths`: {label} requires it (write `paths: {{}}` for an API without operations)")
            });
        }
    }

    fn format_label(&self) -> &'static str {
        match self.format {
            SpecFormat::Swagger2 => "Swagger 2.0",
            SpecFormat::Openapi30 => "OpenAPI 3.0",
            SpecFormat::Openapi31 => "OpenAPI 3.1",
            SpecFormat::Openapi32 => "OpenAPI 3.2",
        }
    }

    fn components(&mut self, components: &'a Map<String, Value>, at: &At<'_>) {
        let mut fields = vec![
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "securitySchemes",
            "links",
            "callbacks",
        ];
        if self.is_31_plus() {
            fields.push("pathItems");
        }
        if self.format == SpecFormat::Openapi32 {
            fields.push("mediaTypes");
        }
        self.unknown_fields(components, at, &fields, "`components`");
        let get = |key: &str| components.get(key);
        self.visit_map(get("schemas"), &at.key("schemas"), Kind::Schema);
        self.visit_map(get("responses"), &at.key("responses"), Kind::Response);
        self.visit_map(get("parameters"), &at.key("parameters"), Kind::Parameter);
        self.visit_map(
            get("requestBodies"),
            &at.key("requestBodies"),
            Kind::RequestBody,
        );
        self.visit_map(get("headers"), &at.key("headers"), Kind::Header);
        self.visit_map(get("links"), &at.key("links"), Kind::Link);
        self.visit_map(get("callbacks"), &at.key("callbacks"), Kind::Callback);
        self.visit_map(get("pathItems"), &at.key("pathItems"), Kind::PathItem);
    }

    /// Keys of `object` that are neither `allowed` nor extensions (`x-`).
    fn unknown_fields(
        &mut self,
        object: &Map<String, Value>,
        at: &At<'_>,
        allowed: &[&str],
        place: &str,
    ) {
        for key in object.keys() {
            if key.starts_with("x-") || allowed.contains(&key.as_str()) {
                continue;
            }
            let label = self.format_label();
            let hint = if METHODS.contains(&key.to_ascii_lowercase().as_str()) {
                format!(
                    " (HTTP methods are written in lower case: `{}`)",
                    key.to_ascii_lowercase()
                )
            } else {
                String::new()
            };
            self.warn(Rule::UnknownField, &at.key(key), || {
                format!(
                    "unknown field `{key}` in {place}: {label} does not define it{hint} (extensions start with `x-`)"
                )
            });
        }
    }

    // ----- paths and operations -----

    fn path_item(&mut self, item: &'a Map<String, Value>, at: &At<'_>) {
        let mut fields: Vec<&str> = vec!["$ref", "parameters"];
        fields.extend(METHODS);
        if !self.is_swagger2() {
            fields.extend(["summary", "description", "servers"]);
        }
        if self.format == SpecFormat::Openapi32 {
            fields.extend(["query", "additionalOperations"]);
        }
        self.unknown_fields(item, at, &fields, "a path item");
        self.visit_list(
            item.get("parameters"),
            &at.key("parameters"),
            Kind::Parameter,
        );
        if let Some(servers) = item.get("servers") {
            self.servers(Some(servers), &at.key("servers"));
        }
        for (key, operation) in item {
            if METHODS.contains(&key.as_str()) || key == "query" {
                self.visit(operation, &at.key(key), Kind::Operation);
            }
        }
        if let Some(more) = item.get("additionalOperations").and_then(Value::as_object) {
            let here = at.key("additionalOperations");
            for (method, operation) in more {
                self.visit(operation, &here.key(method), Kind::Operation);
            }
        }
    }

    fn operation(&mut self, op: &'a Map<String, Value>, at: &At<'_>) {
        let fields: &[&str] = if self.is_swagger2() {
            &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "consumes",
                "produces",
                "parameters",
                "responses",
                "schemes",
                "deprecated",
                "security",
            ]
        } else {
            &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "parameters",
                "requestBody",
                "responses",
                "callbacks",
                "deprecated",
                "security",
                "servers",
            ]
        };
        self.unknown_fields(op, at, fields, "an operation");
        self.visit_list(op.get("parameters"), &at.key("parameters"), Kind::Parameter);
        if !self.is_swagger2() {
            if let Some(body) = op.get("requestBody") {
                self.visit(body, &at.key("requestBody"), Kind::RequestBody);
            }
            self.visit_map(op.get("callbacks"), &at.key("callbacks"), Kind::Callback);
            if let Some(servers) = op.get("servers") {
                self.servers(Some(servers), &at.key("servers"));
            }
        }
        self.responses(op.get("responses"), &at.key("responses"), at);
    }

    fn responses(&mut self, responses: Option<&'a Value>, at: &At<'_>, op_at: &At<'_>) {
        let required = !self.is_31_plus();
        let Some(responses) = responses.and_then(Value::as_object) else {
            if required && responses.is_none() {
                let label = self.format_label();
                self.warn(Rule::NoResponses, op_at, || {
                    format!("an operation needs `responses` in {label}")
                });
            }
            return;
        };
        if required && !responses.keys().any(|k| !k.starts_with("x-")) {
            let label = self.format_label();
            self.warn(Rule::NoResponses, at, || {
                format!("`responses` must list at least one response in {label}")
            });
        }
        for (code, response) in responses {
            if code.starts_with("x-") {
                continue;
            }
            let here = at.key(code);
            if !self.valid_status(code) {
                let expected = if self.is_swagger2() {
                    "`default` or a three-digit HTTP status code"
                } else {
                    "`default`, a three-digit HTTP status code, or a range `1XX`–`5XX` (upper-case X)"
                };
                self.warn(Rule::ResponseCode, &here, || {
                    format!("response key `{code}` is not a status code: expected {expected}")
                });
            }
            self.visit(response, &here, Kind::Response);
        }
    }

    fn valid_status(&self, code: &str) -> bool {
        let bytes = code.as_bytes();
        if code == "default" {
            return true;
        }
        if bytes.len() != 3 || !(b'1'..=b'5').contains(&bytes[0]) {
            return false;
        }
        let digits = bytes[1..].iter().all(u8::is_ascii_digit);
        let range = !self.is_swagger2() && &bytes[1..] == b"XX";
        digits || range
    }

    fn callback(&mut self, callback: &'a Map<String, Value>, at: &At<'_>) {
        for (expression, item) in callback {
            if !expression.starts_with("x-") {
                self.visit(item, &at.key(expression), Kind::PathItem);
            }
        }
    }

    /// Checks that need every operation of a path item with its path-level
    /// parameters merged in: operationIds, the path template, body parameters.
    fn endpoints(&mut self, path: &'a str, item: &'a Value, at: &At<'_>, is_path: bool) {
        let Some(item) = self.deref(item).as_object() else {
            return;
        };
        let shared = self.parameter_list(item.get("parameters"));
        let placeholders = if is_path {
            placeholders(path)
        } else {
            Vec::new()
        };
        if is_path {
            let params_at = at.key("parameters");
            self.unused_path_parameters(&placeholders, &shared, &params_at, path);
        }
        for (key, operation) in item {
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            let Some(op) = self.deref(operation).as_object() else {
                continue;
            };
            let op_at = at.key(key);
            let endpoint = format!("{} {path}", key.to_ascii_uppercase());
            self.operation_id(op, &op_at, &endpoint);
            let own = self.parameter_list(op.get("parameters"));
            let merged = merge_parameters(&shared, &own);
            if is_path {
                self.missing_path_parameters(&placeholders, &merged, &op_at, &endpoint);
                let params_at = op_at.key("parameters");
                self.unused_path_parameters(&placeholders, &own, &params_at, &endpoint);
            }
            if self.is_swagger2() {
                self.body_parameters(&merged, &op_at, &endpoint);
            }
        }
    }

    /// The name and location of each parameter of a list, references followed.
    fn parameter_list(&self, list: Option<&'a Value>) -> Vec<Param<'a>> {
        let Some(list) = list.and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .filter_map(|(index, param)| {
                let param = self.deref(param);
                Some(Param {
                    name: param.get("name").and_then(Value::as_str)?,
                    location: param.get("in").and_then(Value::as_str)?,
                    index,
                })
            })
            .collect()
    }

    fn operation_id(&mut self, op: &'a Map<String, Value>, at: &At<'_>, endpoint: &str) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return;
        };
        match self.operation_ids.get(id) {
            None => {
                self.operation_ids.insert(id, endpoint.to_owned());
            }
            Some(first) if first == endpoint => {}
            Some(first) => {
                let first = first.clone();
                self.warn(Rule::DuplicateOperationId, &at.key("operationId"), || {
                    format!("operationId \"{id}\" is used by both {first} and {endpoint}; operationIds must be unique")
                });
            }
        }
    }

    /// Placeholders of the template that no `in: path` parameter fills.
    fn missing_path_parameters(
        &mut self,
        placeholders: &[&str],
        merged: &[&Param<'_>],
        op_at: &At<'_>,
        endpoint: &str,
    ) {
        for placeholder in placeholders {
            let declared = merged
                .iter()
                .any(|p| p.location == "path" && p.name == *placeholder);
            if !declared {
                self.warn(Rule::PathTemplate, op_at, || {
                    format!("{endpoint}: path placeholder {{{placeholder}}} has no `in: path` parameter named \"{placeholder}\"")
                });
            }
        }
    }

    /// `in: path` parameters of a list whose name is not in the template.
    fn unused_path_parameters(
        &mut self,
        placeholders: &[&str],
        params: &[Param<'_>],
        params_at: &At<'_>,
        context: &str,
    ) {
        for param in params {
            if param.location == "path" && !placeholders.contains(&param.name) {
                let name = param.name;
                self.warn(Rule::PathTemplate, &params_at.index(param.index), || {
                    format!(
                        "{context}: path parameter \"{name}\" does not appear in the path template"
                    )
                });
            }
        }
    }

    fn body_parameters(&mut self, merged: &[&Param<'_>], op_at: &At<'_>, endpoint: &str) {
        let bodies = merged.iter().filter(|p| p.location == "body").count();
        let forms = merged.iter().filter(|p| p.location == "formData").count();
        if bodies > 1 {
            self.warn(Rule::BodyParameters, op_at, || {
                format!("{endpoint} has {bodies} `body` parameters; Swagger 2.0 allows one")
            });
        }
        if bodies > 0 && forms > 0 {
            self.warn(Rule::BodyParameters, op_at, || {
                format!("{endpoint} has both `body` and `formData` parameters; Swagger 2.0 allows one kind or the other")
            });
        }
    }

    // ----- parameters, bodies, responses, headers, links -----

    fn parameter(&mut self, param: &'a Map<String, Value>, at: &At<'_>) {
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let Some(location) = param.get("in").and_then(Value::as_str) else {
            return;
        };
        let locations: &[&str] = match self.format {
            SpecFormat::Swagger2 => &["path", "query", "header", "body", "formData"],
            SpecFormat::Openapi32 => &["path", "query", "querystring", "header", "cookie"],
            _ => &["path", "query", "header", "cookie"],
        };
        if !locations.contains(&location) {
            let list = locations.join("`, `");
            self.warn(Rule::ParameterLocation, &at.key("in"), || {
                format!("parameter \"{name}\" has `in: {location}`; expected one of `{list}`")
            });
        }
        if location == "path" && param.get("required") != Some(&Value::Bool(true)) {
            self.warn(Rule::PathRequired, at, || {
                format!("path parameter \"{name}\" must have `required: true`")
            });
        }
        if self.is_swagger2() {
            if let Some(schema) = param.get("schema") {
                self.visit(schema, &at.key("schema"), Kind::Schema);
            }
            return;
        }
        // Swagger 2's `type`, `format`, `items` on the parameter itself are
        // lost in OpenAPI 3, where they belong under `schema`.
        let fields = [
            "name",
            "in",
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
            "style",
            "explode",
            "allowReserved",
            "schema",
            "example",
            "examples",
            "content",
        ];
        self.unknown_fields(param, at, &fields, "a parameter");
        if location != "query" && param.contains_key("allowReserved") {
            self.warn(Rule::AllowReserved, &at.key("allowReserved"), || {
                format!("`allowReserved` applies only to query parameters, not to parameter \"{name}\" in {location}")
            });
        }
        self.example_and_examples(param, at);
        self.schema_and_content(param, at);
    }

    fn header(&mut self, header: &'a Map<String, Value>, at: &At<'_>) {
        if self.is_swagger2() {
            return;
        }
        if header.contains_key("allowReserved") {
            self.warn(Rule::AllowReserved, &at.key("allowReserved"), || {
                "`allowReserved` is not a field of a header object (it applies only to query parameters)".to_owned()
            });
        }
        self.example_and_examples(header, at);
        self.schema_and_content(header, at);
    }

    /// The `schema` or `content` of an OpenAPI 3 parameter or header.
    fn schema_and_content(&mut self, object: &'a Map<String, Value>, at: &At<'_>) {
        if let Some(schema) = object.get("schema") {
            self.visit(schema, &at.key("schema"), Kind::Schema);
        }
        self.content(object.get("content"), &at.key("content"));
    }

    fn example_and_examples(&mut self, object: &Map<String, Value>, at: &At<'_>) {
        if object.contains_key("example") && object.contains_key("examples") {
            self.warn(Rule::ExampleAndExamples, at, || {
                "`example` and `examples` are mutually exclusive; keep one".to_owned()
            });
        }
    }

    fn content(&mut self, content: Option<&'a Value>, at: &At<'_>) {
        let Some(content) = content.and_then(Value::as_object) else {
            return;
        };
        for (media_type, media) in content {
            let here = at.key(media_type);
            let Some(media) = media.as_object() else {
                continue;
            };
            self.example_and_examples(media, &here);
            if let Some(schema) = media.get("schema") {
                self.visit(schema, &here.key("schema"), Kind::Schema);
            }
            if let Some(encoding) = media.get("encoding").and_then(Value::as_object) {
                let encoding_at = here.key("encoding");
                for (property, encoding) in encoding {
                    let property_at = encoding_at.key(property);
                    self.visit_map(
                        encoding.get("headers"),
                        &property_at.key("headers"),
                        Kind::Header,
                    );
                }
            }
        }
    }

    fn request_body(&mut self, body: &'a Map<String, Value>, at: &At<'_>) {
        if !body.contains_key("content") {
            self.warn(Rule::RequestBodyContent, at, || {
                "a request body needs `content` (the media types it accepts)".to_owned()
            });
        }
        self.content(body.get("content"), &at.key("content"));
    }

    fn response(&mut self, response: &'a Map<String, Value>, at: &At<'_>) {
        if self.format != SpecFormat::Openapi32 && !response.contains_key("description") {
            let label = self.format_label();
            self.warn(Rule::ResponseDescription, at, || {
                format!("a response needs a `description` in {label}")
            });
        }
        if self.is_swagger2() {
            self.unknown_fields(
                response,
                at,
                &["description", "schema", "headers", "examples"],
                "a response",
            );
            if let Some(schema) = response.get("schema") {
                self.visit(schema, &at.key("schema"), Kind::Schema);
            }
            return;
        }
        // A Swagger 2 `schema` here would be silently lost.
        let fields: &[&str] = if self.format == SpecFormat::Openapi32 {
            &["summary", "description", "headers", "content", "links"]
        } else {
            &["description", "headers", "content", "links"]
        };
        self.unknown_fields(response, at, fields, "a response");
        self.visit_map(response.get("headers"), &at.key("headers"), Kind::Header);
        self.content(response.get("content"), &at.key("content"));
        self.visit_map(response.get("links"), &at.key("links"), Kind::Link);
    }

    fn link(&mut self, link: &'a Map<String, Value>, at: &At<'_>) {
        let fields = [
            "operationRef",
            "operationId",
            "parameters",
            "requestBody",
            "description",
            "server",
        ];
        self.unknown_fields(link, at, &fields, "a link");
        match (
            link.contains_key("operationId"),
            link.contains_key("operationRef"),
        ) {
            (true, true) => self.warn(Rule::Link, at, || {
                "a link names its operation by `operationId` or `operationRef`, not both".to_owned()
            }),
            (false, false) => self.warn(Rule::Link, at, || {
                "a link needs `operationId` or `operationRef`".to_owned()
            }),
            _ => {}
        }
        if let Some(server) = link.get("server") {
            self.server(server, &at.key("server"));
        }
    }

    // ----- servers -----

    fn servers(&mut self, servers: Option<&'a Value>, at: &At<'_>) {
        let Some(servers) = servers else {
            return;
        };
        let Some(list) = servers.as_array() else {
            // The same words as the extractor, so the two reports merge.
            self.warn(Rule::Servers, at, || "`servers` must be a list".to_owned());
            return;
        };
        for (i, server) in list.iter().enumerate() {
            self.server(server, &at.index(i));
        }
    }

    fn server(&mut self, server: &'a Value, at: &At<'_>) {
        let Some(server) = server.as_object() else {
            self.warn(Rule::Servers, at, || {
                "a server must be a mapping with a `url`".to_owned()
            });
            return;
        };
        if !server.contains_key("url") {
            self.warn(Rule::Servers, at, || "a server needs a `url`".to_owned());
        }
        let Some(variables) = server.get("variables").and_then(Value::as_object) else {
            return;
        };
        let variables_at = at.key("variables");
        for (name, variable) in variables {
            self.server_variable(name, variable, &variables_at.key(name));
        }
    }

    fn server_variable(&mut self, name: &str, variable: &Value, at: &At<'_>) {
        let default = variable.get("default");
        if default.is_none() {
            self.warn(Rule::Servers, at, || {
                format!("server variable \"{name}\" needs a `default`")
            });
        }
        let Some(values) = variable.get("enum").and_then(Value::as_array) else {
            return;
        };
        if values.is_empty() {
            self.warn(Rule::Servers, &at.key("enum"), || {
                format!(
                    "server variable \"{name}\" has an empty `enum`; list its values or drop `enum`"
                )
            });
        } else if let Some(default) = default.filter(|d| !values.contains(d)) {
            self.warn(Rule::Servers, &at.key("default"), || {
                format!("the default {default} of server variable \"{name}\" is not one of its `enum` values")
            });
        }
    }

    // ----- schemas -----

    fn schema(&mut self, schema: &'a Value, at: &At<'_>) {
        let object = match schema {
            Value::Object(object) => object,
            Value::Bool(_) if self.is_31_plus() => return,
            other => {
                let kind = json_kind(other);
                let expected = if self.is_31_plus() {
                    "an object or a boolean"
                } else {
                    "an object"
                };
                self.warn(Rule::SchemaShape, at, || {
                    format!("a schema must be {expected}, not {kind}")
                });
                return;
            }
        };
        if let Some(Value::String(_)) = object.get("$ref") {
            self.visit(schema, at, Kind::Schema);
            if !self.is_31_plus() {
                // Siblings of `$ref` are ignored before 3.1.
                return;
            }
        }
        self.schema_keywords(object, at);
        self.subschemas(object, at);
    }

    /// Faults of one schema object, not looking into its subschemas.
    fn schema_keywords(&mut self, object: &Map<String, Value>, at: &At<'_>) {
        if !self.is_swagger2() && object.get("type").and_then(Value::as_str) == Some("file") {
            self.type_file.0 += 1;
            if self.type_file.0 == 1 {
                self.type_file.1 = at.key("type").pointer();
            }
        }
        if self.is_swagger2() {
            for keyword in ["anyOf", "oneOf", "not"] {
                if object.contains_key(keyword) {
                    self.warn(Rule::Swagger2Keyword, &at.key(keyword), || {
                        format!("`{keyword}` is not part of Swagger 2.0 schemas (only `allOf` is); tools will ignore or reject it")
                    });
                }
            }
        }
        if let Some(Value::Bool(_)) = object.get("required") {
            self.warn(Rule::RequiredFlag, &at.key("required"), || {
                "`required` in a schema is a list of property names on the object that holds them, not a flag on the property".to_owned()
            });
        }
    }

    fn subschemas(&mut self, object: &'a Map<String, Value>, at: &At<'_>) {
        for (keyword, value) in object {
            let here = at.key(keyword);
            match keyword.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => self.visit(value, &here, Kind::SchemaMap),
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => match value.as_array() {
                    Some(list) => {
                        for (i, schema) in list.iter().enumerate() {
                            self.schema(schema, &here.index(i));
                        }
                    }
                    None => self.warn(Rule::SchemaShape, &here, || {
                        format!("`{keyword}` must be a list of schemas")
                    }),
                },
                "additionalProperties" | "unevaluatedProperties" | "additionalItems"
                    if value.is_boolean() => {}
                "items"
                | "not"
                | "additionalProperties"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "additionalItems"
                | "contentSchema" => {
                    self.schema(value, &here);
                }
                _ => {}
            }
        }
    }
}

/// A parameter as the path checks need it: name, location, list index.
struct Param<'a> {
    name: &'a str,
    location: &'a str,
    index: usize,
}

/// Parameters of an operation with the path item's merged in: an operation's
/// own parameter replaces a shared one with the same name and location.
fn merge_parameters<'p, 'a>(shared: &'p [Param<'a>], own: &'p [Param<'a>]) -> Vec<&'p Param<'a>> {
    shared
        .iter()
        .filter(|s| {
            !own.iter()
                .any(|o| o.name == s.name && o.location == s.location)
        })
        .chain(own)
        .collect()
}

/// The `{name}` placeholders of a path template.
fn placeholders(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Top-level fields each format defines.
fn top_level_fields(format: SpecFormat) -> &'static [&'static str] {
    match format {
        SpecFormat::Swagger2 => &[
            "swagger",
            "info",
            "host",
            "basePath",
            "schemes",
            "consumes",
            "produces",
            "paths",
            "definitions",
            "parameters",
            "responses",
            "securityDefinitions",
            "security",
            "tags",
            "externalDocs",
        ],
        SpecFormat::Openapi30 => &[
            "openapi",
            "info",
            "servers",
            "paths",
            "components",
            "security",
            "tags",
            "externalDocs",
        ],
        SpecFormat::Openapi31 => &[
            "openapi",
            "info",
            "jsonSchemaDialect",
            "servers",
            "paths",
            "webhooks",
            "components",
            "security",
            "tags",
            "externalDocs",
        ],
        SpecFormat::Openapi32 => &[
            "openapi",
            "$self",
            "info",
            "jsonSchemaDialect",
            "servers",
            "paths",
            "webhooks",
            "components",
            "security",
            "tags",
            "externalDocs",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check30(doc: Value) -> Vec<Warning> {
        check(&doc, SpecFormat::Openapi30)
    }

    /// Asserts that some warning sits at `pointer` and mentions `needle`.
    #[track_caller]
    fn assert_warns(warnings: &[Warning], pointer: &str, needle: &str) {
        assert!(
            warnings
                .iter()
                .any(|w| w.pointer == pointer && w.message.contains(needle)),
            "no warning at {pointer:?} mentioning {needle:?} in {warnings:#?}"
        );
    }

    /// A minimal valid OpenAPI 3.0 document with one operation.
    fn doc30(operation: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/pets": {"get": operation}}
        })
    }

    fn ok_response() -> Value {
        json!({"200": {"description": "ok"}})
    }

    #[test]
    fn a_valid_document_has_no_warnings() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://{host}/v1", "variables": {"host": {"default": "a", "enum": ["a", "b"]}}}],
            "paths": {"/pets/{id}": {
                "parameters": [{"$ref": "#/components/parameters/id"}],
                "get": {"operationId": "getPet", "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "4XX": {"$ref": "#/components/responses/Error"},
                    "default": {"description": "error"}
                }}
            }},
            "components": {
                "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "responses": {"Error": {"description": "error", "links": {"self": {"operationId": "getPet"}}}},
                "schemas": {"Pet": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}, "additionalProperties": false}}
            }
        });
        assert_eq!(check30(doc), []);
    }

    #[test]
    fn dangling_local_refs_are_found_once_per_place() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/Missing"},
                "B": {"properties": {"x": {"$ref": "#/components/schemas/A"}, "y": {"$ref": "#/components/schemas/Missing"}}},
                "C": {"$ref": "other.yaml#/C"}
            }}
        });
        let warnings = check30(doc);
        assert_warns(
            &warnings,
            "/components/schemas/A",
            "dangling $ref \"#/components/schemas/Missing\"",
        );
        assert_warns(
            &warnings,
            "/components/schemas/B/properties/y",
            "dangling $ref",
        );
        // References to other files were bundling's business.
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
    }

    #[test]
    fn a_document_must_have_paths_or_another_container() {
        let warnings = check30(json!({"openapi": "3.0.3", "info": {}}));
        assert_warns(&warnings, "", "no `paths`");
        let warnings = check(&json!({"swagger": "2.0", "info": {}}), SpecFormat::Swagger2);
        assert_warns(&warnings, "", "Swagger 2.0 requires it");
        let warnings = check(
            &json!({"openapi": "3.1.0", "info": {}}),
            SpecFormat::Openapi31,
        );
        assert_warns(&warnings, "", "no `paths`, `webhooks` or `components`");
        for container in ["paths", "webhooks", "components"] {
            let doc = json!({"openapi": "3.1.0", "info": {}, container: {}});
            assert_eq!(check(&doc, SpecFormat::Openapi31), [], "{container}");
        }
    }

    #[test]
    fn unknown_top_level_fields_are_named() {
        let doc =
            json!({"openapi": "3.1.0", "info": {}, "overlays": {}, "x-logo": {}, "paths": {}});
        let warnings = check(&doc, SpecFormat::Openapi31);
        assert_warns(&warnings, "/overlays", "unknown field `overlays`");
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        // `webhooks` came with 3.1; `definitions` is Swagger 2.
        let doc = json!({"openapi": "3.0.3", "paths": {}, "webhooks": {}, "definitions": {}});
        let warnings = check30(doc);
        assert_warns(&warnings, "/webhooks", "OpenAPI 3.0 does not define it");
        assert_warns(&warnings, "/definitions", "unknown field");
        let doc = json!({"swagger": "2.0", "paths": {}, "components": {}});
        assert_warns(
            &check(&doc, SpecFormat::Swagger2),
            "/components",
            "unknown field",
        );
    }

    #[test]
    fn response_keys_must_be_status_codes() {
        let doc = doc30(json!({"responses": {
            "200": {"description": "ok"}, "4XX": {"description": "e"}, "4xx": {"description": "e"},
            "600": {"description": "e"}, "20": {"description": "e"}, "x-note": {}, "default": {"description": "e"}
        }}));
        let warnings = check30(doc);
        assert_warns(&warnings, "/paths/~1pets/get/responses/4xx", "upper-case X");
        assert_warns(
            &warnings,
            "/paths/~1pets/get/responses/600",
            "not a status code",
        );
        assert_warns(
            &warnings,
            "/paths/~1pets/get/responses/20",
            "not a status code",
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        // Swagger 2.0 has no ranges.
        let doc = json!({"swagger": "2.0", "paths": {"/a": {"get": {"responses": {"4XX": {"description": "e"}}}}}});
        assert_warns(
            &check(&doc, SpecFormat::Swagger2),
            "/paths/~1a/get/responses/4XX",
            "three-digit",
        );
    }

    #[test]
    fn responses_need_a_description_before_3_2() {
        let doc = doc30(json!({"responses": {"200": {"content": {}}}}));
        assert_warns(
            &check30(doc.clone()),
            "/paths/~1pets/get/responses/200",
            "needs a `description`",
        );
        assert_warns(
            &check(&doc, SpecFormat::Openapi31),
            "/paths/~1pets/get/responses/200",
            "`description`",
        );
        assert_eq!(check(&doc, SpecFormat::Openapi32), []);
        let doc = json!({"swagger": "2.0", "paths": {"/a": {"get": {"responses": {"200": {"schema": {}}}}}}});
        assert_warns(
            &check(&doc, SpecFormat::Swagger2),
            "/paths/~1a/get/responses/200",
            "`description`",
        );
    }

    #[test]
    fn operations_need_responses_before_3_1() {
        let doc = doc30(json!({"summary": "no responses"}));
        assert_warns(
            &check30(doc.clone()),
            "/paths/~1pets/get",
            "needs `responses`",
        );
        assert_eq!(check(&doc, SpecFormat::Openapi31), []);
        let doc = doc30(json!({"responses": {"x-only": 1}}));
        assert_warns(
            &check30(doc),
            "/paths/~1pets/get/responses",
            "at least one response",
        );
    }

    #[test]
    fn type_file_in_openapi_3_is_reported_once() {
        let file = json!({"type": "file"});
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "A": file, "B": {"properties": {"f": file, "g": {"items": file}}}
        }}});
        let warnings = check30(doc);
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert_warns(&warnings, "/components/schemas/A/type", "(3 schemas here)");
        assert_warns(&warnings, "/components/schemas/A/type", "format: binary");
        // Swagger 2 has `type: file` (for parameters and responses).
        let doc = json!({"swagger": "2.0", "paths": {}, "definitions": {"A": file}});
        assert_eq!(check(&doc, SpecFormat::Swagger2), []);
    }

    #[test]
    fn swagger_2_schemas_have_no_any_of_one_of_or_not() {
        let doc = json!({"swagger": "2.0", "paths": {"/u": {"get": {"responses": {"default": {
            "description": "d", "schema": {"anyOf": [{}], "properties": {"p": {"oneOf": [{}], "not": {}}}}
        }}}}}});
        let warnings = check(&doc, SpecFormat::Swagger2);
        let at = "/paths/~1u/get/responses/default/schema";
        assert_warns(
            &warnings,
            &format!("{at}/anyOf"),
            "`anyOf` is not part of Swagger 2.0",
        );
        assert_warns(&warnings, &format!("{at}/properties/p/oneOf"), "`oneOf`");
        assert_warns(&warnings, &format!("{at}/properties/p/not"), "`not`");
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        let schema = &doc["paths"]["/u"]["get"]["responses"]["default"]["schema"];
        let doc =
            json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"A": schema}}});
        assert_eq!(check30(doc), []);
    }

    #[test]
    fn swagger_2_body_parameters() {
        let body = |name: &str| json!({"name": name, "in": "body", "schema": {}});
        let doc = json!({"swagger": "2.0", "paths": {"/u": {
            "parameters": [body("a")],
            "post": {"parameters": [body("b")], "responses": {"200": {"description": "ok"}}},
            // Same name and location: overrides the path-level one.
            "put": {"parameters": [body("a")], "responses": {"200": {"description": "ok"}}},
            "patch": {"parameters": [{"name": "f", "in": "formData", "type": "string"}], "responses": {"200": {"description": "ok"}}}
        }}});
        let warnings = check(&doc, SpecFormat::Swagger2);
        assert_warns(
            &warnings,
            "/paths/~1u/post",
            "POST /u has 2 `body` parameters",
        );
        assert_warns(&warnings, "/paths/~1u/patch", "both `body` and `formData`");
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
    }

    #[test]
    fn duplicate_operation_ids_name_both_endpoints() {
        let op = json!({"operationId": "users", "responses": {"200": {"description": "ok"}}});
        let doc = json!({"openapi": "3.0.3", "paths": {"/users": {"get": op, "post": op}, "/other": {"get": {"operationId": "other", "responses": {"200": {"description": "ok"}}}}}});
        let warnings = check30(doc);
        assert_warns(
            &warnings,
            "/paths/~1users/post/operationId",
            "\"users\" is used by both GET /users and POST /users",
        );
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
    }

    #[test]
    fn path_templates_and_path_parameters_must_agree() {
        let path = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {}});
        let doc = json!({"openapi": "3.0.3", "paths": {
            "/users/{username}/{foo}": {
                "parameters": [path("username"), path("stray")],
                "get": {"responses": ok_response()},
                "post": {"parameters": [path("foo"), path("bar")], "responses": ok_response()}
            }
        }});
        let warnings = check30(doc);
        let at = "/paths/~1users~1{username}~1{foo}";
        assert_warns(
            &warnings,
            &format!("{at}/get"),
            "placeholder {foo} has no `in: path` parameter",
        );
        assert_warns(
            &warnings,
            &format!("{at}/parameters/1"),
            "\"stray\" does not appear",
        );
        assert_warns(
            &warnings,
            &format!("{at}/post/parameters/1"),
            "\"bar\" does not appear",
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
    }

    #[test]
    fn path_parameters_must_be_required() {
        let doc = json!({"openapi": "3.0.3", "paths": {"/a/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "schema": {}}], "responses": ok_response()
        }}}});
        assert_warns(
            &check30(doc),
            "/paths/~1a~1{id}/get/parameters/0",
            "must have `required: true`",
        );
    }

    #[test]
    fn parameter_locations_follow_the_format() {
        let doc = doc30(
            json!({"parameters": [{"name": "b", "in": "body", "schema": {}}], "responses": ok_response()}),
        );
        assert_warns(
            &check30(doc),
            "/paths/~1pets/get/parameters/0/in",
            "`in: body`",
        );
        let doc = json!({"swagger": "2.0", "paths": {"/a": {"get": {"parameters": [{"name": "c", "in": "cookie", "type": "string"}], "responses": {"200": {"description": "ok"}}}}}});
        assert_warns(
            &check(&doc, SpecFormat::Swagger2),
            "/paths/~1a/get/parameters/0/in",
            "`in: cookie`",
        );
    }

    #[test]
    fn allow_reserved_only_on_query_parameters() {
        let doc = json!({"openapi": "3.1.0", "components": {
            "parameters": {
                "q": {"name": "q", "in": "query", "allowReserved": true, "schema": {}},
                "h": {"name": "h", "in": "header", "allowReserved": false, "schema": {}},
                "c": {"name": "c", "in": "cookie", "allowReserved": true, "schema": {}}
            },
            "headers": {"X": {"schema": {}, "allowReserved": true}}
        }});
        let warnings = check(&doc, SpecFormat::Openapi31);
        assert_warns(
            &warnings,
            "/components/parameters/h/allowReserved",
            "only to query parameters",
        );
        assert_warns(
            &warnings,
            "/components/parameters/c/allowReserved",
            "in cookie",
        );
        assert_warns(
            &warnings,
            "/components/headers/X/allowReserved",
            "header object",
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
    }

    #[test]
    fn example_and_examples_exclude_each_other() {
        let both = json!({"example": 1, "examples": {"a": {"value": 1}}});
        let doc = doc30(json!({
            "parameters": [{"name": "p", "in": "query", "schema": {}, "example": 1, "examples": {}}],
            "requestBody": {"content": {"application/json": both}},
            "responses": {"200": {"description": "ok", "headers": {"H": {"schema": {}, "example": 1, "examples": {}}}}}
        }));
        let warnings = check30(doc);
        let at = "/paths/~1pets/get";
        assert_warns(
            &warnings,
            &format!("{at}/parameters/0"),
            "mutually exclusive",
        );
        assert_warns(
            &warnings,
            &format!("{at}/requestBody/content/application~1json"),
            "mutually exclusive",
        );
        assert_warns(
            &warnings,
            &format!("{at}/responses/200/headers/H"),
            "mutually exclusive",
        );
        // A 3.1 schema may carry both (`examples` is a JSON Schema keyword).
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"example": 1, "examples": [1]}}}});
        assert_eq!(check(&doc, SpecFormat::Openapi31), []);
    }

    #[test]
    fn servers_and_server_variables() {
        let doc = json!({"openapi": "3.1.0", "paths": {}, "servers": {"url": "/v1"}});
        assert_warns(
            &check(&doc, SpecFormat::Openapi31),
            "/servers",
            "`servers` must be a list",
        );
        let doc = json!({"openapi": "3.1.0", "paths": {"/a": {"servers": [{"description": "no url"}]}}, "servers": [{
            "url": "https://{a}.{b}.{c}",
            "variables": {"a": {"enum": [], "default": "x"}, "b": {"enum": ["y"], "default": "z"}, "c": {"enum": ["w"]}}
        }]});
        let warnings = check(&doc, SpecFormat::Openapi31);
        assert_warns(&warnings, "/servers/0/variables/a/enum", "empty `enum`");
        assert_warns(
            &warnings,
            "/servers/0/variables/b/default",
            "not one of its `enum` values",
        );
        assert_warns(&warnings, "/servers/0/variables/c", "needs a `default`");
        assert_warns(&warnings, "/paths/~1a/servers/0", "needs a `url`");
        assert_eq!(warnings.len(), 4, "{warnings:#?}");
    }

    #[test]
    fn schemas_must_be_objects_or_booleans() {
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "null": null, "number": 0, "list": [], "yes": true,
            "deep": {"properties": {"a": 0, "b": false}, "items": [{}], "allOf": {}}
        }}});
        let warnings = check(&doc, SpecFormat::Openapi31);
        assert_warns(&warnings, "/components/schemas/null", "not null");
        assert_warns(
            &warnings,
            "/components/schemas/number",
            "an object or a boolean, not a number",
        );
        assert_warns(&warnings, "/components/schemas/list", "not a list");
        assert_warns(
            &warnings,
            "/components/schemas/deep/properties/a",
            "not a number",
        );
        assert_warns(&warnings, "/components/schemas/deep/items", "not a list");
        // The sixth, `allOf: {}`, is only counted.
        assert_warns(&warnings, "", "… and 1 more schemas that are not objects");
        assert_eq!(warnings.len(), 6, "{warnings:#?}");
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"allOf": {}}}}});
        let warnings = check(&doc, SpecFormat::Openapi31);
        assert_warns(
            &warnings,
            "/components/schemas/A/allOf",
            "must be a list of schemas",
        );
        // Before 3.1 a schema is an object (`additionalProperties` may be a boolean).
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"A": true, "B": {"additionalProperties": true}}}});
        let warnings = check30(doc);
        assert_warns(
            &warnings,
            "/components/schemas/A",
            "must be an object, not a boolean",
        );
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
    }

    #[test]
    fn required_is_a_list_not_a_flag() {
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"A": {"properties": {"id": {"type": "string", "required": true}}}}}});
        assert_warns(
            &check30(doc),
            "/components/schemas/A/properties/id/required",
            "list of property names",
        );
    }

    #[test]
    fn links_name_exactly_one_operation() {
        let doc = json!({"openapi": "3.1.0", "components": {"links": {
            "both": {"operationId": "a", "operationRef": "#/paths/~1a/get"},
            "neither": {"description": "?"},
            "typo": {"operationId": "a", "body": {"url": "https://x"}},
            "ok": {"operationRef": "#/paths/~1a/get", "server": {"url": "https://x"}}
        }}});
        let warnings = check(&doc, SpecFormat::Openapi31);
        assert_warns(&warnings, "/components/links/both", "not both");
        assert_warns(
            &warnings,
            "/components/links/neither",
            "needs `operationId` or `operationRef`",
        );
        assert_warns(
            &warnings,
            "/components/links/typo/body",
            "unknown field `body` in a link",
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
    }

    #[test]
    fn swagger_2_leftovers_in_openapi_3_are_unknown_fields() {
        let doc = doc30(json!({
            "produces": ["application/json"],
            "parameters": [{"name": "q", "in": "query", "type": "string"}],
            "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}
        }));
        let warnings = check30(doc);
        let at = "/paths/~1pets/get";
        assert_warns(
            &warnings,
            &format!("{at}/produces"),
            "unknown field `produces` in an operation",
        );
        assert_warns(
            &warnings,
            &format!("{at}/parameters/0/type"),
            "unknown field `type` in a parameter",
        );
        assert_warns(
            &warnings,
            &format!("{at}/responses/200/schema"),
            "unknown field `schema` in a response",
        );
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        // And the other way round.
        let doc = json!({"swagger": "2.0", "paths": {"/a": {"post": {
            "requestBody": {}, "responses": {"200": {"description": "ok", "content": {}}}
        }}}});
        let warnings = check(&doc, SpecFormat::Swagger2);
        assert_warns(
            &warnings,
            "/paths/~1a/post/requestBody",
            "Swagger 2.0 does not define it",
        );
        assert_warns(
            &warnings,
            "/paths/~1a/post/responses/200/content",
            "in a response",
        );
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
    }

    #[test]
    fn request_bodies_need_content() {
        let doc = doc30(json!({"requestBody": {"description": "?"}, "responses": ok_response()}));
        assert_warns(
            &check30(doc),
            "/paths/~1pets/get/requestBody",
            "needs `content`",
        );
    }

    #[test]
    fn path_items_have_known_fields_even_when_referenced() {
        // swagger-parser's ref-to-invalid-path: a path item that is a model.
        let doc = json!({"swagger": "2.0",
            "paths": {"/users": {"$ref": "#/definitions/users/default"}, "/products": {"$ref": "#/definitions/products"}},
            "definitions": {
                "users": {"default": {"get": {"responses": {"default": {"description": "ok"}}}}},
                "products": {"type": "object", "properties": {"id": {"type": "number"}}}
            }
        });
        let warnings = check(&doc, SpecFormat::Swagger2);
        assert_warns(
            &warnings,
            "/definitions/products/type",
            "unknown field `type` in a path item",
        );
        assert_warns(
            &warnings,
            "/definitions/products/properties",
            "in a path item",
        );
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        let doc =
            json!({"openapi": "3.0.3", "paths": {"/a": {"GET": {"responses": ok_response()}}}});
        assert_warns(&check30(doc), "/paths/~1a/GET", "lower case: `get`");
    }

    #[test]
    fn bundled_targets_are_checked_once_and_named_by_file() {
        let response = json!({"$ref": "#/x-specdex-bundle/responses~1error.yml"});
        let doc = json!({"openapi": "3.0.3",
            "paths": {"/a": {"get": {"responses": {"400": response, "500": response}}}},
            "x-specdex-bundle": {
                "responses/error.yml": {"content": {"application/json": {"schema": {"$ref": "#/x-specdex-bundle/models~1e.yml#~1E"}}}},
                "models/e.yml#/E": {"properties": {"$ref": "#/x-specdex-bundle/models~1props.yml"}},
                "models/props.yml": {"code": {"type": "file"}, "bad": 0}
            }
        });
        let warnings = check30(doc);
        assert_warns(&warnings, "responses/error.yml", "needs a `description`");
        assert_warns(&warnings, "models/props.yml#/bad", "not a number");
        assert_warns(&warnings, "models/props.yml#/code/type", "(1 schema here)");
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
    }

    #[test]
    fn each_rule_reports_a_handful_then_counts() {
        let responses: Map<String, Value> = (0..12)
            .map(|i| (format!("{}xx", i % 5 + 1), json!({"description": "d"})))
            .chain((0..12).map(|i| (format!("2{i:02}"), json!({}))))
            .collect();
        let doc = doc30(json!({"responses": responses}));
        let warnings = check30(doc);
        let codes = warnings
            .iter()
            .filter(|w| w.message.contains("not a status code"))
            .count();
        let missing = warnings
            .iter()
            .filter(|w| w.message.contains("needs a `description`"))
            .count();
        assert_eq!((codes, missing), (PER_RULE, PER_RULE), "{warnings:#?}");
        assert_warns(
            &warnings,
            "",
            "… and 7 more responses without a description",
        );
        // 12 keys written, but `1xx`..`5xx` repeat: 5 distinct invalid codes.
        assert!(
            !warnings
                .iter()
                .any(|w| w.message.contains("more invalid response codes")),
            "{warnings:#?}"
        );
    }

    #[test]
    fn bundle_prefix_names_the_bundle_key() {
        assert_eq!(BUNDLE_PREFIX, format!("#/{}/", pointer::BUNDLE_KEY));
        assert_eq!(display_pointer("/paths/~1a".to_owned()), "/paths/~1a");
        assert_eq!(
            display_pointer("/x-specdex-bundle/common~1e.yaml#~1Error/properties".to_owned()),
            "common/e.yaml#/Error/properties"
        );
    }
}
