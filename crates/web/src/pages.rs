//! Each page: ask the engine, reshape its answers ([`crate::view`]), render
//! a template. Errors become HTML pages with the right status; a not-found
//! page links the closest matches the engine suggests, and a page that
//! named a provider of several APIs where one API is meant links those.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::http::StatusCode;
use minijinja::{Environment, Value, context};
use quick_cache::sync::Cache;
use serde::Serialize;
use specdex_diff::Level;
use specdex_query::{
    ApiDetail, ChangeQuery, Changes, Engine, MAX_LIMIT, MAX_SEARCH_LIMIT, ProviderAnswer,
    QueryError, Scope, Versions,
};
use specdex_store::EndpointSummary;

use crate::Html;
use crate::markdown::Renderer;
use crate::view::{self, Links};

/// The pages' shared state: the engine, the templates, and the rendered
/// endpoints-and-schemas part of API pages and the tags' sections, per
/// snapshot.
pub struct Web {
    engine: Arc<Engine>,
    env: Environment<'static>,
    bodies: Cache<BodyKey, Arc<String>, ByLength>,
}

/// A cached part of a page as a response body's bytes, shared with the
/// cache.
struct Shared(Arc<String>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A rendered part of a page: the API id (its links' base), the snapshot
/// id, the pinned version, if any (links differ), and the tag of a tag's
/// section (`None`: the API page's endpoints and schemas).
type BodyKey = (String, i64, Option<String>, Option<String>);

/// Rendered parts kept, in bytes (GitHub's API page is about 0.7 MB, its
/// tags' sections 6 MB together).
const BODY_BYTES: u64 = 96 << 20;

/// Weighs a rendered body by its length.
#[derive(Clone)]
struct ByLength;

impl quick_cache::Weighter<BodyKey, Arc<String>> for ByLength {
    fn weight(&self, _key: &BodyKey, body: &Arc<String>) -> u64 {
        body.len() as u64 + 1
    }
}

const TEMPLATES: [(&str, &str); 15] = [
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("provider.html", include_str!("../templates/provider.html")),
    ("api.html", include_str!("../templates/api.html")),
    (
        "api_endpoints.html",
        include_str!("../templates/api_endpoints.html"),
    ),
    (
        "api_schemas.html",
        include_str!("../templates/api_schemas.html"),
    ),
    ("api_tag.html", include_str!("../templates/api_tag.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("endpoint.html", include_str!("../templates/endpoint.html")),
    ("schema.html", include_str!("../templates/schema.html")),
    ("changes.html", include_str!("../templates/changes.html")),
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

/// Snapshot pairs the API page's history counts changes for, newest first:
/// each is a diff (cached by the engine, but the first view pays for all).
const HISTORY_PAIRS: usize = 20;

/// Breaking changes and warnings the API page's changelog lists; the
/// changes page has them all.
const CHANGELOG_CHANGES: usize = 20;

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
            Ok(body) => Html::new(status, body),
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
            Ok(body) => Html::new(status, body),
            Err(_) => {
                let mut body = String::from("<!doctype html><title>error</title><p>");
                crate::json::escape_into(message, &mut body);
                Html::new(status, body)
            }
        }
    }

    /// The page for an engine error: 404 with links to the closest
    /// matches (or to a provider's APIs when one was meant), 400 naming the
    /// parameter, 5xx. `api` is the API the question was about, if any.
    fn error(&self, error: QueryError, api: Option<&str>, version: Option<&str>) -> Html {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (title, heading, suggestions, back) = match &error {
            QueryError::NotFound {
                what, suggestions, ..
            } => (
                format!("No such {what}"),
                format!("Closest {what}s"),
                view::suggestions(what, api, version, suggestions),
                // Back to the API the missing version, endpoint or schema
                // was looked for in.
                api.filter(|_| matches!(*what, "version" | "endpoint" | "schema" | "tag")),
            ),
            QueryError::Ambiguous { provider, apis } => (
                format!("{provider} has {} APIs", apis.len()),
                format!("APIs of {provider}"),
                view::api_choices(apis),
                None,
            ),
            QueryError::BadRequest { .. } | QueryError::Unreadable(_) => {
                ("Bad request".to_owned(), String::new(), Vec::new(), api)
            }
            QueryError::Unauthorized(_) | QueryError::Forbidden(_) => {
                ("Not allowed".to_owned(), String::new(), Vec::new(), None)
            }
            QueryError::Store(_) => (
                "Something went wrong".to_owned(),
                String::new(),
                Vec::new(),
                None,
            ),
        };
        if status.is_server_error() {
            tracing::error!("{error}");
        }
        let ctx = context! {
            status => status.as_u16(),
            title,
            heading,
            message => error.to_string(),
            suggestions => ser(&suggestions),
            back,
            back_href => back.map(view::api_href),
        };
        self.render(status, "error.html", ctx)
    }

    /// A redirect to `location` (a path on this server).
    fn redirect(&self, location: String) -> Html {
        let mut body = String::from("<!doctype html><title>moved</title><p>Moved to <a href=\"");
        crate::json::escape_into(&location, &mut body);
        body.push_str("\">");
        crate::json::escape_into(&location, &mut body);
        body.push_str("</a>.");
        Html {
            status: StatusCode::TEMPORARY_REDIRECT,
            body: body.into(),
            location: Some(location),
        }
    }

    /// `/`: the search box, and the providers with their APIs.
    pub fn index(&self, cursor: Option<&str>) -> Html {
        match self.engine.apis(None, Some(MAX_LIMIT), cursor) {
            Ok(page) => {
                let ctx = context! {
                    apis => ser(&view::api_rows(&page.apis)),
                    total => page.total,
                    next => page.next_cursor.map(|c| format!("/?cursor={}", view::query_encode(&c))),
                };
                self.render(StatusCode::OK, "index.html", ctx)
            }
            Err(e) => self.error(e, None, None),
        }
    }

    /// `/search?q=`: APIs and endpoints, best first.
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

    /// `/p/{provider}`: a provider's APIs; for a provider with exactly one,
    /// that API's page (`version` pins it), as before providers had several.
    /// `cursor` pages through a long list of APIs.
    pub fn provider(&self, provider: &str, version: Option<&str>, cursor: Option<&str>) -> Html {
        let answer = match cursor {
            Some(_) => self
                .engine
                .apis(Some(provider), Some(MAX_LIMIT), cursor)
                .map(ProviderAnswer::Several),
            None => self.engine.provider(provider, version),
        };
        let page = match answer {
            Ok(ProviderAnswer::Single(detail)) => return self.api_page(*detail, version),
            Ok(ProviderAnswer::Several(page)) => page,
            Err(e) => {
                // A version of the provider's only API was not found: its
                // versions are links under it.
                let api = self.engine.api_id(provider).ok();
                return self.error(e, api.as_deref(), version);
            }
        };
        let href = view::provider_href(provider);
        let ctx = context! {
            provider,
            provider_href => &href,
            apis => ser(&view::api_rows(&page.apis)),
            total => page.total,
            next => page.next_cursor.map(|c| format!("{href}?cursor={}", view::query_encode(&c))),
        };
        self.render(StatusCode::OK, "provider.html", ctx)
    }

    /// `/p/{provider}/{api}`: everything about one snapshot of an API.
    pub fn api(&self, api: &str, version: Option<&str>) -> Html {
        match self.engine.api(api, version) {
            Ok(detail) => self.api_page(detail, version),
            Err(e) => self.error(e, Some(api), version),
        }
    }

    /// The page of an API's snapshot the engine described.
    fn api_page(&self, detail: ApiDetail, version: Option<&str>) -> Html {
        let answer = (|| {
            let history = self.engine.versions(&detail.api)?;
            let counts = self
                .engine
                .history_changes(&history.versions, HISTORY_PAIRS)?;
            let changelog = self.changelog(&detail, &history)?;
            let body = self.api_body(&detail, version)?;
            Ok::<_, QueryError>((history, counts, changelog, body))
        })();
        let (history, counts, changelog, body) = match answer {
            Ok(found) => found,
            Err(e) => return self.error(e, Some(&detail.api), version),
        };
        let links = Links::new(&detail.api, version);
        let name =
            specdex_store::split_api_id(&detail.api).map_or(detail.api.as_str(), |(_, name)| name);
        let mut md = Renderer::default();
        let ctx = context! {
            provider => &detail.provider,
            provider_href => view::provider_href(&detail.provider),
            api => &detail.api,
            name,
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
            history => ser(&view::history(&history.versions, detail.snapshot.id, &links, &counts)),
            changelog => changelog.map(|answer| ser(&view::changes(&answer, &[], false))),
            labels => view::version_labels(&history.versions),
            self_href => links.api(),
            current_href => view::api_href(&detail.api),
            body => Value::from_safe_string(body.as_str().to_owned()),
        };
        self.render(StatusCode::OK, "api.html", ctx)
    }

    /// What changed in the snapshot on show since the one before it, if
    /// there is one: its breaking changes and warnings, the first few.
    fn changelog(
        &self,
        detail: &ApiDetail,
        history: &Versions,
    ) -> Result<Option<Changes>, QueryError> {
        let shown = detail.snapshot.id;
        if specdex_query::previous_snapshot(&history.versions, shown).is_none() {
            return Ok(None);
        }
        let question = ChangeQuery {
            api: detail.api.clone(),
            to: Some(format!("#{shown}")),
            level: Some(Level::Warning),
            limit: Some(CHANGELOG_CHANGES),
            ..ChangeQuery::default()
        };
        self.engine.changes(&question).map(Some)
    }

    /// `/p/{provider}/{api}/changes` with its query string (see
    /// [`crate::change_query`]).
    pub fn changes_at(&self, api: &str, query: Option<&str>) -> Html {
        match crate::change_query(api, query) {
            Ok(question) => self.changes(&question),
            Err(e) => self.error(e, Some(api), None),
        }
    }

    /// What changed between two editions of an API, a page of changes at
    /// a time, grouped by endpoint.
    pub fn changes(&self, question: &ChangeQuery) -> Html {
        let answer = (|| {
            let changes = self.engine.changes(question)?;
            let history = self.engine.versions(&changes.api)?;
            Ok::<_, QueryError>((changes, history))
        })();
        let (changes, history) = match answer {
            Ok(found) => found,
            Err(e) => return self.error(e, Some(&question.api), None),
        };
        let view = view::changes(&changes, &history.versions, question.cursor.is_some());
        let ctx = context! {
            provider => &history.provider,
            provider_href => view::provider_href(&history.provider),
            api_href => view::api_href(&changes.api),
            title => self.title(&changes.api, None),
            changes => ser(&view),
        };
        self.render(StatusCode::OK, "changes.html", ctx)
    }

    /// The API page's endpoints and schemas for its snapshot, rendered once
    /// and kept (snapshots never change).
    fn api_body(
        &self,
        detail: &ApiDetail,
        version: Option<&str>,
    ) -> Result<Arc<String>, QueryError> {
        let key = (
            detail.api.clone(),
            detail.snapshot.id,
            version.map(str::to_owned),
            None,
        );
        // One render per key: concurrent first views wait for it.
        self.bodies
            .get_or_insert_with(&key, || self.render_body(detail, version))
    }

    /// The endpoints by tag and the schemas: in full for a small API, a
    /// line each for a large one (see [`view::INLINE_UP_TO`]). Reads the
    /// listing and the schema names, not the whole snapshot, so a large
    /// API's page costs little even the first time.
    fn render_body(
        &self,
        detail: &ApiDetail,
        version: Option<&str>,
    ) -> Result<Arc<String>, QueryError> {
        let started = Instant::now();
        let snapshot = &detail.snapshot;
        let catalog = self.engine.catalog();
        let listing = self.engine.listing(snapshot)?;
        let links = Links::new(&detail.api, version);
        let open = view::starts_open(listing.len());
        let mut md = Renderer::default();
        let mut groups = Vec::new();
        for group in view::groups(&listing, &detail.tags) {
            let section = view::inline(listing.len())
                .then(|| self.tag_section(detail, version, &group, open))
                .transpose()?
                .map(|html| html.as_str().to_owned());
            groups.push(view::group_view(&group, section, &links, &mut md));
        }
        let model = catalog.overview(snapshot.id)?;
        let names = catalog.schema_names(snapshot.id)?;
        let schemas = if view::inline(names.len()) {
            let lookup: Vec<&str> = names.iter().map(|s| s.name.as_str()).collect();
            let found = catalog.schemas_by_name(snapshot.id, &lookup)?;
            view::schemas(found.iter().flatten(), &links, open)
        } else {
            view::schema_list(&names, &links)
        };
        let endpoints = view::EndpointsView {
            groups,
            webhooks: view::webhooks(&model, &links, &mut md),
            schemas: names.len(),
            open,
        };
        let endpoints = self
            .render_part("api_endpoints.html", context! { body => ser(&endpoints) })
            .map_err(|_| unrenderable())?;
        let schemas = self
            .render_part("api_schemas.html", context! { body => ser(&schemas) })
            .map_err(|_| unrenderable())?;
        let html = Arc::new(endpoints + &schemas);
        tracing::info!(
            api = %detail.api,
            snapshot = snapshot.id,
            bytes = html.len(),
            render_ms = started.elapsed().as_millis() as u64,
            "API page rendered"
        );
        Ok(html)
    }

    /// A tag's endpoints in full, from the engine's details (with their
    /// curl examples): the body of the tag's page, the section the API
    /// page's script loads, and a small API's section on its page. Rendered
    /// once per snapshot and kept; `open` says whether its endpoints start
    /// unfolded (as the API's size decides, [`view::starts_open`]).
    fn tag_section(
        &self,
        detail: &ApiDetail,
        version: Option<&str>,
        group: &view::Group<'_>,
        open: bool,
    ) -> Result<Arc<String>, QueryError> {
        let key = (
            detail.api.clone(),
            detail.snapshot.id,
            version.map(str::to_owned),
            Some(group.name.to_owned()),
        );
        self.bodies.get_or_insert_with(&key, || {
            let keys: Vec<(&str, &str)> = group
                .endpoints
                .iter()
                .map(|e| (e.method.as_str(), e.path.as_str()))
                .collect();
            let found = self.engine.details_by_key(&detail.snapshot, &keys)?;
            let links = Links::new(&detail.api, version);
            let mut md = Renderer::default();
            let ops: Vec<view::OpView> = found
                .iter()
                .flatten()
                .map(|d| {
                    let (endpoint, base_url) = (&d.endpoint, d.base_url.as_deref());
                    view::op_view(
                        endpoint,
                        base_url,
                        &d.auth,
                        Some(&d.curl),
                        &links,
                        true,
                        &mut md,
                    )
                })
                .collect();
            self.render_part("api_tag.html", context! { ops => ser(&ops), open })
                .map(Arc::new)
                .map_err(|_| unrenderable())
        })
    }

    /// `/p/{provider}/{api}/t/{tag}`: a tag's endpoints in full, linking
    /// the API page and the other tags; with `part`, the endpoints alone,
    /// for the API page's script.
    pub fn tag(&self, api: &str, version: Option<&str>, tag: &str, part: bool) -> Html {
        let answer = (|| {
            let detail = self.engine.api(api, version)?;
            let listing = self.engine.listing(&detail.snapshot)?;
            Ok::<_, QueryError>((detail, listing))
        })();
        let (detail, listing) = match answer {
            Ok(found) => found,
            Err(e) => return self.error(e, Some(api), version),
        };
        self.tag_page(&detail, &listing, version, tag, part)
    }

    fn tag_page(
        &self,
        detail: &ApiDetail,
        listing: &[EndpointSummary],
        version: Option<&str>,
        tag: &str,
        part: bool,
    ) -> Html {
        let groups = view::groups(listing, &detail.tags);
        let Some(at) = groups.iter().position(|g| g.name == tag) else {
            let missing = QueryError::NotFound {
                what: "tag",
                name: format!("{tag} in {} {}", detail.api, detail.version),
                suggestions: groups.iter().map(|g| g.name.to_owned()).collect(),
            };
            return self.error(missing, Some(&detail.api), version);
        };
        let group = &groups[at];
        let open = view::starts_open(listing.len());
        let section = match self.tag_section(detail, version, group, open) {
            Ok(section) => section,
            Err(e) => return self.error(e, Some(&detail.api), version),
        };
        if part {
            // The cached section itself goes out, shared, not copied: the
            // API page's script asks for one per tag opened.
            return Html::new(StatusCode::OK, Bytes::from_owner(Shared(section)));
        }
        let links = Links::new(&detail.api, version);
        let tags = view::tag_links(&groups, at, &links);
        let mut md = Renderer::default();
        let ctx = context! {
            provider => &detail.provider,
            provider_href => view::provider_href(&detail.provider),
            api => &detail.api,
            api_href => links.api(),
            title => &detail.title,
            version => &detail.version,
            pinned => version,
            tag => group.name,
            count => group.endpoints.len(),
            description => md.block(group.description),
            previous => at.checked_sub(1).map(|i| ser(&tags[i])),
            next => tags.get(at + 1).map(ser),
            on_api_page => format!("{}#{}", links.api(), view::path_encode(&view::tag_anchor(group.name))),
            tags => ser(&tags),
            section => Value::from_safe_string(section.as_str().to_owned()),
        };
        self.render(StatusCode::OK, "tag.html", ctx)
    }

    /// What the rest of a path under an API names, `e/{METHOD}/{path}`,
    /// `s/{name}`, `t/{tag}` or `changes` (which reads the whole `query`
    /// string): that page, or `None` when it names none of them.
    fn part(
        &self,
        api: &str,
        version: Option<&str>,
        depth: Option<usize>,
        rest: &str,
        query: Option<&str>,
    ) -> Option<Html> {
        if rest == "changes" {
            return Some(self.changes_at(api, query));
        }
        if let Some(endpoint) = rest.strip_prefix("e/") {
            return Some(self.endpoint_at(api, version, endpoint));
        }
        if let Some(tag) = rest.strip_prefix("t/").filter(|tag| !tag.is_empty()) {
            return Some(self.tag(api, version, tag, false));
        }
        rest.strip_prefix("s/")
            .filter(|name| !name.is_empty())
            .map(|name| self.schema(api, version, name, depth))
    }

    /// `/p/{provider}/{api}/e/{METHOD}/{path}`: `rest` is `{METHOD}/{path}`.
    pub fn endpoint_at(&self, api: &str, version: Option<&str>, rest: &str) -> Html {
        match split_endpoint(rest) {
            Some((method, path)) => self.endpoint(api, version, method, &path),
            None => self.failure(
                StatusCode::NOT_FOUND,
                "name an endpoint as …/e/METHOD/path (for example …/e/GET/users/{id})",
            ),
        }
    }

    /// `/p/{provider}/e/…` and `/p/{provider}/s/…`, the permalinks from
    /// before providers had several APIs (`kind` is `e` or `s`, `rest` what
    /// follows): for a provider with one API, a redirect to the permalink
    /// under it; for one with several, a 404 page linking them. When the
    /// provider has an API named `e` or `s`, a path that continues as that
    /// API's pages do (`query` is the query string, for its changes page)
    /// is that API's page.
    pub fn legacy(
        &self,
        provider: &str,
        kind: &str,
        rest: &str,
        version: Option<&str>,
        depth: Option<usize>,
        query: Option<&str>,
    ) -> Html {
        let named = specdex_store::api_id(provider, kind);
        let resolved = self.engine.api_id(provider);
        let kind_names_an_api = match &resolved {
            Ok(id) => *id == named,
            Err(QueryError::Ambiguous { apis, .. }) => apis.contains(&named),
            Err(_) => false,
        };
        if kind_names_an_api && let Some(page) = self.part(&named, version, depth, rest, query) {
            return page;
        }
        let api = match resolved {
            Ok(api) => api,
            Err(e) => return self.error(e, None, version),
        };
        let links = Links::new(&api, version);
        let location = match kind {
            "e" => match split_endpoint(rest) {
                Some((method, path)) => links.endpoint(method, &path),
                None => links.api(),
            },
            _ => match depth {
                Some(depth) => links.schema_depth(rest, depth),
                None => links.schema(rest),
            },
        };
        self.redirect(location)
    }

    /// `/p/{provider}/{api}/e/{METHOD}/{path}`: one endpoint.
    pub fn endpoint(&self, api: &str, version: Option<&str>, method: &str, path: &str) -> Html {
        let method = method.to_ascii_uppercase();
        let ask = |path: &str| {
            let key = format!("{method} {path}");
            self.engine
                .endpoint_details(api, version, std::slice::from_ref(&key))
        };
        let mut found = ask(path);
        // A template written without the leading `/` OpenAPI asks for is
        // linked with one (the URL needs it, see `Links::endpoint`): its
        // page answers for the path as written.
        if let (
            Err(QueryError::NotFound {
                what: "endpoint", ..
            }),
            Some(bare),
        ) = (&found, path.strip_prefix('/'))
            && let Ok(details) = ask(bare)
        {
            found = Ok(details);
        }
        let details = match found {
            Ok(details) => details,
            Err(e) => return self.error(e, Some(api), version),
        };
        let Some(detail) = details.endpoints.first() else {
            return self.failure(StatusCode::NOT_FOUND, "no such endpoint");
        };
        let links = Links::new(&details.api, version);
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
        let ctx = context! {
            provider => &details.provider,
            provider_href => view::provider_href(&details.provider),
            api => &details.api,
            api_href => links.api(),
            title => self.title(&details.api, version),
            version => &details.version,
            pinned => version,
            op => ser(&op),
            on_api_page => format!("{}#{}", links.api(), view::path_encode(&view::endpoint_anchor(&detail.endpoint.method, &detail.endpoint.path))),
        };
        self.render(StatusCode::OK, "endpoint.html", ctx)
    }

    /// `/p/{provider}/{api}/s/{name}`: one schema, `$ref`s linked.
    pub fn schema(
        &self,
        api: &str,
        version: Option<&str>,
        name: &str,
        depth: Option<usize>,
    ) -> Html {
        let details = match self.engine.schemas(api, version, &[name.to_owned()], depth) {
            Ok(details) => details,
            Err(e) => return self.error(e, Some(api), version),
        };
        let Some(schema) = details.schemas.first() else {
            return self.failure(StatusCode::NOT_FOUND, "no such schema");
        };
        let links = Links::new(&details.api, version);
        let used_by = schema.used_by.as_ref().map(|used| {
            let endpoints: Vec<Value> = used
                .endpoints
                .iter()
                .map(|key| {
                    let (method, path) = key.split_once(' ').unwrap_or((key, ""));
                    context! { key => key, href => links.endpoint(method, path) }
                })
                .collect();
            context! {
                total => used.total,
                more => used.total.saturating_sub(endpoints.len()),
                endpoints,
            }
        });
        let ctx = context! {
            used_by,
            provider => &details.provider,
            provider_href => view::provider_href(&details.provider),
            api => &details.api,
            api_href => links.api(),
            title => self.title(&details.api, version),
            version => &details.version,
            pinned => version,
            name => &schema.name,
            json => Value::from_safe_string(view::schema_json(&schema.schema, &links)),
            in_cycle => schema.in_cycle,
            external => schema.external,
            depth => details.depth,
            deeper => (details.depth < specdex_query::MAX_DEPTH).then(|| links.schema_depth(&schema.name, details.depth + 1)),
            shallower => (details.depth > 0).then(|| links.schema(&schema.name)),
            on_api_page => format!("{}#{}", links.api(), view::path_encode(&view::schema_anchor(&schema.name))),
        };
        self.render(StatusCode::OK, "schema.html", ctx)
    }

    /// The title of an API's snapshot, else its id.
    fn title(&self, api: &str, version: Option<&str>) -> String {
        self.engine
            .resolve(api, version)
            .map_or_else(|_| api.to_owned(), |snapshot| snapshot.title)
    }

    /// `/docs`: connecting an agent and using the REST API, with this
    /// server's URL (from the request's `Host`, checked) filled in.
    pub fn docs(&self, host: Option<&str>, https: bool) -> Html {
        let host = host.unwrap_or("localhost:8080");
        let base = format!("{}://{host}", if https { "https" } else { "http" });
        let example = self
            .engine
            .apis(None, Some(1), None)
            .ok()
            .and_then(|page| page.apis.into_iter().next());
        let (provider, api) = example.map_or_else(
            || ("github".to_owned(), "github/api".to_owned()),
            |item| (item.provider, item.api),
        );
        let mcp = format!("{base}/mcp");
        let ctx = context! { base, mcp, provider, example => api };
        self.render(StatusCode::OK, "docs.html", ctx)
    }
}

/// A part of a page that did not render (the template logged why).
fn unrenderable() -> QueryError {
    QueryError::BadRequest {
        parameter: "api",
        message: "this API's page could not be rendered".to_owned(),
    }
}

/// `{METHOD}/{path}` → (`METHOD`, `/path`); `None` without a `/`.
fn split_endpoint(rest: &str) -> Option<(&str, String)> {
    let (method, path) = rest.split_once('/')?;
    Some((method, format!("/{path}")))
}
