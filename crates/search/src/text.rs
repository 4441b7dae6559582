//! How text becomes words: splitting API names, stop words, stems,
//! abbreviations, and the words that name a provider.

// foldhash, as in `segment`: the stem cache serves the building of one
// segment, and the stop-word set holds only our own words (a question can
// probe it, never fill it).
use foldhash::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::intent::QUESTION_WORDS;

/// Whether `word` (lower case) is too common in questions and API text to
/// carry meaning. Asked for every word of every API at ingest: one hash,
/// not a comparison with each stop word.
pub(crate) fn is_stop_word(word: &str) -> bool {
    static SET: LazyLock<HashSet<&str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// Words too common in questions and API text to carry meaning.
const STOP_WORDS: &[&str] = &[
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
        // An email is a message (Gmail's `messages/send`).
        "email" | "emails" => &["mail", "message"],
        "mail" => &["email"],
        "photo" | "photos" | "picture" | "pictures" | "pic" | "pics" => &["image"],
        "image" | "images" => &["photo"],
        "song" | "songs" => &["track"],
        "todo" | "todos" => &["task"],
        "car" | "cars" => &["vehicle"],
        "fly" | "flying" => &["flight"],
        "vehicle" | "vehicles" => &["car"],
        "appointment" | "appointments" => &["event", "booking"],
        "bill" | "bills" => &["invoice"],
        "doc" | "docs" => &["document"],
        // Verbs that summaries spell another way; the method carries most
        // of their meaning.
        "remove" => &["delete"],
        "delete" => &["remove"],
        "fetch" | "retrieve" => &["get"],
        // Writing a record whether or not it exists is an upsert.
        "store" | "save" | "insert" => &["upsert"],
        "upsert" => &["insert", "update"],
        "find" => &["search"],
        "recent" | "newest" => &["latest"],
        "latest" => &["recent"],
        // Verbs and the nouns APIs name their results by, where stems
        // differ.
        "invoke" => &["invocation"],
        "subscribe" => &["subscription"],
        "clear" => &["purge"],
        "near" | "nearby" | "nearest" | "coordinates" => &["location"],
        "vm" | "vms" => &["instance"],
        // A question about people asks for users or members.
        "who" | "whom" => &["user", "member"],
        // Whether a person is a man or a woman is asked of APIs as gender.
        "man" | "men" | "woman" | "women" | "male" | "female" => &["gender"],
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

/// Endings of a domain's label that are not part of the name
/// (`googleapis` → google, `bufferapp` → buffer), and whether the ending
/// names the provider too (`amazonaws` → amazon, aws).
const LABEL_ENDINGS: &[(&str, bool)] = &[
    ("apis", false),
    ("api", false),
    ("aws", true),
    ("apps", false),
    ("app", false),
    ("hq", false),
    ("labs", false),
    ("io", false),
];

/// Labels of a domain that say nothing about who it is.
const GENERIC_LABELS: &[&str] = &[
    "api",
    "apis",
    "www",
    "app",
    "dev",
    "developer",
    "developers",
];

/// Lower-case letters and digits of `text`, the rest dropped
/// (`DigitalOcean` → digitalocean, `pinpoint-sms-v2` → pinpointsmsv2).
pub(crate) fn compact(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The tokens naming a provider, from its slug: the domain's first
/// meaningful label, compacted, and that label without a generic ending.
/// Words are not split out of it: `sms77.io` is not named by "sms".
pub(crate) fn provider_tokens(slug: &str) -> Vec<String> {
    // A name is no word of a question's own ("dev.to" is not named by
    // "to", nor "whatsapp" by "what").
    let is_name = |token: &str| token.len() >= 3 && !is_stop_word(token);
    let labels: Vec<&str> = slug.split('.').collect();
    let whole = labels
        .iter()
        .map(|label| compact(label))
        .find(|label| !GENERIC_LABELS.contains(&label.as_str()) && is_name(label))
        .unwrap_or_else(|| {
            compact(
                labels[..labels.len().saturating_sub(1).max(1)]
                    .concat()
                    .as_str(),
            )
        });
    let mut out = Vec::new();
    for &(ending, names) in LABEL_ENDINGS {
        if let Some(head) = whole.strip_suffix(ending)
            && is_name(head)
            && !QUESTION_WORDS.contains(&head)
        {
            out.push(head.to_owned());
            if names {
                out.push(ending.to_owned());
            }
            break;
        }
    }
    if whole.len() >= 2 {
        out.insert(0, whole);
    }
    out
}

/// The tokens naming an API among its provider's: its name compacted and
/// its words (`pinpoint-sms-voice-v2` → pinpointsmsvoicev2, pinpoint, sms,
/// voice; `s3` → s3), and the words of its title that are part of its name
/// (`Calendar API` for `calendar`). The provider's main API (`api`) has no
/// name of its own.
pub(crate) fn api_tokens(name: &str, title: &str) -> Vec<String> {
    if name == "api" {
        return Vec::new();
    }
    let whole = compact(name);
    let mut out = vec![whole.clone()];
    let chunks = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase);
    let title_words = words(title)
        .into_iter()
        .filter(|w| whole.contains(w.as_str()));
    for word in chunks.chain(title_words) {
        let version = word.starts_with('v') && word[1..].chars().all(|c| c.is_ascii_digit());
        let usable = word.len() >= 2
            && word.chars().any(|c| c.is_ascii_alphabetic())
            && (word.len() >= 3 || word.chars().any(|c| c.is_ascii_digit()))
            && !version
            && !is_stop_word(&word);
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
    /// Word → its stem's place in `stems`: a word seen before costs one
    /// lookup.
    cache: HashMap<String, usize>,
    stems: Vec<String>,
}

impl StemCache {
    pub(crate) fn new() -> StemCache {
        StemCache {
            stemmer: Stemmer::create(Algorithm::English),
            cache: HashMap::default(),
            stems: Vec::new(),
        }
    }

    /// How many words' stems are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.cache.len()
    }

    pub(crate) fn stem(&mut self, word: &str) -> &str {
        if let Some(&known) = self.cache.get(word) {
            return &self.stems[known];
        }
        self.cache.insert(word.to_owned(), self.stems.len());
        self.stems.push(self.stemmer.stem(word).into_owned());
        self.stems.last().map_or("", String::as_str)
    }
}

/// Splits text into lower-case words at punctuation, `_`, `-`, `/`, `{}`,
/// digits-to-letters and camelCase boundaries (`listPullRequests` →
/// list, pull, requests; `HTTPServer` → http, server).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric()) {
        // Cut at byte offsets and lower-cased once per word: one
        // allocation a word (this runs over every text of every API at
        // ingest).
        let mut chars = chunk.char_indices().peekable();
        let Some((_, mut prev)) = chars.next() else {
            continue;
        };
        let mut start = 0;
        while let Some((i, cur)) = chars.next() {
            let next_lower = chars.peek().is_some_and(|(_, c)| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                || (prev.is_alphabetic() != cur.is_alphabetic());
            if boundary {
                out.push(chunk[start..i].to_lowercase());
                start = i;
            }
            prev = cur;
        }
        out.push(chunk[start..].to_lowercase());
    }
    out
}
