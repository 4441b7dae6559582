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
}

/// A catalog holding `docs` (path, provider slug), in order, and the app over it.
fn app(docs: &[(PathBuf, &str)]) -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    for (path, provider) in docs {
        let options = IngestOptions {
            provider: Some((*provider).to_owned()),
            ..IngestOptions::default()
        };
        // Ingesting builds a blocking HTTP client, which must not run
        // inside the test's async runtime.
        let result = std::thread::scope(|scope| {
            scope
                .spawn(|| specdex_ingest::ingest_file(&catalog, path, None, &options))
                .join()
                .expect("ingest thread")
        });
        if let Err(e) = &result.outcome {
            panic!("ingesting {}: {e}", path.display());
        }
    }
    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
    let router = specdex_server::router(engine.clone(), &specdex_server::ServerConfig::default())
        .merge(specdex_web::router(engine));
    App { _dir: dir, router }
}

fn pets() -> App {
    app(&[
        (fixture("pets-1.0.yaml"), "pets"),
        (fixture("pets-1.1.yaml"), "pets"),
    ])
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

#[tokio::test]
async fn index_lists_providers_with_counts_and_a_search_box() {
    let app = pets();
    let page = get(&app, "/").await;
    html_ok(&page);
    page.has("<form class=\"bigsearch\" action=\"/search\" method=\"get\"")
        .has("name=\"q\"")
        .has("<a href=\"/p/pets\">Pet Store</a>")
        .has("<td>1.1.0</td><td class=\"num\">6</td><td class=\"num\">5</td><td class=\"num\">2</td>")
        .has("href=\"/docs\"");
}

#[tokio::test]
async fn search_finds_providers_and_endpoints() {
    let app = pets();
    let page = get(&app, "/search?q=delete+pet").await;
    html_ok(&page);
    page.has("href=\"/p/pets/e/DELETE/pets/%7BpetId%7D\"")
        .has("value=\"delete pet\"");
    let page = get(&app, "/search?q=pet+store&scope=providers").await;
    html_ok(&page);
    page.has("<a href=\"/p/pets\">Pet Store</a>")
        .lacks("/p/pets/e/");
    let page = get(&app, "/search?q=").await;
    html_ok(&page);
    page.has("Say what you are looking for");
    let page = get(&app, "/search?q=zebra+unicorn").await;
    html_ok(&page);
    page.has("No results for “zebra unicorn”");
}

#[tokio::test]
async fn provider_page_carries_the_catalog_page_information() {
    let app = pets();
    let page = get(&app, "/p/pets").await;
    html_ok(&page);
    page
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
        .has("<a class=\"perma\" href=\"/p/pets/e/DELETE/pets/%7BpetId%7D\">permalink</a>")
        .has("<p>Removes a pet <strong>for good</strong>.</p>")
        .has("<pre class=\"curl\"><code>curl -X DELETE &quot;https://pets.example.com/v1/pets/{petId}&quot; \\\n  -H &quot;X-API-Key: $API_KEY&quot;</code></pre>")
        // the parameter table, `—` where empty, types linked when named
        .has("<th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th>")
        .has("<tr><td><code>limit</code></td><td>query</td><td>optional</td><td><code>integer(int32)</code></td><td>How many items to return at one time (max 100)</td></tr>")
        .has("<tr><td><code>X-Request-Id</code></td><td>header</td><td>optional</td><td><code>string</code></td><td>—</td></tr>")
        .has("<td><code>petId</code></td><td>path</td><td><strong>required</strong></td>")
        // request bodies: a named schema linked, an inline form's fields
        .has("<h4>Request body <span class=\"req\">required</span></h4>")
        .has("<li><code>application/json</code> <a href=\"/p/pets/s/Pet\"><code>Pet</code></a></li>")
        .has("<tr><td><code>petId</code></td><td><strong>required</strong></td><td><code>string</code></td><td>Which pet to buy</td></tr>")
        // responses
        .has("<tr><td><code>default</code></td><td>unexpected error</td><td><code>application/json</code> <a href=\"/p/pets/s/Error\"><code>Error</code></a></td></tr>")
        .has("<a href=\"/p/pets/s/Pet\"><code>array[Pet]</code></a>")
        // schemas as JSON with $refs linked, each with an anchor and a permalink
        .has("<details class=\"schema\" id=\"s-Pet\"")
        .has("<a class=\"perma\" href=\"/p/pets/s/Pet\">permalink</a>")
        .has("\"category\": { \"$ref\": <a class=\"ref\" href=\"/p/pets/s/Category\">\"#/components/schemas/Category\"</a> }")
        .has("\"items\": { \"$ref\": <a class=\"ref\" href=\"/p/pets/s/Tag\">\"#/components/schemas/Tag\"</a> }")
        // history and version picker
        .has("<th>Version</th><th class=\"num\">Endpoints</th><th class=\"num\">Schemas</th><th>Ingested</th><th>Status</th>")
        .has("<td><a href=\"/p/pets?version=1.1.0\">1.1.0</a></td><td class=\"num\">6</td><td class=\"num\">5</td>")
        .has("<td><a href=\"/p/pets?version=1.0.0\">1.0.0</a></td><td class=\"num\">2</td><td class=\"num\">1</td>")
        .has("<option value=\"1.1.0\" selected>1.1.0</option><option value=\"1.0.0\">1.0.0</option>")
        // the in-page filter
        .has("id=\"filter\"")
        .has("data-k=\"delete /pets/{petid} delete a pet deletepet\"");
    assert_eq!(page.count("<details class=\"op\""), 6);
    assert_eq!(page.count("<details class=\"schema\""), 5);
    // The second view comes from the cache and is the same page.
    let again = get(&app, "/p/pets").await;
    assert_eq!(again.body, page.body);
}

#[tokio::test]
async fn an_older_version_is_shown_with_pinned_links() {
    let app = pets();
    let page = get(&app, "/p/pets?version=1.0.0").await;
    html_ok(&page);
    page.has("This is an older edition")
        .has("<option value=\"1.0.0\" selected>1.0.0</option>")
        .has("href=\"/p/pets/e/GET/pets/%7BpetId%7D?version=1.0.0\"")
        .has("href=\"/p/pets/s/Pet?version=1.0.0\"")
        .has("<tr class=\"shown\"><td><a href=\"/p/pets?version=1.0.0\">")
        .lacks("DELETE");
    assert_eq!(page.count("<details class=\"op\""), 2);
    let endpoint = get(&app, "/p/pets/e/GET/pets/%7BpetId%7D?version=1.0.0").await;
    html_ok(&endpoint);
    endpoint
        .has("<span class=\"ver\">1.0.0</span>")
        .lacks("The id of the pet to retrieve");
}

#[tokio::test]
async fn endpoint_permalinks_show_one_endpoint_in_full() {
    let app = pets();
    let provider = get(&app, "/p/pets").await;
    let links: Vec<String> = provider
        .body
        .match_indices("<a class=\"perma\" href=\"/p/pets/e/")
        .map(|(at, _)| {
            let rest = &provider.body[at + "<a class=\"perma\" href=\"".len()..];
            rest[..rest.find('"').expect("quote")].to_owned()
        })
        .collect();
    assert_eq!(links.len(), 6, "{links:?}");
    for link in &links {
        let page = get(&app, link).await;
        html_ok(&page);
        page.has("<article class=\"op single\"");
    }
    let page = get(&app, "/p/pets/e/DELETE/pets/%7BpetId%7D").await;
    page.has("<title>DELETE /pets/{petId} — Pet Store — specdex</title>")
        .has("<p class=\"lead\">Delete a pet</p>")
        .has("<p>Removes a pet <strong>for good</strong>.</p>")
        .has("curl -X DELETE")
        .has("<a href=\"/p/pets#e-DELETE-/pets/%7BpetId%7D\">On the provider page</a>");
    // Methods in any case; braces as typed.
    let page = get(&app, "/p/pets/e/delete/pets/{petId}").await;
    html_ok(&page);
    let page = get(&app, "/p/pets/e/POST/store/orders").await;
    html_ok(&page);
    page.has("-d &quot;petId=string&quot;")
        .has("Which pet to buy");
}

#[tokio::test]
async fn schema_permalinks_link_their_refs() {
    let app = pets();
    let page = get(&app, "/p/pets/s/Pet").await;
    html_ok(&page);
    page.has("<h1><code>Pet</code></h1>")
        .has("<a class=\"ref\" href=\"/p/pets/s/Category\">\"#/components/schemas/Category\"</a>")
        .has("href=\"/p/pets/s/Pet?depth=1\"");
    let deeper = get(&app, "/p/pets/s/Pet?depth=1").await;
    html_ok(&deeper);
    deeper
        .lacks("href=\"/p/pets/s/Category\"")
        .has("$ref</code>s expanded 1 level");
}

#[tokio::test]
async fn unknown_names_get_a_404_page_with_the_closest_matches() {
    let app = pets();
    for (uri, link) in [
        ("/p/pet", "<a href=\"/p/pets\">pets</a>"),
        (
            "/p/pets/e/GET/pet",
            "<a href=\"/p/pets/e/GET/pets\">GET /pets</a>",
        ),
        ("/p/pets/s/Pett", "<a href=\"/p/pets/s/Pet\">Pet</a>"),
        (
            "/p/pets?version=9",
            "<a href=\"/p/pets?version=1.1.0\">1.1.0</a>",
        ),
    ] {
        let page = get(&app, uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            page.headers[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        page.has(link).has("<h1>No such ");
    }
    let page = get(&app, "/p/pets/e/FETCH/pets").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.has("<h1>Bad request</h1>");
}

#[tokio::test]
async fn docs_fill_in_this_servers_url_from_a_checked_host() {
    let app = pets();
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
        .has("GET http://specdex.example:9000/v1/providers/pets/summary")
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
    let app = pets();
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
        (fixture("xss.yaml"), "xss"),
        (fixture("pets-1.1.yaml"), "pets"),
    ]);
    let mut uris: Vec<String> = [
        "/",
        "/search?q=item",
        "/search?q=evil+script",
        "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        "/p/xss",
        "/p/xss/s/Nope",
        "/p/xss/e/GET/items",
        "/p/xs",
        "/docs",
    ]
    .map(str::to_owned)
    .to_vec();
    let provider = get(&app, "/p/xss").await;
    html_ok(&provider);
    // The text is shown, escaped, not dropped.
    provider
        .has("<h1>Evil &lt;script&gt;window.__xss=1&lt;/script&gt; API</h1>")
        .has("&lt;script&gt;window.__xss=12&lt;/script&gt;");
    for (_, attributes) in tags(&provider.body) {
        for (key, value) in attributes {
            if key == "href" && value.starts_with("/p/xss/") {
                uris.push(value);
            }
        }
    }
    assert!(
        uris.iter().filter(|u| u.starts_with("/p/xss/e/")).count() >= 3,
        "{uris:?}"
    );
    assert!(
        uris.iter().filter(|u| u.starts_with("/p/xss/s/")).count() >= 2,
        "{uris:?}"
    );
    for uri in &uris {
        let uri = uri.replace("&amp;", "&");
        let page = get(&app, &uri).await;
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
        .find(|u| u.starts_with("/p/xss/e/GET/evil/"))
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

/// The GitHub spec (1,223 endpoints, 969 schemas) renders whole. Skipped
/// when the corpus (`../shared/specs`) is not beside the repository.
#[tokio::test]
async fn github_provider_page_renders_every_endpoint() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/specs/github/api.github.com.json");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let app = app(&[(path, "github")]);
    let page = get(&app, "/p/github").await;
    html_ok(&page);
    assert_eq!(page.count("<details class=\"op\""), 1223);
    assert_eq!(page.count("<a class=\"perma\" href=\"/p/github/e/"), 1223);
    assert_eq!(page.count("<details class=\"schema\""), 969);
    page.has("1223 endpoints · 969 schemas")
        .has("<details class=\"tag\" id=\"tag-repos\">");
    assert_inert("/p/github", &page.body);
    let endpoint = get(&app, "/p/github/e/GET/repos/%7Bowner%7D/%7Brepo%7D").await;
    html_ok(&endpoint);
    endpoint.has("curl &quot;https://api.github.com/repos/{owner}/{repo}&quot;");
}
