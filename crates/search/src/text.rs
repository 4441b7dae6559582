//! How text becomes words: splitting API names, stop words, stems,
//! abbreviations, and the words that name a provider.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// Words too common in questions and API text to carry meaning.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "in",
    "on",
    "by",
    "with",
    "and",
    "or",
    "is",
    "are",
    "be",
    "it",
    "its",
    "this",
    "that",
    "from",
    "as",
    "at",
    "all",
    "how",
    "do",
    "does",
    "i",
    "can",
    "my",
    "me",
    "you",
    "your",
    "we",
    "our",
    "via",
    "using",
    "api",
    "apis",
    "endpoint",
    "endpoints",
    "v1",
    "v2",
    "v3",
    "which",
    "what",
    "s",
    "up",
    "please",
    "some",
    "want",
    "need",
    // "by id": which item is a parameter, not a word of the answer.
    "id",
    "ids",
];

/// Words added to a question for a word in it, because APIs spell the
/// same thing differently. General vocabulary only: abbreviations and
/// near-synonyms.
pub(crate) fn expansions(word: &str) -> &'static [&'static str] {
    match word {
        "sms" | "mms" | "msg" => &["message"],
        "repo" => &["repository"],
        "repository" | "repositories" => &["repo"],
        "pr" | "prs" => &["pull", "request"],
        "buy" => &["purchase"],
        "purchase" => &["buy"],
        "org" | "orgs" => &["organization"],
        "organization" | "organizations" => &["org"],
        "config" => &["configuration"],
        "configuration" => &["config"],
        "cert" | "certs" => &["certificate"],
        "env" => &["environment"],
        "environment" => &["env"],
        "db" => &["database"],
        "app" | "apps" => &["application"],
        "application" | "applications" => &["app"],
        "k8s" => &["kubernetes"],
        "vm" | "vms" => &["instance"],
        // A question about people asks for users or members.
        "who" | "whom" => &["user", "member"],
        _ => &[],
    }
}

/// Whether a word looks like a plural noun ("charges", "balancers"; not
/// "status", "address").
pub(crate) fn looks_plural(word: &str) -> bool {
    word.len() > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|end| word.ends_with(end))
}

/// The words that name a provider: its slug's, and those of its title that
/// are part of the slug ("DigitalOcean API" → digital, ocean for
/// `digitalocean`), not generic ones like "api" or "rest".
pub(crate) fn provider_name_words(slug: &str, title: &str) -> Vec<String> {
    let compact: String = slug.chars().filter(|c| c.is_alphanumeric()).collect();
    let compact = compact.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let candidates = words(slug)
        .into_iter()
        .map(|w| (w, true))
        .chain(words(title).into_iter().map(|w| (w, false)));
    for (word, from_slug) in candidates {
        let usable = word.len() >= 3
            && word.chars().all(char::is_alphabetic)
            && !STOP_WORDS.contains(&word.as_str())
            && (from_slug || compact.contains(&word));
        if usable && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// A path template taken apart.
pub(crate) struct Path {
    /// Literal text of each segment that has some, in order.
    pub(crate) segments: Vec<String>,
    /// Names of the `{parameters}`.
    pub(crate) parameters: Vec<String>,
    /// Whether the path ends in a parameter (an item, not a collection).
    pub(crate) on_item: bool,
}

impl Path {
    pub(crate) fn parse(path: &str) -> Path {
        // Twilio-style `…/Messages/{Sid}.json`: the extension is not a word.
        let path = [".json", ".xml", ".yaml", ".yml", ".csv", ".txt"]
            .iter()
            .find_map(|ext| path.strip_suffix(ext))
            .unwrap_or(path);
        let path = path.trim_end_matches('/');
        let mut segments = Vec::new();
        let mut parameters = Vec::new();
        for segment in path.split('/') {
            let mut literal = String::new();
            let mut parameter = String::new();
            let mut depth = 0usize;
            for c in segment.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        literal.push(' ');
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 && !parameter.is_empty() {
                            parameters.push(std::mem::take(&mut parameter));
                        }
                    }
                    _ if depth > 0 => parameter.push(c),
                    _ => literal.push(c),
                }
            }
            if literal.chars().any(char::is_alphabetic) {
                segments.push(literal);
            }
        }
        Path {
            segments,
            parameters,
            on_item: path.ends_with('}'),
        }
    }
}

/// Stems, memoised: catalogs repeat their words a lot.
pub(crate) struct StemCache {
    stemmer: Stemmer,
    cache: HashMap<String, String>,
}

impl StemCache {
    pub(crate) fn new() -> StemCache {
        StemCache {
            stemmer: Stemmer::create(Algorithm::English),
            cache: HashMap::new(),
        }
    }

    pub(crate) fn stem(&mut self, word: &str) -> &str {
        if !self.cache.contains_key(word) {
            let stem = self.stemmer.stem(word).into_owned();
            self.cache.insert(word.to_owned(), stem);
        }
        self.cache.get(word).map_or("", String::as_str)
    }
}

/// Splits text into lower-case words at punctuation, `_`, `-`, `/`, `{}`,
/// digits-to-letters and camelCase boundaries (`listPullRequests` →
/// list, pull, requests; `HTTPServer` → http, server).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric()) {
        if chunk.is_empty() {
            continue;
        }
        let chars: Vec<char> = chunk.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                || (prev.is_alphabetic() != cur.is_alphabetic());
            if boundary {
                out.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        out.push(chars[start..].iter().collect::<String>().to_lowercase());
    }
    out
}
