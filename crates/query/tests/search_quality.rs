//! Search quality on the real corpus: natural-language tasks, phrased the way
//! a developer asks an agent, must find the endpoint that does the job among
//! the first three results for at least 90 % of them.
//!
//! The tasks come in batches (see [`BATCHES`]): the first was written before
//! the ranking work and the ranking was tuned on it; each later batch was
//! written after a round of changes to check that they generalise, before
//! seeing how it ranks. The test prints the hit rate of each.
//!
//! Needs the corpus at `../shared/specs` (or `SPECDEX_CORPUS`); without it the
//! test says "skipped" and passes. Run it in release to get a meaningful
//! per-query time:
//! `cargo test --release -p specdex-query --test search_quality -- --nocapture`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::{Engine, Scope, SearchHit};
use specdex_store::{Catalog, SqliteCatalog, split_api_id};

/// The documents of the catalog, relative to the corpus, and the provider
/// slug each is expected to get by default.
const DOCUMENTS: &[(&str, &str)] = &[
    ("github/api.github.com.json", "github"),
    ("stripe-2026-01-28/stripe.yaml", "stripe"),
    ("kubernetes/swagger.json.unprocessed", "kubernetes"),
    ("jumpcloud/api/2.0/index.yaml", "jumpcloud"),
    ("twilio/json/twilio_api_v2010.json", "twilio"),
    (
        "digitalocean/specification/DigitalOcean-public.v2.yaml",
        "digitalocean",
    ),
    ("cloudflare/openapi.json", "cloudflare"),
];

