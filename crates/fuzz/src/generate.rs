//! Real-looking OpenAPI and Swagger documents, generated from [`Choices`].
//!
//! A document has what real ones have — info, servers (or host and base
//! path), tags, security schemes, shared parameters, named schemas that
//! refer to each other (chains, cycles, `allOf` fans), paths with path,
//! query, header and cookie parameters, bodies in several media types,
//! responses, webhooks, callbacks, code samples — and, with small
//! probability at every choice, what real ones get wrong: references that
//! dangle, point into odd places or leave the file, wrong types, names with
//! markup or escapes, nesting near the depth limit, very long or very many
//! of something.

use serde_json::{Map, Value, json};

use crate::choices::Choices;
use crate::text;

/// How large a document may get.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Most paths (a few hundred is realistic; rare).
    pub max_paths: usize,
    /// Most named schemas.
    pub max_schemas: usize,
    /// Whether the large hostile shapes (deep nesting near the limit, long
    /// `$ref` chains, wide fans, many keys, huge strings) may appear.
    pub hostile: bool,
}

impl Scale {
    /// For the reader: everything, up to a few hundred paths.
    pub const READ: Scale = Scale {
        max_paths: 400,
        max_schemas: 300,
        hostile: true,
    };
    /// For the engine and the pages, where every endpoint is rendered:
    /// smaller documents, no giant shapes.
    pub const RENDER: Scale = Scale {
        max_paths: 120,
        max_schemas: 80,
        hostile: false,
    };
}

/// Which specification family a document claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
}

impl Flavor {
    fn schema_prefix(self) -> &'static str {
        match self {
            Flavor::Swagger2 => "#/definitions/",
            _ => "#/components/schemas/",
        }
    }
}

/// What the parts of a document may refer to.
struct Ctx {
    flavor: Flavor,
    /// What a reference to a named schema starts with.
    prefix: String,
    /// Named schemas (the document defines all of them).
    names: Vec<String>,
    /// Shared parameters' names.
    parameters: Vec<String>,
    tags: Vec<String>,
    schemes: Vec<String>,
    /// Extra `$ref` targets: other files, for multi-file documents.
    external: Vec<String>,
}

/// A JSON-pointer token with `~` and `/` escaped (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A whole document.
pub fn document(c: &mut Choices, scale: Scale) -> Value {
    document_with_refs(c, scale, &[])
}

