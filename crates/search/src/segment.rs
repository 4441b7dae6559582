//! Segments: one API snapshot's search data, built once, stored as bytes,
//! and read in place.
//!
//! Layout (little-endian; every count and offset is a `u32`):
//!
//! ```text
//! header    magic "SXSG", format, docs, terms, postings, texts length
//! docs      per document: weighted length (f32), kind, path words,
//!           deprecated, 0, offset of its texts
//! terms     per term: end of its bytes, end of its postings
//! words     the terms' stems, concatenated, in byte order
//! postings  per posting: document, weighted frequency (f32), flags
//! texts     per document: method, path, summary, operation id
//!           (document 0, the API itself: its title), each length-prefixed
//! ```
//!
//! Document 0 is the API (its title, description and tags); the endpoints
//! follow in the order given. Terms are sorted, so a reader finds one by
//! binary search without building anything.

// The maps of one segment's words live while one document is indexed, so a
// fast hasher seeded per process is enough here; the index's maps, which a
// server keeps and questions fill, keep the standard one.
use foldhash::{HashMap, HashSet};

use crate::intent::Kind;
use crate::text::{Path, StemCache, is_stop_word, words};

/// Version of the segment layout and of the text analysis behind it. A
/// catalog holding segments of another format rebuilds them (from the stored
/// snapshots) when it is opened; bump it whenever the bytes
/// [`build_segment`] produces for the same input change.
pub const SEGMENT_FORMAT: u32 = 4;

/// What an API says about itself.
#[derive(Debug, Clone, Copy)]
pub struct ApiText<'a> {
    /// `info.title`.
    pub title: &'a str,
    /// The start of `info.description` (the store keeps the first
    /// `PROVIDER_DESCRIPTION_PREFIX_CHARS` characters).
    pub description: Option<&'a str>,
    /// The names of the document's tags.
    pub tags: &'a [String],
}

/// What an endpoint says about itself.
#[derive(Debug, Clone, Copy)]
pub struct EndpointText<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub operation_id: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub tags: &'a [String],
    pub deprecated: bool,
    /// The start of the description (the store keeps the first
    /// `DESCRIPTION_PREFIX_CHARS` characters).
    pub description: Option<&'a str>,
}

/// Field weights: how much one word in each field counts.
const PATH_WEIGHT: f32 = 2.0;
const PARAMETER_WEIGHT: f32 = 0.5;
const OPERATION_ID_WEIGHT: f32 = 1.5;
const SUMMARY_WEIGHT: f32 = 2.0;
const TAG_WEIGHT: f32 = 1.0;
const DESCRIPTION_WEIGHT: f32 = 0.5;
const TITLE_WEIGHT: f32 = 3.0;

/// The posting's word is one of the path's literal words.
pub(crate) const IN_PATH: u8 = 1;
/// …of the last literal segment (the resource the path ends with).
pub(crate) const IN_RESOURCE: u8 = 2;
/// The document is the API, not an endpoint.
pub(crate) const IN_API: u8 = 4;

/// Longest path word tried as two glued words (`systeminsights` is 14;
/// a spec's made-up 1 MB path segment must not cost minutes).
const MAX_GLUED_LETTERS: usize = 40;

const MAGIC: &[u8; 4] = b"SXSG";
const HEADER: usize = 24;
const DOC_RECORD: usize = 12;
const TERM_RECORD: usize = 8;
const POSTING_RECORD: usize = 9;

