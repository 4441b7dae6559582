//! Markdown tables for the listing commands.

use specdex_store::{ProviderSummary, SnapshotInfo, SnapshotStatus};

/// `Provider | Title | Version | Endpoints | Schemas | Snapshots`.
pub fn providers_table(providers: &[ProviderSummary]) -> String {
    if providers.is_empty() {
        return "The catalog is empty. Add an API with `specdex ingest FILE|DIR|URL`.\n".to_owned();
    }
    let mut out = String::from(
        "| Provider | Title | Version | Endpoints | Schemas | Snapshots |\n|---|---|---|---|---|---|\n",
    );
    for p in providers {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&p.slug),
            cell(&p.title),
            cell(&p.current.version),
            p.current.endpoints,
            p.current.schemas,
            p.snapshot_count
        ));
    }
    out
}

/// The history table of the catalog page: `Version | Endpoints | Schemas | Ingested | Status`.
pub fn versions_table(provider: &str, versions: &[SnapshotInfo]) -> String {
    let mut out = format!(
        "## {provider}: {} snapshot{}\n\n| Version | Endpoints | Schemas | Ingested | Status |\n|---|---|---|---|---|\n",
        versions.len(),
        if versions.len() == 1 { "" } else { "s" }
    );
    for v in versions {
        let status = match v.status {
            SnapshotStatus::Current => "current",
            SnapshotStatus::Superseded => "superseded",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {status} |\n",
            cell(&v.version),
            v.endpoints,
            v.schemas,
            utc_minute(v.ingested_at)
        ));
    }
    out
}

/// A table cell: `—` when empty, pipes and newlines escaped.
fn cell(text: &str) -> String {
    if text.trim().is_empty() {
        return "—".to_owned();
    }
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `2026-11-29 03:51 UTC` from Unix seconds (civil-from-days, proleptic Gregorian).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(1_795_923_060), "2026-11-29 03:31 UTC");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00:00 UTC");
    }
}
