//! The web pages over a real catalog: small hand-written specs ingested into
//! SQLite in a temporary directory, served by the REST app with the pages
//! merged in, as `specdex serve` runs them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use specdex_ingest::IngestOptions;
use specdex_query::Engine;
use specdex_store::SqliteCatalog;
use tempfile::TempDir;
use tower::ServiceExt;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct App {
    _dir: TempDir,
    router: Router,
    /// The API (`provider/api`) each document went to, in order.
    apis: Vec<String>,
}

/// A document to ingest: its fixture, the provider it goes under, and its
/// API's name when the test fixes it (else the identity rule chooses).
struct Doc {
    path: PathBuf,
    provider: &'static str,
    api: Option<&'static str>,
}

fn doc(name: &str, provider: &'static str) -> Doc {
    Doc {
        path: fixture(name),
        provider,
        api: None,
    }
}

/// A catalog holding `docs`, in order, and the app over it.
fn app(docs: &[Doc]) -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let mut apis = Vec::new();
    for doc in docs {
        let options = IngestOptions {
            provider: Some(doc.provider.to_owned()),
            api: doc.api.map(str::to_owned),
            ..IngestOptions::default()
        };
        // Ingesting builds a blocking HTTP client, which must not run
        // inside the test's async runtime.
        let result = std::thread::scope(|scope| {
            scope
                .spawn(|| specdex_ingest::ingest_file(&catalog, &doc.path, None, &options))
                .join()
                .expect("ingest thread")
        });
        match result.outcome {
            Ok(ingested) => {
                assert_eq!(ingested.provider, doc.provider);
                apis.push(ingested.api);
            }
            Err(e) => panic!("ingesting {}: {e}", doc.path.display()),
        }
    }
    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
    let router = specdex_server::router(engine.clone(), &specdex_server::ServerConfig::default())
        .merge(specdex_web::router(engine));
    App {
        _dir: dir,
        router,
        apis,
    }
}

/// The pet store, two editions of one API under provider `pets`.
fn pets() -> (App, String) {
    let app = app(&[doc("pets-1.0.yaml", "pets"), doc("pets-1.1.yaml", "pets")]);
    assert_eq!(app.apis[0], app.apis[1], "both editions are one API's");
    assert!(app.apis[0].starts_with("pets/"), "{}", app.apis[0]);
    let api = app.apis[0].clone();
    (app, api)
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    #[track_caller]
    fn has(&self, needle: &str) -> &Self {
        assert!(
            self.body.contains(needle),
            "page lacks {needle:?}:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    fn lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.body.contains(needle),
            "page has {needle:?}:\n{}",
            self.body
        );
        self
    }

    fn count(&self, needle: &str) -> usize {
        self.body.matches(needle).count()
    }

    /// Where a redirect points.
    #[track_caller]
    fn location(&self) -> &str {
        assert!(
            self.status.is_redirection(),
            "{}: {}",
            self.status,
            self.body
        );
        self.headers[header::LOCATION].to_str().expect("ascii")
    }
}

async fn send(app: &App, request: Request<Body>) -> Page {
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    Page {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).expect("utf-8"),
    }
}

async fn get(app: &App, uri: &str) -> Page {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// `get`, following redirects (as a browser would) a few times.
async fn follow(app: &App, uri: &str) -> Page {
    let mut page = get(app, uri).await;
    for _ in 0..3 {
        if !page.status.is_redirection() {
            break;
        }
        let next = page.location().to_owned();
        assert!(
            next.starts_with('/'),
            "{uri} redirects off the server: {next}"
        );
        page = get(app, &next).await;
    }
    page
}

#[track_caller]
fn html_ok(page: &Page) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("script-src 'self'")
    );
}

#[track_caller]
fn html_404(page: &Page) {
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
}