/// A whole document whose references may also point at `external` targets
/// (`file.yaml#/Name`), for multi-file documents.
pub fn document_with_refs(c: &mut Choices, scale: Scale, external: &[String]) -> Value {
    let flavor = match c.below(8) {
        0 | 1 => Flavor::Swagger2,
        2..=4 => Flavor::OpenApi30,
        5 | 6 => Flavor::OpenApi31,
        _ => Flavor::OpenApi32,
    };
    let mut doc = Map::new();
    match flavor {
        Flavor::Swagger2 => doc.insert("swagger".into(), json!("2.0")),
        Flavor::OpenApi30 => doc.insert(
            "openapi".into(),
            json!(c.pick(&["3.0.3", "3.0.0", "3.0.4", "3.0.1"])),
        ),
        Flavor::OpenApi31 => doc.insert("openapi".into(), json!(c.pick(&["3.1.0", "3.1.1"]))),
        Flavor::OpenApi32 => doc.insert("openapi".into(), json!("3.2.0")),
    };
    if c.chance(5) {
        let field = if c.chance(128) { "openapi" } else { "swagger" };
        let odd = c.pick(&[
            json!(3.0),
            json!("3"),
            json!("4.0.0"),
            json!("1.2"),
            json!(null),
            json!([]),
            json!("3.1.0-rc0"),
        ]);
        doc.insert(field.into(), odd);
    }

    let n = c_count(c, 6, scale.max_schemas / 4, scale.max_schemas);
    let names = distinct(c, text::type_name, n);
    let n = c_count(c, 3, 12, 40);
    let tags = distinct(c, text::name, n);
    let n = c_count(c, 2, 4, 8);
    let schemes = distinct(c, |c| text::word(c).to_owned() + "Auth", n);
    let n = c_count(c, 2, 10, 30);
    let parameters = distinct(c, text::name, n);
    let ctx = Ctx {
        flavor,
        prefix: flavor.schema_prefix().to_owned(),
        names,
        parameters,
        tags,
        schemes,
        external: external.to_vec(),
    };

    doc.insert("info".into(), info(c));
    if c.chance(16) {
        doc.remove("info");
    }
    servers(c, &ctx, &mut doc);
    if !ctx.tags.is_empty() {
        let tags: Vec<Value> = ctx
            .tags
            .iter()
            .map(|t| {
                let mut tag = json!({"name": t});
                if c.chance(128) {
                    tag["description"] = json!(text::prose(c));
                }
                tag
            })
            .collect();
        doc.insert("tags".into(), Value::Array(tags));
    }

    let mut schemas = Map::new();
    for name in &ctx.names {
        schemas.insert(name.clone(), schema(c, &ctx, 4));
    }
    let mut shared = Map::new();
    for name in &ctx.parameters {
        shared.insert(name.clone(), parameter(c, &ctx, Some(name), &[]));
    }
    let mut security = Map::new();
    for name in &ctx.schemes {
        security.insert(name.clone(), security_scheme(c, flavor));
    }
    if scale.hostile && c.chance(12) {
        hostile_schemas(c, &ctx, &mut schemas);
    }
    if flavor == Flavor::Swagger2 {
        doc.insert("definitions".into(), Value::Object(schemas));
        doc.insert("parameters".into(), Value::Object(shared));
        doc.insert("securityDefinitions".into(), Value::Object(security));
    } else {
        let mut components = Map::new();
        components.insert("schemas".into(), Value::Object(schemas));
        components.insert("parameters".into(), Value::Object(shared));
        components.insert("securitySchemes".into(), Value::Object(security));
        if c.chance(40) {
            components.insert(
                "responses".into(),
                json!({"NotFound": {"description": "Not found", "content": {"application/json": {"schema": schema_ref(c, &ctx)}}}}),
            );
        }
        doc.insert("components".into(), Value::Object(components));
    }
    if c.chance(100) && !ctx.schemes.is_empty() {
        doc.insert("security".into(), security_requirements(c, &ctx));
    }

    let mut paths = Map::new();
    let count = c_count(c, 8, 60, scale.max_paths);
    for _ in 0..count {
        let (template, params) = path_template(c);
        paths.insert(template, path_item(c, &ctx, &params));
    }
    if scale.hostile && c.chance(4) {
        // Many small paths: the listing and every per-endpoint pass scale.
        for i in 0..c.between(500, 3_000) {
            paths.insert(
                format!("/many/{i}/{{id}}"),
                json!({"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                               "responses": {"200": {"description": "ok"}}}}),
            );
        }
    }
    doc.insert("paths".into(), Value::Object(paths));
    if matches!(flavor, Flavor::OpenApi31 | Flavor::OpenApi32) && c.chance(60) {
        let mut hooks = Map::new();
        for _ in 0..c.between(1, 3) {
            hooks.insert(text::name(c), path_item(c, &ctx, &[]));
        }
        doc.insert("webhooks".into(), Value::Object(hooks));
    }
    if c.chance(10) {
        doc.insert(
            pointer_key(c),
            json!({"x": text::prose(c), "$ref": any_ref(c, &ctx)}),
        );
    }
    Value::Object(doc)
}

/// A fragment file: named schemas at the top level (`#/Pet`), referring to
/// each other and to `external` targets.
pub fn fragment(c: &mut Choices, names: &[&str], external: &[String]) -> Value {
    let ctx = fragment_ctx(names, external);
    let mut out = Map::new();
    for name in names {
        if c.chance(40) {
            continue;
        }
        out.insert((*name).to_owned(), schema(c, &ctx, 3));
    }
    if c.chance(30) {
        out.insert(
            "components".into(),
            json!({"schemas": {"Pet": schema(c, &ctx, 2)}}),
        );
    }
    Value::Object(out)
}

/// A fragment file holding one path item (`$ref`'d from `paths`).
pub fn path_item_fragment(c: &mut Choices, external: &[String]) -> Value {
    let ctx = fragment_ctx(&["Pet", "Owner"], external);
    path_item(c, &ctx, &[])
}

fn fragment_ctx(names: &[&str], external: &[String]) -> Ctx {
    Ctx {
        flavor: Flavor::OpenApi30,
        prefix: "#/".to_owned(),
        names: names.iter().map(|n| (*n).to_owned()).collect(),
        parameters: Vec::new(),
        tags: Vec::new(),
        schemes: Vec::new(),
        external: external.to_vec(),
    }
}

fn c_count(c: &mut Choices, usual: usize, rare: usize, huge: usize) -> usize {
    c.count(usual, rare.max(usual), huge.max(rare))
}

/// `n` names from `make`, without repeats.
fn distinct(
    c: &mut Choices,
    mut make: impl FnMut(&mut Choices) -> String,
    n: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n {
        let name = make(c);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A top-level key that is not a usual field (extensions, the bundler's own
/// key, nonsense).
fn pointer_key(c: &mut Choices) -> String {
    c.pick(&[
        "x-specdex-bundle",
        "x-extra",
        "$ref",
        "components",
        "x-",
        "",
    ])
    .to_string()
}

fn info(c: &mut Choices) -> Value {
    let mut info = json!({"title": text::name(c), "version": text::version(c)});
    if c.chance(200) {
        info["title"] = json!(format!(
            "{} {} API",
            text::capitalized(text::word(c)),
            text::word(c)
        ));
    }
    if c.chance(160) {
        info["description"] = json!(text::prose(c));
    }
    if c.chance(30) {
        info["x-providerName"] = json!(c.pick(&[
            "example.com",
            "googleapis.com",
            "api.twilio.com",
            "",
            "a/b",
            "Ünïcode.test"
        ]));
        if c.chance(128) {
            info["x-serviceName"] = json!(text::name(c));
        }
    }
    if c.chance(30) {
        info["contact"] =
            json!({"name": text::name(c), "email": "a@example.com", "url": "http://example.com"});
        info["license"] = json!({"name": "MIT", "identifier": "MIT"});
        info["termsOfService"] = json!(text::prose(c));
    }
    if c.chance(8) {
        info["version"] = c.pick(&[json!(1), json!(2.5), json!(null), json!(["1"])]);
    }
    if c.chance(8) {
        info["title"] = json!({"not": "a string"});
    }
    info
}

const HOSTS: &[&str] = &[
    "https://api.example.com/v1",
    "https://petstore.swagger.io/v2",
    "http://localhost:8080",
    "/relative/base",
    "https://{region}.example.com/{basePath}",
    "",
    "https://api.twilio.com/2010-04-01",
    "https://console.jumpcloud.com/api/v2",
    "ftp://odd.example",
    "https://xn--nxasmq6b.example/βeta",
    "https://user:pass@host:99999/x",
    "https://[::1]:8080/api",
    "not a url at all",
];

fn servers(c: &mut Choices, ctx: &Ctx, doc: &mut Map<String, Value>) {
    if ctx.flavor == Flavor::Swagger2 {
        if c.chance(200) {
            doc.insert(
                "host".into(),
                json!(c.pick(&[
                    "api.example.com",
                    "petstore.swagger.io",
                    "localhost:8080",
                    "",
                    "a b",
                    "host/with/path"
                ])),
            );
        }
        if c.chance(160) {
            doc.insert(
                "basePath".into(),
                json!(c.pick(&["/v1", "/", "", "/api/v2/", "v1", "/{x}"])),
            );
        }
        if c.chance(128) {
            doc.insert("schemes".into(), json!(["https", "http"]));
        }
        return;
    }
    let n = c.count(1, 3, 10);
    let servers: Vec<Value> = (0..n)
        .map(|_| {
            let mut server = json!({"url": c.pick(HOSTS)});
            if c.chance(40) {
                server["variables"] = json!({"region": {"default": "eu", "enum": ["eu", "us"]}, "basePath": {"default": "v1"}});
            }
            if c.chance(30) {
                server["description"] = json!(text::prose(c));
            }
            server
        })
        .collect();
    if !servers.is_empty() {
        doc.insert("servers".into(), Value::Array(servers));
    }
}

fn security_scheme(c: &mut Choices, flavor: Flavor) -> Value {
    match (flavor, c.below(6)) {
        (_, 0) => {
            json!({"type": "apiKey", "in": c.pick(&["header", "query", "cookie", "body"]), "name": c.pick(&["X-API-Key", "api_key", "token", ""])})
        }
        (Flavor::Swagger2, 1) => json!({"type": "basic"}),
        (_, 1) => {
            json!({"type": "http", "scheme": c.pick(&["bearer", "basic", "digest", "Bearer", ""]), "bearerFormat": "JWT"})
        }
        (Flavor::Swagger2, 2) => {
            json!({"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a/x", "tokenUrl": "https://a/t", "scopes": {"read": "Read", "write": "Write"}})
        }
        (_, 2) => {
            json!({"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://a/x", "tokenUrl": "https://a/t", "scopes": {"read": "Read"}}, "clientCredentials": {"tokenUrl": "/t", "scopes": {}}}})
        }
        (_, 3) => {
            json!({"type": "openIdConnect", "openIdConnectUrl": "https://a/.well-known/openid-configuration"})
        }
        (_, 4) => json!({"type": "mutualTLS"}),
        _ => json!({"type": c.pick(&["", "unknown", "http"]), "description": text::prose(c)}),
    }
}

fn security_requirements(c: &mut Choices, ctx: &Ctx) -> Value {
    let n = c.below(3) + usize::from(c.chance(200));
    let reqs: Vec<Value> = (0..n)
        .map(|_| {
            let mut req = Map::new();
            if !ctx.schemes.is_empty() {
                let scheme = c.pick(&ctx.schemes);
                let scopes = if c.chance(60) {
                    json!(["read", "write"])
                } else {
                    json!([])
                };
                req.insert(scheme, scopes);
            }
            if c.chance(10) {
                req.insert("undeclared".into(), json!([]));
            }
            Value::Object(req)
        })
        .collect();
    Value::Array(reqs)
}

/// A path template and the names of its path parameters.
fn path_template(c: &mut Choices) -> (String, Vec<String>) {
    let mut template = String::new();
    let mut params = Vec::new();
    let segments = c.count(3, 6, 20);
    for _ in 0..segments.max(1) {
        template.push('/');
        match c.below(14) {
            0..=6 => template.push_str(text::word(c)),
            7..=9 => {
                let name = c
                    .pick(&[
                        "id", "petId", "owner", "repo", "name", "path", "ref", "user_id", "x.y",
                        "a b", "",
                    ])
                    .to_string();
                template.push_str(&format!("{{{name}}}"));
                params.push(name);
            }
            10 => {
                // Google style: a parameter with an action.
                template.push_str("{name}:cancel");
                params.push("name".to_owned());
            }
            11 => template.push_str(c.pick(&[
                "",
                ".",
                "..",
                "%7Bid%7D",
                "*",
                "a%20b",
                "ü",
                "{",
                "}",
                "{a}{b}",
                "~1",
                "?q=1",
                "#frag",
                ";matrix=1",
            ])),
            12 => {
                template.push_str(&format!("v{}", c.below(4)));
            }
            _ => template.push_str(&text::name(c)),
        }
    }
    if c.chance(10) {
        template.push('/');
    }
    if c.chance(4) {
        template = template.trim_start_matches('/').to_owned();
    }
    (template, params)
}

const METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "trace",
    "query",
    "x-custom",
    "GET",
    "parameters",
    "summary",
    "$ref",
];

fn path_item(c: &mut Choices, ctx: &Ctx, path_params: &[String]) -> Value {
    let mut item = Map::new();
    if !path_params.is_empty() && c.chance(80) {
        let params: Vec<Value> = path_params
            .iter()
            .map(|p| parameter(c, ctx, Some(p), &["path"]))
            .collect();
        item.insert("parameters".into(), Value::Array(params));
    }
    let n = c.between(1, 4);
    for _ in 0..n {
        let method = if c.chance(12) {
            c.pick(METHODS)
        } else {
            c.pick(&METHODS[..5])
        };
        let op = operation(c, ctx, path_params, item.contains_key("parameters"));
        item.insert((*method).to_owned(), op);
    }
    if c.chance(6) {
        item.insert("$ref".into(), json!(any_ref(c, ctx)));
    }
    if c.chance(12) {
        item.insert("summary".into(), json!(text::prose(c)));
        item.insert("servers".into(), json!([{"url": c.pick(HOSTS)}]));
    }
    Value::Object(item)
}

fn operation(c: &mut Choices, ctx: &Ctx, path_params: &[String], declared: bool) -> Value {
    let mut op = Map::new();
    if c.chance(200) {
        op.insert(
            "operationId".into(),
            json!(format!(
                "{}{}",
                text::word(c),
                text::capitalized(text::word(c))
            )),
        );
    }
    if c.chance(200) {
        op.insert("summary".into(), json!(text::prose(c)));
    }
    if c.chance(120) {
        op.insert("description".into(), json!(text::prose(c)));
    }
    if c.chance(160) && !ctx.tags.is_empty() {
        let tag = c.pick(&ctx.tags);
        op.insert("tags".into(), json!([tag]));
    } else if c.chance(20) {
        op.insert("tags".into(), json!([text::name(c), text::name(c)]));
    }
    if c.chance(20) {
        op.insert("deprecated".into(), json!(true));
    }
    let mut params = Vec::new();
    if !declared {
        for p in path_params {
            if c.chance(230) {
                params.push(parameter(c, ctx, Some(p), &["path"]));
            }
        }
    }
    for _ in 0..c.count(2, 8, 40) {
        if c.chance(40) && !ctx.parameters.is_empty() {
            let name = c.pick(&ctx.parameters);
            let prefix = if ctx.flavor == Flavor::Swagger2 {
                "#/parameters/"
            } else {
                "#/components/parameters/"
            };
            params.push(json!({"$ref": format!("{prefix}{}", escape_token(&name))}));
        } else {
            params.push(parameter(c, ctx, None, &["query", "header", "cookie"]));
        }
    }
    if ctx.flavor == Flavor::Swagger2 {
        if c.chance(90) {
            if c.chance(60) {
                params.push(json!({"name": "file", "in": "formData", "type": "file", "required": c.chance(128)}));
                params.push(json!({"name": "note", "in": "formData", "type": "string"}));
                op.insert("consumes".into(), json!(["multipart/form-data"]));
            } else {
                params.push(json!({"name": "body", "in": "body", "required": c.chance(128), "schema": schema(c, ctx, 3)}));
            }
        }
    } else if c.chance(100) {
        op.insert("requestBody".into(), request_body(c, ctx));
    }
    if !params.is_empty() {
        op.insert("parameters".into(), Value::Array(params));
    }
    op.insert("responses".into(), responses(c, ctx));
    if c.chance(40) {
        op.insert("security".into(), security_requirements(c, ctx));
    }
    if c.chance(16) {
        op.insert(
            "x-codeSamples".into(),
            json!([{"lang": c.pick(&["curl", "Shell", "python", "", "<b>"]), "label": text::name(c), "source": text::prose(c)}]),
        );
    }
    if c.chance(8) && ctx.flavor != Flavor::Swagger2 {
        op.insert(
            "callbacks".into(),
            json!({"onEvent": {"{$request.body#/callbackUrl}": {"post": {"requestBody": request_body(c, ctx), "responses": {"200": {"description": "ok"}}}}}}),
        );
    }
    if c.chance(6) {
        op.insert("servers".into(), json!([{"url": c.pick(HOSTS)}]));
    }
    Value::Object(op)
}

fn parameter(c: &mut Choices, ctx: &Ctx, name: Option<&String>, places: &[&str]) -> Value {
    let name = name.cloned().unwrap_or_else(|| text::name(c));
    let location = if places.is_empty() {
        c.pick(&["query", "header", "path", "cookie"])
    } else {
        c.pick(places)
    };
    let mut p = json!({"name": name, "in": location});
    if location == "path" || c.chance(80) {
        p["required"] = json!(location == "path" || c.chance(128));
    }
    if c.chance(6) {
        p["in"] = json!(c.pick(&["body", "formData", "nowhere", "PATH", ""]));
    }
    if ctx.flavor == Flavor::Swagger2 {
        let (kind, format) = c.pick(&[
            ("string", None),
            ("integer", Some("int64")),
            ("number", Some("float")),
            ("boolean", None),
            ("array", None),
            ("string", Some("date-time")),
            ("file", None),
        ]);
        p["type"] = json!(kind);
        if let Some(format) = format {
            p["format"] = json!(format);
        }
        if kind == "array" {
            p["items"] = json!({"type": c.pick(&["string", "integer"])});
            p["collectionFormat"] = json!(c.pick(&["csv", "multi", "pipes", "ssv", "tsv", "odd"]));
        }
        if c.chance(40) {
            p["enum"] = json!(["a", "b", 3]);
        }
    } else if c.chance(20) {
        p["content"] = json!({"application/json": {"schema": schema(c, ctx, 2)}});
    } else {
        p["schema"] = schema(c, ctx, 2);
        if c.chance(60) {
            p["style"] = json!(c.pick(&[
                "form",
                "simple",
                "label",
                "matrix",
                "deepObject",
                "spaceDelimited",
                "pipeDelimited",
                "odd"
            ]));
        }
        if c.chance(60) {
            p["explode"] = json!(c.chance(128));
        }
    }
    if c.chance(60) {
        p["description"] = json!(text::prose(c));
    }
    if c.chance(40) {
        p["example"] = example(c);
    }
    if c.chance(16) {
        p["deprecated"] = json!(true);
    }
    p
}

const MEDIA: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/xml",
    "text/plain",
    "*/*",
    "application/vnd.api+json",
    "application/json; charset=utf-8",
    "application/octet-stream",
    "",
    "not a media type",
    "application/*",
];

fn request_body(c: &mut Choices, ctx: &Ctx) -> Value {
    if c.chance(20) {
        return json!({"$ref": any_ref(c, ctx)});
    }
    let mut content = Map::new();
    for _ in 0..c.between(1, 3) {
        let mut media = json!({"schema": schema(c, ctx, 3)});
        if c.chance(40) {
            media["example"] = example(c);
        }
        if c.chance(16) {
            media["examples"] = json!({"one": {"value": example(c)}, "ref": {"$ref": "#/components/examples/Missing"}});
        }
        content.insert(c.pick(MEDIA).to_string(), media);
    }
    let mut body = json!({"content": content});
    if c.chance(128) {
        body["required"] = json!(true);
    }
    if c.chance(60) {
        body["description"] = json!(text::prose(c));
    }
    body
}

const STATUSES: &[&str] = &[
    "200", "201", "204", "400", "404", "default", "2XX", "5XX", "4xx", "999", "abc", "", "301",
];

fn responses(c: &mut Choices, ctx: &Ctx) -> Value {
    let mut out = Map::new();
    let low = usize::from(!c.chance(10));
    for _ in 0..c.between(low, 4) {
        let status = if c.chance(200) {
            "200"
        } else {
            c.pick(STATUSES)
        };
        let mut response = json!({"description": text::prose(c)});
        if c.chance(16) {
            response = json!({"$ref": any_ref(c, ctx)});
        } else if ctx.flavor == Flavor::Swagger2 {
            if c.chance(180) {
                response["schema"] = schema(c, ctx, 3);
            }
            if c.chance(30) {
                response["headers"] =
                    json!({"X-Rate-Limit": {"type": "integer", "description": "limit"}});
            }
        } else {
            if c.chance(180) {
                let mut content = Map::new();
                for _ in 0..c.between(1, 2) {
                    let mut media = json!({"schema": schema(c, ctx, 3)});
                    if c.chance(40) {
                        media["example"] = example(c);
                    }
                    content.insert(c.pick(MEDIA).to_string(), media);
                }
                response["content"] = Value::Object(content);
            }
            if c.chance(30) {
                response["headers"] = json!({"X-Rate-Limit": {"schema": {"type": "integer"}, "description": "limit"}, "Link": {"$ref": "#/components/headers/Missing"}});
            }
        }
        out.insert(status.to_owned(), response);
    }
    Value::Object(out)
}

/// A reference to a named schema, usually one that exists.
fn schema_ref(c: &mut Choices, ctx: &Ctx) -> Value {
    json!({"$ref": ref_text(c, ctx)})
}

fn ref_text(c: &mut Choices, ctx: &Ctx) -> String {
    if c.chance(236) && !ctx.names.is_empty() {
        let name = c.pick(&ctx.names);
        let token = if c.chance(8) {
            name
        } else {
            escape_token(&name)
        };
        return format!("{}{token}", ctx.prefix);
    }
    any_ref(c, ctx)
}

/// Any reference at all: odd pointers, other files, URLs.
fn any_ref(c: &mut Choices, ctx: &Ctx) -> String {
    if !ctx.external.is_empty() && c.chance(160) {
        return c.pick(&ctx.external);
    }
    let prefix = ctx.prefix.as_str();
    match c.below(22) {
        0 => "#".to_owned(),
        1 => "#/".to_owned(),
        2 => "#/components".to_owned(),
        3 => prefix.to_owned(),
        4 => "#/paths/~1pets/get".to_owned(),
        5 => "#/info/title".to_owned(),
        6 => format!("{prefix}Missing"),
        7 => "other.yaml#/Pet".to_owned(),
        8 => "http://example.com/schemas.json#/Pet".to_owned(),
        9 => format!("{prefix}%7Bx%7D"),
        10 => "#x".to_owned(),
        11 => String::new(),
        12 => "#/x-specdex-bundle/other.yaml".to_owned(),
        13 => "../../../../etc/passwd".to_owned(),
        14 => "/etc/passwd#/x".to_owned(),
        15 => "#/paths".to_owned(),
        16 => format!("{prefix}A/properties/b"),
        17 => "file:///etc/passwd".to_owned(),
        18 => "#/components/schemas/~2bad~".to_owned(),
        19 => "#/definitions/0/1/2".to_owned(),
        20 => "%".to_owned(),
        _ => format!("{prefix}{}", text::prose(c)),
    }
}

const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "date",
    "date-time",
    "email",
    "uuid",
    "uri",
    "byte",
    "binary",
    "password",
    "ipv4",
    "hostname",
    "regex",
    "odd",
];
const PATTERNS: &[&str] = &[
    "^[a-z]+$",
    "^\\d{3}-\\d{4}$",
    "(a+)+$",
    "[",
    "^(?=x)",
    "\\p{L}+",
    "^.*$",
    "(?i)abc",
    "\\",
    "^(a|a)*$",
    "^[\\w.-]+@[\\w.-]+$",
    "",
];