/// An endpoint: provider, method, path.
type Key = (&'static str, &'static str, &'static str);

/// A task as a developer would put it to an agent, and the endpoint that does
/// it. A few tasks have two equally right answers (`PUT` or `PATCH` on a
/// scale subresource); either counts.
struct Task {
    ask: &'static str,
    expect: &'static [Key],
}

const fn task(ask: &'static str, expect: &'static [Key]) -> Task {
    Task { ask, expect }
}

/// Tasks held out: written after the last change to the ranking, never
/// tuned on. Their hit rate is printed, not asserted, as an estimate of how
/// the ranking does on questions nobody looked at; keep it that way (add
/// new held-out tasks rather than tuning on these).
const HELD_OUT: &[Task] = &[
    task(
        "list all invoices for a customer",
        &[("stripe", "GET", "/v1/invoices")],
    ),
    task(
        "delete a product",
        &[("stripe", "DELETE", "/v1/products/{id}")],
    ),
    task(
        "capture a payment",
        &[("stripe", "POST", "/v1/payment_intents/{intent}/capture")],
    ),
    task(
        "create a new repository in an organization",
        &[("github", "POST", "/orgs/{org}/repos")],
    ),
    task(
        "who contributed to a repository",
        &[("github", "GET", "/repos/{owner}/{repo}/contributors")],
    ),
    task(
        "get the latest release",
        &[("github", "GET", "/repos/{owner}/{repo}/releases/latest")],
    ),
    task(
        "list all namespaces",
        &[("kubernetes", "GET", "/api/v1/namespaces")],
    ),
    task(
        "update a config map",
        &[
            (
                "kubernetes",
                "PATCH",
                "/api/v1/namespaces/{namespace}/configmaps/{name}",
            ),
            (
                "kubernetes",
                "PUT",
                "/api/v1/namespaces/{namespace}/configmaps/{name}",
            ),
        ],
    ),
    task(
        "get the details of a jumpcloud policy",
        &[("jumpcloud", "GET", "/policies/{id}")],
    ),
    task(
        "delete a user group",
        &[("jumpcloud", "DELETE", "/usergroups/{id}")],
    ),
    task(
        "list the calls made from my account",
        &[(
            "twilio",
            "GET",
            "/2010-04-01/Accounts/{AccountSid}/Calls.json",
        )],
    ),
    task(
        "get a recording",
        &[(
            "twilio",
            "GET",
            "/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json",
        )],
    ),
    task(
        "list all my droplets",
        &[("digitalocean", "GET", "/v2/droplets")],
    ),
    task(
        "delete an ssh key from digitalocean",
        &[(
            "digitalocean",
            "DELETE",
            "/v2/account/keys/{ssh_key_identifier}",
        )],
    ),
    task(
        "power off a droplet",
        &[("digitalocean", "POST", "/v2/droplets/{droplet_id}/actions")],
    ),
    task(
        "delete a dns record",
        &[(
            "cloudflare",
            "DELETE",
            "/zones/{zone_id}/dns_records/{dns_record_id}",
        )],
    ),
    task(
        "list my r2 buckets",
        &[("cloudflare", "GET", "/accounts/{account_id}/r2/buckets")],
    ),
];

/// The batches of [`TASKS`], in order: name and number of tasks.
const BATCHES: &[(&str, usize)] = &[
    ("1 (tuned on)", 38),
    ("2 (fresh, then two general changes)", 15),
    ("3 (fresh, then phrasal verbs and plurals)", 17),
    (
        "4 (fresh, then object/qualifier weights and short halves)",
        13,
    ),
];

const TASKS: &[Task] = &[
    // Stripe
    task(
        "create a payment intent",
        &[("stripe", "POST", "/v1/payment_intents")],
    ),
    task(
        "refund a charge",
        &[
            ("stripe", "POST", "/v1/charges/{charge}/refund"),
            ("stripe", "POST", "/v1/refunds"),
        ],
    ),
    task(
        "cancel a customer's subscription",
        &[(
            "stripe",
            "DELETE",
            "/v1/subscriptions/{subscription_exposed_id}",
        )],
    ),
    task(
        "look up a stripe customer by id",
        &[("stripe", "GET", "/v1/customers/{customer}")],
    ),
    task(
        "start a checkout session",
        &[("stripe", "POST", "/v1/checkout/sessions")],
    ),
    task(
        "register a webhook endpoint with stripe",
        &[("stripe", "POST", "/v1/webhook_endpoints")],
    ),
    // GitHub
    task(
        "open a pull request",
        &[("github", "POST", "/repos/{owner}/{repo}/pulls")],
    ),
    task(
        "star a repository",
        &[("github", "PUT", "/user/starred/{owner}/{repo}")],
    ),
    task(
        "merge a pull request",
        &[(
            "github",
            "PUT",
            "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
        )],
    ),
    task(
        "comment on an issue",
        &[(
            "github",
            "POST",
            "/repos/{owner}/{repo}/issues/{issue_number}/comments",
        )],
    ),
    task(
        "fork a repo",
        &[("github", "POST", "/repos/{owner}/{repo}/forks")],
    ),
    task(
        "trigger a workflow manually",
        &[(
            "github",
            "POST",
            "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
        )],
    ),
    task(
        "search code on github",
        &[("github", "GET", "/search/code")],
    ),
    // Kubernetes
    task(
        "list pods in a namespace",
        &[("kubernetes", "GET", "/api/v1/namespaces/{namespace}/pods")],
    ),
    task(
        "scale a deployment",
        &[
            (
                "kubernetes",
                "PATCH",
                "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
            ),
            (
                "kubernetes",
                "PUT",
                "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
            ),
        ],
    ),
    task(
        "read the logs of a pod",
        &[(
            "kubernetes",
            "GET",
            "/api/v1/namespaces/{namespace}/pods/{name}/log",
        )],
    ),
    task(
        "create a kubernetes secret",
        &[(
            "kubernetes",
            "POST",
            "/api/v1/namespaces/{namespace}/secrets",
        )],
    ),
    task(
        "delete a namespace",
        &[("kubernetes", "DELETE", "/api/v1/namespaces/{name}")],
    ),
    // JumpCloud
    task(
        "delete an active directory instance",
        &[("jumpcloud", "DELETE", "/activedirectories/{id}")],
    ),
    task(
        "add users to a user group",
        &[("jumpcloud", "POST", "/usergroups/{group_id}/members")],
    ),
    task(
        "list all system groups",
        &[("jumpcloud", "GET", "/systemgroups")],
    ),
    task(
        "create a new jumpcloud policy",
        &[("jumpcloud", "POST", "/policies")],
    ),
    task(
        "remove a software app",
        &[("jumpcloud", "DELETE", "/softwareapps/{id}")],
    ),
    // Twilio
    task(
        "send an SMS",
        &[(
            "twilio",
            "POST",
            "/2010-04-01/Accounts/{AccountSid}/Messages.json",
        )],
    ),
    task(
        "place an outbound phone call",
        &[(
            "twilio",
            "POST",
            "/2010-04-01/Accounts/{AccountSid}/Calls.json",
        )],
    ),
    task(
        "buy a phone number",
        &[(
            "twilio",
            "POST",
            "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
        )],
    ),
    task(
        "fetch a message by its sid",
        &[(
            "twilio",
            "GET",
            "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json",
        )],
    ),
    // DigitalOcean
    task(
        "create a droplet",
        &[("digitalocean", "POST", "/v2/droplets")],
    ),
    task(
        "reboot a droplet",
        &[("digitalocean", "POST", "/v2/droplets/{droplet_id}/actions")],
    ),
    task(
        "add a record to a digitalocean domain",
        &[("digitalocean", "POST", "/v2/domains/{domain_name}/records")],
    ),
    task(
        "spin up a kubernetes cluster on digitalocean",
        &[("digitalocean", "POST", "/v2/kubernetes/clusters")],
    ),
    task(
        "what droplet sizes are available",
        &[("digitalocean", "GET", "/v2/sizes")],
    ),
    task(
        "attach a block storage volume to a droplet",
        &[
            ("digitalocean", "POST", "/v2/volumes/{volume_id}/actions"),
            ("digitalocean", "POST", "/v2/volumes/actions"),
        ],
    ),
    // Cloudflare
    task(
        "purge cache for a zone",
        &[("cloudflare", "POST", "/zones/{zone_id}/purge_cache")],
    ),
    task(
        "create a DNS record in cloudflare",
        &[("cloudflare", "POST", "/zones/{zone_id}/dns_records")],
    ),
    task(
        "delete a worker script",
        &[(
            "cloudflare",
            "DELETE",
            "/accounts/{account_id}/workers/scripts/{script_name}",
        )],
    ),
    task(
        "list my cloudflare zones",
        &[("cloudflare", "GET", "/zones")],
    ),
    task(
        "make an R2 bucket",
        &[("cloudflare", "POST", "/accounts/{account_id}/r2/buckets")],
    ),
    // Batch 2: written after the ranking was tuned on batch 1, to check the
    // tuning is general (10/15 at first). Two general changes followed
    // ("who" asks for users or members; state changes may be a PATCH).
    task(
        "void an invoice",
        &[("stripe", "POST", "/v1/invoices/{invoice}/void")],
    ),
    task(
        "create a price for a product",
        &[("stripe", "POST", "/v1/prices")],
    ),
    task(
        "close an issue",
        &[(
            "github",
            "PATCH",
            "/repos/{owner}/{repo}/issues/{issue_number}",
        )],
    ),
    task(
        "list the releases of a repo",
        &[("github", "GET", "/repos/{owner}/{repo}/releases")],
    ),
    task(
        "delete a branch",
        &[("github", "DELETE", "/repos/{owner}/{repo}/git/refs/{ref}")],
    ),
    task(
        "get a config map",
        &[(
            "kubernetes",
            "GET",
            "/api/v1/namespaces/{namespace}/configmaps/{name}",
        )],
    ),
    task(
        "list the nodes in the cluster",
        &[("kubernetes", "GET", "/api/v1/nodes")],
    ),
    task(
        "schedule a cron job",
        &[(
            "kubernetes",
            "POST",
            "/apis/batch/v1/namespaces/{namespace}/cronjobs",
        )],
    ),
    task(
        "who is in this system group",
        &[("jumpcloud", "GET", "/systemgroups/{group_id}/members")],
    ),
    task(
        "hang up a call",
        &[(
            "twilio",
            "POST",
            "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
        )],
    ),
    task(
        "list call recordings",
        &[
            (
                "twilio",
                "GET",
                "/2010-04-01/Accounts/{AccountSid}/Recordings.json",
            ),
            (
                "twilio",
                "GET",
                "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json",
            ),
        ],
    ),
    task(
        "destroy a droplet",
        &[("digitalocean", "DELETE", "/v2/droplets/{droplet_id}")],
    ),
    task(
        "list ssh keys on my digitalocean account",
        &[("digitalocean", "GET", "/v2/account/keys")],
    ),
    task(
        "block an ip address on a cloudflare zone",
        &[(
            "cloudflare",
            "POST",
            "/zones/{zone_id}/firewall/access_rules/rules",
        )],
    ),
    task(
        "list page rules",
        &[("cloudflare", "GET", "/zones/{zone_id}/pagerules")],
    ),
    // Batch 3: written after that (13/17 at first). Phrasal verbs ("set
    // up") and plural objects ("show my load balancers") followed.
    task(
        "show all charges for a customer",
        &[("stripe", "GET", "/v1/charges")],
    ),
    task(
        "how much money is in my stripe balance",
        &[("stripe", "GET", "/v1/balance")],
    ),
    task(
        "make a discount coupon",
        &[("stripe", "POST", "/v1/coupons")],
    ),
    task(
        "save a card to a customer",
        &[
            (
                "stripe",
                "POST",
                "/v1/payment_methods/{payment_method}/attach",
            ),
            // Added on review: "Create a card" on a customer, not
            // deprecated, saves a card to a customer too.
            ("stripe", "POST", "/v1/customers/{customer}/cards"),
        ],
    ),
    task(
        "label an issue",
        &[
            (
                "github",
                "POST",
                "/repos/{owner}/{repo}/issues/{issue_number}/labels",
            ),
            (
                "github",
                "PUT",
                "/repos/{owner}/{repo}/issues/{issue_number}/labels",
            ),
        ],
    ),
    task(
        "read a file from a repository",
        &[("github", "GET", "/repos/{owner}/{repo}/contents/{path}")],
    ),
    task(
        "create a deployment in a namespace",
        &[(
            "kubernetes",
            "POST",
            "/apis/apps/v1/namespaces/{namespace}/deployments",
        )],
    ),
    task(
        "kill a pod",
        &[(
            "kubernetes",
            "DELETE",
            "/api/v1/namespaces/{namespace}/pods/{name}",
        )],
    ),
    task(
        "change a service's configuration",
        &[
            (
                "kubernetes",
                "PATCH",
                "/api/v1/namespaces/{namespace}/services/{name}",
            ),
            (
                "kubernetes",
                "PUT",
                "/api/v1/namespaces/{namespace}/services/{name}",
            ),
        ],
    ),
    task(
        "which users are bound to an ldap server",
        &[("jumpcloud", "GET", "/ldapservers/{ldapserver_id}/users")],
    ),
    task(
        "make a new group of systems",
        &[("jumpcloud", "POST", "/systemgroups")],
    ),
    task(
        "which phone numbers do I own on twilio",
        &[(
            "twilio",
            "GET",
            "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
        )],
    ),
    task(
        "delete a call recording",
        &[
            (
                "twilio",
                "DELETE",
                "/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json",
            ),
            (
                "twilio",
                "DELETE",
                "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json",
            ),
        ],
    ),
    task(
        "snapshot a volume",
        &[("digitalocean", "POST", "/v2/volumes/{volume_id}/snapshots")],
    ),
    task(
        "show my digitalocean load balancers",
        &[("digitalocean", "GET", "/v2/load_balancers")],
    ),
    task(
        "list all dns records of a zone",
        &[("cloudflare", "GET", "/zones/{zone_id}/dns_records")],
    ),
    task(
        "set up a cloudflare tunnel",
        &[("cloudflare", "POST", "/accounts/{account_id}/cfd_tunnel")],
    ),
    // Batch 4: written after that (9/13 at first). Lower weights for
    // words qualifying the object ("on a branch") and two-letter halves of
    // glued path words ("iplists") followed.
    task(
        "issue a credit note",
        &[("stripe", "POST", "/v1/credit_notes")],
    ),
    task(
        "get the details of a payout",
        &[("stripe", "GET", "/v1/payouts/{payout}")],
    ),
    task(
        "list the commits on a branch",
        &[("github", "GET", "/repos/{owner}/{repo}/commits")],
    ),
    task(
        "unfollow a user",
        &[("github", "DELETE", "/user/following/{username}")],
    ),
    task(
        "list persistent volume claims in a namespace",
        &[(
            "kubernetes",
            "GET",
            "/api/v1/namespaces/{namespace}/persistentvolumeclaims",
        )],
    ),
    task(
        "evict a pod",
        &[(
            "kubernetes",
            "POST",
            "/api/v1/namespaces/{namespace}/pods/{name}/eviction",
        )],
    ),
    task(
        "delete an ip list",
        &[("jumpcloud", "DELETE", "/iplists/{id}")],
    ),
    task(
        "list my twilio conferences",
        &[(
            "twilio",
            "GET",
            "/2010-04-01/Accounts/{AccountSid}/Conferences.json",
        )],
    ),
    task(
        "create a call queue",
        &[(
            "twilio",
            "POST",
            "/2010-04-01/Accounts/{AccountSid}/Queues.json",
        )],
    ),
    task(
        "rename a droplet",
        &[("digitalocean", "POST", "/v2/droplets/{droplet_id}/actions")],
    ),
    task(
        "create a private network on digitalocean",
        &[("digitalocean", "POST", "/v2/vpcs")],
    ),
    task(
        "list workers kv namespaces",
        &[(
            "cloudflare",
            "GET",
            "/accounts/{account_id}/storage/kv/namespaces",
        )],
    ),
    task(
        "change a zone setting",
        &[(
            "cloudflare",
            "PATCH",
            "/zones/{zone_id}/settings/{setting_id}",
        )],
    ),
];

struct Fixture {
    engine: Engine,
    endpoints: Vec<(String, String, String)>,
    _dir: tempfile::TempDir,
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.is_dir().then_some(dir)
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let Some(corpus) = corpus() else {
                eprintln!("skipped: corpus not found (set SPECDEX_CORPUS)");
                return None;
            };
            if let Some((missing, _)) = DOCUMENTS.iter().find(|(f, _)| !corpus.join(f).is_file()) {
                eprintln!("skipped: {missing} not in the corpus");
                return None;
            }
            let dir = tempfile::tempdir().expect("tempdir");
            let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
            let options = IngestOptions::default();
            for (file, slug) in DOCUMENTS {
                let path = corpus.join(file);
                // Multi-file documents resolve references inside their own
                // directory, which is the default root.
                let result = ingest_file(&catalog, &path, None, &options);
                let ingested = result.outcome.unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(ingested.provider, *slug, "{file}");
                assert!(ingested.api.starts_with(&format!("{slug}/")), "{file}");
                eprintln!(
                    "ingested {file}: {} endpoints as {}",
                    ingested.endpoints, ingested.api
                );
            }
            let (_, rows) = catalog.search_rows().expect("search rows");
            let endpoints = rows
                .iter()
                .map(|r| {
                    (
                        provider_of(&r.api).to_owned(),
                        r.endpoint.method.clone(),
                        r.endpoint.path.clone(),
                    )
                })
                .collect();
            if let Some(out) = std::env::var_os("SPECDEX_SEARCH_DUMP") {
                let mut text = String::new();
                for r in &rows {
                    let e = &r.endpoint;
                    text.push_str(&format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                        r.api,
                        e.method,
                        e.path,
                        e.operation_id.as_deref().unwrap_or(""),
                        e.summary.as_deref().unwrap_or(""),
                        e.tags.join(","),
                        e.deprecated
                    ));
                }
                std::fs::write(out, text).expect("dump");
            }
            let engine = Engine::new(Arc::new(catalog)).expect("engine");
            Some(Fixture {
                engine,
                endpoints,
                _dir: dir,
            })
        })
        .as_ref()
}