/// The `href`s of `<a class="perma">` links on `page`.
fn permalinks(page: &Page) -> Vec<String> {
    page.body
        .match_indices("<a class=\"perma\" href=\"")
        .map(|(at, found)| {
            let rest = &page.body[at + found.len()..];
            rest[..rest.find('"').expect("quote")].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn index_lists_providers_with_their_apis_and_a_search_box() {
    let (app, api) = pets();
    let page = get(&app, "/").await;
    html_ok(&page);
    page.has("<form class=\"bigsearch\" action=\"/search\" method=\"get\"")
        .has("name=\"q\"")
        .has("<td><a href=\"/p/pets\"><code>pets</code></a></td>")
        .has(&format!("<td><a href=\"/p/{api}\"><code class=\"api\">{api}</code></a></td><td><a href=\"/p/{api}\">Pet Store</a></td>"))
        .has("<td>1.1.0</td><td class=\"num\">6</td><td class=\"num\">5</td><td class=\"num\">2</td>")
        .has("href=\"/docs\"");
}

#[tokio::test]
async fn search_finds_apis_and_endpoints() {
    let (app, api) = pets();
    let page = get(&app, "/search?q=delete+pet").await;
    html_ok(&page);
    page.has(&format!("href=\"/p/{api}/e/DELETE/pets/%7BpetId%7D\""))
        .has(&format!("<a class=\"prov\" href=\"/p/{api}\">{api}</a>"))
        .has("value=\"delete pet\"");
    for scope in ["apis", "providers"] {
        let page = get(&app, &format!("/search?q=pet+store&scope={scope}")).await;
        html_ok(&page);
        page.has(&format!(
            "<a href=\"/p/{api}\">Pet Store</a> <code class=\"api\">{api}</code>"
        ))
        .has("<option value=\"apis\" selected>")
        .lacks("/e/");
    }
    let page = get(&app, "/search?q=").await;
    html_ok(&page);
    page.has("Say what you are looking for");
    let page = get(&app, "/search?q=zebra+unicorn").await;
    html_ok(&page);
    page.has("No results for “zebra unicorn”");
}

#[tokio::test]
async fn api_page_carries_the_catalog_page_information() {
    let (app, api) = pets();
    let page = get(&app, &format!("/p/{api}")).await;
    html_ok(&page);
    page
        // where it is: provider, API id
        .has(&format!("<nav class=\"crumbs\"><a href=\"/\">Providers</a> › <a href=\"/p/pets\"><code>pets</code></a> › <code>{}</code></nav>", &api["pets/".len()..]))
        .has(&format!("API <a href=\"/p/{api}\"><code class=\"api\">{api}</code></a> · version <strong>1.1.0</strong>"))
        // title, description (markdown rendered), base URLs, auth
        .has("<h1>Pet Store</h1>")
        .has("<p>A <strong>small</strong> pet store.</p>")
        .has("<a href=\"https://example.com/guide\" rel=\"nofollow noopener noreferrer\">the guide</a>")
        .has("<code>https://pets.example.com/v1</code> — Production")
        .has("API key in header <code>X-API-Key</code>")
        .has("Ask the store for a key.")
        // tag groups, in declared order, then untagged
        .has("<details class=\"tag\" id=\"tag-pets\" open>")
        .has("<div class=\"md tagdesc\"><p>Everything about your <em>pets</em>.</p>")
        .has("<details class=\"tag\" id=\"tag-store\" open>")
        .has("<details class=\"tag\" id=\"tag-untagged\" open>")
        // endpoints: anchor, badge, permalink, description, curl
        .has("id=\"e-DELETE-/pets/{petId}\"")
        .has("<span class=\"m m-delete\">DELETE</span> <code class=\"path\">/pets/{petId}</code>")
        .has(&format!("<a class=\"perma\" href=\"/p/{api}/e/DELETE/pets/%7BpetId%7D\">permalink</a>"))
        .has("<p>Removes a pet <strong>for good</strong>.</p>")
        .has("<pre class=\"curl\"><code>curl -X DELETE &quot;https://pets.example.com/v1/pets/{petId}&quot; \\\n  -H &quot;X-API-Key: $API_KEY&quot;</code></pre>")
        // the parameter table, `—` where empty, types linked when named
        .has("<th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th>")
        .has("<tr><td><code>limit</code></td><td>query</td><td>optional</td><td><code>integer(int32)</code></td><td>How many items to return at one time (max 100)</td></tr>")
        .has("<tr><td><code>X-Request-Id</code></td><td>header</td><td>optional</td><td><code>string</code></td><td>—</td></tr>")
        .has("<td><code>petId</code></td><td>path</td><td><strong>required</strong></td>")
        // request bodies: a named schema linked, an inline form's fields
        .has("<h4>Request body <span class=\"req\">required</span></h4>")
        .has(&format!("<li><code>application/json</code> <a href=\"/p/{api}/s/Pet\"><code>Pet</code></a></li>"))
        .has("<tr><td><code>petId</code></td><td><strong>required</strong></td><td><code>string</code></td><td>Which pet to buy</td></tr>")
        // responses
        .has(&format!("<tr><td><code>default</code></td><td>unexpected error</td><td><code>application/json</code> <a href=\"/p/{api}/s/Error\"><code>Error</code></a></td></tr>"))
        .has(&format!("<a href=\"/p/{api}/s/Pet\"><code>array[Pet]</code></a>"))
        // schemas as JSON with $refs linked, each with an anchor and a permalink
        .has("<details class=\"schema\" id=\"s-Pet\"")
        .has(&format!("<a class=\"perma\" href=\"/p/{api}/s/Pet\">permalink</a>"))
        .has(&format!("\"category\": {{ \"$ref\": <a class=\"ref\" href=\"/p/{api}/s/Category\">\"#/components/schemas/Category\"</a> }}"))
        .has(&format!("\"items\": {{ \"$ref\": <a class=\"ref\" href=\"/p/{api}/s/Tag\">\"#/components/schemas/Tag\"</a> }}"))
        // the API's history (Version | Endpoints | Schemas | Ingested | Status) and version picker
        .has("<th>Version</th><th class=\"num\">Endpoints</th><th class=\"num\">Schemas</th><th>Ingested</th><th>Status</th>")
        .has(&format!("<tr class=\"shown\"><td><a href=\"/p/{api}?version=1.1.0\">1.1.0</a></td><td class=\"num\">6</td><td class=\"num\">5</td>"))
        .has(&format!("<td><a href=\"/p/{api}?version=1.0.0\">1.0.0</a></td><td class=\"num\">2</td><td class=\"num\">1</td>"))
        .has(&format!("<form class=\"picker\" action=\"/p/{api}\" method=\"get\">"))
        .has("<option value=\"1.1.0\" selected>1.1.0</option><option value=\"1.0.0\">1.0.0</option>")
        // the in-page filter
        .has("id=\"filter\"")
        .has("data-k=\"delete /pets/{petid} delete a pet deletepet\"")
        // no link is left on the paths from before APIs
        .lacks("href=\"/p/pets/e/")
        .lacks("href=\"/p/pets/s/");
    assert_eq!(page.count("<details class=\"op\""), 6);
    assert_eq!(page.count("<details class=\"schema\""), 5);
    assert_eq!(page.count("<table class=\"history\">"), 1);
    // The second view comes from the cache and is the same page.
    let again = get(&app, &format!("/p/{api}")).await;
    assert_eq!(again.body, page.body);
}

#[tokio::test]
async fn a_provider_with_one_api_answers_with_its_page_as_before() {
    let (app, api) = pets();
    let by_api = get(&app, &format!("/p/{api}")).await;
    let by_provider = get(&app, "/p/pets").await;
    html_ok(&by_provider);
    // The same page, naming the API and linking under it.
    assert_eq!(by_provider.body, by_api.body);
    by_provider
        .has(&format!("<code class=\"api\">{api}</code>"))
        .has(&format!("href=\"/p/{api}/e/DELETE/pets/%7BpetId%7D\""));
    let pinned = get(&app, "/p/pets?version=1.0.0").await;
    html_ok(&pinned);
    assert_eq!(
        pinned.body,
        get(&app, &format!("/p/{api}?version=1.0.0")).await.body
    );
    // The old permalinks lead to the new ones, keeping their parameters.
    for (old, new) in [
        (
            "/p/pets/e/DELETE/pets/%7BpetId%7D".to_owned(),
            format!("/p/{api}/e/DELETE/pets/%7BpetId%7D"),
        ),
        (
            "/p/pets/e/delete/pets/{petId}".to_owned(),
            format!("/p/{api}/e/delete/pets/%7BpetId%7D"),
        ),
        (
            "/p/pets/e/GET/pets?version=1.0.0".to_owned(),
            format!("/p/{api}/e/GET/pets?version=1.0.0"),
        ),
        ("/p/pets/s/Pet".to_owned(), format!("/p/{api}/s/Pet")),
        (
            "/p/pets/s/Pet?version=1.0.0&depth=1".to_owned(),
            format!("/p/{api}/s/Pet?version=1.0.0&depth=1"),
        ),
    ] {
        let page = get(&app, &old).await;
        assert_eq!(page.status, StatusCode::TEMPORARY_REDIRECT, "{old}");
        assert_eq!(page.location(), new, "{old}");
        html_ok(&follow(&app, &old).await);
    }
    let page = follow(&app, "/p/pets/e/DELETE/pets/%7BpetId%7D").await;
    page.has("<title>DELETE /pets/{petId} — Pet Store — specdex</title>");
    let page = follow(&app, "/p/pets/s/Pet?depth=1").await;
    page.has("$ref</code>s expanded 1 level");
    // A missing endpoint still gets its suggestions, under the API.
    let page = follow(&app, "/p/pets/e/GET/pet").await;
    html_404(&page);
    page.has(&format!("<a href=\"/p/{api}/e/GET/pets\">GET /pets</a>"));
}

#[tokio::test]
async fn an_older_version_is_shown_with_pinned_links() {
    let (app, api) = pets();
    let page = get(&app, &format!("/p/{api}?version=1.0.0")).await;
    html_ok(&page);
    page.has("This is an older edition")
        .has("<option value=\"1.0.0\" selected>1.0.0</option>")
        .has(&format!(
            "href=\"/p/{api}/e/GET/pets/%7BpetId%7D?version=1.0.0\""
        ))
        .has(&format!("href=\"/p/{api}/s/Pet?version=1.0.0\""))
        .has(&format!(
            "<tr class=\"shown\"><td><a href=\"/p/{api}?version=1.0.0\">"
        ))
        .has(&format!("<a href=\"/p/{api}\">See the current one</a>"))
        .lacks("DELETE");
    assert_eq!(page.count("<details class=\"op\""), 2);
    let endpoint = get(
        &app,
        &format!("/p/{api}/e/GET/pets/%7BpetId%7D?version=1.0.0"),
    )
    .await;
    html_ok(&endpoint);
    endpoint
        .has("<span class=\"ver\">1.0.0</span>")
        .has(&format!("<a href=\"/p/{api}?version=1.0.0\">Pet Store</a>"))
        .lacks("The id of the pet to retrieve");
}

#[tokio::test]
async fn endpoint_permalinks_show_one_endpoint_in_full() {
    let (app, api) = pets();
    let links: Vec<String> = permalinks(&get(&app, &format!("/p/{api}")).await)
        .into_iter()
        .filter(|link| link.starts_with(&format!("/p/{api}/e/")))
        .collect();
    assert_eq!(links.len(), 6, "{links:?}");
    for link in &links {
        let page = get(&app, link).await;
        html_ok(&page);
        page.has("<article class=\"op single\"");
    }
    let page = get(&app, &format!("/p/{api}/e/DELETE/pets/%7BpetId%7D")).await;
    page.has("<title>DELETE /pets/{petId} — Pet Store — specdex</title>")
        .has(&format!("<nav class=\"crumbs\"><a href=\"/\">Providers</a> › <a href=\"/p/pets\"><code>pets</code></a> › <a href=\"/p/{api}\">Pet Store</a>"))
        .has(&format!("API <a href=\"/p/{api}\"><code class=\"api\">{api}</code></a>"))
        .has("<p class=\"lead\">Delete a pet</p>")
        .has("<p>Removes a pet <strong>for good</strong>.</p>")
        .has("curl -X DELETE")
        .has(&format!("<a href=\"/p/{api}#e-DELETE-/pets/%7BpetId%7D\">On the API page</a>"));
    // Methods in any case; braces as typed.
    let page = get(&app, &format!("/p/{api}/e/delete/pets/{{petId}}")).await;
    html_ok(&page);
    let page = get(&app, &format!("/p/{api}/e/POST/store/orders")).await;
    html_ok(&page);
    page.has("-d &quot;petId=string&quot;")
        .has("Which pet to buy");
    // A method without a path names nothing.
    let page = get(&app, &format!("/p/{api}/e/GET")).await;
    html_404(&page);
}

/// A template written without its leading `/` (OpenAPI asks for one, some
/// documents omit it) is linked with one, as the URL needs, and its page
/// answers there (found by `scripts/fuzz`: the link was dead).
#[tokio::test]
async fn an_endpoint_written_without_its_slash_has_a_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("slashless.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3\ninfo:\n  title: Slashless\n  version: \"1\"\npaths:\n  \
         pets/{id}:\n    get:\n      summary: One pet\n      responses:\n        \"200\":\n          description: OK\n",
    )
    .expect("write");
    let app = app(&[Doc {
        path,
        provider: "slashless",
        api: Some("api"),
    }]);
    let links: Vec<String> = permalinks(&get(&app, "/p/slashless/api").await)
        .into_iter()
        .filter(|link| link.starts_with("/p/slashless/api/e/"))
        .collect();
    assert_eq!(links, ["/p/slashless/api/e/GET/pets/%7Bid%7D"]);
    let page = get(&app, &links[0]).await;
    html_ok(&page);
    page.has("One pet");
}

#[tokio::test]
async fn schema_permalinks_link_their_refs() {
    let (app, api) = pets();
    let page = get(&app, &format!("/p/{api}/s/Pet")).await;
    html_ok(&page);
    page.has("<h1><code>Pet</code></h1>")
        .has(&format!(
            "<a class=\"ref\" href=\"/p/{api}/s/Category\">\"#/components/schemas/Category\"</a>"
        ))
        .has(&format!("href=\"/p/{api}/s/Pet?depth=1\""))
        .has(&format!("<a href=\"/p/{api}#s-Pet\">on the API page</a>"))
        // The endpoints that use it, each a permalink.
        .has("<section class=\"used-by\"><h2>Used by ")
        .has(&format!(
            "<li><a href=\"/p/{api}/e/GET/pets\"><code>GET /pets</code></a></li>"
        ));
    let deeper = get(&app, &format!("/p/{api}/s/Pet?depth=1")).await;
    html_ok(&deeper);
    deeper
        .lacks(&format!("href=\"/p/{api}/s/Category\""))
        .has("$ref</code>s expanded 1 level");
}

#[tokio::test]
async fn unknown_names_get_a_404_page_with_the_closest_matches() {
    let (app, api) = pets();
    for (uri, heading, link) in [
        (
            "/p/pet".to_owned(),
            "No such provider",
            "<a href=\"/p/pets\">pets</a>".to_owned(),
        ),
        (
            "/p/pets/nope".to_owned(),
            "No such API",
            format!("<a href=\"/p/{api}\">{api}</a>"),
        ),
        (
            "/p/pet/e/GET/pets".to_owned(),
            "No such API",
            format!("<a href=\"/p/{api}\">{api}</a>"),
        ),
        (
            format!("/p/{api}/e/GET/pet"),
            "No such endpoint",
            format!("<a href=\"/p/{api}/e/GET/pets\">GET /pets</a>"),
        ),
        (
            format!("/p/{api}/s/Pett"),
            "No such schema",
            format!("<a href=\"/p/{api}/s/Pet\">Pet</a>"),
        ),
        (
            format!("/p/{api}?version=9"),
            "No such version",
            format!("<a href=\"/p/{api}?version=1.1.0\">1.1.0</a>"),
        ),
        (
            "/p/pets?version=9".to_owned(),
            "No such version",
            format!("<a href=\"/p/{api}?version=1.1.0\">1.1.0</a>"),
        ),
    ] {
        let page = get(&app, &uri).await;
        html_404(&page);
        page.has(&link).has(&format!("<h1>{heading}</h1>"));
    }
    // Back to the API a missing part was looked for in.
    get(&app, &format!("/p/{api}/s/Pett"))
        .await
        .has(&format!("<a href=\"/p/{api}\">Back to {api}</a>"));
    let page = get(&app, &format!("/p/{api}/e/FETCH/pets")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.has("<h1>Bad request</h1>");
}

/// Two documents with nothing in common under one provider: two APIs.
fn acme() -> (App, String, String) {
    let app = app(&[doc("pets-1.1.yaml", "acme"), doc("weather.yaml", "acme")]);
    let (pets, weather) = (app.apis[0].clone(), app.apis[1].clone());
    assert_ne!(pets, weather, "two APIs");
    assert!(pets.starts_with("acme/") && weather.starts_with("acme/"));
    (app, pets, weather)
}

#[tokio::test]
async fn a_provider_with_two_apis_lists_them() {
    let (app, pets, weather) = acme();
    let page = get(&app, "/p/acme").await;
    html_ok(&page);
    page.has("<h1><code>acme</code></h1>")
        .has(&format!("<td><a href=\"/p/{pets}\"><code class=\"api\">{pets}</code></a></td><td><a href=\"/p/{pets}\">Pet Store</a></td><td>1.1.0</td><td class=\"num\">6</td><td class=\"num\">5</td><td class=\"num\">1</td>"))
        .has(&format!("<td><a href=\"/p/{weather}\"><code class=\"api\">{weather}</code></a></td><td><a href=\"/p/{weather}\">Weather Service</a></td><td>2.0.0</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">1</td>"))
        .lacks("<details class=\"op\"");
    // A version names an edition of one API: the provider's page stays a list.
    html_ok(&get(&app, "/p/acme?version=1.1.0").await);
    // The front page groups them under their provider.
    get(&app, "/")
        .await
        .has("<td rowspan=\"2\"><a href=\"/p/acme\"><code>acme</code></a></td>")
        .has(&format!("<a href=\"/p/{weather}\">Weather Service</a>"));
    // Each API has its own page, history and permalinks.
    let page = get(&app, &format!("/p/{weather}")).await;
    html_ok(&page);
    page.has("<h1>Weather Service</h1>")
        .has(&format!("<code class=\"api\">{weather}</code>"))
        .has("<th>Version</th><th class=\"num\">Endpoints</th><th class=\"num\">Schemas</th><th>Ingested</th><th>Status</th>")
        .has(&format!("<tr class=\"shown\"><td><a href=\"/p/{weather}?version=2.0.0\">2.0.0</a></td><td class=\"num\">2</td><td class=\"num\">1</td>"))
        .lacks("1.1.0");
    assert_eq!(page.count("<table class=\"history\">"), 1);
    assert_eq!(page.count("<tbody>\n<tr class=\"shown\">"), 1);
    for link in permalinks(&page) {
        assert!(link.starts_with(&format!("/p/{weather}/")), "{link}");
        html_ok(&get(&app, &link).await);
    }
    html_ok(&get(&app, &format!("/p/{pets}/e/DELETE/pets/%7BpetId%7D")).await);
    // Search shows which API a hit is in.
    get(&app, "/search?q=forecast+city")
        .await
        .has(&format!("href=\"/p/{weather}/e/GET/forecasts/%7Bcity%7D\""))
        .has(&format!(
            "<a class=\"prov\" href=\"/p/{weather}\">{weather}</a>"
        ));
    // The old permalinks cannot tell which API they mean: 404, linking both.
    for old in [
        "/p/acme/e/DELETE/pets/%7BpetId%7D",
        "/p/acme/s/Pet",
        "/p/acme/e/GET/",
    ] {
        let page = get(&app, old).await;
        html_404(&page);
        page.has("<h1>acme has 2 APIs</h1>")
            .has("<h2>APIs of acme</h2>")
            .has(&format!("<li><a href=\"/p/{pets}\">{pets}</a></li>"))
            .has(&format!("<li><a href=\"/p/{weather}\">{weather}</a></li>"));
    }
    // An unknown API of the provider: its APIs are the closest.
    let page = get(&app, "/p/acme/nope").await;
    html_404(&page);
    page.has("<h1>No such API</h1>")
        .has(&format!("<a href=\"/p/{pets}\">{pets}</a>"))
        .has(&format!("<a href=\"/p/{weather}\">{weather}</a>"));
}

#[tokio::test]
async fn apis_named_e_and_s_are_not_taken_for_old_permalinks() {
    let app = app(&[
        Doc {
            api: Some("e"),
            ..doc("pets-1.1.yaml", "edge")
        },
        Doc {
            api: Some("s"),
            ..doc("weather.yaml", "edge")
        },
    ]);
    assert_eq!(app.apis, ["edge/e", "edge/s"]);
    get(&app, "/p/edge/e").await.has("<h1>Pet Store</h1>");
    get(&app, "/p/edge/s").await.has("<h1>Weather Service</h1>");
    let page = get(&app, "/p/edge/e").await;
    assert!(
        permalinks(&page).contains(&"/p/edge/e/e/DELETE/pets/%7BpetId%7D".to_owned()),
        "{:?}",
        permalinks(&page)
    );
    for link in permalinks(&page)
        .into_iter()
        .chain(permalinks(&get(&app, "/p/edge/s").await))
    {
        html_ok(&get(&app, &link).await);
    }
    get(&app, "/p/edge/e/e/DELETE/pets/%7BpetId%7D")
        .await
        .has("<p class=\"lead\">Delete a pet</p>");
    get(&app, "/p/edge/e/s/Pet")
        .await
        .has("<h1><code>Pet</code></h1>");
    get(&app, "/p/edge/s/e/GET/forecasts")
        .await
        .has("<p class=\"lead\">List forecasts</p>");
    get(&app, "/p/edge/s/s/Forecast")
        .await
        .has("<h1><code>Forecast</code></h1>");
    // Their changes pages (one edition each: nothing to compare).
    for api in ["e", "s"] {
        let page = get(&app, &format!("/p/edge/{api}/changes")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        page.has(&format!("`edge/{api}` has no snapshot older than"));
    }
    // What is no permalink of theirs is an old one: which API?
    let page = get(&app, "/p/edge/e/GET/forecasts").await;
    html_404(&page);
    page.has("<h1>edge has 2 APIs</h1>");
}

#[tokio::test]
async fn docs_fill_in_this_servers_url_from_a_checked_host() {
    let (app, api) = pets();
    let request = |host: &str| {
        Request::get("/docs")
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request")
    };
    let page = send(&app, request("specdex.example:9000")).await;
    html_ok(&page);
    page.has("claude mcp add --transport http specdex http://specdex.example:9000/mcp")
        .has("\"url\": \"http://specdex.example:9000/mcp\"")
        .has(&format!(
            "GET http://specdex.example:9000/v1/apis/{api}/summary"
        ))
        .has("GET http://specdex.example:9000/v1/apis?provider=pets")
        .has(&format!("specdex endpoint {api} \"GET /path\""))
        .has("/openapi.json");
    let page = send(&app, request("evil.example\"><script>alert(1)</script>")).await;
    html_ok(&page);
    page.has("http://localhost:8080/mcp").lacks("evil.example");
    let forwarded = Request::get("/docs")
        .header(header::HOST, "specdex.example")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .expect("request");
    send(&app, forwarded)
        .await
        .has("https://specdex.example/mcp");
}

#[tokio::test]
async fn assets_and_the_rest_api_are_served_alongside() {
    let (app, _) = pets();
    let css = get(&app, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    let js = get(&app, "/static/app.js").await;
    assert_eq!(
        js.headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    js.has("getElementById(\"filter\")");
    let rest = get(&app, "/v1/providers").await;
    assert_eq!(rest.status, StatusCode::OK);
    rest.has("\"provider\":\"pets\"");
    let missing = get(&app, "/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    missing.has("\"error\"");
}

/// Every tag of `html` as (name, attributes), names lower-cased. Text is
/// skipped; quoted attribute values may hold `<` and `>`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        let closing = i < bytes.len() && bytes[i] == b'/';
        if closing {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'!') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\n' | b'\t' | b'/')
            {
                i += 1;
            }
            let attribute = html[start..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let quote = bytes[i];
                    let end = html[i + 1..]
                        .bytes()
                        .position(|b| b == quote)
                        .map_or(bytes.len(), |p| i + 1 + p);
                    value = html[i + 1..end].to_owned();
                    i = end + 1;
                } else {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[start..i].to_owned();
                }
            }
            attributes.push((attribute, value));
        }
        if !closing {
            found.push((name, attributes));
        }
    }
    found
}

/// Fails unless `html` is inert: no script but ours, no event handler, no
/// `javascript:` URL, no image, frame, object, SVG or style element.
#[track_caller]
fn assert_inert(uri: &str, html: &str) {
    for (name, attributes) in tags(html) {
        let attribute = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        match name.as_str() {
            "script" => assert_eq!(
                attribute("src"),
                Some("/static/app.js"),
                "{uri}: a script other than ours"
            ),
            "img" | "iframe" | "object" | "embed" | "svg" | "style" | "math" | "base" | "meta"
                if name != "meta" || attribute("http-equiv").is_some() =>
            {
                panic!("{uri}: a <{name}> element survived")
            }
            _ => {}
        }
        for (key, value) in &attributes {
            assert!(!key.starts_with("on"), "{uri}: <{name} {key}=…> survived");
            let value = value.trim().to_ascii_lowercase();
            if matches!(
                key.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                assert!(
                    !value.starts_with("javascript:")
                        && !value.starts_with("vbscript:")
                        && !value.starts_with("data:")
                        && !value.contains("&#"),
                    "{uri}: <{name} {key}=\"{value}\">"
                );
            }
        }
    }
}

#[tokio::test]
async fn hostile_spec_text_never_becomes_markup() {
    let app = app(&[
        doc("xss.yaml", "xss"),
        doc("pets-1.1.yaml", "pets"),
        // A provider of several APIs, one of them hostile: its list.
        doc("xss.yaml", "evil"),
        doc("weather.yaml", "evil"),
    ]);
    let xss = app.apis[0].clone();
    assert_eq!(app.apis[2].split_once('/').map(|(p, _)| p), Some("evil"));
    assert_ne!(app.apis[2], app.apis[3]);
    let mut uris: Vec<String> = [
        "/",
        "/search?q=item",
        "/search?q=evil+script",
        "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        "/p/xss",
        "/p/xss/s/Nope",
        "/p/xss/e/GET/items",
        "/p/xs",
        "/p/xss/nope",
        "/p/evil",
        "/p/evil/e/GET/items",
        "/docs",
    ]
    .map(str::to_owned)
    .to_vec();
    uris.push(format!("/p/{xss}"));
    uris.push(format!("/p/{xss}/s/Nope"));
    // Its tags' pages, and their endpoints alone (what the API page's
    // script puts in a page).
    let links = specdex_web::view::Links::new(&xss, None);
    for tag in [
        "<script>window.__xss=12</script>",
        "[tag](javascript:window.__xss=15)",
    ] {
        for uri in [links.tag(tag), links.tag_part(tag)] {
            html_ok(&get(&app, &uri).await);
            uris.push(uri);
        }
    }
    uris.push(links.tag("<img src=x onerror=window.__xss=99>"));
    let api_page = get(&app, &format!("/p/{xss}")).await;
    html_ok(&api_page);
    // The text is shown, escaped, not dropped.
    api_page
        .has("<h1>Evil &lt;script&gt;window.__xss=1&lt;/script&gt; API</h1>")
        .has("&lt;script&gt;window.__xss=12&lt;/script&gt;");
    get(&app, "/p/evil")
        .await
        .has("Evil &lt;script&gt;window.__xss=1&lt;/script&gt; API");
    for (_, attributes) in tags(&api_page.body) {
        for (key, value) in attributes {
            if key == "href" && value.starts_with(&format!("/p/{xss}/")) {
                uris.push(value);
            }
        }
    }
    assert!(
        uris.iter()
            .filter(|u| u.starts_with(&format!("/p/{xss}/e/")))
            .count()
            >= 3,
        "{uris:?}"
    );
    assert!(
        uris.iter()
            .filter(|u| u.starts_with(&format!("/p/{xss}/s/")))
            .count()
            >= 2,
        "{uris:?}"
    );
    for uri in &uris {
        let uri = uri.replace("&amp;", "&");
        let page = follow(&app, &uri).await;
        assert!(
            page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND,
            "{uri}: {}",
            page.status
        );
        assert_inert(&uri, &page.body);
    }
    // The permalink of the path that carries markup works.
    let evil = uris
        .iter()
        .find(|u| u.starts_with(&format!("/p/{xss}/e/GET/evil/")))
        .expect("the evil path's permalink");
    let page = get(&app, evil).await;
    html_ok(&page);
    page.has("/evil/&lt;script&gt;window.__xss=38&lt;/script&gt;");
}

#[test]
fn the_inertness_check_catches_what_it_should() {
    for bad in [
        "<script>x</script>",
        "<img src=x>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=' JavaScript:alert(1)'>x</a>",
        "<div onclick=\"x\">",
        "<p><svg onload=x>",
        "<a href=\"&#106;avascript:x\">",
    ] {
        let caught = std::panic::catch_unwind(|| assert_inert("test", bad)).is_err();
        assert!(caught, "{bad} passed the check");
    }
    assert_inert(
        "test",
        "<script src=\"/static/app.js\" defer></script><a title=\"<img src=x onerror=y>\" href=\"https://a\">x</a> &lt;script&gt;",
    );
}

/// The pet shop, two editions of one API (`shop-1.0.yaml` → `shop-2.0.yaml`):
/// `Pet` loses `tag` and gains `birthday`, `GET /pets` drops `sort`,
/// `DELETE /pets/{petId}` is removed, `POST /pets` added, and
/// `GET /pets/{petId}` declares a 404.
fn shop() -> (App, String) {
    let app = app(&[doc("shop-1.0.yaml", "shop"), doc("shop-2.0.yaml", "shop")]);
    assert_eq!(app.apis[0], app.apis[1], "both editions are one API's");
    let api = app.apis[0].clone();
    (app, api)
}

/// The rule ids a changes page lists, in order, once each.
fn rules(page: &Page) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (at, open) in page.body.match_indices("<code class=\"rule\">") {
        let rest = &page.body[at + open.len()..];
        let rule = rest[..rest.find('<').expect("closing tag")].to_owned();
        if !found.contains(&rule) {
            found.push(rule);
        }
    }
    found
}

/// The `href` of the link whose text is `text` (entities in it undone).
#[track_caller]
fn link_to(page: &Page, text: &str) -> String {
    let end = page
        .body
        .find(&format!("\">{text}</a>"))
        .unwrap_or_else(|| panic!("no link {text:?}:\n{}", page.body));
    let start = page.body[..end].rfind("href=\"").expect("an href") + "href=\"".len();
    page.body[start..end].replace("&amp;", "&")
}

/// `html` with every `YYYY-MM-DD` (ingest days, which change from run to
/// run) written `YYYY-MM-DD`, for snapshots.
fn undated(html: &str) -> String {
    let bytes = html.as_bytes();
    let is_date = |at: usize| {
        bytes.len() >= at + 10
            && bytes[at..at + 10].iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            })
    };
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while at < html.len() {
        if is_date(at) {
            out.push_str("YYYY-MM-DD");
            at += 10;
        } else {
            let c = html[at..].chars().next().expect("a char");
            out.push(c);
            at += c.len_utf8();
        }
    }
    out
}

/// The part of a page from `start` to `end` (excluded), undated, with
/// this crate's directory (in the fixtures' paths) written `<crate>`.
#[track_caller]
fn fragment(page: &Page, start: &str, end: &str) -> String {
    let from = page.body.find(start).expect("the fragment's start");
    let to = from + page.body[from..].find(end).expect("the fragment's end");
    undated(&page.body[from..to]).replace(env!("CARGO_MANIFEST_DIR"), "<crate>")
}

#[tokio::test]
async fn history_counts_the_changes_since_each_editions_predecessor() {
    let (app, api) = shop();
    let page = get(&app, &format!("/p/{api}")).await;
    html_ok(&page);
    let pair = format!("/p/{api}/changes?from=%231&amp;to=%232");
    page.has("<th>Status</th><th>Changes</th><th>Provenance</th></tr>")
        // the newest edition: its counts against the one before, linked
        .has(&format!("<td>current</td><td class=\"changes\"><a href=\"{pair}\" class=\"breaking\">+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info</a></td><td class=\"provenance\">"))
        // the oldest: nothing before it
        .has("<td></td><td class=\"changes\">first</td><td class=\"provenance\">")
        // where each came from, down to its content hash
        .has(" · sha256 ");
    let pair = pair.replace("&amp;", "&");
    let changes = get(&app, &pair).await;
    html_ok(&changes);
    changes.has("<h1>Changes from <a href=\"");
    // The same counts for an older edition on show.
    let pinned = get(&app, &format!("/p/{api}?version=1.0.0")).await;
    html_ok(&pinned);
    pinned.has("+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info</a>");
    insta::assert_snapshot!(
        "api_page_history",
        fragment(&page, "<section id=\"history\">", "</section>")
    );
}

#[tokio::test]
async fn the_api_page_says_what_changed_in_the_edition_shown() {
    let (app, api) = shop();
    let page = get(&app, &format!("/p/{api}")).await;
    html_ok(&page);
    page.has("<h2>What changed in 2.0.0</h2>")
        .has(&format!("<p class=\"counts\">Since <a href=\"/p/{api}?version=1.0.0\">1.0.0</a>: +1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info · 1 schema changed</p>"))
        .has(&format!("<a href=\"/p/{api}/changes?from=%231&amp;to=%232\">All changes from 1.0.0 to 2.0.0</a>"));
    // Breaking changes and warnings only.
    let changelog = Page {
        status: page.status,
        headers: page.headers.clone(),
        body: fragment(
            &page,
            "<section id=\"changelog\">",
            "<section id=\"history\">",
        ),
    };
    assert_eq!(
        rules(&changelog),
        [
            "request-parameter-removed",
            "response-property-removed",
            "endpoint-removed"
        ]
    );
    insta::assert_snapshot!("api_page_changelog", changelog.body);
    // The oldest edition has nothing before it: no changelog.
    get(&app, &format!("/p/{api}?version=1.0.0"))
        .await
        .lacks("id=\"changelog\"");
}

#[tokio::test]
async fn the_changes_page_lists_every_change_by_endpoint() {
    let (app, api) = shop();
    // By default, the previous edition against the current one.
    let page = get(&app, &format!("/p/{api}/changes")).await;
    html_ok(&page);
    page.has("<title>Changes 1.0.0 → 2.0.0 — Pet Shop — specdex</title>")
        .has(&format!("<h1>Changes from <a href=\"/p/{api}?version=1.0.0\">1.0.0</a> to <a href=\"/p/{api}?version=2.0.0\">2.0.0</a></h1>"))
        .has("<p class=\"counts\">+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info · 1 schema changed</p>")
        .has("<p class=\"meta\">10 changes listed.</p>")
        // groups: an endpoint with its badge, linked in the edition that has it
        .has(&format!("<h3><span class=\"m m-post\">POST</span> <a href=\"/p/{api}/e/POST/pets?version=2.0.0\"><code class=\"path\">/pets</code></a>"))
        .has(&format!("<h3><span class=\"m m-delete\">DELETE</span> <a href=\"/p/{api}/e/DELETE/pets/%7BpetId%7D?version=1.0.0\">"))
        .has("<h3>Schemas</h3>")
        // a change: level, rule, message, location
        .has("<li><span class=\"lvl lvl-warning\">warning</span> <code class=\"rule\">request-parameter-removed</code> Parameter removed: query parameter <code>sort</code> of <code>GET /pets</code>. <code class=\"loc\">/parameters/query/sort</code></li>")
        .lacks("More changes");
    assert_eq!(
        rules(&page),
        [
            "request-parameter-removed",
            "response-property-removed",
            "response-property-added",
            "endpoint-added",
            "endpoint-removed",
            "response-status-added"
        ]
    );
    // The editions by version label, snapshot id (with or without `#`) or
    // day name the same pair.
    for query in [
        "from=1.0.0&to=2.0.0",
        "from=%231&to=%232",
        "from=1&to=2",
        "from=1.0.0",
        "to=2.0.0",
        "from=&to=&level=",
    ] {
        let again = get(&app, &format!("/p/{api}/changes?{query}")).await;
        html_ok(&again);
        assert_eq!(rules(&again), rules(&page), "{query}");
    }
    // Backwards works too: what a client of 2.0.0 would lose.
    let back = get(&app, &format!("/p/{api}/changes?from=2.0.0&to=1.0.0")).await;
    html_ok(&back);
    back.has("Changes from <a href=\"").has(
        "<code class=\"rule\">endpoint-removed</code> Endpoint removed: <code>POST /pets</code>.",
    );
    insta::assert_snapshot!(
        "changes_page",
        fragment(&page, "<nav class=\"crumbs\">", "</main>")
    );
}

#[tokio::test]
async fn the_changes_page_filters_by_level_and_endpoint() {
    let (app, api) = shop();
    let page = get(&app, &format!("/p/{api}/changes?level=breaking")).await;
    html_ok(&page);
    assert_eq!(
        rules(&page),
        ["response-property-removed", "endpoint-removed"]
    );
    page
        // the counts are still over every change
        .has("<p class=\"counts\">+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info · 1 schema changed</p>")
        .has("<option value=\"breaking\" selected>breaking only</option>")
        .has(&format!("Listed: breaking and above · <a href=\"/p/{api}/changes?from=%231&amp;to=%232\">every level</a>"))
        .lacks("lvl-warning")
        .lacks("lvl-info");
    let warnings = get(&app, &format!("/p/{api}/changes?level=warning")).await;
    html_ok(&warnings);
    assert_eq!(
        rules(&warnings),
        [
            "request-parameter-removed",
            "response-property-removed",
            "endpoint-removed"
        ]
    );
    insta::assert_snapshot!(
        "changes_page_breaking",
        fragment(&page, "<p class=\"counts\">", "</main>")
    );
    // Endpoints, repeatable; the counts are theirs.
    let two = get(
        &app,
        &format!("/p/{api}/changes?endpoint=GET+/pets&endpoint=DELETE%20/pets/%7Bid%7D"),
    )
    .await;
    html_ok(&two);
    assert_eq!(
        rules(&two),
        [
            "request-parameter-removed",
            "response-property-removed",
            "response-property-added",
            "endpoint-removed"
        ]
    );
    two.has("<p class=\"counts\">+0 −1 endpoints, 1 changed · 2 breaking, 1 warning, 1 info</p>")
        .has("Endpoints: <code>GET /pets</code>, <code>DELETE /pets/{id}</code> · ")
        .has(&format!(
            "<a href=\"/p/{api}/changes?from=%231&amp;to=%232\">all endpoints</a>"
        ))
        // the form keeps them
        .has("<input type=\"hidden\" name=\"endpoint\" value=\"GET /pets\">")
        .lacks("<h3>Schemas</h3>")
        .lacks("POST");
    // One endpoint's link, followed.
    let only = get(&app, &link_to(&page, "only this endpoint")).await;
    html_ok(&only);
    assert_eq!(rules(&only), ["response-property-removed"]);
    only.lacks("only this endpoint");
    // A level the engine does not know, an endpoint that is no `METHOD /path`.
    for (query, says) in [
        (
            "level=fatal",
            "`fatal` is not a level; use breaking, warning or info",
        ),
        ("endpoint=pets", "`pets` is not \"METHOD /path\""),
        ("from=1&from=2", "invalid `query string`"),
    ] {
        let bad = get(&app, &format!("/p/{api}/changes?{query}")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{query}: {}", bad.body);
        bad.has("<h1>Bad request</h1>")
            .has(&says.replace('"', "&quot;"))
            .has(&format!("<a href=\"/p/{api}\">Back to {api}</a>"));
    }
}

#[tokio::test]
async fn unknown_apis_and_editions_get_a_404_page() {
    let (app, api) = shop();
    let page = get(&app, &format!("/p/{api}/changes?from=9.9")).await;
    html_404(&page);
    page.has("<h1>No such version</h1>")
        .has(&format!("no version `{api} 9.9 (as `from`)`"))
        // each edition's own changes
        .has(&format!(
            "<li><a href=\"/p/{api}/changes?to=%232\">2.0.0 (#2)</a></li>"
        ))
        .has(&format!("<a href=\"/p/{api}\">Back to {api}</a>"));
    html_404(&get(&app, &format!("/p/{api}/changes?to=%2399")).await);
    let page = get(&app, "/p/shop/pets/changes").await;
    html_404(&page);
    page.has("<h1>No such API</h1>")
        .has(&format!("<a href=\"/p/{api}\">{api}</a>"));
}

#[tokio::test]
async fn an_api_with_one_edition_has_nothing_to_compare() {
    let (app, _, weather) = acme();
    let page = get(&app, &format!("/p/{weather}/changes")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    page.has("<h1>Bad request</h1>")
        .has(&format!("invalid `from`: `{weather}` has no snapshot older than 2.0.0 (#2) to compare with; ingest another edition, or name both editions"))
        .has(&format!("<a href=\"/p/{weather}\">Back to {weather}</a>"));
    let api_page = get(&app, &format!("/p/{weather}")).await;
    html_ok(&api_page);
    api_page
        .has("<td class=\"changes\">first</td>")
        .lacks("id=\"changelog\"");
}

/// `n + 1` editions of one API, the `k`-th with endpoints `/t0` … `/t{5k}`.
fn editions(n: usize) -> (App, TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs: Vec<Doc> = (0..=n)
        .map(|k| {
            let mut text = format!(
                "openapi: 3.0.3\ninfo:\n  title: Counter\n  version: \"{k}\"\npaths:\n"
            );
            for i in 0..=5 * k {
                text.push_str(&format!(
                    "  /t{i}:\n    get:\n      responses:\n        \"200\":\n          description: OK\n"
                ));
            }
            let path = dir.path().join(format!("counter-{k}.yaml"));
            std::fs::write(&path, text).expect("write");
            Doc {
                path,
                provider: "many",
                api: Some("counter"),
            }
        })
        .collect();
    (app(&docs), dir)
}

#[tokio::test]
async fn history_counts_the_newest_pairs_and_changes_come_in_pages() {
    let (app, _docs) = editions(21);
    let page = get(&app, "/p/many/counter").await;
    html_ok(&page);
    assert_eq!(
        page.count("<td class=\"changes\"><a href=\"/p/many/counter/changes?from=%23"),
        20
    );
    assert_eq!(
        page.count("+5 −0 endpoints, 0 changed · 0 breaking, 0 warnings, 5 info</a>"),
        20
    );
    assert_eq!(page.count("<td class=\"changes\">—</td>"), 1);
    assert_eq!(page.count("<td class=\"changes\">first</td>"), 1);
    page.has("<a href=\"/p/many/counter/changes?from=%2320&amp;to=%2321\">")
        .has("<a href=\"/p/many/counter/changes?from=%232&amp;to=%233\">")
        .has("<tr><td><a href=\"/p/many/counter?version=1\">1</a></td><td class=\"num\">6</td><td class=\"num\">0</td><td>")
        .lacks("from=%231&amp;to=%232\"");
    // From the first edition to the last: 105 endpoints added, 100 a page.
    let first = get(&app, "/p/many/counter/changes?from=0&to=21").await;
    html_ok(&first);
    first
        .has("<p class=\"meta\">105 changes listed, 100 on this page.</p>")
        .lacks("First page");
    assert_eq!(first.count("<li><span class=\"lvl lvl-info\">"), 100);
    let next = link_to(&first, "More changes →");
    assert!(
        next.starts_with("/p/many/counter/changes?from=%231&to=%2322&cursor="),
        "{next}"
    );
    let second = get(&app, &next).await;
    html_ok(&second);
    assert_eq!(second.count("<li><span class=\"lvl lvl-info\">"), 5);
    second
        .has("<p class=\"meta\">105 changes listed, 5 on this page.</p>")
        // paths in byte order: /t0, /t1, /t10, /t100, …
        .has("<code>GET /t99</code>")
        .lacks("More changes");
    assert_eq!(
        link_to(&second, "← First page"),
        "/p/many/counter/changes?from=%231&to=%2322"
    );
}

#[tokio::test]
async fn hostile_changes_never_become_markup() {
    let app = app(&[doc("xss.yaml", "xss"), doc("xss-2.yaml", "xss")]);
    let api = app.apis[1].clone();
    assert_eq!(app.apis[0], api, "both editions are one API's");
    let page = get(&app, &format!("/p/{api}/changes")).await;
    html_ok(&page);
    // Shown as text.
    page.has("2.0&lt;script&gt;window.__xss=50&lt;/script&gt;")
        .has("/new/&lt;img src=x onerror=window.__xss=51&gt;/{id}")
        .has("kind&lt;script&gt;window.__xss=54&lt;/script&gt;")
        .has("&lt;img src=x onerror=window.__xss=56&gt;");
    let mut uris = vec![
        format!("/p/{api}"),
        format!("/p/{api}/changes"),
        format!("/p/{api}/changes?level=warning"),
        format!("/p/{api}/changes?from=%3Cscript%3E"),
        format!("/p/{api}/changes?level=%3Cscript%3E"),
    ];
    for (_, attributes) in tags(&page.body) {
        for (key, value) in attributes {
            if key == "href" && value.starts_with(&format!("/p/{api}/")) {
                uris.push(value.replace("&amp;", "&"));
            }
        }
    }
    assert!(
        uris.iter().filter(|u| u.contains("endpoint=")).count() >= 2,
        "{uris:?}"
    );
    for uri in &uris {
        let page = get(&app, uri).await;
        assert!(
            [
                StatusCode::OK,
                StatusCode::NOT_FOUND,
                StatusCode::BAD_REQUEST
            ]
            .contains(&page.status),
            "{uri}: {}",
            page.status
        );
        assert_inert(uri, &page.body);
    }
}

/// The GitHub spec (1,223 endpoints, 969 schemas): its API page is light
/// (issue 14: at most 1 MiB; it was 8.3 MB) and lists every endpoint and
/// schema in a line, and every endpoint is in full on its tag's page.
/// Skipped when the corpus (`../shared/specs`) is not beside the
/// repository.
#[tokio::test]
async fn github_api_page_is_light_and_its_tag_pages_hold_every_endpoint() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/specs/github/api.github.com.json");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let app = app(&[Doc {
        path,
        provider: "github",
        api: None,
    }]);
    let api = app.apis[0].clone();
    // The provider's only API, on the provider's page as before.
    let page = get(&app, "/p/github").await;
    html_ok(&page);
    eprintln!("GitHub's API page: {} bytes", page.body.len());
    assert!(page.body.len() <= 1 << 20, "{} bytes", page.body.len());
    assert_eq!(page.count("<li class=\"op\""), 1223);
    assert_eq!(
        page.count("<li class=\"op\" id=\"e-"),
        page.count(&format!("</span> <a href=\"/p/{api}/e/"))
    );
    assert_eq!(page.count("<li class=\"schema\""), 969);
    assert_eq!(full_endpoints(&page), 0);
    page.has("1223 endpoints · 969 schemas").has(&format!(
        "<details class=\"tag\" id=\"tag-repos\" data-part=\"/p/{api}/t/repos?fragment=1\">"
    ));
    assert_inert("/p/github", &page.body);
    // Every endpoint is in full on its tag's page.
    let mut seen = 0;
    for (at, _) in page.body.match_indices("<a class=\"tagpage\" href=\"") {
        let rest = &page.body[at + "<a class=\"tagpage\" href=\"".len()..];
        let href = &rest[..rest.find('"').expect("quote")];
        let tag = get(&app, href).await;
        html_ok(&tag);
        seen += full_endpoints(&tag);
    }
    assert_eq!(seen, 1223);
    let repos = get(&app, &format!("/p/{api}/t/repos")).await;
    repos.has("curl &quot;https://api.github.com/repos/{owner}/{repo}&quot;");
    assert_inert("/p/github/…/t/repos", &repos.body);
    let endpoint = get(
        &app,
        &format!("/p/{api}/e/GET/repos/%7Bowner%7D/%7Brepo%7D"),
    )
    .await;
    html_ok(&endpoint);
    endpoint.has("curl &quot;https://api.github.com/repos/{owner}/{repo}&quot;");
}