/// A schema up to `depth` levels of nesting.
fn schema(c: &mut Choices, ctx: &Ctx, depth: usize) -> Value {
    if depth == 0 || c.chance(30) {
        return if c.chance(160) {
            schema_ref(c, ctx)
        } else {
            scalar_schema(c, ctx)
        };
    }
    let mut s = match c.below(12) {
        0..=3 => {
            let mut props = Map::new();
            let mut required = Vec::new();
            for _ in 0..c.count(4, 20, 200) {
                let name = text::name(c);
                if c.chance(100) {
                    required.push(json!(name));
                }
                props.insert(name, schema(c, ctx, depth - 1));
            }
            let mut s = json!({"type": "object", "properties": props});
            if c.chance(30) {
                required.push(json!(text::name(c)));
            }
            if !required.is_empty() {
                s["required"] = Value::Array(required);
            }
            if c.chance(60) {
                s["additionalProperties"] = if c.chance(128) {
                    json!(c.chance(128))
                } else {
                    schema(c, ctx, depth - 1)
                };
            }
            if c.chance(16) {
                s["discriminator"] =
                    json!({"propertyName": "kind", "mapping": {"a": ref_text(c, ctx)}});
            }
            s
        }
        4 | 5 => json!({"type": "array", "items": schema(c, ctx, depth - 1)}),
        6 | 7 => schema_ref(c, ctx),
        8 => {
            let key = c.pick(&["allOf", "oneOf", "anyOf"]);
            let parts: Vec<Value> = (0..c.between(1, 4))
                .map(|_| schema(c, ctx, depth - 1))
                .collect();
            json!({key: parts})
        }
        9 => json!({"not": schema(c, ctx, depth - 1)}),
        10 => {
            json!({"type": "object", "patternProperties": {c.pick(PATTERNS).to_string(): schema(c, ctx, depth - 1)}})
        }
        _ => scalar_schema(c, ctx),
    };
    decorate(c, ctx, &mut s);
    s
}

