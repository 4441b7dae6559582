//! Each page: ask the engine, reshape its answers ([`crate::view`]), render
//! a template. Errors become HTML pages with the right status; a not-found
//! page links the closest matches the engine suggests.

use std::sync::Arc;
use std::time::Instant;

use axum::http::StatusCode;
use minijinja::{Environment, Value, context};
use quick_cache::sync::Cache;
use serde::Serialize;
use specdex_query::{Engine, MAX_LIMIT, MAX_SEARCH_LIMIT, QueryError, Scope};
use specdex_store::SnapshotInfo;

use crate::Html;
use crate::markdown::Renderer;
use crate::view::{self, Links};

/// The pages' shared state: the engine, the templates, and the rendered
/// endpoints-and-schemas part of provider pages, per snapshot.
pub struct Web {
    engine: Arc<Engine>,
    env: Environment<'static>,
    bodies: Cache<BodyKey, Arc<String>, ByLength>,
}

/// A rendered provider-page body: snapshot id and the pinned version, if any
/// (links differ).
type BodyKey = (i64, Option<String>);

/// Rendered bodies kept, in bytes (GitHub's is about 8 MB).
const BODY_BYTES: u64 = 96 << 20;

/// Weighs a rendered body by its length.
#[derive(Clone)]
struct ByLength;

impl quick_cache::Weighter<BodyKey, Arc<String>> for ByLength {
    fn weight(&self, _key: &BodyKey, body: &Arc<String>) -> u64 {
        body.len() as u64 + 1
    }
}

const TEMPLATES: [(&str, &str); 11] = [
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("provider.html", include_str!("../templates/provider.html")),
    (
        "provider_endpoints.html",
        include_str!("../templates/provider_endpoints.html"),
    ),
    (
        "provider_schemas.html",
        include_str!("../templates/provider_schemas.html"),
    ),
    ("endpoint.html", include_str!("../templates/endpoint.html")),
    ("schema.html", include_str!("../templates/schema.html")),
    ("docs.html", include_str!("../templates/docs.html")),
    ("error.html", include_str!("../templates/error.html")),
];

/// minijinja's formatter with a leaner escape for strings: `&`, `<`, `>`,
/// `"` and `'` (enough for text and quoted attributes), not `/`, which
/// paths and URLs are full of.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
        && !value.is_safe()
        && let Some(text) = value.as_str()
    {
        let mut escaped = String::with_capacity(text.len() + 8);
        crate::json::escape_into(text, &mut escaped);
        return out
            .write_str(&escaped)
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()));
    }
    minijinja::escape_formatter(out, state, value)
}

/// A serializable view as a template value.
fn ser<T: Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// Results on the search page.
const SEARCH_RESULTS: usize = 50;