/// An API larger than the API page carries in full (`INLINE_UP_TO`): in
/// edition `version`, `/things{i}/{id}` for `i` below `things`, tagged
/// `alpha`, `beta` or `gamma` in turn, each returning its own schema
/// `Thing{i}`, and two untagged endpoints.
fn large_spec(dir: &Path, version: &str, things: usize) -> Doc {
    let mut text = format!(
        "openapi: 3.0.3\ninfo:\n  title: Big\n  version: \"{version}\"\n\
         servers:\n  - url: https://big.example.com\n\
         tags:\n  - name: alpha\n    description: The *first* tag.\n  - name: beta\n  - name: gamma\n\
         paths:\n  /health:\n    get:\n      summary: Health\n      responses:\n        \"200\":\n          description: OK\n\
         \x20 /status:\n    get:\n      responses:\n        \"200\":\n          description: OK\n"
    );
    for i in 0..things {
        let tag = ["alpha", "beta", "gamma"][i % 3];
        text.push_str(&format!(
            "  /things{i}/{{id}}:\n    get:\n      tags: [{tag}]\n      summary: Get thing {i}\n      operationId: getThing{i}\n\
             \x20     parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n\
             \x20     responses:\n        \"200\":\n          description: The thing\n          content:\n\
             \x20           application/json:\n              schema: {{$ref: \"#/components/schemas/Thing{i}\"}}\n"
        ));
    }
    text.push_str("components:\n  schemas:\n");
    for i in 0..things {
        text.push_str(&format!(
            "    Thing{i}:\n      type: object\n      properties:\n        id: {{type: string}}\n"
        ));
    }
    let path = dir.join(format!("big-{version}.yaml"));
    std::fs::write(&path, text).expect("write");
    Doc {
        path,
        provider: "big",
        api: Some("api"),
    }
}