fn scalar_schema(c: &mut Choices, ctx: &Ctx) -> Value {
    let kind = c.pick(&[
        "string", "integer", "number", "boolean", "string", "null", "file", "object", "array",
        "any", "",
    ]);
    let mut s = json!({"type": kind});
    match kind {
        "string" => {
            if c.chance(80) {
                s["format"] = json!(c.pick(FORMATS));
            }
            if c.chance(40) {
                s["pattern"] = json!(c.pick(PATTERNS));
            }
            if c.chance(40) {
                s["minLength"] = json!(c.below(5));
                s["maxLength"] = json!(c.below(300));
            }
            if c.chance(50) {
                let values: Vec<Value> =
                    (0..c.between(1, 6)).map(|_| json!(text::name(c))).collect();
                s["enum"] = Value::Array(values);
            }
        }
        "integer" | "number" => {
            if c.chance(60) {
                s["minimum"] = json!(c.below(10));
                s["maximum"] = c.pick(&[json!(100), json!(1e300), json!(-1), json!(0.5)]);
            }
            if c.chance(20) {
                s["exclusiveMinimum"] = c.pick(&[json!(true), json!(0), json!("x")]);
            }
            if c.chance(20) {
                s["multipleOf"] = c.pick(&[json!(2), json!(0.01), json!(0), json!(-3)]);
            }
            if c.chance(40) {
                s["format"] = json!(c.pick(FORMATS));
            }
        }
        _ => {}
    }
    decorate(c, ctx, &mut s);
    s
}

