//! Words, names and prose for generated documents: mostly ordinary API
//! language, now and then the text that breaks renderers (markup, template
//! syntax, control characters, bidirectional and combining Unicode,
//! surrogate-looking escapes, very long runs).

use crate::choices::Choices;

const WORDS: &[&str] = &[
    "pet", "user", "invoice", "list", "create", "delete", "update", "get", "search", "order",
    "payment", "customer", "item", "account", "token", "webhook", "event", "file", "upload",
    "message", "send", "repo", "issue", "comment", "status", "v1", "v2", "api", "id", "name",
    "email", "sms", "charge", "refund", "calendar", "the", "a", "of", "with", "by", "for",
];

/// Text that has broken (or could break) some renderer or reader.
const NASTY: &[&str] = &[
    "<script>alert(1)</script>",
    "<b>bold</b> & <i>",
    "&amp; &lt; &#0; &#x110000;",
    "<!-- c -->",
    "]]>",
    "{{ x }}",
    "{% if %}",
    "{# c #}",
    "${x}",
    "`code`",
    "```\nfenced\n```",
    "~~~",
    "# Heading\n",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "[link](javascript:alert(1))",
    "![img](http://x/i.png)",
    "<http://auto.link>",
    "* item\n* item",
    "1. one\n2. two",
    "> quote",
    "---",
    "\\",
    "\"",
    "'",
    "\u{0}",
    "\u{7}\u{1b}[31m",
    "\r\n",
    "\t",
    "\u{200b}",
    "\u{202e}drowkcab",
    "e\u{301}\u{301}\u{301}",
    "日本語のテキスト",
    "🦀🦀",
    "\u{fffd}",
    "\u{feff}",
    "Ω≈ç√∫",
    "%s %n %x",
    "%00 %ZZ %7B",
    "../..",
    "#",
    "?",
    "@",
    ":",
    "{",
    "}",
    "[",
    "]",
    "*",
    "&anchor",
    "!tag",
    "|",
    ">",
    "-",
    "null",
    "true",
    "0x1F",
    "1e999",
    "-0",
    "NaN",
    ".inf",
    "~",
    "yes",
    "no",
    "<<",
];

/// One ordinary word.
pub fn word(c: &mut Choices) -> &'static str {
    c.pick(WORDS)
}

/// A few words, sometimes with hostile text mixed in or a long run.
pub fn prose(c: &mut Choices) -> String {
    let mut out = String::new();
    let words = c.count(6, 40, 400);
    for i in 0..words.max(1) {
        if i > 0 {
            out.push(if c.chance(20) { '\n' } else { ' ' });
        }
        if c.chance(40) {
            out.push_str(c.pick(NASTY));
        } else {
            out.push_str(word(c));
        }
    }
    if c.chance(3) {
        let unit = c.pick(NASTY).to_owned() + word(c);
        out.push_str(&unit.repeat(c.between(100, 20_000)));
    }
    out
}

/// A short name: a word, a word with a number, or something odd.
pub fn name(c: &mut Choices) -> String {
    match c.below(12) {
        0..=6 => {
            let mut name = word(c).to_owned();
            if c.chance(128) {
                name.push_str(&capitalized(word(c)));
            }
            name
        }
        7 => format!("{}{}", word(c), c.below(1000)),
        8 => c.pick(NASTY).to_string(),
        9 => format!("{}.{}", word(c), word(c)),
        10 => String::new(),
        _ => format!("{}/{}~{}", word(c), word(c), c.pick(NASTY)),
    }
}

/// A name in `PascalCase`, as schemas are usually named.
pub fn type_name(c: &mut Choices) -> String {
    if c.chance(24) {
        return name(c);
    }
    let mut out = capitalized(word(c));
    if c.chance(100) {
        out.push_str(&capitalized(word(c)));
    }
    out
}

pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A version label as `info.version` writes it.
pub fn version(c: &mut Choices) -> String {
    match c.below(8) {
        0 => "1.0.0".to_owned(),
        1 => format!("{}.{}", c.below(5), c.below(20)),
        2 => format!("2024-{:02}-{:02}", c.between(1, 12), c.between(1, 28)),
        3 => format!("v{}", c.below(4)),
        4 => String::new(),
        5 => prose(c),
        6 => format!("{}.0-beta.{}+build.{}", c.below(3), c.below(9), c.below(99)),
        _ => "latest".to_owned(),
    }
}
