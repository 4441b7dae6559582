//! Bundled document → normalized [`Api`].
//!
//! Works on a document whose references are all local (see [`crate::bundle`]).
//! Objects that may be references (path items, operations, parameters,
//! request bodies, responses, headers, security schemes) are resolved here;
//! schemas are kept as written, references and all.
//!
//! Everything is lenient: a value of the wrong shape is skipped with a
//! warning, never a failure, because real documents break the rules.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value, json};

use crate::model::*;
use crate::pointer::{self, BUNDLE_KEY};
use crate::version::Detected;

/// HTTP methods of a path item, in the order the specification lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Extracts the model from a bundled document.
pub fn extract(doc: &Value, detected: Detected) -> Api {
    let mut api = extract_all_but_schemas(doc, detected);
    let places = schema_places(doc, &api);
    let named = walk(doc, places.named_path);
    let bundle = doc.get(BUNDLE_KEY);
    api.schemas = places
        .into_schemas(|name, external| if external { bundle } else { named }?.get(name).cloned());
    api
}

/// [`extract`] without the named schemas: `schemas` is left empty for
/// [`take_schemas`], which moves them out of the document instead of copying
/// them once nothing else reads it.
pub fn extract_all_but_schemas(doc: &Value, detected: Detected) -> Api {
    let mut cx = Extractor {
        doc,
        format: detected.format,
        warnings: detected.warnings,
    };
    let empty = Map::new();
    let root = doc.as_object().unwrap_or(&empty);
    let info = cx.info(root.get("info"));
    let servers = cx.servers(root);
    let security_schemes = cx.security_schemes(root);
    let security = cx.security(root.get("security"), "/security");
    let tags = cx.tags(root.get("tags"));
    let endpoints = cx.operations(root.get("paths"), "paths", &security);
    let webhooks = cx.operations(root.get("webhooks"), "webhooks", &security);
    Api {
        format: detected.format,
        spec_version: detected.spec_version,
        info,
        servers,
        security_schemes,
        security,
        tags,
        endpoints,
        webhooks,
        schemas: Vec::new(),
        warnings: cx.warnings,
    }
}

/// Fills `api.schemas` (made by [`extract_all_but_schemas`] from `doc`) by
/// moving each named schema out of `doc`, which keeps `null` in its place.
/// The schemas are a large part of a large document's model (a third of
/// GitHub's): moving them instead of copying them keeps the peak memory of a
/// read near the tree plus the rest of the model.
pub fn take_schemas(doc: &mut Value, api: &mut Api) {
    let places = schema_places(doc, api);
    let mut take_map = |path: &[&str]| {
        path.iter()
            .try_fold(&mut *doc, |value, key| value.get_mut(*key))
            .map(Value::take)
            .unwrap_or_default()
    };
    let mut named = take_map(places.named_path);
    let mut bundle = take_map(&[BUNDLE_KEY]);
    api.schemas = places.into_schemas(|name, external| {
        let map = if external { &mut bundle } else { &mut named };
        map.get_mut(name).map(Value::take)
    });
}

/// The value at `path` (object keys) in `doc`.
fn walk<'a>(doc: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(doc, |value, key| value.get(*key))
}

/// Where the model's named schemas are in a document: the named ones in
/// order, then the external targets that schemas reach.
struct SchemaPlaces {
    /// `(name, external)`: a key of the named schemas' map, or of the bundle.
    names: Vec<(String, bool)>,
    /// The keys that lead to the map of named schemas.
    named_path: &'static [&'static str],
    /// How references to a named schema begin.
    prefix: &'static str,
}

impl SchemaPlaces {
    /// The named schemas, each with its value from `value(name, external)`
    /// (a place without one is left out), cycles marked.
    fn into_schemas(self, mut value: impl FnMut(&str, bool) -> Option<Value>) -> Vec<NamedSchema> {
        let mut schemas: Vec<NamedSchema> = self
            .names
            .into_iter()
            .filter_map(|(name, external)| {
                Some(NamedSchema {
                    schema: value(&name, external)?,
                    name,
                    in_cycle: false,
                    external,
                })
            })
            .collect();
        mark_cycles(&mut schemas, self.prefix);
        schemas
    }
}