/// The segment of one snapshot. Deterministic: the same text gives the same
/// bytes.
pub fn build_segment(api: &ApiText<'_>, endpoints: &[EndpointText<'_>]) -> Vec<u8> {
    let mut builder = Builder::new(api, endpoints);
    builder.add_text(api.title, TITLE_WEIGHT, 0);
    if let Some(description) = api.description {
        builder.add_text(description, DESCRIPTION_WEIGHT, 0);
    }
    for tag in api.tags {
        builder.add_text(tag, TAG_WEIGHT, 0);
    }
    builder.push(Kind::Api, false, [api.title, "", "", ""]);
    for e in endpoints {
        let path = Path::parse(e.path);
        let last = path.segments.len().saturating_sub(1);
        for (i, segment) in path.segments.iter().enumerate() {
            let flags = if i == last {
                IN_PATH | IN_RESOURCE
            } else {
                IN_PATH
            };
            builder.add_path_words(segment, flags);
        }
        for parameter in &path.parameters {
            builder.add_text(parameter, PARAMETER_WEIGHT, 0);
        }
        if let Some(id) = e.operation_id {
            builder.add_text(id, OPERATION_ID_WEIGHT, 0);
        }
        // Without a summary, the description's first sentence is one.
        match e.summary.filter(|s| !s.trim().is_empty()) {
            Some(summary) => builder.add_text(summary, SUMMARY_WEIGHT, 0),
            None => {
                if let Some(sentence) = e.description.map(first_sentence) {
                    builder.add_text(sentence, SUMMARY_WEIGHT - DESCRIPTION_WEIGHT, 0);
                }
            }
        }
        for tag in e.tags {
            builder.add_text(tag, TAG_WEIGHT, 0);
        }
        if let Some(description) = e.description {
            builder.add_text(description, DESCRIPTION_WEIGHT, 0);
        }
        builder.push(
            Kind::of(e.method, path.on_item),
            e.deprecated,
            [
                e.method,
                e.path,
                e.summary.unwrap_or(""),
                e.operation_id.unwrap_or(""),
            ],
        );
    }
    builder.finish()
}

/// A posting being built: document, weighted frequency, flags.
type NewPosting = (u32, f32, u8);