/// The keywords any schema may carry.
fn decorate(c: &mut Choices, ctx: &Ctx, s: &mut Value) {
    if !s.is_object() {
        return;
    }
    if c.chance(40) {
        s["description"] = json!(text::prose(c));
    }
    if c.chance(24) {
        match ctx.flavor {
            Flavor::OpenApi30 => s["nullable"] = json!(true),
            Flavor::Swagger2 => s["x-nullable"] = json!(true),
            _ => {
                if let Some(kind) = s.get("type").cloned() {
                    s["type"] = json!([kind, "null"]);
                }
            }
        }
    }
    if c.chance(16) {
        s[c.pick(&["readOnly", "writeOnly"])] = json!(true);
    }
    if c.chance(24) {
        s["example"] = example(c);
    }
    if c.chance(16) {
        s["default"] = example(c);
    }
    if c.chance(8) {
        s["const"] = example(c);
    }
    if c.chance(6) {
        s["$ref"] = json!(ref_text(c, ctx));
    }
    if c.chance(4) {
        s["type"] = c.pick(&[
            json!(["string", "integer"]),
            json!(7),
            json!({}),
            json!("String"),
            json!([]),
        ]);
    }
}

/// An example value: JSON of any shape, sometimes big or odd.
fn example(c: &mut Choices) -> Value {
    match c.below(10) {
        0 => json!(text::prose(c)),
        1 => json!(c.below(100_000)),
        2 => c.pick(&[
            json!(-0.0),
            json!(1e308),
            json!(-9_223_372_036_854_775_808i64),
            json!(18_446_744_073_709_551_615u64),
            json!(0.1),
        ]),
        3 => json!(c.chance(128)),
        4 => json!(null),
        5 => json!({"id": text::name(c), "nested": {"a": [1, 2, {"b": text::prose(c)}]}}),
        6 => json!([text::name(c), 1, null]),
        7 => json!(
            "curl -X POST https://api.example.com/v1/pets -H 'Authorization: Bearer x' -d '{\"a\":1}'"
        ),
        8 => json!({"$ref": "#/components/examples/X"}),
        _ => json!(text::word(c)),
    }
}