/// Named schemas, then the external targets that schemas reach.
fn schema_places(doc: &Value, api: &Api) -> SchemaPlaces {
    let (named_path, prefix): (&'static [&'static str], _) = if api.format == SpecFormat::Swagger2 {
        (&["definitions"], "#/definitions/")
    } else {
        (&["components", "schemas"], "#/components/schemas/")
    };
    let named = walk(doc, named_path).and_then(Value::as_object);
    let mut names: Vec<(String, bool)> = named
        .map(|m| m.keys().map(|name| (name.clone(), false)).collect())
        .unwrap_or_default();

    // External targets reachable from any schema position.
    if let Some(bundle) = doc.get(BUNDLE_KEY).and_then(Value::as_object) {
        let mut pending: Vec<String> = Vec::new();
        let mut collect = |schema: &Value| schema_refs(schema, &mut |r| pending.push(r.to_owned()));
        named
            .into_iter()
            .flat_map(|m| m.values())
            .for_each(&mut collect);
        for endpoint in api.endpoints.iter().chain(&api.webhooks) {
            endpoint
                .parameters
                .iter()
                .filter_map(|p| p.schema.as_ref())
                .for_each(&mut collect);
            let bodies = endpoint.request_body.iter().flat_map(|b| &b.content);
            let responses = endpoint.responses.iter().flat_map(|r| &r.content);
            bodies
                .chain(responses)
                .filter_map(|m| m.schema.as_ref())
                .for_each(&mut collect);
            endpoint
                .responses
                .iter()
                .flat_map(|r| &r.headers)
                .filter_map(|h| h.schema.as_ref())
                .for_each(&mut collect);
        }
        let bundle_prefix = format!("#/{BUNDLE_KEY}/");
        let mut seen = BTreeSet::new();
        while let Some(reference) = pending.pop() {
            if !reference.starts_with(&bundle_prefix) {
                continue;
            }
            let name = pointer::ref_name(&reference);
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(schema) = bundle.get(&name) {
                schema_refs(schema, &mut |r| pending.push(r.to_owned()));
                names.push((name, true));
            }
        }
    }
    SchemaPlaces {
        names,
        named_path,
        prefix,
    }
}

struct Extractor<'a> {
    doc: &'a Value,
    format: SpecFormat,
    warnings: Vec<Warning>,
}

