//! "Did you mean": the closest existing names to one that does not exist.

/// Up to `n` candidates most like `asked`, best first; only reasonably
/// similar ones (a shared substring or a high similarity score).
pub fn closest<'a>(
    asked: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let asked_lower = asked.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| {
            let lower = c.to_lowercase();
            let mut score = strsim::jaro_winkler(&asked_lower, &lower);
            if lower.contains(&asked_lower) || asked_lower.contains(&lower) {
                score += 0.3;
            }
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(n)
        .map(|(_, c)| c.to_owned())
        .collect()
}

/// Like [`closest`] for `"METHOD /path"` keys: the path decides, the same
/// method breaks ties.
pub fn closest_endpoints(asked: &str, candidates: &[String], n: usize) -> Vec<String> {
    let (asked_method, asked_path) = asked.split_once(' ').unwrap_or(("", asked));
    let mut scored: Vec<(f64, &String)> = candidates
        .iter()
        .map(|c| {
            let (method, path) = c.split_once(' ').unwrap_or(("", c));
            let mut score = strsim::normalized_levenshtein(asked_path, path);
            if method == asked_method {
                score += 0.1;
            }
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names() {
        let names = ["jumpcloud", "github", "stripe", "kubernetes"];
        assert_eq!(closest("jumpclod", names.into_iter(), 3), ["jumpcloud"]);
        assert_eq!(closest("git", names.into_iter(), 3), ["github"]);
        assert!(closest("zzzz", names.into_iter(), 3).is_empty());
    }

    #[test]
    fn close_endpoints() {
        let keys: Vec<String> = [
            "DELETE /activedirectories/{id}",
            "GET /activedirectories/{id}",
            "GET /users",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            closest_endpoints("DELETE /activedirectory/{id}", &keys, 2),
            [
                "DELETE /activedirectories/{id}",
                "GET /activedirectories/{id}"
            ]
        );
    }
}
