//! Running one [`Case`]: everything it reaches must finish without a panic,
//! and the cheap invariants below must hold. A broken invariant is an
//! `Err` with what broke; a panic is left to unwind to the driver.
//!
//! Invariants, each a promise the documentation makes:
//! - the JSON form of a readable document reads to the same content hash
//!   (ARCHITECTURE.md: the hash is over the parsed values);
//! - an edition compared with itself has no changes;
//! - bundling is deterministic, and a `$ref` it leaves non-local comes with
//!   a warning (a reference that cannot be followed "becomes a warning");
//! - a readable document is stored (only unreadable ones are refused), with
//!   the endpoint count the reader found;
//! - every answer's JSON parses; every endpoint and schema the engine lists
//!   can be asked for by the name it gives; no catalog error;
//! - no page is a server error, and every link an API page carries to one
//!   of its endpoints or schemas leads to a page.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use specdex_query::check::{Checker, PlannedCall};
use specdex_query::{
    CallQuery, ChangeQuery, Detail, DetailOptions, Engine, Query, QueryError, Scope,
};
use specdex_spec::{Api, Base, Fetch, FetchError, NoFetch, ReadOptions, SpecError};
use specdex_store::{Catalog, SqliteCatalog};

use crate::case::{Case, File, Target};
use crate::choices::Choices;

/// Runs `case`; `Err` names a broken invariant.
pub fn exercise(case: &Case) -> Result<(), String> {
    let mut c = Choices::new(&case.choices);
    match case.target {
        Target::Read => read(&mut c, case),
        Target::Bundle => bundle(&mut c, case),
        Target::Render => render(&mut c, case),
    }
}

/// A [`Fetch`] over the case's files: paths relative to the root, or URLs.
pub struct MemFetch<'a> {
    pub files: &'a [File],
}

impl Fetch for MemFetch<'_> {
    fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError> {
        let name: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = name.join("/");
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.bytes.clone())
            .ok_or(FetchError::NotFound(name))
    }

    fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        if !url.starts_with("https://specs.example.com/") {
            return Err(FetchError::Forbidden(format!("{url}: another host")));
        }
        self.files
            .iter()
            .find(|f| f.name == url)
            .map(|f| f.bytes.clone())
            .ok_or_else(|| FetchError::NotFound(url.to_owned()))
    }
}

// ---------------------------------------------------------------------------
// The reader.

fn read(c: &mut Choices, case: &Case) -> Result<(), String> {
    let options = ReadOptions::default();
    let mut apis = Vec::new();
    for file in &case.files {
        same_in_halves(file, &options)?;
        let read =
            specdex_spec::read_api(&file.name, &file.bytes, &Base::Detached, &NoFetch, &options);
        let Ok(read) = read else {
            continue;
        };
        same_hash_as_json(
            &file.name,
            &file.bytes,
            &read.content_hash,
            &Base::Detached,
            &NoFetch,
            &options,
        )?;
        apis.push(read.api);
    }
    for api in &apis {
        model(c, api)?;
    }
    if let [before, after] = apis.as_slice() {
        let _ = specdex_query::diff::diff(before, after);
        let _ = specdex_query::diff::diff(after, before);
    }
    Ok(())
}

/// Parsed in halves where it can be cut (whatever its size), a document
/// must read as it reads whole, or be refused with the same error; and the
/// text must be lent as read and left so.
fn same_in_halves(file: &File, options: &ReadOptions) -> Result<(), String> {
    use specdex_spec::parse::{Parsed, parse_document, parse_in_halves};
    // As text, one tree held at a time: `Value`'s equality ignores the
    // order of keys.
    let read = |parsed: Result<Parsed, SpecError>| {
        parsed
            .map(|parsed| {
                (
                    parsed.value.to_string(),
                    parsed.syntax,
                    parsed.external_refs,
                )
            })
            .map_err(|e| e.to_string())
    };
    let whole = read(parse_document(&file.name, &file.bytes, options.max_bytes));
    let mut bytes = file.bytes.clone();
    let (halves, lent) = parse_in_halves(&file.name, &mut bytes, options.max_bytes, |pieces| {
        pieces.concat()
    });
    if lent != file.bytes || bytes != file.bytes {
        return Err("reading in halves changed the text".to_owned());
    }
    let halves = read(halves);
    if whole != halves {
        return Err(format!(
            "read whole and in halves, a document reads otherwise: {whole:?} against {halves:?}"
        ));
    }
    Ok(())
}