impl<'a> Extractor<'a> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: pointer.to_owned(),
            message: message.into(),
        });
    }

    /// Follows local `$ref`s (bounded) to the object they name. A dangling or
    /// looping reference yields `None` and a warning.
    fn deref(&mut self, value: &'a Value, at: &str) -> Option<&'a Value> {
        let mut current = value;
        for _ in 0..32 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Some(current);
            };
            let (doc_part, fragment) = pointer::split_ref(reference);
            if !doc_part.is_empty() {
                // Not bundled: dangling or not followed; already warned about.
                return None;
            }
            match pointer::resolve(self.doc, fragment) {
                Some(next) => current = next,
                None => {
                    self.warn(at, format!("dangling $ref \"{reference}\""));
                    return None;
                }
            }
        }
        self.warn(at, "$ref chain loops; not followed");
        None
    }

    fn info(&mut self, info: Option<&'a Value>) -> Info {
        let Some(info) = info
            .and_then(|i| self.deref(i, "/info"))
            .and_then(Value::as_object)
        else {
            self.warn("", "no `info` object");
            return Info::default();
        };
        let version = match info.get("version") {
            Some(Value::String(s)) => s.clone(),
            Some(other @ Value::Number(_)) => {
                self.warn(
                    "/info/version",
                    "`info.version` must be a string, not a number",
                );
                other.to_string()
            }
            _ => {
                self.warn("/info", "`info.version` is missing");
                String::new()
            }
        };
        let title = text(info.get("title")).unwrap_or_else(|| {
            self.warn("/info", "`info.title` is missing");
            String::new()
        });
        Info {
            title,
            version,
            summary: text(info.get("summary")),
            description: text(info.get("description")),
            terms_of_service: text(info.get("termsOfService")),
            contact: info.get("contact").cloned(),
            license: info.get("license").cloned(),
            provider_name: text(info.get("x-providerName")),
            service_name: text(info.get("x-serviceName")),
        }
    }

    fn servers(&mut self, root: &'a Map<String, Value>) -> Vec<Server> {
        if self.format != SpecFormat::Swagger2 {
            return self.server_list(root.get("servers"), "/servers");
        }
        let Some(host) = text(root.get("host")) else {
            return text(root.get("basePath"))
                .map(|base| {
                    vec![Server {
                        url: base,
                        description: None,
                    }]
                })
                .unwrap_or_default();
        };
        let base_path = text(root.get("basePath")).unwrap_or_default();
        let base_path = if base_path.is_empty() || base_path.starts_with('/') {
            base_path
        } else {
            format!("/{base_path}")
        };
        let schemes: Vec<String> = root
            .get("schemes")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .filter(|s: &Vec<String>| !s.is_empty())
            .unwrap_or_else(|| vec!["https".to_owned()]);
        schemes
            .into_iter()
            .map(|scheme| Server {
                url: format!("{scheme}://{host}{}", base_path.trim_end_matches('/')),
                description: None,
            })
            .collect()
    }

    fn server_list(&mut self, servers: Option<&'a Value>, at: &str) -> Vec<Server> {
        let Some(servers) = servers else {
            return Vec::new();
        };
        let Some(list) = servers.as_array() else {
            self.warn(at, "`servers` must be a list");
            return Vec::new();
        };
        list.iter()
            .filter_map(|server| {
                let url = text(server.get("url"))?;
                let url = substitute_variables(&url, server.get("variables"));
                Some(Server {
                    url,
                    description: text(server.get("description")),
                })
            })
            .collect()
    }

    fn security_schemes(&mut self, root: &'a Map<String, Value>) -> Vec<SecurityScheme> {
        let (schemes, at) = if self.format == SpecFormat::Swagger2 {
            (root.get("securityDefinitions"), "/securityDefinitions")
        } else {
            (
                root.get("components")
                    .and_then(|c| c.get("securitySchemes")),
                "/components/securitySchemes",
            )
        };
        let Some(schemes) = schemes.and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, scheme) in schemes {
            let here = format!("{at}/{}", pointer::escape(name));
            let Some(scheme) = self.deref(scheme, &here).and_then(Value::as_object) else {
                continue;
            };
            let mut kind = text(scheme.get("type")).unwrap_or_default();
            let mut http_scheme = text(scheme.get("scheme"));
            if kind == "basic" {
                kind = "http".to_owned();
                http_scheme = Some("basic".to_owned());
            }
            let flows = if self.format == SpecFormat::Swagger2 && kind == "oauth2" {
                let mut flow = Map::new();
                for key in ["flow", "authorizationUrl", "tokenUrl", "scopes"] {
                    if let Some(v) = scheme.get(key) {
                        flow.insert(key.to_owned(), v.clone());
                    }
                }
                Some(Value::Object(flow))
            } else {
                scheme
                    .get("flows")
                    .or_else(|| scheme.get("openIdConnectUrl"))
                    .cloned()
            };
            out.push(SecurityScheme {
                name: name.clone(),
                kind,
                description: text(scheme.get("description")),
                location: text(scheme.get("in")),
                parameter_name: text(scheme.get("name")),
                scheme: http_scheme,
                bearer_format: text(scheme.get("bearerFormat")),
                flows,
            });
        }
        out
    }

    fn security(&mut self, security: Option<&'a Value>, at: &str) -> Vec<SecurityRequirement> {
        let Some(security) = security else {
            return Vec::new();
        };
        let Some(list) = security.as_array() else {
            self.warn(at, "`security` must be a list of requirement objects");
            return Vec::new();
        };
        list.iter()
            .filter_map(Value::as_object)
            .map(|requirement| SecurityRequirement {
                schemes: requirement
                    .iter()
                    .map(|(name, scopes)| SchemeUse {
                        name: name.clone(),
                        scopes: scopes
                            .as_array()
                            .map(|s| {
                                s.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect()
    }

    fn tags(&mut self, tags: Option<&'a Value>) -> Vec<Tag> {
        let Some(list) = tags.and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|tag| {
                Some(Tag {
                    name: text(tag.get("name"))?,
                    description: text(tag.get("description")),
                })
            })
            .collect()
    }

    fn operations(
        &mut self,
        paths: Option<&'a Value>,
        section: &str,
        default_security: &[SecurityRequirement],
    ) -> Vec<Endpoint> {
        let Some(paths) = paths else {
            return Vec::new();
        };
        let Some(paths) = paths.as_object() else {
            self.warn(
                &format!("/{section}"),
                format!("`{section}` must be a mapping"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (path, item) in paths {
            if path.starts_with("x-") {
                continue;
            }
            let at = format!("/{section}/{}", pointer::escape(path));
            let Some(item) = self.deref(item, &at) else {
                continue;
            };
            let Some(item) = item.as_object() else {
                if !item.is_null() {
                    self.warn(&at, "a path item must be a mapping");
                }
                continue;
            };
            let shared = self.parameters(item.get("parameters"), &format!("{at}/parameters"));
            let path_servers = self.server_list(item.get("servers"), &format!("{at}/servers"));
            for (key, operation) in item {
                let lower = key.to_ascii_lowercase();
                if !METHODS.contains(&lower.as_str()) {
                    continue;
                }
                let op_at = format!("{at}/{}", pointer::escape(key));
                // DigitalOcean writes whole operations as `$ref`s (not in the
                // specification, but common): follow them like path items.
                let Some(operation) = self.deref(operation, &op_at).and_then(Value::as_object)
                else {
                    self.warn(&op_at, "an operation must be a mapping");
                    continue;
                };
                out.push(self.operation(
                    &lower,
                    path,
                    operation,
                    &shared,
                    &path_servers,
                    default_security,
                    &op_at,
                ));
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        method: &str,
        path: &str,
        op: &'a Map<String, Value>,
        shared: &[RawParameter<'a>],
        path_servers: &[Server],
        default_security: &[SecurityRequirement],
        at: &str,
    ) -> Endpoint {
        let own = self.parameters(op.get("parameters"), &format!("{at}/parameters"));
        let mut merged: Vec<RawParameter<'a>> = shared
            .iter()
            .filter(|p| {
                !own.iter()
                    .any(|o| o.name == p.name && o.location == p.location)
            })
            .cloned()
            .collect();
        merged.extend(own);

        let mut parameters = Vec::new();
        let mut body_param = None;
        let mut form_params = Vec::new();
        for raw in merged {
            match raw.location.as_str() {
                "body" if self.format == SpecFormat::Swagger2 => body_param = Some(raw),
                "formData" if self.format == SpecFormat::Swagger2 => form_params.push(raw),
                _ => parameters.push(self.parameter(&raw)),
            }
        }
        let request_body = if self.format == SpecFormat::Swagger2 {
            self.swagger2_body(op, body_param, &form_params)
        } else {
            op.get("requestBody")
                .and_then(|b| self.request_body(b, &format!("{at}/requestBody")))
        };
        let responses = self.responses(op, at);
        let security = match op.get("security") {
            Some(s) => self.security(Some(s), &format!("{at}/security")),
            None => default_security.to_vec(),
        };
        let servers = match op.get("servers") {
            Some(s) => self.server_list(Some(s), &format!("{at}/servers")),
            None => path_servers.to_vec(),
        };
        Endpoint {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            operation_id: text(op.get("operationId")),
            summary: text(op.get("summary")),
            description: text(op.get("description")),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(|t| text(Some(t))).collect())
                .unwrap_or_default(),
            deprecated: op
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            parameters,
            request_body,
            responses,
            security,
            servers,
            code_samples: self.code_samples(op, at),
        }
    }

    /// `x-codeSamples` / `x-code-samples`; DigitalOcean keeps each sample in
    /// its own file, so samples may be references.
    fn code_samples(&mut self, op: &'a Map<String, Value>, at: &str) -> Vec<CodeSample> {
        let (key, samples) = match op.get("x-codeSamples") {
            Some(samples) => ("x-codeSamples", samples),
            None => match op.get("x-code-samples") {
                Some(samples) => ("x-code-samples", samples),
                None => return Vec::new(),
            },
        };
        let Some(list) = samples.as_array() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, sample) in list.iter().enumerate() {
            let Some(sample) = self.deref(sample, &format!("{at}/{key}/{i}")) else {
                continue;
            };
            if let Some(source) = text(sample.get("source")) {
                out.push(CodeSample {
                    lang: text(sample.get("lang")).unwrap_or_default(),
                    label: text(sample.get("label")),
                    source,
                });
            }
        }
        out
    }

    fn parameters(&mut self, params: Option<&'a Value>, at: &str) -> Vec<RawParameter<'a>> {
        let Some(params) = params else {
            return Vec::new();
        };
        let Some(list) = params.as_array() else {
            self.warn(at, "`parameters` must be a list");
            return Vec::new();
        };
        let mut out: Vec<RawParameter<'a>> = Vec::new();
        for (i, param) in list.iter().enumerate() {
            let here = format!("{at}/{i}");
            let Some(object) = self.deref(param, &here).and_then(Value::as_object) else {
                continue;
            };
            let (Some(name), Some(location)) = (text(object.get("name")), text(object.get("in")))
            else {
                self.warn(&here, "a parameter needs `name` and `in`");
                continue;
            };
            if let Some(existing) = out
                .iter_mut()
                .find(|p| p.name == name && p.location == location)
            {
                self.warn(
                    &here,
                    format!(
                        "parameter \"{name}\" in {location} is listed twice; the last one wins"
                    ),
                );
                existing.object = object;
                continue;
            }
            out.push(RawParameter {
                name,
                location,
                object,
            });
        }
        out
    }

    fn parameter(&mut self, raw: &RawParameter<'a>) -> Parameter {
        let object = raw.object;
        let (style, explode) = if self.format == SpecFormat::Swagger2 {
            collection_format(text(object.get("collectionFormat")).as_deref())
        } else {
            (
                text(object.get("style")),
                object.get("explode").and_then(Value::as_bool),
            )
        };
        let schema = if self.format == SpecFormat::Swagger2 {
            Some(swagger2_schema(object))
        } else {
            object.get("schema").cloned().or_else(|| {
                // OpenAPI 3 allows `content` instead of `schema`.
                object
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
                    .cloned()
            })
        };
        Parameter {
            name: raw.name.clone(),
            type_label: schema
                .as_ref()
                .map_or_else(|| "any".to_owned(), |s| type_label(s, 0)),
            required: object
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                || raw.location == "path",
            location: raw.location.clone(),
            description: text(object.get("description")),
            deprecated: object
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            schema,
            example: object
                .get("example")
                .or_else(|| object.get("x-example"))
                .cloned(),
            style,
            explode,
        }
    }

    fn request_body(&mut self, body: &'a Value, at: &str) -> Option<RequestBody> {
        let body = self.deref(body, at)?.as_object()?;
        Some(RequestBody {
            description: text(body.get("description")),
            required: body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            content: media_types(body.get("content")),
        })
    }

    fn swagger2_body(
        &mut self,
        op: &'a Map<String, Value>,
        body: Option<RawParameter<'a>>,
        form: &[RawParameter<'a>],
    ) -> Option<RequestBody> {
        let consumes = self.media_list(op, "consumes");
        if let Some(body) = body {
            let schema = body.object.get("schema").cloned();
            let types = if consumes.is_empty() {
                vec!["application/json".to_owned()]
            } else {
                consumes
            };
            return Some(RequestBody {
                description: text(body.object.get("description")),
                required: body
                    .object
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                content: types
                    .into_iter()
                    .map(|media_type| MediaType {
                        media_type,
                        schema: schema.clone(),
                        example: None,
                    })
                    .collect(),
            });
        }
        if form.is_empty() {
            return None;
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        for param in form {
            let schema = swagger2_schema(param.object);
            has_file |= schema.get("type").and_then(Value::as_str) == Some("file");
            let mut schema = schema;
            if let (Some(description), Value::Object(s)) =
                (param.object.get("description"), &mut schema)
            {
                s.insert("description".to_owned(), description.clone());
            }
            properties.insert(param.name.clone(), schema);
            if param
                .object
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
            {
                required.push(Value::String(param.name.clone()));
            }
        }
        let mut types: Vec<String> = consumes
            .into_iter()
            .filter(|t| {
                t.starts_with("multipart/") || t.starts_with("application/x-www-form-urlencoded")
            })
            .collect();
        if types.is_empty() {
            types.push(
                if has_file {
                    "multipart/form-data"
                } else {
                    "application/x-www-form-urlencoded"
                }
                .to_owned(),
            );
        }
        let schema = json!({"type": "object", "properties": properties, "required": required});
        Some(RequestBody {
            description: None,
            required: !required.is_empty(),
            content: types
                .into_iter()
                .map(|media_type| MediaType {
                    media_type,
                    schema: Some(schema.clone()),
                    example: None,
                })
                .collect(),
        })
    }

    /// Swagger 2 `consumes`/`produces` of an operation, else of the document.
    fn media_list(&self, op: &Map<String, Value>, key: &str) -> Vec<String> {
        op.get(key)
            .or_else(|| self.doc.get(key))
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn responses(&mut self, op: &'a Map<String, Value>, at: &str) -> Vec<Response> {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else {
            return Vec::new();
        };
        let produces = if self.format == SpecFormat::Swagger2 {
            let p = self.media_list(op, "produces");
            if p.is_empty() {
                vec!["application/json".to_owned()]
            } else {
                p
            }
        } else {
            Vec::new()
        };
        let mut out = Vec::new();
        for (status, response) in responses {
            if status.starts_with("x-") {
                continue;
            }
            let here = format!("{at}/responses/{}", pointer::escape(status));
            let Some(response) = self.deref(response, &here).and_then(Value::as_object) else {
                continue;
            };
            let content = if self.format == SpecFormat::Swagger2 {
                match response.get("schema") {
                    Some(schema) => produces
                        .iter()
                        .map(|media_type| MediaType {
                            media_type: media_type.clone(),
                            schema: Some(schema.clone()),
                            example: response
                                .get("examples")
                                .and_then(|e| e.get(media_type))
                                .cloned(),
                        })
                        .collect(),
                    None => Vec::new(),
                }
            } else {
                media_types(response.get("content"))
            };
            let headers = self.headers(response.get("headers"), &format!("{here}/headers"));
            out.push(Response {
                status: status.clone(),
                description: text(response.get("description")),
                content,
                headers,
            });
        }
        out
    }

    fn headers(&mut self, headers: Option<&'a Value>, at: &str) -> Vec<Header> {
        let Some(headers) = headers.and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, header) in headers {
            let Some(header) = self.deref(header, &format!("{at}/{}", pointer::escape(name)))
            else {
                continue;
            };
            let Some(object) = header.as_object() else {
                continue;
            };
            let schema = if self.format == SpecFormat::Swagger2 {
                Some(swagger2_schema(object))
            } else {
                object.get("schema").cloned()
            };
            out.push(Header {
                name: name.clone(),
                description: text(object.get("description")),
                type_label: schema
                    .as_ref()
                    .map_or_else(|| "any".to_owned(), |s| type_label(s, 0)),
                schema,
            });
        }
        out
    }
}

#[derive(Clone)]
struct RawParameter<'a> {
    name: String,
    location: String,
    object: &'a Map<String, Value>,
}

/// Text from a string value (numbers and booleans are written out).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn substitute_variables(url: &str, variables: Option<&Value>) -> String {
    let Some(variables) = variables.and_then(Value::as_object) else {
        return url.to_owned();
    };
    variables
        .iter()
        .fold(url.to_owned(), |url, (name, variable)| {
            match text(variable.get("default")) {
                Some(default) => url.replace(&format!("{{{name}}}"), &default),
                None => url,
            }
        })
}

fn media_types(content: Option<&Value>) -> Vec<MediaType> {
    content
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .map(|(media_type, media)| MediaType {
                    media_type: media_type.clone(),
                    schema: media.get("schema").cloned(),
                    // `example`, else the value of the first of `examples`.
                    example: media
                        .get("example")
                        .or_else(|| {
                            media
                                .get("examples")?
                                .as_object()?
                                .values()
                                .next()?
                                .get("value")
                        })
                        .cloned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The OpenAPI 3 `style` and `explode` that a Swagger 2 `collectionFormat`
/// means (its default, `csv`, is a comma-separated value).
fn collection_format(format: Option<&str>) -> (Option<String>, Option<bool>) {
    let style = |s: &str, explode: bool| (Some(s.to_owned()), Some(explode));
    match format {
        Some("multi") => style("form", true),
        Some("ssv") => style("spaceDelimited", false),
        Some("pipes") => style("pipeDelimited", false),
        Some("tsv") => style("tabDelimited", false),
        Some("csv") => (None, Some(false)),
        _ => (None, None),
    }
}

/// The JSON Schema of a Swagger 2 non-body parameter or header, whose type
/// keywords sit on the parameter itself.
fn swagger2_schema(object: &Map<String, Value>) -> Value {
    if let Some(schema) = object.get("schema") {
        return schema.clone();
    }
    const KEYWORDS: [&str; 15] = [
        "type",
        "format",
        "items",
        "enum",
        "default",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "collectionFormat",
    ];
    let schema: Map<String, Value> = KEYWORDS
        .iter()
        .filter_map(|k| object.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect();
    Value::Object(schema)
}

/// A short human label for a schema: `string`, `integer(int64)`,
/// `array[Pet]`, `string | null`, `Pet` for a reference.
pub fn type_label(schema: &Value, depth: usize) -> String {
    let Some(object) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => "any".to_owned(),
            Value::Bool(false) => "never".to_owned(),
            _ => "any".to_owned(),
        };
    };
    if depth > 4 {
        return "…".to_owned();
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return pointer::ref_name(reference);
    }
    let mut types: Vec<String> = match object.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        for (keyword, joiner) in [("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")] {
            if let Some(list) = object.get(keyword).and_then(Value::as_array) {
                let mut labels: Vec<String> = Vec::new();
                for label in list.iter().map(|s| type_label(s, depth + 1)) {
                    if !labels.contains(&label) {
                        labels.push(label);
                    }
                }
                if !labels.is_empty() {
                    return labels.join(joiner);
                }
            }
        }
        if object.contains_key("properties") || object.contains_key("additionalProperties") {
            types.push("object".to_owned());
        } else if object.contains_key("items") {
            types.push("array".to_owned());
        } else if object.contains_key("enum") {
            types.push("enum".to_owned());
        } else {
            types.push("any".to_owned());
        }
    }
    let format = object.get("format").and_then(Value::as_str);
    let mut labels: Vec<String> = types
        .iter()
        .map(|t| match (t.as_str(), format) {
            ("array", _) => format!(
                "array[{}]",
                object
                    .get("items")
                    .map_or_else(|| "any".to_owned(), |i| type_label(i, depth + 1))
            ),
            ("null", _) => "null".to_owned(),
            (t, Some(f)) => format!("{t}({f})"),
            (t, None) => t.to_owned(),
        })
        .collect();
    if object.get("nullable").and_then(Value::as_bool) == Some(true)
        && !types.iter().any(|t| t == "null")
    {
        labels.push("null".to_owned());
    }
    labels.join(" | ")
}

/// Calls `found` with every `$ref` string inside `schema`.
pub fn schema_refs(schema: &Value, found: &mut impl FnMut(&str)) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => found(r),
                    _ => schema_refs(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schema_refs(v, found)),
        _ => {}
    }
}

/// Marks every schema that lies on a reference cycle (Tarjan's strongly
/// connected components, iterative so deep graphs cannot overflow the stack).
fn mark_cycles(schemas: &mut [NamedSchema], prefix: &str) {
    let index_of: HashMap<&str, usize> = schemas
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let bundle_prefix = format!("#/{BUNDLE_KEY}/");
    let edges: Vec<Vec<usize>> = schemas
        .iter()
        .map(|s| {
            let mut targets = Vec::new();
            schema_refs(&s.schema, &mut |r| {
                // Only references to a whole named schema are edges: the
                // last token of `#/components/schemas/A/properties/b` is not
                // a schema name.
                let rest = r
                    .strip_prefix(prefix)
                    .or_else(|| r.strip_prefix(&bundle_prefix))
                    .filter(|rest| !rest.contains('/'));
                let name = rest.map(|rest| pointer::ref_name(&format!("#/{rest}")));
                if let Some(&target) = name.as_deref().and_then(|n| index_of.get(n)) {
                    targets.push(target);
                }
            });
            targets.sort_unstable();
            targets.dedup();
            targets
        })
        .collect();
    for node in strongly_connected_cycles(&edges) {
        schemas[node].in_cycle = true;
    }
}

/// Nodes that lie on some cycle: members of a strongly connected component
/// with more than one node, or with an edge to themselves.
pub fn strongly_connected_cycles(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut result = Vec::new();
    for start in 0..n {
        if index[start] != UNVISITED {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == UNVISITED {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 || edges[node].contains(&node) {
                    result.extend(component);
                }
            }
        }
    }
    result.sort_unstable();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn type_labels() {
        assert_eq!(
            type_label(&json!({"type": "integer", "format": "int64"}), 0),
            "integer(int64)"
        );
        assert_eq!(
            type_label(&json!({"type": ["string", "null"]}), 0),
            "string | null"
        );
        assert_eq!(
            type_label(&json!({"type": "string", "nullable": true}), 0),
            "string | null"
        );
        assert_eq!(
            type_label(
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}),
                0
            ),
            "array[Pet]"
        );
        assert_eq!(
            type_label(
                &json!({"oneOf": [{"type": "string"}, {"$ref": "#/definitions/X"}]}),
                0
            ),
            "string | X"
        );
        assert_eq!(type_label(&json!({}), 0), "any");
    }

    #[test]
    fn only_whole_schema_references_make_cycle_edges() {
        let schema = |value: Value| NamedSchema {
            name: String::new(),
            schema: value,
            in_cycle: false,
            external: false,
        };
        let mut schemas = vec![
            // A refers into B's property `A`, which is not schema A.
            schema(json!({"properties": {"x": {"$ref": "#/components/schemas/B/properties/A"}}})),
            schema(
                json!({"properties": {"A": {"type": "string"}, "b": {"$ref": "#/components/schemas/B"}}}),
            ),
        ];
        schemas[0].name = "A".to_owned();
        schemas[1].name = "B".to_owned();
        mark_cycles(&mut schemas, "#/components/schemas/");
        assert!(!schemas[0].in_cycle);
        assert!(schemas[1].in_cycle, "B refers to itself");
    }

    #[test]
    fn code_samples_may_be_references() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"x-codeSamples": [
                {"$ref": "#/x-specdex-bundle/examples~1curl.yml"},
                {"lang": "Python", "source": "client.a()"}
            ]}}},
            "x-specdex-bundle": {"examples/curl.yml": {"lang": "cURL", "source": "curl /a"}}
        });
        let detected = Detected {
            format: SpecFormat::Openapi30,
            spec_version: "3.0.3".to_owned(),
            warnings: Vec::new(),
        };
        let api = extract(&doc, detected);
        let langs: Vec<&str> = api.endpoints[0]
            .code_samples
            .iter()
            .map(|s| s.lang.as_str())
            .collect();
        assert_eq!(langs, ["cURL", "Python"]);
    }

    #[test]
    fn moving_the_schemas_out_gives_the_model_copying_them_gives() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "Pets", "version": "1"},
            "paths": {"/pets": {"get": {"responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/x-specdex-bundle/owner.yaml"}}}
            }}}}},
            "components": {"schemas": {
                "Pet": {"type": "object", "properties": {"friend": {"$ref": "#/components/schemas/Pet"}}},
                "Tag": {"type": "string"}
            }},
            "x-specdex-bundle": {
                "owner.yaml": {"type": "object", "properties": {"home": {"$ref": "#/x-specdex-bundle/home.yaml"}}},
                "home.yaml": {"type": "string"},
                "unused.yaml": {"type": "integer"}
            }
        });
        let detected = || crate::version::detect("pets.json", &doc).expect("an OpenAPI 3 document");
        let copied = extract(&doc, detected());
        let mut moved_from = doc.clone();
        let mut moved = extract_all_but_schemas(&moved_from, detected());
        take_schemas(&mut moved_from, &mut moved);
        assert_eq!(moved, copied);
        let names: Vec<_> = copied
            .schemas
            .iter()
            .map(|s| (s.name.as_str(), s.in_cycle, s.external))
            .collect();
        assert_eq!(
            names,
            [
                ("Pet", true, false),
                ("Tag", false, false),
                ("owner.yaml", false, true),
                ("home.yaml", false, true)
            ]
        );
        assert_eq!(moved_from["components"]["schemas"]["Pet"], Value::Null);
    }

    #[test]
    fn cycles_are_found() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        assert_eq!(strongly_connected_cycles(&edges), vec![0, 1, 2, 3]);
    }
}
