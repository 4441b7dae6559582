//! Comparing schemas: findings at each node, references followed once per
//! pair of named schemas.
//!
//! A walk compares two schema values node by node and records *findings*
//! (a property removed, a type changed), which are the same whatever the
//! schema is used for. Where both sides refer to named schemas it does not
//! descend but records the pair; each pair is compared once ([`Comparer::pair`])
//! and an endpoint's changes are its own findings plus those of every pair
//! it reaches, each read with the context (parameter, request, response)
//! that decides its rule and level.

use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use serde_json::{Map, Value, json};
use specdex_spec::Api;
use specdex_spec::pointer::{escape, schema_ref_target};

use crate::rules::{self, Level, Rule};
use crate::{Collector, MAX_STEPS, SchemaMap};

/// How many references deep a change inside named schemas is listed on an
/// endpoint: the schemas its parameters and bodies refer to, and the ones
/// those refer to. Deeper changes are listed once, as component changes:
/// Stripe's expandable objects reach nearly every schema from every
/// endpoint, and listing all of them would turn the diff of two Stripe
/// editions into 455,000 changes (13,100 at this depth).
pub const ENDPOINT_REACH: usize = 2;

/// What a schema is used for, which decides whether a finding breaks clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Context {
    /// A parameter's schema (sent by the client).
    Parameter,
    /// A request body (sent by the client).
    Request,
    /// A response body (read by the client).
    Response,
}

const CONTEXTS: [Context; 3] = [Context::Parameter, Context::Request, Context::Response];

/// A difference at one schema node, before knowing what the schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    TypeChanged,
    FormatChanged,
    EnumValueRemoved,
    EnumValueAdded,
    DefaultChanged,
    PatternChanged,
    LimitTightened,
    PropertyAdded {
        required: bool,
    },
    PropertyRemoved,
    BecameRequired,
    BecameOptional,
    BecameNullable,
    AdditionalClosed,
    /// A `oneOf`/`anyOf` branch appeared.
    AlternativeAdded,
    /// A `oneOf`/`anyOf` branch disappeared.
    AlternativeRemoved,
}

/// `readOnly`/`writeOnly` of the property a finding is about: a read-only
/// property is never sent, a write-only one never received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Access {
    read_only: bool,
    write_only: bool,
}

#[derive(Debug, Clone)]
struct Finding {
    what: What,
    access: Access,
    /// Relative to the schema compared.
    pointer: String,
    before: Option<Value>,
    after: Option<Value>,
}

/// The named schemas a pair refers to: (older edition's, newer edition's).
type PairKey = (String, String);

/// What comparing two schemas found, references left as pairs to follow.
#[derive(Debug, Default)]
struct Comparison {
    findings: Vec<Finding>,
    /// Where both sides refer to named schemas: (pointer, the pair).
    refs: Vec<(String, PairKey)>,
}

/// The named schemas each context's endpoints refer to directly; what they
/// reach is worked out once, for the component changes' levels.
#[derive(Default)]
pub(crate) struct Usage {
    roots: HashMap<Context, HashSet<PairKey>>,
}

/// Compares schemas of two editions, remembering each pair of named schemas.
pub(crate) struct Comparer<'a> {
    before: SchemaMap<'a>,
    after: SchemaMap<'a>,
    before_order: Vec<&'a str>,
    after_order: Vec<&'a str>,
    pairs: HashMap<PairKey, Rc<Comparison>>,
    steps: usize,
}