/// The document parsed and written back as compact JSON must read to the
/// same content hash.
fn same_hash_as_json(
    name: &str,
    bytes: &[u8],
    hash: &str,
    base: &Base,
    fetch: &dyn Fetch,
    options: &ReadOptions,
) -> Result<(), String> {
    let (value, _) = specdex_spec::parse::parse_bytes(name, bytes, options.max_bytes)
        .map_err(|e| format!("read_api read what parse_bytes refuses: {e}"))?;
    let json = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
    match specdex_spec::read_api(name, &json, base, fetch, options) {
        Ok(again) if again.content_hash == hash => Ok(()),
        Ok(_) => Err("the JSON form of a document has another content hash".to_owned()),
        Err(e) => Err(format!(
            "the JSON form of a readable document is refused: {e}"
        )),
    }
}

/// What every model read goes through: the identity rule, the diff with
/// itself (empty), and planned calls checked against it.
fn model(c: &mut Choices, api: &Api) -> Result<(), String> {
    let _ = specdex_spec::identity::identify(api, None, None);
    let _ = specdex_spec::identity::identify(api, Some("Fuzz Provider"), Some("a/b c"));
    let same = specdex_query::diff::diff(api, api);
    if let Some(change) = same.changes.first() {
        return Err(format!(
            "an edition compared with itself has {} changes, first: {} at {} ({})",
            same.changes.len(),
            change.rule,
            change.location,
            change.message
        ));
    }
    let checker = Checker::new(Arc::new(api.clone()));
    for call in planned_calls(c, api, 6) {
        let verdict = checker.check(&call);
        if verdict.problems.len() > specdex_query::check::MAX_PROBLEMS {
            return Err(format!("{} problems listed", verdict.problems.len()));
        }
    }
    Ok(())
}

const VALUES: &[&str] = &[
    "1",
    "abc",
    "",
    "-1",
    "1.5",
    "true",
    "a,b",
    "a|b",
    "%2F",
    "a/b",
    "../..",
    "日本",
    "{\"a\":1}",
    "[1,2]",
    "null",
    "99999999999999999999999",
    "2024-01-01T00:00:00Z",
    "x@example.com",
    "00000000-0000-0000-0000-000000000000",
    "a b",
    "%",
    "\u{0}",
    "🦀",
];