fn endpoint_key(hit: &SearchHit) -> Option<(&str, &str, &str)> {
    match hit {
        SearchHit::Endpoint {
            provider,
            method,
            path,
            ..
        } => Some((provider, method, path)),
        SearchHit::Api { .. } => None,
    }
}

/// The provider part of an API id.
fn provider_of(api: &str) -> &str {
    split_api_id(api).map_or(api, |(provider, _)| provider)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
fn tasks_find_their_endpoint_in_the_top_three() {
    let Some(f) = fixture() else { return };

    assert_eq!(
        BATCHES.iter().map(|(_, n)| n).sum::<usize>(),
        TASKS.len(),
        "BATCHES must cover TASKS"
    );
    // Every expectation names an endpoint that exists, and every provider
    // has tasks.
    for t in TASKS.iter().chain(HELD_OUT) {
        for (provider, method, path) in t.expect {
            assert!(
                f.endpoints
                    .iter()
                    .any(|(p, m, e)| p == provider && m == method && e == path),
                "{:?}: {provider} {method} {path} is not in the catalog",
                t.ask
            );
        }
    }
    for (_, slug) in DOCUMENTS {
        assert!(
            TASKS.iter().any(|t| t.expect[0].0 == *slug),
            "no task for {slug}"
        );
    }

    let mut table = String::new();
    let hit = rank_tasks(&f.engine, TASKS, &mut table);
    let hits = hit.iter().filter(|h| **h).count();
    let rate = hits as f64 / TASKS.len() as f64;
    eprintln!("{table}");
    let mut start = 0;
    for (name, n) in BATCHES {
        let batch = hit[start..start + n].iter().filter(|h| **h).count();
        eprintln!("batch {name}: {batch}/{n}");
        start += n;
    }
    let mut held_out_table = String::new();
    let held_out = rank_tasks(&f.engine, HELD_OUT, &mut held_out_table);
    eprintln!("held out (not asserted):\n{held_out_table}");
    eprintln!(
        "held-out hit rate: {}/{}",
        held_out.iter().filter(|h| **h).count(),
        HELD_OUT.len()
    );
    eprintln!(
        "top-3 hit rate: {hits}/{} = {:.1} %",
        TASKS.len(),
        rate * 100.0
    );

    // Per-query time, median of 100 queries cycling through the tasks,
    // through the engine (what a server answers with).
    let mut engine_times = Vec::with_capacity(100);
    for i in 0..100 {
        let ask = TASKS[i % TASKS.len()].ask;
        let started = Instant::now();
        let results = f.engine.search(ask, Some(Scope::Endpoints), Some(3));
        engine_times.push(started.elapsed());
        assert!(results.is_ok());
    }
    eprintln!(
        "median per query over {} endpoints: {:?}",
        f.endpoints.len(),
        median(engine_times)
    );

    assert!(TASKS.len() >= 30, "only {} tasks", TASKS.len());
    assert!(
        rate >= 0.9,
        "top-3 hit rate {:.1} % is under 90 %",
        rate * 100.0
    );
}

/// Searches each task's question, appends its rank ("miss" with where it
/// did land) and the first three results to `table`, and says which tasks
/// found their endpoint in the first three.
fn rank_tasks(engine: &Engine, tasks: &[Task], table: &mut String) -> Vec<bool> {
    let rank_in = |t: &Task, results: &[SearchHit]| {
        results
            .iter()
            .position(|hit| endpoint_key(hit).is_some_and(|k| t.expect.contains(&k)))
    };
    let mut hit = Vec::with_capacity(tasks.len());
    for t in tasks {
        let results = engine
            .search(t.ask, Some(Scope::Endpoints), Some(3))
            .expect("search")
            .results;
        let shown = match rank_in(t, &results) {
            Some(rank) => {
                hit.push(true);
                format!("{}", rank + 1)
            }
            None => {
                hit.push(false);
                // Where it did land, for diagnosis.
                let deeper = engine
                    .search(t.ask, Some(Scope::Endpoints), Some(100))
                    .expect("search")
                    .results;
                match rank_in(t, &deeper) {
                    Some(rank) => {
                        let score = match &deeper[rank] {
                            SearchHit::Endpoint { score, .. } => *score,
                            SearchHit::Api { score, .. } => *score,
                        };
                        format!("miss ({}, {score})", rank + 1)
                    }
                    None => "miss (>100)".to_owned(),
                }
            }
        };
        let (provider, method, path) = t.expect[0];
        table.push_str(&format!(
            "{shown:<19} {:?} → {provider} {method} {path}\n",
            t.ask
        ));
        for (i, hit) in results.iter().enumerate() {
            if let SearchHit::Endpoint {
                provider,
                method,
                path,
                score,
                ..
            } = hit
            {
                table.push_str(&format!(
                    "{:20}{}. {provider} {method} {path} ({score})\n",
                    "",
                    i + 1
                ));
            }
        }
    }
    hit
}
