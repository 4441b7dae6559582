//! Spec text is untrusted: descriptions are CommonMark, rendered to HTML
//! and sanitized before they reach a page.
//!
//! pulldown-cmark renders; ammonia sanitizes. Rendering that produced only
//! markup pulldown-cmark writes itself (paragraphs, emphasis, code, lists,
//! tables; every text escaped) is safe by construction and skips the
//! sanitizer; anything carrying raw HTML, a link or an image goes through
//! ammonia, which keeps a small allow-list of tags, drops event handler
//! attributes, `javascript:` and relative URLs, and images. Identical texts
//! (GitHub repeats its parameter descriptions hundreds of times) are
//! rendered once per page.

use std::collections::HashMap;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(["img"])
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow noopener noreferrer"));
    builder
});

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// CommonMark `text` as sanitized HTML.
pub fn to_html(text: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(text, options()).collect();
    let risky = events.iter().any(|event| {
        matches!(
            event,
            Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::Link { .. } | Tag::Image { .. })
        )
    });
    let mut html = String::with_capacity(text.len() + text.len() / 4 + 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if risky {
        SANITIZER.clean(&html).to_string()
    } else {
        html
    }
}

/// [`to_html`] without the enclosing paragraph when the text is a single
/// one, for table cells and one-liners.
pub fn inline_html(text: &str) -> String {
    let html = to_html(text);
    let trimmed = html.trim_end();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        && !inner.contains("<p>")
    {
        return inner.to_owned();
    }
    html
}

/// Renders markdown with a memo, for one page's worth of descriptions.
#[derive(Default)]
pub struct Renderer {
    block: HashMap<String, String>,
    inline: HashMap<String, String>,
}

impl Renderer {
    /// A block of markdown (`None` and blank texts give `None`).
    pub fn block(&mut self, text: Option<&str>) -> Option<String> {
        let text = text.map(str::trim).filter(|t| !t.is_empty())?;
        if let Some(hit) = self.block.get(text) {
            return Some(hit.clone());
        }
        let html = to_html(text);
        self.block.insert(text.to_owned(), html.clone());
        Some(html)
    }

    /// A one-line piece of markdown (`None` and blank texts give `None`).
    pub fn inline(&mut self, text: Option<&str>) -> Option<String> {
        let text = text.map(str::trim).filter(|t| !t.is_empty())?;
        if let Some(hit) = self.inline.get(text) {
            return Some(hit.clone());
        }
        let html = inline_html(text);
        self.inline.insert(text.to_owned(), html.clone());
        Some(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_markdown_renders() {
        assert_eq!(to_html("Hello *world*"), "<p>Hello <em>world</em></p>\n");
        assert_eq!(inline_html("a `b` c"), "a <code>b</code> c");
        assert_eq!(inline_html("x < y & z"), "x &lt; y &amp; z");
    }

    /// The markup of every real tag in `html` (text is escaped, so a
    /// literal `<` always starts one), lower-cased.
    fn tags(html: &str) -> Vec<String> {
        html.split('<')
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or(rest).to_ascii_lowercase())
            .collect()
    }

    #[test]
    fn hostile_markup_is_removed() {
        for text in [
            "<script>window.__xss=1</script>",
            "[x](javascript:window.__xss=1)",
            "<img src=x onerror=window.__xss=1>",
            "<img src=x onerror=\"window.__xss=1\">",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<div onclick=alert(1)>x</div>",
            "<iframe src=//evil></iframe>",
            "[x](JaVaScRiPt:alert(1))",
            "<svg><script>alert(1)</script></svg>",
            "<a href='&#106;avascript:alert(1)'>x</a>",
            "![x](javascript:alert(1))",
            "<style>body{display:none}</style>",
            "<details open ontoggle=alert(1)>",
            "<form action=javascript:alert(1)><button>x</button></form>",
        ] {
            let html = to_html(text);
            for tag in tags(&html) {
                let name = tag.split_whitespace().next().unwrap_or_default();
                assert!(
                    ![
                        "script", "img", "iframe", "style", "svg", "form", "input", "object",
                        "embed"
                    ]
                    .contains(&name),
                    "{text} → {html}"
                );
                assert!(!tag.contains("javascript:"), "{text} → {html}");
                assert!(!tag.contains("&#"), "{text} → {html}");
                assert!(
                    !tag.split_whitespace()
                        .skip(1)
                        .any(|attr| attr.starts_with("on")),
                    "{text} → {html}"
                );
            }
        }
    }

    #[test]
    fn safe_links_stay() {
        let html = to_html("See [docs](https://example.com/x).");
        assert!(html.contains("href=\"https://example.com/x\""), "{html}");
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer\""),
            "{html}"
        );
    }
}
