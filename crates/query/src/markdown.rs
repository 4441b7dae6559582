//! Markdown renderings: lean and complete, for agents and terminals.
//!
//! Modelled on a hosted catalog page: `METHOD /path` headings, a curl
//! example, the `Name | In | Required | Type | Description` table with `—`
//! for blanks, responses, auth, and the `Version | Endpoints | Schemas |
//! Ingested | Status` history table. Every function is pure: answer in,
//! text out.

use std::fmt::Write;

use serde_json::Value;
use specdex_spec::extract::type_label;
use specdex_spec::{MediaType, SecurityScheme};
use specdex_store::{SnapshotInfo, SnapshotStatus};

use crate::answers::*;

/// A table cell: `—` when empty; pipes and line breaks escaped.
pub fn cell(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        "—".to_owned()
    } else {
        flat.replace('|', "\\|")
    }
}

fn opt_cell(text: Option<&str>) -> String {
    cell(text.unwrap_or(""))
}

/// Longest description shown in a table cell; the JSON answer has it all.
const CELL_CHARS: usize = 240;

/// A description cell, shortened at a word boundary to [`CELL_CHARS`].
fn description_cell(text: Option<&str>) -> String {
    let full = opt_cell(text);
    if full.chars().count() <= CELL_CHARS {
        return full;
    }
    let cut: String = full.chars().take(CELL_CHARS).collect();
    let head = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    // Do not leave a dangling escape or half a code span behind.
    let head = head.trim_end_matches('\\');
    let head = if head.matches('`').count() % 2 == 1 {
        head.rsplit_once('`').map_or(head, |(before, _)| before)
    } else {
        head
    };
    format!("{}…", head.trim_end())
}

/// `2026-11-29 03:51 UTC` from Unix seconds (proleptic Gregorian calendar).
pub fn utc_minute(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// One line describing how a security scheme authenticates.
pub fn auth_line(scheme: &SecurityScheme) -> String {
    let how = match (scheme.kind.as_str(), scheme.scheme.as_deref()) {
        ("apiKey", _) => format!(
            "API key in {} `{}`",
            scheme.location.as_deref().unwrap_or("header"),
            scheme.parameter_name.as_deref().unwrap_or("?")
        ),
        ("http", Some(s)) if s.eq_ignore_ascii_case("bearer") => match &scheme.bearer_format {
            Some(format) => format!("HTTP bearer token ({format}) in `Authorization`"),
            None => "HTTP bearer token in `Authorization`".to_owned(),
        },
        ("http", Some(s)) => format!("HTTP {s} authentication"),
        ("oauth2", _) => "OAuth 2.0 (bearer token in `Authorization`)".to_owned(),
        ("openIdConnect", _) => "OpenID Connect".to_owned(),
        ("mutualTLS", _) => "mutual TLS".to_owned(),
        (kind, _) => kind.to_owned(),
    };
    format!("`{}`: {how}", scheme.name)
}

/// The catalog listing.
pub fn providers(page: &ProviderPage) -> String {
    if page.total == 0 {
        return "The catalog is empty. Add an API with `specdex ingest FILE|DIR|URL`.\n".to_owned();
    }
    let mut out = format!(
        "{} providers\n\n| Provider | APIs | Title | Endpoints | Schemas | Snapshots |\n|---|---|---|---|---|---|\n",
        page.total
    );
    for p in &page.providers {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&p.provider),
            cell(&p.apis.join(", ")),
            cell(&p.title),
            p.endpoints,
            p.schemas,
            p.snapshots
        );
    }
    next_page(&mut out, page.next_cursor.as_deref());
    out
}

/// An API listing.
pub fn apis(page: &ApiPage) -> String {
    if page.total == 0 {
        return "The catalog is empty. Add an API with `specdex ingest FILE|DIR|URL`.\n".to_owned();
    }
    let mut out = match &page.provider {
        Some(provider) => format!("{provider}: {} APIs\n\n", page.total),
        None => format!("{} APIs\n\n", page.total),
    };
    out.push_str(
        "| API | Title | Version | Endpoints | Schemas | Snapshots |\n|---|---|---|---|---|---|\n",
    );
    for a in &page.apis {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&a.api),
            cell(&a.title),
            cell(&a.version),
            a.endpoints,
            a.schemas,
            a.snapshots
        );
    }
    next_page(&mut out, page.next_cursor.as_deref());
    out
}