impl<'a> Comparer<'a> {
    pub(crate) fn new(before: &'a Api, after: &'a Api) -> Comparer<'a> {
        let map = |api: &'a Api| -> SchemaMap<'a> {
            api.schemas
                .iter()
                .map(|s| (s.name.as_str(), &s.schema))
                .collect()
        };
        Comparer {
            before: map(before),
            after: map(after),
            before_order: before.schemas.iter().map(|s| s.name.as_str()).collect(),
            after_order: after.schemas.iter().map(|s| s.name.as_str()).collect(),
            pairs: HashMap::new(),
            steps: 0,
        }
    }

    /// Whether the work budget ran out (the diff may be missing changes).
    pub(crate) fn exhausted(&self) -> bool {
        self.steps > MAX_STEPS
    }

    /// Compares the schemas used at `base` (a pointer into the endpoint) in
    /// `context`, and every named schema they reach, into `out`.
    pub(crate) fn compare(
        &mut self,
        before: &'a Value,
        after: &'a Value,
        context: Context,
        base: &str,
        usage: &mut Usage,
        out: &mut Collector,
    ) {
        let mut root = Comparison::default();
        self.walk(
            before,
            after,
            &mut base.to_owned(),
            &mut root,
            &mut Vec::new(),
        );
        emit(&root.findings, context, "", None, out);
        let roots = usage.roots.entry(context).or_default();
        roots.extend(root.refs.iter().map(|(_, key)| key.clone()));
        let mut seen: HashSet<PairKey> = HashSet::new();
        let mut queue: VecDeque<(String, PairKey, usize)> = root
            .refs
            .into_iter()
            .map(|(at, key)| (at, key, 1))
            .collect();
        while let Some((at, key, depth)) = queue.pop_front() {
            // Every reference followed counts as work: thousands of
            // endpoints may each reach thousands of schemas.
            self.steps += 1;
            if self.exhausted() || out.full() {
                break;
            }
            if !seen.insert(key.clone()) {
                continue;
            }
            let pair = self.pair(&key);
            emit(&pair.findings, context, &at, Some(&key.1), out);
            if depth < ENDPOINT_REACH {
                for (inner, next) in &pair.refs {
                    if !seen.contains(next) {
                        queue.push_back((format!("{at}{inner}"), next.clone(), depth + 1));
                    }
                }
            }
        }
    }

    /// The contexts each named schema (of the newer edition) is reached in,
    /// at any depth: one walk per context from every endpoint's references.
    fn contexts(&mut self, usage: &Usage) -> HashMap<String, HashSet<Context>> {
        let mut reached: HashMap<String, HashSet<Context>> = HashMap::new();
        for (context, roots) in &usage.roots {
            let mut seen: HashSet<PairKey> = HashSet::new();
            let mut stack: Vec<PairKey> = roots.iter().cloned().collect();
            while let Some(key) = stack.pop() {
                self.steps += 1;
                if self.exhausted() {
                    break;
                }
                if !seen.insert(key.clone()) {
                    continue;
                }
                reached.entry(key.1.clone()).or_default().insert(*context);
                let pair = self.pair(&key);
                stack.extend(
                    pair.refs
                        .iter()
                        .filter(|(_, next)| !seen.contains(next))
                        .map(|(_, next)| next.clone()),
                );
            }
        }
        reached
    }

    /// Lists changes inside named schemas present in both editions (once
    /// each, with the worst level of the contexts they are used in; info if
    /// no endpoint uses them), then schemas added and removed.
    pub(crate) fn components(&mut self, usage: &Usage, out: &mut Collector) {
        let contexts = self.contexts(usage);
        let names: Vec<&'a str> = self.after_order.clone();
        for name in names {
            if !self.before.contains_key(name) || self.exhausted() {
                continue;
            }
            let key = (name.to_owned(), name.to_owned());
            let pair = self.pair(&key);
            if pair.findings.is_empty() {
                continue;
            }
            let used = contexts.get(name);
            let location = format!("#/components/schemas/{}", escape(name));
            for finding in &pair.findings {
                let chosen = CONTEXTS
                    .iter()
                    .filter(|c| used.is_some_and(|u| u.contains(c)))
                    .filter_map(|c| rule_for(*c, finding))
                    .max_by_key(|r| r.level);
                let (rule, level) = match (chosen, used) {
                    (Some(rule), _) => (rule, rule.level),
                    // Used only where it cannot affect a client (a response
                    // limit tightened): not listed, as on the endpoints.
                    (None, Some(_)) => continue,
                    // Used by no endpoint: listed for readers of the schema.
                    (None, None) => match rule_for(Context::Response, finding)
                        .or_else(|| rule_for(Context::Request, finding))
                    {
                        Some(rule) => (rule, Level::Info),
                        None => continue,
                    },
                };
                out.push_at(
                    rule,
                    level,
                    Some(name.to_owned()),
                    format!("{location}{}", finding.pointer),
                    finding.before.clone(),
                    finding.after.clone(),
                );
            }
        }
        for name in &self.after_order {
            if !self.before.contains_key(name) {
                let location = format!("#/components/schemas/{}", escape(name));
                out.push_at(
                    &rules::COMPONENT_ADDED,
                    Level::Info,
                    Some((*name).to_owned()),
                    location,
                    None,
                    None,
                );
            }
        }
        for name in &self.before_order {
            if !self.after.contains_key(name) {
                let location = format!("#/components/schemas/{}", escape(name));
                out.push_at(
                    &rules::COMPONENT_REMOVED,
                    Level::Info,
                    Some((*name).to_owned()),
                    location,
                    None,
                    None,
                );
            }
        }
    }

    /// The comparison of two named schemas, computed once.
    fn pair(&mut self, key: &PairKey) -> Rc<Comparison> {
        if let Some(done) = self.pairs.get(key) {
            return done.clone();
        }
        let mut comparison = Comparison::default();
        if let (Some(before), Some(after)) = (
            self.before.get(key.0.as_str()).copied(),
            self.after.get(key.1.as_str()).copied(),
        ) {
            self.walk(
                before,
                after,
                &mut String::new(),
                &mut comparison,
                &mut Vec::new(),
            );
        }
        let comparison = Rc::new(comparison);
        self.pairs.insert(key.clone(), comparison.clone());
        comparison
    }

    /// Compares two schema nodes at `at`. `inline` holds the nodes being
    /// compared where only one side was a reference (followed inline), so
    /// an alias cycle (`A: {$ref: A}`) ends.
    fn walk(
        &mut self,
        before: &'a Value,
        after: &'a Value,
        at: &mut String,
        out: &mut Comparison,
        inline: &mut Vec<(*const Value, *const Value)>,
    ) {
        self.steps += 1;
        if self.exhausted() {
            return;
        }
        let (before_inner, after_inner) = (wrapped(before), wrapped(after));
        // A wrapper facing real alternatives is compared branch by branch.
        if (before_inner.is_some() || after_inner.is_some())
            && !has_alternatives(before)
            && !has_alternatives(after)
        {
            if !before.as_object().is_some_and(nullable) && after.as_object().is_some_and(nullable)
            {
                out.findings.push(Finding {
                    what: What::BecameNullable,
                    access: after.as_object().map(access).unwrap_or_default(),
                    pointer: at.clone(),
                    before: None,
                    after: None,
                });
            }
            self.walk(
                before_inner.unwrap_or(before),
                after_inner.unwrap_or(after),
                at,
                out,
                inline,
            );
            return;
        }
        let before_ref = reference(before);
        let after_ref = reference(after);
        match (before_ref, after_ref) {
            (Some(b), Some(a)) => {
                match (schema_ref_target(b), schema_ref_target(a)) {
                    (Some(b), Some(a)) => out.refs.push((at.clone(), (b, a))),
                    _ if b != a => out.findings.push(Finding {
                        what: What::TypeChanged,
                        access: Access::default(),
                        pointer: at.clone(),
                        before: Some(json!(b)),
                        after: Some(json!(a)),
                    }),
                    _ => {}
                }
                return;
            }
            (Some(_), None) | (None, Some(_)) => {
                let (Some(b), Some(a)) = (self.resolve_before(before), self.resolve_after(after))
                else {
                    return;
                };
                let key = (b as *const Value, a as *const Value);
                if inline.contains(&key) {
                    return;
                }
                inline.push(key);
                self.walk(b, a, at, out, inline);
                inline.pop();
                return;
            }
            (None, None) => {}
        }
        let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
            if small(before) && small(after) && before != after {
                out.findings
                    .push(finding(What::TypeChanged, at, before, after));
            }
            return;
        };
        // Enums and required lists are compared whole: their length is work too.
        let listed = |m: &Map<String, Value>, k: &str| {
            m.get(k).and_then(Value::as_array).map_or(0, Vec::len)
        };
        self.steps +=
            listed(b, "enum") + listed(a, "enum") + listed(b, "required") + listed(a, "required");
        let types_before = types(b);
        let types_after = types(a);
        if !types_before.is_empty() && !types_after.is_empty() && types_before != types_after {
            out.findings.push(Finding {
                what: What::TypeChanged,
                access: Access::default(),
                pointer: at.clone(),
                before: Some(json!(types_before.join(" | "))),
                after: Some(json!(types_after.join(" | "))),
            });
            return;
        }
        if !nullable(b) && nullable(a) {
            out.findings.push(Finding {
                what: What::BecameNullable,
                access: access(a),
                pointer: at.clone(),
                before: None,
                after: None,
            });
        }
        let (format_before, format_after) = (format(b), format(a));
        if format_before != format_after {
            out.findings.push(Finding {
                what: What::FormatChanged,
                access: Access::default(),
                pointer: at.clone(),
                before: format_before.map(|f| json!(f)),
                after: format_after.map(|f| json!(f)),
            });
        }
        compare_keyword(b, a, "default", What::DefaultChanged, at, out);
        compare_keyword(b, a, "pattern", What::PatternChanged, at, out);
        compare_enums(b, a, at, out);
        compare_limits(b, a, at, out);
        self.compare_properties(b, a, at, out, inline);
        if a.get("additionalProperties") == Some(&Value::Bool(false))
            && b.get("additionalProperties") != Some(&Value::Bool(false))
        {
            out.findings.push(Finding {
                what: What::AdditionalClosed,
                access: Access::default(),
                pointer: at.clone(),
                before: b.get("additionalProperties").cloned(),
                after: Some(Value::Bool(false)),
            });
        }
        for keyword in ["additionalProperties", "items"] {
            if let (Some(bs), Some(as_)) = (b.get(keyword), a.get(keyword))
                && bs.is_object()
                && as_.is_object()
            {
                self.descend(bs, as_, at, &format!("/{keyword}"), out, inline);
            }
        }
        if let (Some(Value::Array(bs)), Some(Value::Array(as_))) = (b.get("allOf"), a.get("allOf"))
        {
            // All of them apply: compared in order, as documents keep them.
            for (index, (bs, as_)) in bs.iter().zip(as_).enumerate() {
                self.descend(bs, as_, at, &format!("/allOf/{index}"), out, inline);
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            if let (Some(Value::Array(bs)), Some(Value::Array(as_))) =
                (b.get(keyword), a.get(keyword))
            {
                self.compare_alternatives(keyword, bs, as_, at, out, inline);
            }
        }
    }

    /// `oneOf`/`anyOf` branches paired by what they are (the schema they
    /// refer to, else their types), not by position, so reordering is no
    /// change; the unpaired ones were added or removed. A `{type: null}`
    /// branch is nullability, found by [`nullable`].
    fn compare_alternatives(
        &mut self,
        keyword: &str,
        before: &'a [Value],
        after: &'a [Value],
        at: &mut String,
        out: &mut Comparison,
        inline: &mut Vec<(*const Value, *const Value)>,
    ) {
        let mut unpaired: Vec<Option<(usize, String)>> = before
            .iter()
            .enumerate()
            .filter(|(_, branch)| !is_null_type(branch))
            .map(|(index, branch)| Some((index, branch_identity(branch))))
            .collect();
        for (index, branch) in after.iter().enumerate() {
            if is_null_type(branch) {
                continue;
            }
            let identity = branch_identity(branch);
            let partner = unpaired
                .iter_mut()
                .find(|slot| slot.as_ref().is_some_and(|(_, id)| *id == identity))
                .and_then(Option::take);
            match partner {
                Some((old, _)) => self.descend(
                    &before[old],
                    branch,
                    at,
                    &format!("/{keyword}/{index}"),
                    out,
                    inline,
                ),
                None => out.findings.push(Finding {
                    what: What::AlternativeAdded,
                    access: Access::default(),
                    pointer: format!("{at}/{keyword}/{index}"),
                    before: None,
                    after: Some(json!(identity)),
                }),
            }
        }
        for (old, identity) in unpaired.into_iter().flatten() {
            out.findings.push(Finding {
                what: What::AlternativeRemoved,
                access: Access::default(),
                pointer: format!("{at}/{keyword}/{old}"),
                before: Some(json!(identity)),
                after: None,
            });
        }
    }

    fn descend(
        &mut self,
        before: &'a Value,
        after: &'a Value,
        at: &mut String,
        step: &str,
        out: &mut Comparison,
        inline: &mut Vec<(*const Value, *const Value)>,
    ) {
        let len = at.len();
        at.push_str(step);
        self.walk(before, after, at, out, inline);
        at.truncate(len);
    }

    fn compare_properties(
        &mut self,
        b: &'a Map<String, Value>,
        a: &'a Map<String, Value>,
        at: &mut String,
        out: &mut Comparison,
        inline: &mut Vec<(*const Value, *const Value)>,
    ) {
        let props_before = b.get("properties").and_then(Value::as_object);
        let props_after = a.get("properties").and_then(Value::as_object);
        let required_before = required(b);
        let required_after = required(a);
        for (name, schema) in props_before.into_iter().flatten() {
            if !props_after.is_some_and(|p| p.contains_key(name)) {
                let pointer = format!("{at}/properties/{}", escape(name));
                out.findings.push(Finding {
                    what: What::PropertyRemoved,
                    access: self.access_of(schema, true),
                    pointer,
                    before: None,
                    after: None,
                });
            }
        }
        for (name, after_schema) in props_after.into_iter().flatten() {
            let step = format!("/properties/{}", escape(name));
            let is_required = required_after.contains(name.as_str());
            let was_required = required_before.contains(name.as_str());
            let Some(before_schema) = props_before.and_then(|p| p.get(name)) else {
                out.findings.push(Finding {
                    what: What::PropertyAdded {
                        required: is_required,
                    },
                    access: self.access_of(after_schema, false),
                    pointer: format!("{at}{step}"),
                    before: None,
                    after: None,
                });
                continue;
            };
            if is_required != was_required {
                out.findings.push(Finding {
                    what: if is_required {
                        What::BecameRequired
                    } else {
                        What::BecameOptional
                    },
                    access: self.access_of(after_schema, false),
                    pointer: format!("{at}{step}"),
                    before: None,
                    after: None,
                });
            }
            self.descend(before_schema, after_schema, at, &step, out, inline);
        }
    }

    /// `readOnly`/`writeOnly` of a property schema, looked up through one
    /// reference.
    fn access_of(&self, schema: &Value, in_before: bool) -> Access {
        let target = if in_before {
            self.resolve_before(schema)
        } else {
            self.resolve_after(schema)
        };
        target
            .and_then(Value::as_object)
            .map(access)
            .unwrap_or_default()
    }

    fn resolve_before(&self, schema: &'a Value) -> Option<&'a Value> {
        resolve(schema, &self.before)
    }

    fn resolve_after(&self, schema: &'a Value) -> Option<&'a Value> {
        resolve(schema, &self.after)
    }
}

/// `schema` itself, or the named schema its `$ref` points at.
fn resolve<'a>(schema: &'a Value, names: &SchemaMap<'a>) -> Option<&'a Value> {
    match reference(schema) {
        Some(r) => schema_ref_target(r).and_then(|name| names.get(name.as_str()).copied()),
        None => Some(schema),
    }
}

fn reference(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

fn finding(what: What, at: &str, before: &Value, after: &Value) -> Finding {
    Finding {
        what,
        access: Access::default(),
        pointer: at.to_owned(),
        before: Some(before.clone()),
        after: Some(after.clone()),
    }
}

fn access(schema: &Map<String, Value>) -> Access {
    let flag = |k: &str| schema.get(k).and_then(Value::as_bool).unwrap_or(false);
    Access {
        read_only: flag("readOnly"),
        write_only: flag("writeOnly"),
    }
}

/// The types a schema allows, `null` left out (see [`nullable`]); implied
/// by `properties` or `items` when `type` is absent. Swagger 2's `file` is
/// read as `string` (see [`format`]).
fn types(schema: &Map<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ if schema.contains_key("properties") => vec!["object".to_owned()],
        _ if schema.contains_key("items") => vec!["array".to_owned()],
        _ => Vec::new(),
    };
    out.retain(|t| t != "null");
    for t in &mut out {
        if t == "file" {
            "string".clone_into(t);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The `format` a schema declares. Swagger 2's `type: file` is what
/// OpenAPI 3 writes `type: string, format: binary`, so it reads as `binary`:
/// an edition converted from one to the other must show no change.
fn format(schema: &Map<String, Value>) -> Option<&str> {
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => Some(format),
        None if schema.get("type").and_then(Value::as_str) == Some("file") => Some("binary"),
        None => None,
    }
}

/// Whether `null` is allowed: 3.0 `nullable`, Swagger `x-nullable`, a 3.1
/// type list with `null` or an `anyOf`/`oneOf` branch `{type: "null"}`.
fn nullable(schema: &Map<String, Value>) -> bool {
    let flag = |k: &str| schema.get(k).and_then(Value::as_bool).unwrap_or(false);
    flag("nullable")
        || flag("x-nullable")
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|ts| ts.iter().any(|t| t == "null"))
        || ["anyOf", "oneOf"].iter().any(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .is_some_and(|branches| branches.iter().any(is_null_type))
        })
}

fn is_null_type(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// Keywords that may sit beside the one branch of a wrapper (see [`wrapped`]).
const WRAPPER_ANNOTATIONS: [&str; 9] = [
    "nullable",
    "description",
    "title",
    "readOnly",
    "writeOnly",
    "deprecated",
    "example",
    "examples",
    "externalDocs",
];

/// The one schema a wrapper stands for. OpenAPI 3.0 can put `nullable` or
/// a description beside a reference only by wrapping it (`{nullable: true,
/// allOf: [{$ref: Owner}]}`) and 3.1 writes a nullable reference `{anyOf:
/// [{$ref: Owner}, {type: "null"}]}`: both are Owner, with their
/// nullability read by [`nullable`]. Compared as the wrapped schema, so
/// wrapping a reference is not read as every property of Owner removed.
/// Whether `schema` has a `oneOf`/`anyOf` of two or more branches besides `{type: null}`.
fn has_alternatives(schema: &Value) -> bool {
    ["oneOf", "anyOf"].iter().any(|keyword| {
        schema
            .get(keyword)
            .and_then(Value::as_array)
            .is_some_and(|branches| branches.iter().filter(|b| !is_null_type(b)).count() >= 2)
    })
}

fn wrapped(schema: &Value) -> Option<&Value> {
    let mut inner = None;
    for (key, value) in schema.as_object()? {
        match key.as_str() {
            "allOf" | "anyOf" | "oneOf" if inner.is_none() => {
                let mut branches = value.as_array()?.iter().filter(|b| !is_null_type(b));
                inner = branches.next();
                if inner.is_none() || branches.next().is_some() {
                    return None;
                }
            }
            k if WRAPPER_ANNOTATIONS.contains(&k) || k.starts_with("x-") => {}
            _ => return None,
        }
    }
    inner
}

/// What a `oneOf`/`anyOf` branch is, to pair it across editions: the
/// schema it refers to, else its types (`object`, `string | integer`), else
/// `any`.
fn branch_identity(branch: &Value) -> String {
    if let Some(reference) = reference(branch) {
        return schema_ref_target(reference).unwrap_or_else(|| reference.to_owned());
    }
    let kinds = branch.as_object().map(types).unwrap_or_default();
    if kinds.is_empty() {
        "any".to_owned()
    } else {
        kinds.join(" | ")
    }
}

fn required(schema: &Map<String, Value>) -> HashSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn compare_keyword(
    b: &Map<String, Value>,
    a: &Map<String, Value>,
    keyword: &str,
    what: What,
    at: &str,
    out: &mut Comparison,
) {
    let (before, after) = (b.get(keyword), a.get(keyword));
    if before.is_none_or(small) && after.is_none_or(small) && before != after {
        out.findings.push(Finding {
            what,
            access: Access::default(),
            pointer: at.to_owned(),
            before: before.cloned(),
            after: after.cloned(),
        });
    }
}

/// Enum values removed and added, one finding each with the values.
fn compare_enums(b: &Map<String, Value>, a: &Map<String, Value>, at: &str, out: &mut Comparison) {
    let (Some(Value::Array(before)), Some(Value::Array(after))) = (b.get("enum"), a.get("enum"))
    else {
        return;
    };
    if !before.iter().chain(after).all(small) {
        return;
    }
    // Compared as JSON text in hash sets: enums can hold thousands of values.
    let text =
        |values: &Vec<Value>| -> HashSet<String> { values.iter().map(Value::to_string).collect() };
    let (before_set, after_set) = (text(before), text(after));
    let removed: Vec<Value> = before
        .iter()
        .filter(|v| !after_set.contains(&v.to_string()))
        .cloned()
        .collect();
    let added: Vec<Value> = after
        .iter()
        .filter(|v| !before_set.contains(&v.to_string()))
        .cloned()
        .collect();
    if !removed.is_empty() {
        out.findings.push(Finding {
            what: What::EnumValueRemoved,
            access: Access::default(),
            pointer: at.to_owned(),
            before: Some(Value::Array(removed)),
            after: None,
        });
    }
    if !added.is_empty() {
        out.findings.push(Finding {
            what: What::EnumValueAdded,
            access: Access::default(),
            pointer: at.to_owned(),
            before: None,
            after: Some(Value::Array(added)),
        });
    }
}

/// Most nodes a value compared whole (a `default`, an enum value, a boolean
/// schema) may have. Real ones are scalars or small objects; a schema
/// reached from many places is compared at each, so comparing large values
/// whole would let one document cost the square of its size.
const SMALL_VALUE_NODES: usize = 256;

/// Whether `value` has at most [`SMALL_VALUE_NODES`] nodes, a string
/// counting one per 64 bytes (counting stops there).
fn small(value: &Value) -> bool {
    let mut budget = SMALL_VALUE_NODES;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        // A long string weighs as much as the nodes it could have been.
        let weight = match node {
            Value::String(text) => 1 + text.len() / 64,
            _ => 1,
        };
        if weight > budget {
            return false;
        }
        budget -= weight;
        match node {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    true
}

/// Upper limits lowered or lower limits raised (or either newly set).
fn compare_limits(b: &Map<String, Value>, a: &Map<String, Value>, at: &str, out: &mut Comparison) {
    const UPPER: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];
    const LOWER: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];
    for (keywords, tighter) in [
        (&UPPER, (|new, old| new < old) as fn(f64, f64) -> bool),
        (&LOWER, |new, old| new > old),
    ] {
        for keyword in keywords {
            let Some(new) = a.get(*keyword).and_then(Value::as_f64) else {
                continue;
            };
            let old = b.get(*keyword).and_then(Value::as_f64);
            if old.is_none_or(|old| tighter(new, old)) {
                out.findings.push(Finding {
                    what: What::LimitTightened,
                    access: Access::default(),
                    pointer: at.to_owned(),
                    before: b.get(*keyword).map(|v| json!({ *keyword: v })),
                    after: a.get(*keyword).map(|v| json!({ *keyword: v })),
                });
            }
        }
    }
}

/// The rule a finding falls under where the schema is used in `context`;
/// `None` where it cannot affect a client there (a response narrowed, a
/// read-only property in a request).
fn rule_for(context: Context, finding: &Finding) -> Option<&'static Rule> {
    use Context::*;
    use What::*;
    use rules::*;
    if (context != Response && finding.access.read_only)
        || (context == Response && finding.access.write_only)
    {
        return None;
    }
    let rule = match (context, finding.what) {
        (Parameter, TypeChanged) => &PARAMETER_TYPE_CHANGED,
        (Parameter, FormatChanged) => &PARAMETER_FORMAT_CHANGED,
        (Parameter, EnumValueRemoved) => &PARAMETER_ENUM_VALUE_REMOVED,
        (Parameter, EnumValueAdded) => &PARAMETER_ENUM_VALUE_ADDED,
        (Parameter, DefaultChanged) => &PARAMETER_DEFAULT_CHANGED,
        (Parameter, PatternChanged) => &PARAMETER_PATTERN_CHANGED,
        (Parameter, LimitTightened) => &PARAMETER_LIMIT_TIGHTENED,
        (_, BecameNullable) if context != Response => return None,
        (Request, TypeChanged) => &REQUEST_PROPERTY_TYPE_CHANGED,
        (Request, FormatChanged) => &REQUEST_PROPERTY_FORMAT_CHANGED,
        (Request, EnumValueRemoved) => &REQUEST_PROPERTY_ENUM_VALUE_REMOVED,
        (Request, EnumValueAdded) => &REQUEST_PROPERTY_ENUM_VALUE_ADDED,
        (Request, DefaultChanged) => &REQUEST_PROPERTY_DEFAULT_CHANGED,
        (Request, PatternChanged) => &REQUEST_PROPERTY_PATTERN_CHANGED,
        (Request, LimitTightened) => &REQUEST_PROPERTY_LIMIT_TIGHTENED,
        (_, PropertyAdded { required: true }) if context != Response => {
            &REQUEST_PROPERTY_REQUIRED_ADDED
        }
        (_, PropertyAdded { required: false }) if context != Response => {
            &REQUEST_PROPERTY_OPTIONAL_ADDED
        }
        (_, PropertyRemoved) if context != Response => &REQUEST_PROPERTY_REMOVED,
        (_, BecameRequired) if context != Response => &REQUEST_PROPERTY_BECAME_REQUIRED,
        (_, BecameOptional) if context != Response => &REQUEST_PROPERTY_BECAME_OPTIONAL,
        (_, AdditionalClosed) if context != Response => &REQUEST_PROPERTY_ADDITIONAL_CLOSED,
        (_, AlternativeRemoved) if context != Response => &REQUEST_PROPERTY_ALTERNATIVE_REMOVED,
        (_, AlternativeAdded) if context != Response => &REQUEST_PROPERTY_ALTERNATIVE_ADDED,
        (Response, AlternativeAdded) => &RESPONSE_PROPERTY_ALTERNATIVE_ADDED,
        (Response, AlternativeRemoved) => &RESPONSE_PROPERTY_ALTERNATIVE_REMOVED,
        (Response, TypeChanged) => &RESPONSE_PROPERTY_TYPE_CHANGED,
        (Response, FormatChanged) => &RESPONSE_PROPERTY_FORMAT_CHANGED,
        (Response, EnumValueAdded) => &RESPONSE_PROPERTY_ENUM_VALUE_ADDED,
        (Response, EnumValueRemoved) => &RESPONSE_PROPERTY_ENUM_VALUE_REMOVED,
        (Response, PropertyAdded { .. }) => &RESPONSE_PROPERTY_ADDED,
        (Response, PropertyRemoved) => &RESPONSE_PROPERTY_REMOVED,
        (Response, BecameOptional) => &RESPONSE_PROPERTY_BECAME_OPTIONAL,
        (Response, BecameNullable) => &RESPONSE_PROPERTY_BECAME_NULLABLE,
        (Response, DefaultChanged | PatternChanged | LimitTightened | BecameRequired)
        | (Response, AdditionalClosed) => return None,
        _ => return None,
    };
    Some(rule)
}

/// Adds the findings of one comparison, read in `context`, at `at` (the
/// pointer where the compared schema is used).
fn emit(
    findings: &[Finding],
    context: Context,
    at: &str,
    component: Option<&str>,
    out: &mut Collector,
) {
    for finding in findings {
        if let Some(rule) = rule_for(context, finding) {
            out.push_at(
                rule,
                rule.level,
                component.map(str::to_owned),
                format!("{at}{}", finding.pointer),
                finding.before.clone(),
                finding.after.clone(),
            );
        }
    }
}
