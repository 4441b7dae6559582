// The web pages in a real browser: Debian's headless Chromium driven by
// playwright-core. Run by scripts/test-browser, which starts the server:
//
//   BASE_URL=http://127.0.0.1:PORT OUT_DIR=target/peers/browser \
//   NODE_PATH=target/peers/browser/node_modules node crates/web/tests/browser/browse.cjs
//
// 1. loads `/`; 2. searches from its box; 3. opens the hit's API and
// filters its endpoints (and checks that its provider's page, /p/pets, is the
// same API page: pets has one API); 4. follows an endpoint permalink and
// checks its content, then follows the history's changes link to the
// changes page and filters it by level; 5. opens a provider with two APIs
// (acme) and one of them; 6. checks the permalinks from before providers had
// several APIs: for pets they redirect to the API's, for acme they answer 404
// linking its APIs.
// On every page: the scripts a hostile spec injected (each would set
// window.__xss) never ran, no dialog opened, no Content-Security-Policy
// violation was reported, and only the server's own script is in the DOM.
// Saves screenshots to OUT_DIR. With GITHUB=1 also measures the 1,223-endpoint
// GitHub page (see `github` below).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const base = process.env.BASE_URL;
const outDir = process.env.OUT_DIR || ".";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!base) {
  console.error("BASE_URL is not set");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}`);
  }
}

async function inert(page, where) {
  const state = await page.evaluate(() => ({
    xss: window.__xss,
    scripts: Array.from(document.scripts).map((s) => s.getAttribute("src")),
    handlers: Array.from(document.querySelectorAll("*")).filter((el) =>
      Array.from(el.attributes).some((a) => a.name.toLowerCase().startsWith("on"))
    ).length,
    jsLinks: Array.from(document.querySelectorAll("[href],[src],[action]")).filter((el) =>
      /^\s*javascript:/i.test(el.getAttribute("href") || el.getAttribute("src") || el.getAttribute("action") || "")
    ).length,
    media: document.querySelectorAll("img, iframe, object, embed, svg").length,
  }));
  check(state.xss === undefined, `${where}: injected script never ran (window.__xss is ${state.xss})`);
  check(
    state.scripts.length === 1 && state.scripts[0] === "/static/app.js",
    `${where}: only /static/app.js is a script (${JSON.stringify(state.scripts)})`
  );
  check(state.handlers === 0, `${where}: no element has an on* attribute (${state.handlers})`);
  check(state.jsLinks === 0, `${where}: no javascript: URL (${state.jsLinks})`);
  check(state.media === 0, `${where}: no img/iframe/object/embed/svg (${state.media})`);
}

// Navigation timing of the page on show: time to first byte (request sent
// to first response byte), DOMContentLoaded and load (from the start of the
// navigation), and the HTML's size as sent (decoded) and on the wire.
async function timing(page) {
  await page.waitForFunction(() => {
    const entry = performance.getEntriesByType("navigation")[0];
    return entry && entry.loadEventEnd > 0;
  });
  return page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return {
      firstByte: n.responseStart - n.requestStart,
      ready: n.domContentLoadedEventEnd - n.startTime,
      load: n.loadEventEnd - n.startTime,
      bytes: n.decodedBodySize,
      wire: n.encodedBodySize,
    };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Issue 14's light pages: GitHub's API page (1,223 endpoints, 969 schemas)
// is at most 1 MiB of HTML, its first byte comes within 100 ms and it is
// usable (DOMContentLoaded) within 300 ms — the median of five loads, the
// first of which renders it cold. Its tag sections come in when opened; the
// filter still covers every endpoint; a permalink to an endpoint of a
// section not loaded yet loads it and shows the endpoint; a tag's page reads
// without JavaScript.
async function github(page) {
  const LIMIT_BYTES = 1 << 20;
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const response = await page.goto(`${base}/p/github`, { waitUntil: "load" });
    check(response.status() === 200, `/p/github answers 200 (load ${i + 1})`);
    runs.push(await timing(page));
  }
  for (const [i, t] of runs.entries()) {
    console.log(
      `     github page, load ${i + 1}${i === 0 ? " (cold)" : ""}: ${(t.bytes / 1024).toFixed(0)} KB ` +
        `(${(t.wire / 1024).toFixed(0)} KB gzip), first byte ${t.firstByte.toFixed(0)} ms, ` +
        `DOMContentLoaded ${t.ready.toFixed(0)} ms, load ${t.load.toFixed(0)} ms`
    );
  }
  const bytes = runs[0].bytes;
  const firstByte = median(runs.map((t) => t.firstByte));
  const ready = median(runs.map((t) => t.ready));
  const load = median(runs.map((t) => t.load));
  console.log(
    `     github page: ${(bytes / 1024).toFixed(0)} KB, first byte ${firstByte.toFixed(0)} ms, ` +
      `DOMContentLoaded ${ready.toFixed(0)} ms, load ${load.toFixed(0)} ms (medians of 5)`
  );
  check(bytes > 0 && bytes <= LIMIT_BYTES, `/p/github is at most 1 MiB of HTML (${bytes} bytes)`);
  check(firstByte <= 100, `/p/github's first byte within 100 ms (${firstByte.toFixed(1)} ms)`);
  check(ready <= 300, `/p/github is usable within 300 ms (DOMContentLoaded ${ready.toFixed(1)} ms)`);

  // Every endpoint is on the page, one line each; no section is loaded.
  const lines = await page.locator("#endpoints li.op[data-k]").count();
  check(lines === 1223, `/p/github lists its 1223 endpoints (${lines})`);
  check((await page.locator("details.op").count()) === 0, "/p/github loads no section before it is opened");
  const schemaLines = await page.locator("#schemas li.schema[data-k]").count();
  check(schemaLines === 969, `/p/github lists its 969 schemas (${schemaLines})`);
  await inert(page, "/p/github");

  // The filter covers every endpoint, loaded or not, and loads nothing.
  const typed = Date.now();
  await page.locator("#filter").fill("gist");
  await page.waitForFunction(() => document.getElementById("filter-count").textContent !== "");
  const matches = await page.locator("#filter-count").innerText();
  const shownLines = await page.locator("#endpoints li.op:not([hidden])").count();
  const shownGroups = await page.locator("details.tag:not([hidden])").count();
  check(
    /^\d+ of 2192 match/.test(matches) && shownLines > 1 && shownGroups >= 1,
    `the filter "gist" answers in ${Date.now() - typed} ms over sections not loaded (${matches}; ${shownLines} endpoints in ${shownGroups} tags)`
  );
  const gistLine = page.locator("#endpoints li.op:not([hidden]) a").first();
  check(/\/e\/[A-Z]+\//.test((await gistLine.getAttribute("href")) || ""), "a matching endpoint links its permalink");
  check((await page.locator("details.op").count()) === 0, "filtering loads no section");
  await page.screenshot({ path: path.join(outDir, "screenshot-github-filter.png") });

  // Opening a tag's section fetches it and puts its endpoints in full in
  // place of the lines.
  await page.goto(`${base}/p/github`, { waitUntil: "load" });
  const gists = page.locator("#tag-gists");
  const expected = Number(await gists.locator("summary .count").innerText());
  const [part] = await Promise.all([
    page.waitForResponse((r) => /\/t\/gists\?fragment=1$/.test(r.url())),
    gists.locator("summary").click(),
  ]);
  check(part.status() === 200, `opening gists fetches its section (${part.url()})`);
  await page.waitForFunction(() => document.querySelectorAll("#tag-gists details.op").length > 0);
  const full = await gists.locator("details.op").count();
  check(full === expected && expected > 0, `the gists section has its ${expected} endpoints in full (${full})`);
  check((await gists.locator("li.op").count()) === 0, "... in place of their lines");
  check((await gists.locator("details.op pre.curl").count()) === expected, "... each with its curl example");
  check((await gists.locator("pre.curl button.copy").count()) === expected, "... and a copy button");
  await inert(page, "/p/github with gists loaded");

  // A permalink to an endpoint of a section not loaded yet.
  const anchor = "e-GET-/repos/{owner}/{repo}";
  await page.goto(`${base}/p/github#${encodeURI(anchor)}`, { waitUntil: "load" });
  await page.waitForFunction((id) => {
    const el = document.getElementById(id);
    return el && el.tagName === "DETAILS" && el.open;
  }, anchor);
  const revealed = await page.evaluate((id) => {
    const el = document.getElementById(id);
    const box = el.getBoundingClientRect();
    return { group: el.closest("details.tag").id, open: el.closest("details.tag").open, top: box.top };
  }, anchor);
  check(
    revealed.group === "tag-repos" && revealed.open && revealed.top > -2 && revealed.top < 900,
    `a permalink into an unloaded section loads it and shows the endpoint (${JSON.stringify(revealed)})`
  );
  await page.screenshot({ path: path.join(outDir, "screenshot-github.png") });

  // A tag's page reads without JavaScript.
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const bare = await plain.newPage();
    await bare.goto(`${base}/p/github`);
    check((await bare.locator("#filter").isVisible()) === false, "without JavaScript the filter is hidden");
    const tagHref = await bare.locator("#tag-gists a.tagpage").getAttribute("href");
    check(/\/t\/gists$/.test(tagHref || ""), `the gists section links its tag page (${tagHref})`);
    await bare.locator("#tag-gists summary").click();
    await Promise.all([bare.waitForURL((url) => url.pathname.endsWith("/t/gists")), bare.locator("#tag-gists a.tagpage").click()]);
    const heading = await bare.locator("h1").innerText();
    check(heading.startsWith("gists"), `the tag page's heading (${heading})`);
    const ops = await bare.locator("details.op").count();
    check(ops === expected, `the tag page has its ${expected} endpoints in full without JavaScript (${ops})`);
    await bare.locator("details.op summary").first().click();
    check(await bare.locator("details.op pre.curl").first().isVisible(), "an endpoint opens without JavaScript");
    check(
      (await bare.locator("nav.crumbs a").last().getAttribute("href")).startsWith("/p/github/"),
      "the tag page's crumbs lead back to the API page"
    );
    const neighbours = await bare.locator("a[rel=prev], a[rel=next]").count();
    const toc = await bare.locator("nav.toc a").count();
    check(neighbours === 2 && toc > 10, `the tag page links its neighbours (${neighbours}) and the other tags (${toc})`);
    await bare.screenshot({ path: path.join(outDir, "screenshot-github-tag.png") });
    await plain.close();
  } finally {
    await browser.close();
  }
}