/// A provider: its only API in detail, or its APIs.
pub fn provider_answer(answer: &ProviderAnswer) -> String {
    match answer {
        ProviderAnswer::Single(detail) => api(detail),
        ProviderAnswer::Several(page) => {
            let mut out = apis(page);
            out.push_str("\nName one of them as `provider/api` to ask about it.\n");
            out
        }
    }
}

fn next_page(out: &mut String, cursor: Option<&str>) {
    if let Some(cursor) = cursor {
        let _ = writeln!(out, "\nMore: pass `cursor={cursor}` for the next page.");
    }
}

/// One API: description, base URLs, auth, tags.
pub fn api(detail: &ApiDetail) -> String {
    let mut out = format!("# {} ({} {})\n\n", detail.title, detail.api, detail.version);
    if let Some(description) = &detail.description {
        let _ = writeln!(out, "{}\n", description.trim());
    }
    let _ = writeln!(
        out,
        "{} endpoints, {} schemas{} · {} · ingested {}\n",
        detail.endpoints,
        detail.schemas,
        if detail.webhooks > 0 {
            format!(", {} webhooks", detail.webhooks)
        } else {
            String::new()
        },
        detail.format,
        utc_minute(detail.snapshot.ingested_at)
    );
    if !detail.base_urls.is_empty() {
        out.push_str("## Base URLs\n\n");
        for server in &detail.base_urls {
            match &server.description {
                Some(d) => {
                    let _ = writeln!(out, "- `{}` — {}", server.url, cell(d));
                }
                None => {
                    let _ = writeln!(out, "- `{}`", server.url);
                }
            }
        }
        out.push('\n');
    }
    auth_section(&mut out, &detail.auth, "## Auth");
    if !detail.tags.is_empty() {
        out.push_str("## Tags\n\n| Tag | Endpoints | Description |\n|---|---|---|\n");
        for tag in &detail.tags {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&tag.name),
                tag.endpoints,
                opt_cell(tag.description.as_deref())
            );
        }
    }
    out
}

fn auth_section(out: &mut String, schemes: &[SecurityScheme], heading: &str) {
    if schemes.is_empty() {
        return;
    }
    let _ = writeln!(out, "{heading}\n");
    for scheme in schemes {
        match &scheme.description {
            Some(d) => {
                let _ = writeln!(out, "- {} — {}", auth_line(scheme), cell(d));
            }
            None => {
                let _ = writeln!(out, "- {}", auth_line(scheme));
            }
        }
    }
    out.push('\n');
}

/// The history table.
pub fn versions(versions: &Versions) -> String {
    let mut out = format!(
        "## {}: {} snapshot{}\n\n| Version | Endpoints | Schemas | Ingested | Status | Provenance |\n|---|---|---|---|---|---|\n",
        versions.api,
        versions.versions.len(),
        if versions.versions.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    for v in &versions.versions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&v.version),
            v.endpoints,
            v.schemas,
            utc_minute(v.ingested_at),
            status(v),
            cell(&provenance(v))
        );
    }
    out
}

/// Where a snapshot came from, in one line: its source (file, URL), the
/// key that published it, when a sync fetched it and the ETag it had, and
/// the start of its content hash (`sha256 1a2b3c4d5e6f`).
pub fn provenance(snapshot: &SnapshotInfo) -> String {
    let mut parts = vec![snapshot.source.clone()];
    if let Some(key) = &snapshot.published_by {
        parts.push(format!("published by {key}"));
    }
    if let Some(at) = snapshot.fetched_at {
        parts.push(format!("fetched {}", utc_minute(at)));
    }
    if let Some(etag) = &snapshot.etag {
        parts.push(format!("ETag {etag}"));
    }
    let hash = snapshot
        .content_hash
        .get(..12)
        .unwrap_or(&snapshot.content_hash);
    parts.push(format!("sha256 {hash}"));
    parts.join(" · ")
}

fn status(snapshot: &SnapshotInfo) -> &'static str {
    match snapshot.status {
        SnapshotStatus::Current => "current",
        SnapshotStatus::Superseded => "superseded",
    }
}