/// The first sentence of a text, or its first 120 bytes (at a character
/// boundary) when it has no sentence end before.
fn first_sentence(text: &str) -> &str {
    const MAX: usize = 120;
    let end = text
        .find(". ")
        .or_else(|| text.find('\n'))
        .unwrap_or(text.len())
        .min(MAX);
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A document's record in a segment.
#[derive(Debug, Clone, Copy)]
struct DocRecord {
    length: f32,
    kind: Kind,
    path_words: u8,
    deprecated: bool,
    texts: u32,
}

struct Builder {
    stems: StemCache,
    /// Stems of the words of titles, summaries and tags…
    name_vocabulary: HashSet<String>,
    /// …and of descriptions and operation ids: to split glued path words.
    text_vocabulary: HashSet<String>,
    /// Path words found to be glued, and their parts.
    compounds: HashMap<String, Option<(String, String)>>,
    /// The document being built: stem → (weighted frequency, flags).
    terms: HashMap<String, (f32, u8)>,
    /// Its distinct path words (stems).
    path_stems: HashSet<String>,
    docs: Vec<DocRecord>,
    postings: HashMap<String, Vec<NewPosting>>,
    texts: Vec<u8>,
}

impl Builder {
    /// A builder knowing the API's vocabulary: names (titles, summaries,
    /// tags) say which words are words; descriptions and operation ids also
    /// quote paths and identifiers verbatim, so they only help to know the
    /// halves of glued path words.
    fn new(api: &ApiText<'_>, endpoints: &[EndpointText<'_>]) -> Builder {
        let mut builder = Builder {
            stems: StemCache::new(),
            name_vocabulary: HashSet::default(),
            text_vocabulary: HashSet::default(),
            compounds: HashMap::default(),
            terms: HashMap::default(),
            path_stems: HashSet::default(),
            docs: Vec::with_capacity(endpoints.len() + 1),
            postings: HashMap::default(),
            texts: Vec::new(),
        };
        let mut names: Vec<&str> = vec![api.title];
        let mut others: Vec<&str> = Vec::new();
        names.extend(api.tags.iter().map(String::as_str));
        others.extend(api.description);
        for e in endpoints {
            names.extend(e.summary);
            names.extend(e.tags.iter().map(String::as_str));
            others.extend(e.operation_id);
            others.extend(e.description);
        }
        for text in names {
            for word in words(text) {
                if word.len() >= 2 && !builder.name_vocabulary.contains(builder.stems.stem(&word)) {
                    let stem = builder.stems.stem(&word).to_owned();
                    builder.name_vocabulary.insert(stem);
                }
            }
        }
        for text in others {
            for word in words(text) {
                let stem = builder.stems.stem(&word);
                if word.len() >= 3
                    && !builder.name_vocabulary.contains(stem)
                    && !builder.text_vocabulary.contains(stem)
                {
                    let stem = stem.to_owned();
                    builder.text_vocabulary.insert(stem);
                }
            }
        }
        builder
    }

    #[cfg(test)]
    fn stems_cached(&self) -> usize {
        self.stems.len()
    }

    fn is_word(&mut self, word: &str) -> bool {
        let stem = self.stems.stem(word);
        self.name_vocabulary.contains(stem) || self.text_vocabulary.contains(stem)
    }

    /// The two words a glued path word is made of (`usergroups` → user,
    /// groups), if it is not a word of the API's names itself and both
    /// halves are words.
    fn split_compound(&mut self, word: &str) -> Option<(String, String)> {
        if let Some(known) = self.compounds.get(word) {
            return known.clone();
        }
        // Each split stems both halves, so the work grows with the square of
        // the word's length: only words as long as two real ones are tried.
        let glued = (6..=MAX_GLUED_LETTERS).contains(&word.len())
            && word.is_ascii()
            && word.chars().all(|c| c.is_ascii_lowercase())
            && !self.name_vocabulary.contains(self.stems.stem(word));
        // The best split has the most halves used in names, then the
        // longest shorter half (`apiservices` → api + services, not
        // apiserv + ices).
        let mut best: Option<((usize, usize), String, String)> = None;
        if glued {
            // Halves of four letters or more, or a two- or three-letter
            // head that names use as a word ("ip", "os").
            for at in 2..=word.len() - 4 {
                let (head, tail) = word.split_at(at);
                let head_named = self.name_vocabulary.contains(self.stems.stem(head));
                let tail_named = self.name_vocabulary.contains(self.stems.stem(tail));
                let head_known = head_named || (at >= 4 && self.is_word(head));
                if !head_known || !(tail_named || self.is_word(tail)) {
                    continue;
                }
                let rank = (
                    usize::from(head_named) + usize::from(tail_named),
                    head.len().min(tail.len()),
                );
                if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                    best = Some((rank, head.to_owned(), tail.to_owned()));
                }
            }
        }
        let best = best.map(|(_, head, tail)| (head, tail));
        self.compounds.insert(word.to_owned(), best.clone());
        best
    }

    fn add_text(&mut self, text: &str, weight: f32, flags: u8) {
        for word in words(text) {
            self.add_word(&word, weight, flags);
        }
    }

    /// Adds the literal words of one path segment; glued words also add
    /// their parts, which stand for them in the path's word count.
    fn add_path_words(&mut self, segment: &str, flags: u8) {
        for word in words(segment) {
            match self.split_compound(&word) {
                Some((head, tail)) => {
                    self.add_word(&word, PATH_WEIGHT, 0);
                    self.add_word(&head, PATH_WEIGHT, flags);
                    self.add_word(&tail, PATH_WEIGHT, flags);
                }
                None => self.add_word(&word, PATH_WEIGHT, flags),
            }
        }
    }

    fn add_word(&mut self, word: &str, weight: f32, flags: u8) {
        if is_stop_word(word) {
            return;
        }
        // Version numbers and single letters (`v1`, `2010`) are not words
        // of the path's meaning.
        let meaningful = word.len() >= 2 && !word.chars().all(|c| c.is_ascii_digit());
        let flags = if meaningful { flags } else { 0 };
        let stem = self.stems.stem(word);
        if flags & IN_PATH != 0 && !self.path_stems.contains(stem) {
            self.path_stems.insert(stem.to_owned());
        }
        match self.terms.get_mut(stem) {
            Some(entry) => {
                entry.0 += weight;
                entry.1 |= flags;
            }
            None => {
                let stem = stem.to_owned();
                self.terms.insert(stem, (weight, flags));
            }
        }
    }

    fn push(&mut self, kind: Kind, deprecated: bool, texts: [&str; 4]) {
        let doc = self.docs.len() as u32;
        let length = self.terms.values().map(|(tf, _)| tf).sum::<f32>().max(1.0);
        self.docs.push(DocRecord {
            length,
            kind,
            path_words: self.path_stems.len().min(usize::from(u8::MAX)) as u8,
            deprecated,
            texts: self.texts.len() as u32,
        });
        for text in texts {
            self.texts
                .extend_from_slice(&(text.len() as u32).to_le_bytes());
            self.texts.extend_from_slice(text.as_bytes());
        }
        let api_flag = if kind == Kind::Api { IN_API } else { 0 };
        for (stem, (tf, flags)) in self.terms.drain() {
            self.postings
                .entry(stem)
                .or_default()
                .push((doc, tf, flags | api_flag));
        }
        self.path_stems.clear();
    }

    fn finish(self) -> Vec<u8> {
        let mut terms: Vec<(String, Vec<NewPosting>)> = self.postings.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let postings: usize = terms.iter().map(|(_, p)| p.len()).sum();
        let words: usize = terms.iter().map(|(w, _)| w.len()).sum();
        let mut out = Vec::with_capacity(
            HEADER
                + self.docs.len() * DOC_RECORD
                + terms.len() * TERM_RECORD
                + words
                + postings * POSTING_RECORD
                + self.texts.len(),
        );
        out.extend_from_slice(MAGIC);
        for n in [
            SEGMENT_FORMAT,
            self.docs.len() as u32,
            terms.len() as u32,
            postings as u32,
            self.texts.len() as u32,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for doc in &self.docs {
            out.extend_from_slice(&doc.length.to_le_bytes());
            out.extend_from_slice(&[doc.kind.code(), doc.path_words, u8::from(doc.deprecated), 0]);
            out.extend_from_slice(&doc.texts.to_le_bytes());
        }
        let (mut word_end, mut posting_end) = (0u32, 0u32);
        for (word, postings) in &terms {
            word_end += word.len() as u32;
            posting_end += postings.len() as u32;
            out.extend_from_slice(&word_end.to_le_bytes());
            out.extend_from_slice(&posting_end.to_le_bytes());
        }
        for (word, _) in &terms {
            out.extend_from_slice(word.as_bytes());
        }
        for (_, postings) in &terms {
            // Postings were pushed in document order.
            for &(doc, tf, flags) in postings {
                out.extend_from_slice(&doc.to_le_bytes());
                out.extend_from_slice(&tf.to_le_bytes());
                out.push(flags);
            }
        }
        out.extend_from_slice(&self.texts);
        out
    }
}