/// The large shapes of the hostile suite, small enough to run many: a
/// nest near the depth limit, a long `$ref` chain, a wide `allOf`, a
/// schema with many properties, a huge string.
fn hostile_schemas(c: &mut Choices, ctx: &Ctx, schemas: &mut Map<String, Value>) {
    let prefix = ctx.prefix.as_str();
    match c.below(6) {
        0 => {
            let depth = c.between(40, 70);
            let mut s = json!({"type": "string"});
            for _ in 0..depth {
                s = json!({"type": "object", "properties": {"next": s}});
            }
            schemas.insert("Deep".into(), s);
        }
        1 => {
            let n = c.between(100, 3_000);
            for i in 0..n {
                let target = if i + 1 == n { 0 } else { i + 1 };
                schemas.insert(
                    format!("Chain{i}"),
                    json!({"$ref": format!("{prefix}Chain{target}")}),
                );
            }
        }
        2 => {
            let n = c.between(100, 2_000);
            let parts: Vec<Value> = (0..n)
                .map(|i| json!({"$ref": format!("{prefix}Part{}", i % 7)}))
                .collect();
            for i in 0..7 {
                schemas.insert(
                    format!("Part{i}"),
                    json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}),
                );
            }
            schemas.insert("Fan".into(), json!({"allOf": parts}));
        }
        3 => {
            let mut props = Map::new();
            for i in 0..c.between(1_000, 20_000) {
                props.insert(format!("field{i}"), json!({"type": "integer"}));
            }
            schemas.insert(
                "Wide".into(),
                json!({"type": "object", "properties": props}),
            );
        }
        4 => {
            let text = "lorem ipsum ".repeat(c.between(10_000, 100_000));
            schemas.insert(
                "Huge".into(),
                json!({"type": "string", "description": text}),
            );
        }
        _ => {
            // A nest of arrays right at the reader's limit (128): one side
            // of the boundary or the other.
            let depth = c.between(110, 140);
            let mut v = json!(1);
            for _ in 0..depth {
                v = json!([v]);
            }
            schemas.insert("Nest".into(), json!({"type": "array", "example": v}));
        }
    }
}