impl Web {
    /// Pages over `engine`.
    pub fn new(engine: Arc<Engine>) -> Web {
        let mut env = Environment::new();
        env.set_formatter(html_formatter);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and tested; a syntax
            // error shows up as a 500 page naming it, not a panic.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!("template {name}: {e}");
            }
        }
        Web {
            engine,
            env,
            bodies: Cache::with_weighter(64, BODY_BYTES, ByLength),
        }
    }

    /// The engine behind the pages.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    fn render(&self, status: StatusCode, name: &str, ctx: Value) -> Html {
        match self
            .env
            .get_template(name)
            .and_then(|template| template.render(ctx))
        {
            Ok(body) => Html { status, body },
            Err(e) => {
                tracing::error!("rendering {name}: {e:#}");
                self.failure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("rendering {name} failed"),
                )
            }
        }
    }

    /// Renders a template that makes part of a page.
    fn render_part(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .inspect_err(|e| tracing::error!("rendering {name}: {e:#}"))
    }

    /// A plain error page (a template failure must not recurse).
    pub(crate) fn failure(&self, status: StatusCode, message: &str) -> Html {
        let ctx =
            context! { status => status.as_u16(), title => status.canonical_reason(), message };
        match self
            .env
            .get_template("error.html")
            .and_then(|t| t.render(ctx))
        {
            Ok(body) => Html { status, body },
            Err(_) => {
                let mut body = String::from("<!doctype html><title>error</title><p>");
                crate::json::escape_into(message, &mut body);
                Html { status, body }
            }
        }
    }

    /// The page for an engine error: 404 with links to the closest
    /// matches, 400 naming the parameter, 5xx.
    fn error(&self, error: QueryError, provider: Option<&str>, version: Option<&str>) -> Html {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let suggestions = match &error {
            QueryError::NotFound {
                what, suggestions, ..
            } => view::suggestions(what, provider, version, suggestions),
            _ => Vec::new(),
        };
        let (title, what) = match &error {
            QueryError::NotFound { what, .. } => (format!("No such {what}"), *what),
            QueryError::BadRequest { .. } => ("Bad request".to_owned(), ""),
            _ => ("Something went wrong".to_owned(), ""),
        };
        if status.is_server_error() {
            tracing::error!("{error}");
        }
        let ctx = context! {
            status => status.as_u16(),
            title,
            what,
            message => error.to_string(),
            suggestions => ser(&suggestions),
            provider,
            provider_href => provider.map(|p| Links::new(p, None).provider()),
        };
        self.render(status, "error.html", ctx)
    }

    /// `/`: the search box and the providers.
    pub fn index(&self, cursor: Option<&str>) -> Html {
        match self.engine.providers(Some(MAX_LIMIT), cursor) {
            Ok(page) => {
                #[derive(Serialize)]
                struct Row {
                    provider: String,
                    title: String,
                    href: String,
                    version: String,
                    endpoints: u32,
                    schemas: u32,
                    snapshots: u32,
                    ingested: String,
                }
                let rows: Vec<Row> = page
                    .providers
                    .iter()
                    .map(|p| Row {
                        href: Links::new(&p.provider, None).provider(),
                        provider: p.provider.clone(),
                        title: p.title.clone(),
                        version: p.version.clone(),
                        endpoints: p.endpoints,
                        schemas: p.schemas,
                        snapshots: p.snapshots,
                        ingested: view::day(p.ingested_at),
                    })
                    .collect();
                let ctx = context! {
                    providers => ser(&rows),
                    total => page.total,
                    next => page.next_cursor.map(|c| format!("/?cursor={}", view::query_encode(&c))),
                };
                self.render(StatusCode::OK, "index.html", ctx)
            }
            Err(e) => self.error(e, None, None),
        }
    }

    /// `/search?q=`: providers and endpoints, best first.
    pub fn search(&self, query: &str, scope: Option<&str>) -> Html {
        let scope_value = scope.and_then(Scope::parse);
        if query.trim().is_empty() {
            let ctx = context! { query, scope => scope_value.map(Scope::as_str), hits => Vec::<()>::new(), empty => true };
            return self.render(StatusCode::OK, "search.html", ctx);
        }
        let limit = SEARCH_RESULTS.min(MAX_SEARCH_LIMIT);
        match self.engine.search(query, scope_value, Some(limit)) {
            Ok(results) => {
                let ctx = context! {
                    query,
                    scope => scope_value.map(Scope::as_str),
                    hits => ser(&view::hits(&results.results)),
                    empty => false,
                };
                self.render(StatusCode::OK, "search.html", ctx)
            }
            Err(e) => self.error(e, None, None),
        }
    }

    /// `/p/{provider}`: everything about one snapshot.
    pub fn provider(&self, provider: &str, version: Option<&str>) -> Html {
        let answer = (|| {
            let detail = self.engine.provider(provider, version)?;
            let history = self.engine.versions(&detail.provider)?;
            let body = self.provider_body(&detail.snapshot, version, &detail.tags)?;
            Ok::<_, QueryError>((detail, history, body))
        })();
        let (detail, history, body) = match answer {
            Ok(found) => found,
            Err(e) => return self.error(e, Some(provider), version),
        };
        let links = Links::new(&detail.provider, version);
        let mut md = Renderer::default();
        let ctx = context! {
            provider => &detail.provider,
            title => &detail.title,
            version => &detail.version,
            pinned => version,
            format => &detail.format,
            description => md.block(detail.description.as_deref()),
            base_urls => detail.base_urls.iter().map(|s| context! {
                url => &s.url,
                description => md.inline(s.description.as_deref()),
            }).collect::<Vec<_>>(),
            auth => detail.auth.iter().map(|s| context! {
                line => md.inline(Some(&specdex_query::markdown::auth_line(s))),
                description => md.inline(s.description.as_deref()),
            }).collect::<Vec<_>>(),
            endpoints => detail.endpoints,
            schemas => detail.schemas,
            webhooks => detail.webhooks,
            ingested => specdex_query::markdown::utc_minute(detail.snapshot.ingested_at),
            status => detail.snapshot.status.as_str(),
            warnings => detail.snapshot.warnings.len(),
            history => ser(&view::history(&history.versions, detail.snapshot.id, &links)),
            labels => view::version_labels(&history.versions),
            self_href => links.provider(),
            current_href => Links::new(&detail.provider, None).provider(),
            body => Value::from_safe_string(body.as_str().to_owned()),
        };
        self.render(StatusCode::OK, "provider.html", ctx)
    }

    /// The provider page's endpoints and schemas for `snapshot`, rendered
    /// once and kept (snapshots never change).
    fn provider_body(
        &self,
        snapshot: &SnapshotInfo,
        version: Option<&str>,
        tags: &[specdex_query::TagCount],
    ) -> Result<Arc<String>, QueryError> {
        let key = (snapshot.id, version.map(str::to_owned));
        // One render per key: concurrent first views wait for it.
        self.bodies
            .get_or_insert_with(&key, || self.render_body(snapshot, version, tags))
    }

    fn render_body(
        &self,
        snapshot: &SnapshotInfo,
        version: Option<&str>,
        tags: &[specdex_query::TagCount],
    ) -> Result<Arc<String>, QueryError> {
        let started = Instant::now();
        let api = self.engine.catalog().load_api(snapshot.id)?;
        let loaded = started.elapsed();
        let links = Links::new(&snapshot.provider, version);
        // Endpoints and schemas are independent halves: render them on two
        // threads (the GitHub page: ~90 ms of work on one core).
        let (endpoints, schemas) = std::thread::scope(|scope| {
            let schemas = scope.spawn(|| {
                let view = view::schemas(&api, &links);
                self.render_part("provider_schemas.html", context! { body => ser(&view) })
            });
            let view = view::endpoints(&api, tags, &links);
            let endpoints =
                self.render_part("provider_endpoints.html", context! { body => ser(&view) });
            (endpoints, schemas.join())
        });
        let (endpoints, schemas) = match (endpoints, schemas) {
            (Ok(e), Ok(Ok(s))) => (e, s),
            _ => {
                return Err(QueryError::BadRequest {
                    parameter: "provider",
                    message: "this provider's page could not be rendered".to_owned(),
                });
            }
        };
        let html = Arc::new(endpoints + &schemas);
        tracing::info!(
            provider = %snapshot.provider,
            snapshot = snapshot.id,
            bytes = html.len(),
            load_ms = loaded.as_millis() as u64,
            render_ms = (started.elapsed() - loaded).as_millis() as u64,
            "provider page rendered"
        );
        Ok(html)
    }

    /// `/p/{provider}/e/{METHOD}/{path}`: one endpoint.
    pub fn endpoint(
        &self,
        provider: &str,
        version: Option<&str>,
        method: &str,
        path: &str,
    ) -> Html {
        let key = format!("{} {path}", method.to_ascii_uppercase());
        let details =
            match self
                .engine
                .endpoint_details(provider, version, std::slice::from_ref(&key))
            {
                Ok(details) => details,
                Err(e) => return self.error(e, Some(provider), version),
            };
        let Some(detail) = details.endpoints.first() else {
            return self.failure(StatusCode::NOT_FOUND, "no such endpoint");
        };
        let links = Links::new(&details.provider, version);
        let mut md = Renderer::default();
        let op = view::op_view(
            &detail.endpoint,
            detail.base_url.as_deref(),
            &detail.auth,
            Some(&detail.curl),
            &links,
            true,
            &mut md,
        );
        let title = self
            .engine
            .provider(provider, version)
            .map(|p| p.title)
            .unwrap_or_else(|_| details.provider.clone());
        let ctx = context! {
            provider => &details.provider,
            title,
            version => &details.version,
            pinned => version,
            provider_href => links.provider(),
            op => ser(&op),
            on_provider_page => format!("{}#{}", links.provider(), view::path_encode(&view::endpoint_anchor(&detail.endpoint.method, &detail.endpoint.path))),
        };
        self.render(StatusCode::OK, "endpoint.html", ctx)
    }

    /// `/p/{provider}/s/{name}`: one schema, `$ref`s linked.
    pub fn schema(
        &self,
        provider: &str,
        version: Option<&str>,
        name: &str,
        depth: Option<usize>,
    ) -> Html {
        let details = match self
            .engine
            .schemas(provider, version, &[name.to_owned()], depth)
        {
            Ok(details) => details,
            Err(e) => return self.error(e, Some(provider), version),
        };
        let Some(schema) = details.schemas.first() else {
            return self.failure(StatusCode::NOT_FOUND, "no such schema");
        };
        let links = Links::new(&details.provider, version);
        let title = self
            .engine
            .provider(provider, version)
            .map(|p| p.title)
            .unwrap_or_else(|_| details.provider.clone());
        let depth_href = |d: usize| {
            let base = links.schema(&schema.name);
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}depth={d}")
        };
        let ctx = context! {
            provider => &details.provider,
            title,
            version => &details.version,
            pinned => version,
            provider_href => links.provider(),
            name => &schema.name,
            json => Value::from_safe_string(view::schema_json(&schema.schema, &links)),
            in_cycle => schema.in_cycle,
            external => schema.external,
            depth => details.depth,
            deeper => (details.depth < specdex_query::MAX_DEPTH).then(|| depth_href(details.depth + 1)),
            shallower => (details.depth > 0).then(|| links.schema(&schema.name)),
            on_provider_page => format!("{}#{}", links.provider(), view::path_encode(&view::schema_anchor(&schema.name))),
        };
        self.render(StatusCode::OK, "schema.html", ctx)
    }

    /// `/docs`: connecting an agent and using the REST API, with this
    /// server's URL (from the request's `Host`, checked) filled in.
    pub fn docs(&self, host: Option<&str>, https: bool) -> Html {
        let host = host.unwrap_or("localhost:8080");
        let base = format!("{}://{host}", if https { "https" } else { "http" });
        let example = self
            .engine
            .providers(Some(1), None)
            .ok()
            .and_then(|p| p.providers.into_iter().next())
            .map_or_else(|| "github".to_owned(), |p| p.provider);
        let mcp = format!("{base}/mcp");
        let ctx = context! { base, mcp, example };
        self.render(StatusCode::OK, "docs.html", ctx)
    }
}