/// `+12 −3 endpoints, 40 changed · 2 breaking, 5 warnings, 30 info`: a
/// diff's counts in one line, as history tables show them.
pub fn change_counts(summary: &specdex_diff::Summary) -> String {
    format!(
        "+{} −{} endpoints, {} changed · {} breaking, {}, {} info",
        summary.endpoints_added,
        summary.endpoints_removed,
        summary.endpoints_changed,
        summary.breaking,
        plural(summary.warning, "warning"),
        summary.info
    )
}

/// `1 warning`, `2 warnings`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What changed between two editions: counts, then the changes, grouped
/// by endpoint.
pub fn changes(answer: &Changes) -> String {
    let edition = |e: &Edition| {
        format!(
            "{} (#{}, {})",
            e.version,
            e.snapshot,
            utc_minute(e.ingested_at)
        )
    };
    let mut out = format!(
        "## {}: changes from {} to {}\n\n{}",
        answer.api,
        edition(&answer.from),
        edition(&answer.to),
        change_counts(&answer.summary)
    );
    if answer.summary.components_changed > 0 {
        let _ = write!(
            out,
            " · {} changed",
            plural(answer.summary.components_changed, "schema")
        );
    }
    out.push('\n');
    if !answer.summary.complete {
        out.push_str("\nThe diff stopped at its work limit: other changes may be missing.\n");
    }
    if !answer.endpoints.is_empty() {
        let _ = writeln!(out, "\nEndpoints: {}", answer.endpoints.join(", "));
    }
    if let Some(level) = answer.level {
        let _ = writeln!(out, "\nListed: {} and above.", level.as_str());
    }
    if answer.changes.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let mut heading: Option<String> = None;
    for change in &answer.changes {
        let group = match (&change.endpoint, &change.component) {
            (Some(endpoint), _) => format!("`{endpoint}`"),
            (None, Some(_)) => "Schemas".to_owned(),
            (None, None) => "Whole API".to_owned(),
        };
        if heading.as_ref() != Some(&group) {
            let _ = write!(out, "\n### {group}\n\n");
            heading = Some(group);
        }
        let _ = writeln!(
            out,
            "- **{}** `{}` {}",
            change.level.as_str(),
            change.rule,
            cell(&change.message)
        );
    }
    let shown = answer.changes.len();
    if shown < answer.total {
        let _ = writeln!(out, "\nShowing {shown} of {} changes.", answer.total);
    }
    next_page(&mut out, answer.next_cursor.as_deref());
    out
}

/// An endpoint listing.
pub fn endpoints(page: &EndpointPage) -> String {
    let mut out = format!(
        "{} {}: {} endpoint{}\n\n| Method | Path | Summary |\n|---|---|---|\n",
        page.api,
        page.version,
        page.total,
        if page.total == 1 { "" } else { "s" }
    );
    for e in &page.endpoints {
        let summary = match (&e.summary, e.deprecated) {
            (Some(s), true) => format!("{} (deprecated)", cell(s)),
            (Some(s), false) => cell(s),
            (None, true) => "(deprecated)".to_owned(),
            (None, false) => "—".to_owned(),
        };
        let _ = writeln!(out, "| {} | `{}` | {} |", e.method, e.path, summary);
    }
    next_page(&mut out, page.next_cursor.as_deref());
    out
}

/// Endpoints in full (or brief), each followed by what was left out of it,
/// then the schemas they use, then what else was left out.
pub fn endpoint_details(details: &EndpointDetails) -> String {
    let mut parts: Vec<String> = details
        .endpoints
        .iter()
        .map(|d| {
            let key = format!("{} {}", d.endpoint.method, d.endpoint.path);
            let mine: Vec<&Omission> = details
                .omitted
                .iter()
                .filter(|o| o.endpoint.as_deref() == Some(key.as_str()))
                .collect();
            endpoint_detail(d, details.detail) + &notes(&mine)
        })
        .collect();
    if !details.schemas.is_empty() {
        let mut out = format!(
            "## Schemas used ({} level{} of references)\n\n",
            details.schema_depth.unwrap_or(1),
            if details.schema_depth == Some(1) {
                ""
            } else {
                "s"
            }
        );
        for s in &details.schemas {
            out.push_str(&schema(s));
        }
        parts.push(out.trim_end().to_owned() + "\n");
    }
    let rest: Vec<&Omission> = details
        .omitted
        .iter()
        .filter(|o| {
            o.endpoint.as_deref().is_none_or(|key| {
                !details
                    .endpoints
                    .iter()
                    .any(|d| format!("{} {}", d.endpoint.method, d.endpoint.path) == key)
            })
        })
        .collect();
    let rest = notes(&rest);
    if !rest.is_empty() {
        parts.push(rest.trim_start().to_owned());
    }
    parts.join("\n---\n\n")
}