async function main() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "specdex-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const problems = [];
  let expecting404 = false;
  const page = context.pages()[0] || (await context.newPage());
  page.on("dialog", async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const expected = expecting404 && /status of 404/.test(message.text());
    if (!expected && (message.type() === "error" || /Content Security Policy/i.test(message.text()))) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });

  try {
    // 1. The front page: a search box, the providers and their APIs
    // (pets, xss and github one each, acme two).
    let response = await page.goto(`${base}/`);
    check(response.status() === 200, "/ answers 200");
    check((await page.title()).includes("specdex"), "/ has a title");
    const rows = await page.locator("table.apis tbody tr").count();
    const expected = process.env.GITHUB === "1" ? 5 : 4;
    check(rows === expected, `/ lists ${expected} APIs (${rows})`);
    check(
      (await page.locator("table.apis a[href='/p/acme']").count()) === 1,
      "/ shows acme once, over its two APIs"
    );
    check(
      (await page.locator("table.apis").innerText()).includes("Evil <script>window.__xss=1</script> API"),
      "/ shows the hostile title as text"
    );
    await inert(page, "/");

    // 2. Search from the box.
    await page.locator("form.bigsearch input[name=q]").fill("delete a pet");
    await Promise.all([page.waitForURL(/\/search\?/), page.locator("form.bigsearch input[name=q]").press("Enter")]);
    check(new URL(page.url()).searchParams.get("q") === "delete a pet", `search went to ${page.url()}`);
    const hit = page.locator("ol.hits li.endpoint a", { hasText: "/pets/{petId}" }).first();
    check((await hit.count()) === 1, "the search finds /pets/{petId}");
    check(
      (await page.locator("ol.hits li.endpoint").first().innerText()).includes("DELETE"),
      "the best hit is DELETE /pets/{petId}"
    );
    await inert(page, "/search");

    // 3. Open the API (from the hit's API link), filter it.
    await Promise.all([
      page.waitForURL(/\/p\/pets\/[^/?#]+$/),
      page.locator("ol.hits li.endpoint a.prov").first().click(),
    ]);
    // The API's page: /p/pets/{api}.
    const apiPath = new URL(page.url()).pathname;
    const api = apiPath.slice("/p/".length);
    check(/^pets\/[a-z0-9._-]+$/.test(api), `the hit's API is ${api}`);
    check((await page.locator("h1").innerText()) === "Pet Store", "the API page's heading");
    check((await page.locator("p.facts code.api").innerText()) === api, "the API page names the API");
    const history = await page.locator("table.history tbody tr").count();
    check(history === 2, `the history table has 2 rows (${history})`);
    const ops = await page.locator("details.op").count();
    check(ops === 6, `6 endpoints on the page (${ops})`);
    await page.locator("#filter").fill("delete");
    await page.waitForFunction(() => document.getElementById("filter-count").textContent !== "");
    const visible = await page.locator("details.op:not([hidden])").count();
    check(visible === 1, `the filter leaves 1 endpoint (${visible})`);
    check(
      (await page.locator("#filter-count").innerText()).startsWith("1 of 11"),
      `the filter counts matches (${await page.locator("#filter-count").innerText()})`
    );
    await inert(page, apiPath);
    await page.screenshot({ path: path.join(outDir, "screenshot-api.png"), fullPage: false });

    // 4. Follow the endpoint's permalink.
    const op = page.locator("details.op:not([hidden])").first();
    const permalink = `${apiPath}/e/DELETE/pets/%7BpetId%7D`;
    await Promise.all([page.waitForURL((url) => url.pathname.startsWith(`${apiPath}/e/DELETE/`)), op.locator("a.perma").click()]);
    check(new URL(page.url()).pathname === permalink, `the permalink is ${new URL(page.url()).pathname}`);
    const heading = (await page.locator("article h1").innerText()).replace(/\s+/g, " ");
    check(heading.includes("DELETE") && heading.includes("/pets/{petId}"), `the endpoint page's heading (${heading})`);
    check(
      (await page.locator("pre.curl").innerText()).includes('curl -X DELETE "https://pets.example.com/v1/pets/{petId}"'),
      "the endpoint page has its curl example"
    );
    check(
      (await page.locator("table.params").innerText()).includes("petId"),
      "the endpoint page has its parameter table"
    );
    check((await page.locator("div.md strong").innerText()) === "for good", "its description is rendered markdown");
    check((await page.locator("pre.curl button.copy").count()) === 1, "the curl example has a copy button");
    await inert(page, "endpoint permalink");
    await page.screenshot({ path: path.join(outDir, "screenshot.png"), fullPage: true });

    // ... and back to its place on the API page, opened there.
    await Promise.all([
      page.waitForURL((url) => url.pathname === apiPath && url.hash !== ""),
      page.locator("a", { hasText: "On the API page" }).click(),
    ]);
    await page.waitForFunction(() => {
      const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      return el && el.open;
    });
    check(true, "the API page opens the endpoint a permalink points at");

    // 4b. The history's changes: the newest edition's counts link the
    // changes page, whose form filters by level.
    const rowsOfHistory = page.locator("table.history tbody tr");
    const counts = rowsOfHistory.first().locator("td.changes a");
    check((await counts.count()) === 1, "the newest edition's history row links its changes");
    check((await rowsOfHistory.last().locator("td.changes").innerText()) === "first", "the oldest edition's row says first");
    check((await page.locator("#changelog").count()) === 1, "the API page says what changed in its edition");
    await Promise.all([page.waitForURL((url) => url.pathname === `${apiPath}/changes`), counts.click()]);
    const changesHeading = await page.locator("h1").innerText();
    check(changesHeading === "Changes from 1.0.0 to 1.1.0", `the changes page's heading (${changesHeading})`);
    check(
      (await page.locator("code.rule", { hasText: "endpoint-added" }).count()) > 0,
      "the changes page lists endpoint-added"
    );
    await inert(page, "changes page");
    await page.locator("select[name=level]").selectOption("breaking");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("level") === "breaking"),
      page.locator("form.picker button").click(),
    ]);
    check((await page.locator(".lvl-info, .lvl-warning").count()) === 0, "the level filter leaves breaking changes only");
    await inert(page, "changes page, breaking only");
    await page.screenshot({ path: path.join(outDir, "screenshot-changes.png"), fullPage: true });

    // pets has one API: its provider page is that API's page, as before.
    response = await page.goto(`${base}/p/pets`);
    check(response.status() === 200, "/p/pets answers 200");
    check((await page.locator("h1").innerText()) === "Pet Store", "/p/pets shows its API's page");
    check((await page.locator("p.facts code.api").innerText()) === api, `/p/pets names its API (${api})`);
    check((await page.locator("details.op").count()) === 6, "/p/pets has the API's 6 endpoints");
    await inert(page, "/p/pets");

    // 5. A provider with two APIs lists them; each has its own page.
    response = await page.goto(`${base}/p/acme`);
    check(response.status() === 200, "/p/acme answers 200");
    const acmeApis = await page.$$eval("table.apis tbody tr td:first-child a", (as) => as.map((a) => a.getAttribute("href")));
    check(
      JSON.stringify(acmeApis) === JSON.stringify(["/p/acme/evil", "/p/acme/weather"]),
      `/p/acme links its two APIs (${JSON.stringify(acmeApis)})`
    );
    check((await page.locator("details.op").count()) === 0, "/p/acme is a list, not an API page");
    await inert(page, "/p/acme");
    await page.screenshot({ path: path.join(outDir, "screenshot-provider.png"), fullPage: true });
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/p/acme/weather"),
      page.locator("table.apis a[href='/p/acme/weather']").first().click(),
    ]);
    check((await page.locator("h1").innerText()) === "Weather Service", "/p/acme/weather's heading");
    check((await page.locator("table.history tbody tr").count()) === 1, "/p/acme/weather has its own history");
    check((await page.locator("details.op").count()) === 2, "/p/acme/weather has its 2 endpoints");
    await inert(page, "/p/acme/weather");

    // 6. Permalinks from before APIs: pets's lead to its API's ...
    response = await page.goto(`${base}/p/pets/e/DELETE/pets/%7BpetId%7D`);
    check(response.status() === 200, "an old pets permalink answers (redirected)");
    check(new URL(page.url()).pathname === permalink, `... at ${new URL(page.url()).pathname}`);
    check((await page.locator("p.lead").innerText()) === "Delete a pet", "... with the endpoint");
    // ... and acme's cannot tell which API they mean.
    expecting404 = true;
    response = await page.goto(`${base}/p/acme/e/GET/forecasts`);
    expecting404 = false;
    check(response.status() === 404, "an old acme permalink answers 404");
    const choices = await page.$$eval("ul.suggestions a", (as) => as.map((a) => a.getAttribute("href")));
    check(
      JSON.stringify(choices) === JSON.stringify(["/p/acme/evil", "/p/acme/weather"]),
      `... linking acme's APIs (${JSON.stringify(choices)})`
    );
    await inert(page, "old acme permalink");

    // The hostile spec's pages, one by one (xss has one API).
    response = await page.goto(`${base}/p/xss`);
    check(response.status() === 200, "/p/xss answers 200");
    await inert(page, "/p/xss");
    const links = await page.$$eval("a.perma", (as) => as.map((a) => a.getAttribute("href")));
    check(links.length >= 5, `/p/xss has permalinks (${links.length})`);
    check(
      links.every((link) => /^\/p\/xss\/[a-z0-9._-]+\/[es]\//.test(link)),
      `/p/xss's permalinks are under its API (${links[0]})`
    );
    for (const link of links) {
      await page.goto(`${base}${link}`);
      await inert(page, link);
    }
    for (const link of ["/p/acme/evil", "/p/acme"]) {
      await page.goto(`${base}${link}`);
      await inert(page, link);
    }
    await page.goto(`${base}/p/xss`);
    await page.screenshot({ path: path.join(outDir, "screenshot-xss.png"), fullPage: true });
    expecting404 = true;
    response = await page.goto(`${base}/p/xs`);
    expecting404 = false;
    check(response.status() === 404, "an unknown provider answers 404");
    check((await page.locator("ul.suggestions a").first().innerText()) === "xss", "the 404 page links the closest match");
    await inert(page, "404 page");
    expecting404 = true;
    response = await page.goto(`${base}/p/pets/nope`);
    expecting404 = false;
    check(response.status() === 404, "an unknown API answers 404");
    check(
      (await page.locator("ul.suggestions a").first().getAttribute("href")) === apiPath,
      "the 404 page links the closest API"
    );
    await inert(page, "unknown API page");

    if (process.env.GITHUB === "1") {
      await github(page);
    }
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  check(problems.length === 0, `no dialog, page error or CSP report${problems.length ? ": " + problems.join(" | ") : ""}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