/// Calls to endpoints of `api` (paths filled in, parameters and bodies of
/// every kind, right and wrong) and to paths it does not have.
fn planned_calls(c: &mut Choices, api: &Api, n: usize) -> Vec<PlannedCall> {
    (0..n)
        .map(|_| {
            let Some(endpoint) = (!api.endpoints.is_empty() && !c.chance(20))
                .then(|| &api.endpoints[c.below(api.endpoints.len())])
            else {
                return PlannedCall {
                    method: c.pick(&["GET", "post", "BREW", ""]).to_string(),
                    path: c
                        .pick(&[
                            "/",
                            "",
                            "/pets/1",
                            "https://api.example.com/v1/x",
                            "//x",
                            "/a?b=c&d",
                            "/%zz",
                            "*",
                        ])
                        .to_string(),
                    ..PlannedCall::default()
                };
            };
            let mut path = String::new();
            let mut rest = endpoint.path.as_str();
            while let Some(open) = rest.find('{') {
                path.push_str(&rest[..open]);
                match rest[open..].find('}') {
                    Some(close) => {
                        path.push_str(c.pick(VALUES));
                        rest = &rest[open + close + 1..];
                    }
                    None => {
                        path.push_str(&rest[open..]);
                        rest = "";
                    }
                }
            }
            path.push_str(rest);
            if c.chance(40)
                && let Some(server) = api.servers.first()
            {
                path = format!("{}{path}", server.url.trim_end_matches('/'));
            }
            let mut call = PlannedCall {
                method: if c.chance(20) {
                    "DELETE".to_owned()
                } else {
                    endpoint.method.clone()
                },
                path,
                ..PlannedCall::default()
            };
            for p in &endpoint.parameters {
                if !c.chance(180) {
                    continue;
                }
                let pair = (p.name.clone(), c.pick(VALUES).to_string());
                match p.location.as_str() {
                    "query" => call.query.push(pair),
                    "header" => call.headers.push(pair),
                    "cookie" => call.cookies.push(pair),
                    _ => {}
                }
            }
            if c.chance(30) {
                call.query
                    .push(("a[b][c]".to_owned(), c.pick(VALUES).to_string()));
            }
            if let Some(body) = &endpoint.request_body
                && c.chance(200)
            {
                let media = body.content.first();
                call.body = Some(match (c.below(5), media.and_then(|m| m.example.as_ref())) {
                    (0, Some(example)) => example.to_string(),
                    (1, _) => "a=1&b[c]=2&b[d][]=x".to_owned(),
                    (2, _) => "{\"id\": 1, \"nested\": {\"a\": [1, {\"b\": null}]}}".to_owned(),
                    (3, _) => "[".repeat(c.between(1, 200)),
                    _ => c.pick(VALUES).to_string(),
                });
                call.content_type = match c.below(3) {
                    0 => media.map(|m| m.media_type.clone()),
                    1 => None,
                    _ => Some(
                        c.pick(&[
                            "application/json",
                            "application/x-www-form-urlencoded",
                            "text/plain",
                            "multipart/form-data; boundary=x",
                            "",
                        ])
                        .to_string(),
                    ),
                };
            }
            call
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The bundler.

fn bundle(c: &mut Choices, case: &Case) -> Result<(), String> {
    let Some(root) = case.files.first() else {
        return Ok(());
    };
    let base = if root.name.starts_with("https://") {
        Base::Url(root.name.clone())
    } else {
        Base::File(PathBuf::from(&root.name))
    };
    let options = ReadOptions {
        allow_remote_refs: c.chance(128),
        max_files: c.pick(&[20_000, 2, 1]),
        ..ReadOptions::default()
    };
    let fetch = MemFetch { files: &case.files };
    if let Ok((document, _)) =
        specdex_spec::parse::parse_bytes(&root.name, &root.bytes, options.max_bytes)
        && specdex_spec::version::detect(&root.name, &document).is_ok()
    {
        let first =
            specdex_spec::bundle::bundle(&root.name, document.clone(), &base, &fetch, &options);
        let second = specdex_spec::bundle::bundle(&root.name, document, &base, &fetch, &options);
        match (first, second) {
            (Ok(a), Ok(b)) => {
                if a.content_hash != b.content_hash || a.document != b.document {
                    return Err("bundling the same files twice differs".to_owned());
                }
                let mut outside = Vec::new();
                non_local_refs(&a.document, &mut outside);
                if let Some(reference) = outside.first()
                    && a.warnings.is_empty()
                {
                    return Err(format!(
                        "{} $refs left non-local without a warning, e.g. {reference}",
                        outside.len()
                    ));
                }
            }
            (Err(a), Err(b)) if a.to_string() == b.to_string() => {}
            (a, b) => {
                return Err(format!(
                    "bundling the same files twice: {:?} then {:?}",
                    a.map(|_| ()),
                    b.map(|_| ())
                ));
            }
        }
    }
    match specdex_spec::read_api(&root.name, &root.bytes, &base, &fetch, &options) {
        Ok(read) => {
            same_hash_as_json(
                &root.name,
                &root.bytes,
                &read.content_hash,
                &base,
                &fetch,
                &options,
            )?;
            model(c, &read.api)
        }
        Err(SpecError::RefOutsideRoot { .. }) | Err(_) => Ok(()),
    }
}

/// `$ref` strings that name another document: not starting with `#`, and
/// not empty (an empty reference is the document itself, RFC 3986 4.4).
fn non_local_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && !reference.starts_with('#')
                && !reference.is_empty()
            {
                out.push(reference.clone());
            }
            for child in map.values() {
                non_local_refs(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| non_local_refs(i, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// The engine and the pages.

/// The API every edition is stored under.
const API: &str = "fuzz/api";

fn render(c: &mut Choices, case: &Case) -> Result<(), String> {
    let catalog: Arc<dyn Catalog> =
        Arc::new(SqliteCatalog::open_in_memory().map_err(|e| format!("catalog: {e}"))?);
    let options = specdex_ingest::IngestOptions {
        provider: Some("fuzz".to_owned()),
        api: Some("api".to_owned()),
        ..specdex_ingest::IngestOptions::default()
    };
    let mut labels = Vec::new();
    let mut stored = 0;
    for file in &case.files {
        let readable = specdex_spec::read_api(
            &file.name,
            &file.bytes,
            &Base::Detached,
            &NoFetch,
            &ReadOptions::default(),
        );
        let result = specdex_ingest::ingest_bytes(
            catalog.as_ref(),
            &file.name,
            file.bytes.clone(),
            &options,
        );
        match (readable, result.outcome) {
            (Ok(read), Ok(ingested)) => {
                if ingested.endpoints as usize != read.api.endpoints.len() {
                    return Err(format!(
                        "{}: read {} endpoints, stored {}",
                        file.name,
                        read.api.endpoints.len(),
                        ingested.endpoints
                    ));
                }
                labels.push(ingested.version);
                stored += 1;
            }
            (Ok(_), Err(e)) => return Err(format!("{}: readable but not stored: {e}", file.name)),
            (Err(_), _) => {}
        }
    }
    if stored == 0 {
        return Ok(());
    }
    // The last readable edition again, placed by the identity rule.
    if let Some(file) = case.files.iter().rev().find(|f| {
        specdex_spec::read_api(
            &f.name,
            &f.bytes,
            &Base::Detached,
            &NoFetch,
            &ReadOptions::default(),
        )
        .is_ok()
    }) {
        let result = specdex_ingest::ingest_bytes(
            catalog.as_ref(),
            "placed",
            file.bytes.clone(),
            &specdex_ingest::IngestOptions::default(),
        );
        if let Err(e) = result.outcome {
            return Err(format!(
                "{}: stored under a name but not placed: {e}",
                file.name
            ));
        }
    }
    let engine = Arc::new(Engine::new(catalog.clone()).map_err(|e| format!("engine: {e}"))?);
    let model = answers(c, &engine, &labels)?;
    pages(c, &engine, &model, &labels)
}

/// The longest URI the `http` crate parses.
const MAX_URI: usize = u16::MAX as usize - 1;

/// Whether an endpoint with this path can be named as `"METHOD path"`: a
/// key is trimmed (it is typed by people), so a path that is empty or
/// starts or ends with white space names nothing — a known limit, not
/// checked.
fn nameable(path: &str) -> bool {
    !path.is_empty() && path.trim() == path
}

/// Asks `query`; a catalog error or an answer whose JSON does not parse is
/// a broken invariant, any other refusal is fine.
fn ask(engine: &Engine, query: &Query) -> Result<Option<Value>, String> {
    match engine.answer(query) {
        Ok(answer) => serde_json::from_str(&answer.json)
            .map(Some)
            .map_err(|e| format!("{query:?}: the answer is not JSON: {e}")),
        Err(QueryError::Store(e)) => Err(format!("{query:?}: catalog error: {e}")),
        Err(_) => Ok(None),
    }
}

/// Asks every kind of question; the current edition's model, for the pages.
fn answers(c: &mut Choices, engine: &Engine, labels: &[String]) -> Result<Api, String> {
    let api = API.to_owned();
    for query in [
        Query::Providers {
            limit: Some(c.between(1, 3)),
            cursor: None,
        },
        Query::Provider {
            provider: "fuzz".to_owned(),
            version: None,
        },
        Query::Apis {
            provider: None,
            limit: None,
            cursor: None,
        },
        Query::Api {
            api: api.clone(),
            version: None,
        },
        Query::Versions { api: api.clone() },
        Query::Summary {
            api: api.clone(),
            version: None,
        },
    ] {
        ask(engine, &query)?;
    }
    for label in labels {
        ask(
            engine,
            &Query::Api {
                api: api.clone(),
                version: Some(label.clone()),
            },
        )?;
        ask(
            engine,
            &Query::Summary {
                api: api.clone(),
                version: Some(label.clone()),
            },
        )?;
    }

    // Every endpoint listed, a page at a time; each asked for by its key.
    let mut keys = Vec::new();
    let mut cursor = None;
    for _ in 0..100 {
        let page = ask(
            engine,
            &Query::Endpoints {
                api: api.clone(),
                version: None,
                method: None,
                tag: None,
                text: None,
                limit: Some(c.between(20, 200)),
                cursor: cursor.take(),
            },
        )?;
        let Some(page) = page else {
            return Err("the current edition's endpoints cannot be listed".to_owned());
        };
        for e in page["endpoints"].as_array().into_iter().flatten() {
            if let (Some(method), Some(path)) = (e["method"].as_str(), e["path"].as_str())
                && nameable(path)
            {
                keys.push(format!("{method} {path}"));
            }
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let filters = [
        (Some("get".to_owned()), None, None),
        (None, Some("pet".to_owned()), None),
        (None, None, Some("list pets".to_owned())),
    ];
    for (method, tag, text) in filters {
        ask(
            engine,
            &Query::Endpoints {
                api: api.clone(),
                version: None,
                method,
                tag,
                text,
                limit: Some(5),
                cursor: None,
            },
        )?;
    }
    let asked = c.between(1, 6).min(keys.len());
    for _ in 0..asked {
        let key = keys[c.below(keys.len())].clone();
        let options = DetailOptions {
            detail: if c.chance(100) {
                Detail::Brief
            } else {
                Detail::Full
            },
            max_tokens: c.chance(128).then(|| c.between(200, 20_000)),
            include_schemas: c.chance(128),
            schema_depth: c.chance(60).then(|| c.between(1, 5)),
        };
        let options = DetailOptions {
            schema_depth: options.schema_depth.filter(|_| options.include_schemas),
            ..options
        };
        let query = Query::EndpointDetails {
            api: api.clone(),
            version: None,
            endpoints: vec![key.clone()],
            options,
        };
        if ask(engine, &query)?.is_none() {
            return Err(format!(
                "the listed endpoint `{key}` cannot be asked for: {:?}",
                engine.answer(&query).err()
            ));
        }
        let call = PlannedCall {
            method: key.split(' ').next().unwrap_or("GET").to_owned(),
            path: "/".to_owned(),
            ..PlannedCall::default()
        };
        ask(
            engine,
            &Query::Check(CallQuery {
                api: api.clone(),
                version: None,
                call,
            }),
        )?;
    }
    if keys.len() > 1 {
        let options = DetailOptions {
            include_schemas: true,
            ..DetailOptions::default()
        };
        ask(
            engine,
            &Query::EndpointDetails {
                api: api.clone(),
                version: None,
                endpoints: keys.iter().take(4).cloned().collect(),
                options,
            },
        )?;
    }
    ask(
        engine,
        &Query::EndpointDetails {
            api: api.clone(),
            version: None,
            endpoints: vec!["GET /no/such/endpoint".to_owned()],
            options: DetailOptions::default(),
        },
    )?;

    // Schemas by the names the model gives.
    let current = engine
        .resolve(API, None)
        .map_err(|e| format!("resolve: {e}"))?;
    let model = engine
        .catalog()
        .load_api(current.id)
        .map_err(|e| format!("load_api: {e}"))?;
    let names: Vec<String> = model
        .schemas
        .iter()
        .filter(|s| !s.external)
        .map(|s| s.name.clone())
        .collect();
    for _ in 0..c.between(1, 4).min(names.len()) {
        let name = names[c.below(names.len())].clone();
        let depth = c.chance(128).then(|| c.below(5));
        let query = Query::Schemas {
            api: api.clone(),
            version: None,
            names: vec![name.clone()],
            depth,
        };
        if ask(engine, &query)?.is_none() {
            return Err(format!(
                "the schema `{name}` of the model cannot be asked for: {:?}",
                engine.answer(&query).err()
            ));
        }
    }
    ask(
        engine,
        &Query::Schemas {
            api: api.clone(),
            version: None,
            names: names.iter().take(10).cloned().collect(),
            depth: Some(2),
        },
    )?;

    for query in [
        "list pets",
        "create an invoice with the user",
        "",
        "\"{}[]*",
        "日本",
    ] {
        ask(
            engine,
            &Query::Search {
                query: query.to_owned(),
                scope: Some(c.pick(&[Scope::All, Scope::Apis, Scope::Endpoints])),
                limit: Some(10),
            },
        )?;
    }
    for (from, to) in [
        (None, None),
        (labels.first().cloned(), labels.last().cloned()),
        (Some("#1".to_owned()), None),
    ] {
        let level = c.pick(&[
            None,
            Some(specdex_query::diff::Level::Breaking),
            Some(specdex_query::diff::Level::Info),
        ]);
        ask(
            engine,
            &Query::Changes(ChangeQuery {
                api: api.clone(),
                from,
                to,
                level,
                endpoints: Vec::new(),
                limit: Some(c.between(1, 100)),
                cursor: None,
            }),
        )?;
    }
    for call in planned_calls(c, &model, 4) {
        ask(
            engine,
            &Query::Check(CallQuery {
                api: api.clone(),
                version: None,
                call,
            }),
        )?;
    }
    Ok(model)
}

/// The pages over `engine`, through the web router, with links the API page
/// carries to its endpoints and schemas followed. Not followed, being known
/// to lead nowhere: an endpoint that cannot be named (see [`nameable`]), a
/// link longer than any HTTP stack takes, a `$ref` to a schema the document
/// does not define (its link answers a page saying so, 404), a schema named
/// "" (no URL names it), and a link pinned with `?version=` to a label
/// several editions share (it means the newest of them, which may lack the
/// endpoint: the changelog links a removed endpoint so).
fn pages(
    c: &mut Choices,
    engine: &Arc<Engine>,
    model: &Api,
    labels: &[String],
) -> Result<(), String> {
    let router = specdex_web::router(engine.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let get = |uri: &str| -> Result<(u16, String), String> {
        let request = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .map_err(|e| format!("{uri}: not a request: {e}"))?;
        runtime.block_on(async {
            use tower::ServiceExt;
            let response = router
                .clone()
                .oneshot(request)
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .map_err(|e| e.to_string())?;
            Ok((status, String::from_utf8_lossy(&body).into_owned()))
        })
    };
    let mut api_page = String::new();
    for uri in [
        "/",
        "/p/fuzz",
        "/p/fuzz/api",
        "/p/fuzz/api/changes",
        "/search?q=list+pets",
        "/p/fuzz/api?version=1.0.0",
    ] {
        let (status, body) = get(uri)?;
        if status >= 500 {
            return Err(format!("{uri}: {status}"));
        }
        if uri == "/p/fuzz/api" {
            if status != 200 {
                return Err(format!("{uri}: {status}"));
            }
            api_page = body;
        }
    }
    let defined = |link: &str| {
        let name = link.split('?').next().unwrap_or("");
        let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
        model
            .schemas
            .iter()
            .any(|s| !s.name.is_empty() && s.name == name)
    };
    let ambiguous = |link: &str| {
        let Some((_, query)) = link.split_once("?version=") else {
            return false;
        };
        let label = query.split('&').next().unwrap_or("");
        let label = percent_encoding::percent_decode_str(label).decode_utf8_lossy();
        labels.iter().filter(|l| **l == label).count() > 1
    };
    let mut links: Vec<String> = hrefs(&api_page)
        .into_iter()
        .filter(|h| !ambiguous(h))
        .filter(|h| {
            match (
                h.strip_prefix("/p/fuzz/api/e/"),
                h.strip_prefix("/p/fuzz/api/s/"),
            ) {
                (Some(endpoint), _) => {
                    let rest = endpoint.split('?').next().unwrap_or("");
                    let rest = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
                    let path = rest.split_once('/').map_or("", |(_, path)| path);
                    nameable(path)
                }
                (None, Some(schema)) => defined(schema),
                (None, None) => false,
            }
        })
        .collect();
    // Past 64 KiB no HTTP stack takes a URL (the `http` crate refuses to
    // parse one): a link pinned to a version label of tens of kilobytes
    // is unusable anywhere, a known limit.
    links.retain(|link| link.len() < MAX_URI);
    links.sort();
    links.dedup();
    let followed = c.between(4, 24).min(links.len());
    for _ in 0..followed {
        let link = links[c.below(links.len())].clone();
        let (status, body) = get(&link)?;
        if !(200..400).contains(&status) {
            let excerpt: String = body.chars().take(300).collect();
            return Err(format!(
                "the API page links {link}, which answers {status}: {excerpt}"
            ));
        }
    }
    Ok(())
}

/// The `href` values of `html`, entity references decoded.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape_html)
        .collect()
}

fn unescape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';').filter(|&e| e <= 8) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(ch) => {
                out.push(ch);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