/// Every omission of `details`, as [`endpoint_details`] words them (for
/// estimating what the notes cost).
pub fn omissions(details: &EndpointDetails) -> String {
    notes(&details.omitted.iter().collect::<Vec<_>>())
}

/// `> Left out: a; b. All of it: `call``, one line per call.
fn notes(omitted: &[&Omission]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < omitted.len() {
        let call = &omitted[i].call;
        let n = omitted[i..].iter().take_while(|o| o.call == *call).count();
        let parts: Vec<&str> = omitted[i..i + n].iter().map(|o| o.part.as_str()).collect();
        let _ = writeln!(out, "\n> Left out: {}. Ask: `{call}`", parts.join("; "));
        i += n;
    }
    out
}

/// One endpoint: the catalog page's endpoint section. Tags are left out
/// (the listing has them); `brief` also leaves out the operationId and
/// base URL.
pub fn endpoint_detail(detail: &EndpointDetail, level: Detail) -> String {
    let brief = level == Detail::Brief;
    let e = &detail.endpoint;
    let mut out = format!("## {} {}\n\n", e.method, e.path);
    let mut facts = Vec::new();
    if let Some(summary) = &e.summary {
        facts.push(format!("**{}**", summary.trim()));
    }
    if let (Some(id), false) = (&e.operation_id, brief) {
        facts.push(format!("operationId `{id}`"));
    }
    if e.deprecated {
        facts.push("**deprecated**".to_owned());
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "{}\n", facts.join(" · "));
    }
    if let Some(description) = &e.description {
        let description = description.trim();
        if Some(description) != e.summary.as_deref().map(str::trim) {
            let _ = writeln!(out, "{description}\n");
        }
    }
    let _ = writeln!(out, "```bash\n{}\n```\n", detail.curl);
    if !e.parameters.is_empty() {
        out.push_str("### Parameters\n\n| Name | In | Required | Type | Description |\n|---|---|---|---|---|\n");
        for p in &e.parameters {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&p.name),
                p.location,
                if p.required { "yes" } else { "no" },
                cell(&p.type_label),
                description_cell(p.description.as_deref())
            );
        }
        out.push('\n');
    }
    if let Some(body) = &e.request_body {
        out.push_str("### Request body\n\n");
        if let Some(description) = &body.description {
            let _ = writeln!(out, "{}\n", description.trim());
        }
        for media in &body.content {
            let _ = writeln!(
                out,
                "- `{}`{}: {}",
                media.media_type,
                if body.required { " (required)" } else { "" },
                media_label(media)
            );
        }
        if let Some(fields) = body
            .content
            .first()
            .and_then(|m| m.schema.as_ref())
            .and_then(inline_fields)
        {
            out.push('\n');
            out.push_str(&fields);
        }
        out.push('\n');
    }
    responses(&mut out, &e.responses);
    // The base URL is in the example when the example was built from it.
    if let Some(base) = &detail.base_url
        && !brief
        && !detail.curl.contains(base.trim_end_matches('/'))
    {
        let _ = writeln!(out, "Base URL: `{base}`\n");
    }
    // Nothing when the example already carries every credential.
    let lower = detail.curl.to_ascii_lowercase();
    let shown = |scheme: &SecurityScheme| {
        let carrier = match scheme.kind.as_str() {
            "apiKey" => scheme.parameter_name.as_deref(),
            "http" | "oauth2" | "openIdConnect" => Some("authorization"),
            _ => None,
        };
        carrier.is_some_and(|c| lower.contains(&c.to_ascii_lowercase()))
    };
    if !detail.auth.iter().all(shown) {
        let schemes: Vec<String> = detail
            .auth
            .iter()
            .map(|scheme| {
                let line = auth_line(scheme);
                let named = format!("`{}`: ", scheme.name);
                let line = match scheme.parameter_name.as_deref() {
                    Some(p) if p == scheme.name => line.replacen(&named, "", 1),
                    _ => line,
                };
                match (&scheme.description, brief) {
                    (Some(d), false) => format!("{line} — {}", cell(d)),
                    _ => line,
                }
            })
            .collect();
        let _ = writeln!(out, "Auth: {}", schemes.join("; "));
    }
    out.trim_end().to_owned() + "\n"
}