/// Why stored bytes are not a segment this build can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentError {
    /// Not a segment, or cut short.
    Malformed(&'static str),
    /// A segment of another format (the store rebuilds those on open).
    Format(u32),
}

impl std::fmt::Display for SegmentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SegmentError::Malformed(what) => write!(f, "malformed search segment: {what}"),
            SegmentError::Format(format) => write!(
                f,
                "search segment of format {format}, this build reads {SEGMENT_FORMAT}"
            ),
        }
    }
}

impl std::error::Error for SegmentError {}

/// Where the sections of a segment start: checked once, then read in place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub(crate) docs: u32,
    terms: u32,
    term_records: usize,
    words: usize,
    postings: usize,
    texts: usize,
}

/// A posting as read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    pub(crate) doc: u32,
    pub(crate) tf: f32,
    pub(crate) flags: u8,
}

/// A document's facts, as read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DocFacts {
    pub(crate) length: f32,
    pub(crate) kind: Kind,
    pub(crate) path_words: u8,
    pub(crate) deprecated: bool,
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn f32_at(bytes: &[u8], at: usize) -> f32 {
    f32::from_bits(u32_at(bytes, at))
}

impl Layout {
    /// Checks that `bytes` is a segment of this format whose sections fit.
    pub(crate) fn read(bytes: &[u8]) -> Result<Layout, SegmentError> {
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(SegmentError::Malformed("no segment header"));
        }
        let format = u32_at(bytes, 4);
        if format != SEGMENT_FORMAT {
            return Err(SegmentError::Format(format));
        }
        let docs = u32_at(bytes, 8);
        let terms = u32_at(bytes, 12);
        let postings = u32_at(bytes, 16) as usize;
        let texts = u32_at(bytes, 20) as usize;
        let term_records = HEADER + docs as usize * DOC_RECORD;
        let words = term_records + terms as usize * TERM_RECORD;
        if words > bytes.len() {
            return Err(SegmentError::Malformed("cut short"));
        }
        let mut previous = (0, 0);
        for term in 0..terms as usize {
            let at = term_records + term * TERM_RECORD;
            let ends = (u32_at(bytes, at), u32_at(bytes, at + 4));
            if ends.0 < previous.0 || ends.1 < previous.1 {
                return Err(SegmentError::Malformed("terms out of order"));
            }
            previous = ends;
        }
        if previous.1 as usize != postings {
            return Err(SegmentError::Malformed("posting count"));
        }
        let postings_at = words + previous.0 as usize;
        let texts_at = postings_at + postings * POSTING_RECORD;
        if texts_at + texts != bytes.len() {
            return Err(SegmentError::Malformed("section sizes"));
        }
        Ok(Layout {
            docs,
            terms,
            term_records,
            words,
            postings: postings_at,
            texts: texts_at,
        })
    }

    fn word_range(&self, bytes: &[u8], term: u32) -> (usize, usize) {
        let at = self.term_records + term as usize * TERM_RECORD;
        let end = u32_at(bytes, at) as usize;
        let start = if term == 0 {
            0
        } else {
            u32_at(bytes, at - TERM_RECORD) as usize
        };
        (self.words + start, self.words + end)
    }

    /// The term index of `stem`, by binary search.
    pub(crate) fn find(&self, bytes: &[u8], stem: &str) -> Option<u32> {
        let (mut low, mut high) = (0u32, self.terms);
        while low < high {
            let mid = low + (high - low) / 2;
            let (start, end) = self.word_range(bytes, mid);
            match bytes.get(start..end)?.cmp(stem.as_bytes()) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The postings of term `term`, in document order.
    pub(crate) fn postings<'a>(
        &self,
        bytes: &'a [u8],
        term: u32,
    ) -> impl Iterator<Item = Posting> + use<'a> {
        let at = self.term_records + term as usize * TERM_RECORD + 4;
        let end = u32_at(bytes, at) as usize;
        let start = if term == 0 {
            0
        } else {
            u32_at(bytes, at - TERM_RECORD) as usize
        };
        let base = self.postings;
        let docs = self.docs;
        (start..end).filter_map(move |i| {
            let at = base + i * POSTING_RECORD;
            let record = bytes.get(at..at + POSTING_RECORD)?;
            let doc = u32_at(record, 0);
            (doc < docs).then(|| Posting {
                doc,
                tf: f32_at(record, 4),
                flags: record[8],
            })
        })
    }

    pub(crate) fn doc(&self, bytes: &[u8], doc: u32) -> DocFacts {
        let at = HEADER + doc as usize * DOC_RECORD;
        let record = bytes.get(at..at + DOC_RECORD).unwrap_or(&[0; DOC_RECORD]);
        DocFacts {
            length: f32_at(record, 0).max(1.0),
            kind: Kind::from_code(record[4]),
            path_words: record[5],
            deprecated: record[6] != 0,
        }
    }

    /// The document's texts: method, path, summary, operation id (for the
    /// API, its title first).
    pub(crate) fn texts<'a>(&self, bytes: &'a [u8], doc: u32) -> [&'a str; 4] {
        let texts = bytes.get(self.texts..).unwrap_or_default();
        let mut at = u32_at(bytes, HEADER + doc as usize * DOC_RECORD + 8) as usize;
        let mut out = [""; 4];
        for slot in &mut out {
            let len = u32_at(texts, at) as usize;
            *slot = texts
                .get(at + 4..at + 4 + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("");
            at += 4 + len;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint<'a>(method: &'a str, path: &'a str, summary: &'a str) -> EndpointText<'a> {
        EndpointText {
            method,
            path,
            operation_id: None,
            summary: Some(summary),
            tags: &[],
            deprecated: false,
            description: None,
        }
    }

    #[test]
    fn a_segment_reads_back_what_was_built() {
        let tags = vec!["Payments".to_owned()];
        let api = ApiText {
            title: "Stripe API",
            description: Some("Online payments"),
            tags: &tags,
        };
        let endpoints = [
            endpoint("GET", "/v1/customers", "List all customers"),
            endpoint("DELETE", "/v1/customers/{customer}", "Delete a customer"),
        ];
        let bytes = build_segment(&api, &endpoints);
        assert_eq!(bytes, build_segment(&api, &endpoints), "deterministic");
        let layout = Layout::read(&bytes).expect("layout");
        assert_eq!(layout.docs, 3);
        let customer = layout.find(&bytes, "custom").expect("stem of customer");
        let docs: Vec<u32> = layout.postings(&bytes, customer).map(|p| p.doc).collect();
        assert_eq!(docs, [1, 2]);
        assert!(layout.find(&bytes, "zebra").is_none());
        let payment = layout.find(&bytes, "payment").expect("payment");
        let posting = layout.postings(&bytes, payment).next().expect("posting");
        assert_eq!(posting.doc, 0);
        assert_ne!(posting.flags & IN_API, 0);
        assert_eq!(
            layout.texts(&bytes, 2),
            [
                "DELETE",
                "/v1/customers/{customer}",
                "Delete a customer",
                ""
            ]
        );
        assert_eq!(layout.texts(&bytes, 0)[0], "Stripe API");
        let facts = layout.doc(&bytes, 2);
        assert_eq!(facts.kind, Kind::Delete);
        assert_eq!(facts.path_words, 1);
    }

    #[test]
    fn damaged_bytes_are_refused_not_read() {
        let bytes = build_segment(
            &ApiText {
                title: "T",
                description: None,
                tags: &[],
            },
            &[endpoint("GET", "/things", "List things")],
        );
        for cut in [0, 3, HEADER, bytes.len() - 1] {
            assert!(Layout::read(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut other = bytes.clone();
        other[4] = 99;
        assert_eq!(Layout::read(&other).err(), Some(SegmentError::Format(99)));
        assert!(Layout::read(b"not a segment at all, really").is_err());
    }

    #[test]
    fn glued_path_words_split_into_the_apis_own_words() {
        let api = ApiText {
            title: "Directory",
            description: None,
            tags: &[],
        };
        let endpoints = [
            endpoint("GET", "/usergroups", "List all groups of users"),
            endpoint("GET", "/iplists", "List IP lists"),
            endpoint("GET", "/systeminsights/groups", "List system insights"),
        ];
        let mut builder = Builder::new(&api, &endpoints);
        assert_eq!(
            builder.split_compound("usergroups"),
            Some(("user".to_owned(), "groups".to_owned()))
        );
        assert_eq!(
            builder.split_compound("iplists"),
            Some(("ip".to_owned(), "lists".to_owned()))
        );
        assert_eq!(builder.split_compound("groups"), None);
        // Not tried past 40 letters: each split stems both halves, which
        // would take hours and gigabytes for a megabyte-long path word.
        let long = format!("user{}groups", "x".repeat(1_000_000));
        assert_eq!(builder.split_compound(&long), None);
        assert!(builder.stems_cached() < 1_000);
    }
}