/// The `<details class="op">` elements of a page.
fn full_endpoints(page: &Page) -> usize {
    page.count("<details class=\"op\"")
}

#[tokio::test]
async fn a_large_api_page_lists_its_endpoints_and_tag_pages_hold_them_in_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(&[
        large_spec(dir.path(), "1.0.0", 150),
        large_spec(dir.path(), "2.0.0", 120),
    ]);
    let api = "big/api";
    assert_eq!(app.apis, [api, api]);
    let page = get(&app, "/p/big").await;
    html_ok(&page);
    // A line per endpoint and schema, no endpoint or schema in full.
    assert_eq!(full_endpoints(&page), 0);
    assert_eq!(page.count("<li class=\"op\""), 122);
    assert_eq!(page.count("<li class=\"schema\""), 120);
    page.lacks("<details class=\"schema\"")
        .lacks("<pre class=\"json\">")
        .lacks("<pre class=\"curl\">")
        // the table of contents, with counts
        .has("<a href=\"#tag-alpha\">alpha <span class=\"count\">40</span></a>")
        .has("<a href=\"#tag-untagged\">(untagged) <span class=\"count\">2</span></a>")
        // each section: where its endpoints come from, its tag page
        .has(&format!("<details class=\"tag\" id=\"tag-alpha\" data-part=\"/p/{api}/t/alpha?fragment=1\">"))
        .has("<div class=\"md tagdesc\"><p>The <em>first</em> tag.</p>")
        .has(&format!("<a class=\"tagpage\" href=\"/p/{api}/t/alpha\">"))
        .has(&format!("data-part=\"/p/{api}/t/%28untagged%29?fragment=1\""))
        // an endpoint's line: its anchor, the filter's text, its permalink
        .has(&format!("<li class=\"op\" id=\"e-GET-/things0/{{id}}\" data-k=\"get /things0/{{id}} get thing 0 getthing0\"><span class=\"m m-get\">GET</span> <a href=\"/p/{api}/e/GET/things0/%7Bid%7D\">/things0/{{id}}</a> Get thing 0</li>"))
        // a schema's line links its page
        .has(&format!("<li class=\"schema\" id=\"s-Thing7\" data-k=\"thing7\"><a href=\"/p/{api}/s/Thing7\"><code>Thing7</code></a></li>"))
        .has("id=\"filter\"");
    assert_inert("/p/big", &page.body);

    // A tag's page: its endpoints in full, the way back, the other tags.
    let tag = get(&app, &format!("/p/{api}/t/alpha")).await;
    html_ok(&tag);
    assert_eq!(full_endpoints(&tag), 40);
    tag.has(&format!("<nav class=\"crumbs\"><a href=\"/\">Providers</a> › <a href=\"/p/big\"><code>big</code></a> › <a href=\"/p/{api}\">Big</a> <span class=\"ver\">2.0.0</span> › tag</nav>"))
        .has("<h1>alpha <span class=\"count\">40</span></h1>")
        .has("<div class=\"md tagdesc\"><p>The <em>first</em> tag.</p>")
        .has(&format!("<a href=\"/p/{api}#tag-alpha\">on the API page</a>"))
        .has(&format!("next tag <a rel=\"next\" href=\"/p/{api}/t/beta\">beta</a>"))
        .lacks("rel=\"prev\"")
        .has("<strong>alpha <span class=\"count\">40</span></strong>")
        .has(&format!("<a href=\"/p/{api}/t/%28untagged%29\">(untagged) <span class=\"count\">2</span></a>"))
        .has("<details class=\"op\" id=\"e-GET-/things0/{id}\" data-k=\"get /things0/{id} get thing 0 getthing0\">")
        .has("curl &quot;https://big.example.com/things0/{id}&quot;")
        .has(&format!("<a class=\"perma\" href=\"/p/{api}/e/GET/things0/%7Bid%7D\">permalink</a>"))
        .has(&format!("<a href=\"/p/{api}/s/Thing0\"><code>Thing0</code></a>"));
    assert_inert("/p/big/api/t/alpha", &tag.body);

    // The same endpoints alone, for the API page's script.
    let part = get(&app, &format!("/p/{api}/t/alpha?fragment=1")).await;
    html_ok(&part);
    assert!(
        part.body.starts_with("<details class=\"op\""),
        "{}",
        part.body
    );
    assert_eq!(full_endpoints(&part), 40);
    part.lacks("<html").lacks("<nav");
    tag.has(&part.body);

    // Every endpoint is on one tag page.
    let mut seen = 0;
    for name in ["alpha", "beta", "gamma", "%28untagged%29"] {
        let page = get(&app, &format!("/p/{api}/t/{name}")).await;
        html_ok(&page);
        seen += full_endpoints(&page);
    }
    assert_eq!(seen, 122);
    let untagged = get(&app, &format!("/p/{api}/t/%28untagged%29")).await;
    untagged
        .has("<h1>(untagged) <span class=\"count\">2</span></h1>")
        .has(&format!(
            "previous tag <a rel=\"prev\" href=\"/p/{api}/t/gamma\">gamma</a>"
        ))
        .lacks("rel=\"next\"");

    // An older edition: every link pinned to it.
    let old = get(&app, &format!("/p/{api}?version=1.0.0")).await;
    html_ok(&old);
    assert_eq!(old.count("<li class=\"op\""), 152);
    old.has(&format!(
        "data-part=\"/p/{api}/t/beta?version=1.0.0&amp;fragment=1\""
    ))
    .has(&format!(
        "<a class=\"tagpage\" href=\"/p/{api}/t/beta?version=1.0.0\">"
    ));
    let old_part = get(&app, &format!("/p/{api}/t/beta?version=1.0.0&fragment=1")).await;
    html_ok(&old_part);
    assert_eq!(full_endpoints(&old_part), 50);
    old_part.has(&format!(
        "href=\"/p/{api}/e/GET/things1/%7Bid%7D?version=1.0.0\""
    ));
    let old_tag = get(&app, &format!("/p/{api}/t/beta?version=1.0.0")).await;
    old_tag
        .has("<span class=\"ver\">1.0.0</span>")
        .has(&format!(
            "<a href=\"/p/{api}?version=1.0.0#tag-beta\">on the API page</a>"
        ));

    // An unknown tag: 404, linking the API's tags.
    let missing = get(&app, &format!("/p/{api}/t/delta")).await;
    html_404(&missing);
    missing
        .has(&format!("href=\"/p/{api}/t/alpha\""))
        .has(&format!("href=\"/p/{api}/t/%28untagged%29\""));
}

/// A small API's page is as it was: every section and schema in full, no
/// lines; its tags have pages too.
#[tokio::test]
async fn a_small_api_page_carries_its_sections_in_full() {
    let (app, api) = pets();
    let page = get(&app, &format!("/p/{api}")).await;
    html_ok(&page);
    assert_eq!(full_endpoints(&page), 6);
    page.lacks("<li class=\"op\"")
        .lacks("data-part=")
        .lacks("class=\"tagpage\"");
    let tag = get(&app, &format!("/p/{api}/t/pets")).await;
    html_ok(&tag);
    tag.has("<h1>pets <span class=\"count\">");
    // A section on the tag page is the one on the API page.
    let part = get(&app, &format!("/p/{api}/t/pets?fragment=1")).await;
    page.has(&part.body);
}