/// The responses: one line when none has a body (`Responses: `204` No
/// Content · `404` Not found`), else a table.
fn responses(out: &mut String, responses: &[specdex_spec::Response]) {
    if responses.is_empty() {
        return;
    }
    if responses.iter().all(|r| r.content.is_empty()) {
        let listed: Vec<String> = responses
            .iter()
            .map(|r| match r.description.as_deref().map(cell) {
                Some(d) if d != "—" => format!("`{}` {d}", r.status),
                _ => format!("`{}`", r.status),
            })
            .collect();
        let _ = writeln!(out, "Responses: {}\n", listed.join(" · "));
        return;
    }
    out.push_str("### Responses\n\n| Status | Description | Schema |\n|---|---|---|\n");
    for r in responses {
        let schema = r
            .content
            .first()
            .map_or_else(|| "—".to_owned(), media_label);
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            r.status,
            opt_cell(r.description.as_deref()),
            schema
        );
    }
    out.push('\n');
}

fn media_label(media: &MediaType) -> String {
    match &media.schema {
        Some(schema) => format!("`{}`", type_label(schema, 0).replace('|', "\\|")),
        None => "—".to_owned(),
    }
}

/// The top-level fields of an inline object schema, as a table (form
/// bodies, Swagger 2 `formData`), or one table per alternative of a
/// `oneOf`/`anyOf`; `None` for references and non-objects.
fn inline_fields(schema: &Value) -> Option<String> {
    if schema.get("properties").is_none() {
        let alternatives = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)?;
        let tables: Vec<String> = alternatives
            .iter()
            .take(3)
            .filter_map(field_table)
            .collect();
        return match tables.len() {
            0 => None,
            1 => tables.into_iter().next(),
            _ => Some(
                tables
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("One of — alternative {}:\n\n{t}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        };
    }
    field_table(schema)
}

fn field_table(schema: &Value) -> Option<String> {
    let properties = schema.get("properties")?.as_object()?;
    if properties.is_empty() {
        return None;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = String::from("| Field | Required | Type | Description |\n|---|---|---|---|\n");
    const SHOWN: usize = 40;
    for (name, property) in properties.iter().take(SHOWN) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(name),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            cell(&type_label(property, 0)),
            description_cell(property.get("description").and_then(Value::as_str))
        );
    }
    if properties.len() > SHOWN {
        let _ = writeln!(out, "\n… and {} more fields.", properties.len() - SHOWN);
    }
    Some(out)
}

/// Schemas as JSON blocks.
pub fn schemas(details: &SchemaDetails) -> String {
    let mut out = String::new();
    for s in &details.schemas {
        out.push_str(&schema(s));
    }
    if details.depth == 0 {
        out.push_str("`$ref`s are kept as names; ask again with `depth` to inline them.\n");
    }
    out
}

/// Endpoints listed under a schema's "Used by" (the JSON has more).
const USED_BY_SHOWN: usize = 20;

/// One schema: name, flags, the endpoints that use it, the JSON.
pub fn schema(s: &SchemaDetail) -> String {
    let mut out = String::new();
    let mut flags = Vec::new();
    if s.in_cycle {
        flags.push("in a reference cycle");
    }
    if s.external {
        flags.push("from another file");
    }
    let _ = writeln!(out, "## {}\n", s.name);
    if !flags.is_empty() {
        let _ = writeln!(out, "_{}_\n", flags.join(", "));
    }
    if let Some(used) = &s.used_by {
        let _ = writeln!(out, "{}\n", used_by(used));
    }
    let text = serde_json::to_string_pretty(&s.schema).unwrap_or_default();
    let _ = writeln!(out, "```json\n{text}\n```\n");
    out
}

/// `Used by 3 endpoints: `GET /a`, …` with at most [`USED_BY_SHOWN`].
pub fn used_by(used: &UsedBy) -> String {
    if used.total == 0 {
        return "Used by no endpoint.".to_owned();
    }
    let shown: Vec<String> = used
        .endpoints
        .iter()
        .take(USED_BY_SHOWN)
        .map(|e| format!("`{e}`"))
        .collect();
    let more = used.total - shown.len();
    format!(
        "Used by {}: {}{}",
        plural(used.total, "endpoint"),
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// The short overview.
pub fn summary(s: &Summary) -> String {
    let mut out = format!("# {} ({} {})\n\n", s.title, s.api, s.version);
    if let Some(purpose) = &s.purpose {
        let _ = writeln!(out, "{purpose}\n");
    }
    if let Some(base) = &s.base_url {
        let _ = writeln!(out, "Base URL: `{base}`");
    }
    if !s.auth.is_empty() {
        let _ = writeln!(out, "Auth: {}", s.auth.join("; "));
    }
    let _ = writeln!(out, "{} endpoints, {} schemas.\n", s.endpoints, s.schemas);
    if !s.groups.is_empty() {
        out.push_str("## Endpoint groups\n\n");
        for g in &s.groups {
            let _ = if g.examples.is_empty() {
                writeln!(out, "- **{}** ({})", g.tag, g.endpoints)
            } else {
                writeln!(
                    out,
                    "- **{}** ({}): {}",
                    g.tag,
                    g.endpoints,
                    g.examples.join("; ")
                )
            };
        }
    }
    out
}

/// Search results, with the next step spelled out.
pub fn search(results: &SearchResults) -> String {
    if results.results.is_empty() {
        return format!(
            "No results for \"{}\". Try other words, or list the APIs.\n",
            results.query
        );
    }
    let mut out = format!("Results for \"{}\":\n\n", results.query);
    for (i, hit) in results.results.iter().enumerate() {
        let _ = match hit {
            SearchHit::Api { api, title, .. } => {
                writeln!(out, "{}. API **{}** — {}", i + 1, api, title)
            }
            SearchHit::Endpoint {
                api,
                method,
                path,
                summary,
                ..
            } => match summary {
                Some(summary) => writeln!(
                    out,
                    "{}. **{}** `{} {}` — {}",
                    i + 1,
                    api,
                    method,
                    path,
                    cell(summary)
                ),
                None => writeln!(out, "{}. **{}** `{} {}`", i + 1, api, method, path),
            },
        };
    }
    out.push_str("\nNext: fetch an endpoint in full by its API and \"METHOD /path\".\n");
    out
}

/// Whether a planned call is right, problems first.
pub fn check(answer: &CheckAnswer) -> String {
    let verdict = answer;
    let mut out = format!(
        "## Check: {} ({} {})\n\n",
        verdict
            .endpoint
            .as_deref()
            .unwrap_or("no matching endpoint"),
        answer.api,
        answer.version
    );
    let errors = verdict
        .problems
        .iter()
        .filter(|p| p.severity == specdex_check::Severity::Error)
        .count();
    let warnings = verdict.problems.len() - errors;
    let _ = match (verdict.ok, warnings) {
        (true, 0) => writeln!(out, "**OK**: no problems found."),
        (true, _) => writeln!(out, "**OK**, with {}.", plural(warnings, "warning")),
        (false, _) => writeln!(
            out,
            "**Not OK**: {}{}.",
            plural(errors, "error"),
            if warnings > 0 {
                format!(", {}", plural(warnings, "warning"))
            } else {
                String::new()
            }
        ),
    };
    for (i, problem) in verdict.problems.iter().enumerate() {
        let place = match (&problem.location, &problem.pointer, &problem.name) {
            (Some(location), Some(pointer), _) if location == "body" => {
                format!(" body `{pointer}`")
            }
            (Some(location), _, Some(name)) => format!(" {location} `{name}`"),
            (Some(location), _, None) => format!(" {location}"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "\n{}. **{}** `{}`{place}: {}. Fix: {}.",
            i + 1,
            problem.severity.name(),
            problem.kind.name(),
            problem.message,
            problem.fix.trim_end_matches('.')
        );
        // The expected value, unless the fix already says it.
        if let Some(expected) = problem
            .expected
            .as_ref()
            .filter(|e| !problem.fix.contains(e.as_str()))
        {
            let _ = writeln!(out, "   Expected: {expected}.");
        }
    }
    if verdict.more_problems > 0 {
        let _ = writeln!(
            out,
            "\nAnd {} more.",
            plural(verdict.more_problems, "problem")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(1_795_923_060), "2026-11-29 03:31 UTC");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn cells() {
        assert_eq!(cell(""), "—");
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
