//! curl samples written into descriptions. Some specs (JumpCloud's, 333
//! endpoints) put a `#### Sample Request` heading and a fenced `curl`
//! command in the description; printing that and then a generated curl
//! says the same thing twice. The catalog page this answer is modelled on
//! shows the spec's own sample as the example, so the engine takes it out
//! of the description and uses it as the endpoint's curl.

/// A description without its curl samples, and the samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The prose that is left; `None` when nothing is.
    pub description: Option<String>,
    /// The samples as one command (several separated by a blank line, each
    /// under a `# label` comment when its heading said more than "Sample
    /// Request"); `None` when the description carried none.
    pub sample: Option<String>,
}

/// Longest line taken for a sample's heading: longer ones are prose.
const LABEL_CHARS: usize = 80;

/// Takes the curl samples out of `description`: fenced (or indented) code
/// blocks whose first line is a `curl` command, with the heading line just
/// before them when it names a sample or example request.
pub fn split(description: &str) -> Split {
    let lines: Vec<&str> = description.lines().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut samples: Vec<(Option<String>, String)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((block, next)) = code_block(&lines, i, kept.last().copied()) else {
            kept.push(lines[i]);
            i += 1;
            continue;
        };
        if !block
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| is_curl(l.trim_start()))
        {
            kept.extend_from_slice(&lines[i..next]);
            i = next;
            continue;
        }
        while kept.last().is_some_and(|l| l.trim().is_empty()) {
            kept.pop();
        }
        let label = match kept.last().and_then(|l| label(l)) {
            Some(label) => {
                kept.pop();
                label
            }
            None => None,
        };
        samples.push((label, dedent(&block)));
        i = next;
    }
    if samples.is_empty() {
        return Split {
            description: Some(description.to_owned()),
            sample: None,
        };
    }
    let several = samples.len() > 1;
    let sample = samples
        .into_iter()
        .map(|(label, text)| match label {
            Some(label) if several => format!("# {label}\n{text}"),
            _ => text,
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut prose = String::new();
    let mut blank = false;
    for line in kept {
        if line.trim().is_empty() {
            blank = !prose.is_empty();
            continue;
        }
        if blank {
            prose.push('\n');
            blank = false;
        }
        prose.push_str(line.trim_end());
        prose.push('\n');
    }
    let prose = prose.trim().to_owned();
    Split {
        description: (!prose.is_empty()).then_some(prose),
        sample: Some(sample),
    }
}

fn is_curl(line: &str) -> bool {
    line == "curl" || line.starts_with("curl ")
}

/// The code block starting at line `at`, if one does: its lines and the
/// index after it. Fenced blocks (```` ``` ```` or `~~~`) end at their
/// closing fence (or the end); indented ones (four spaces or a tab, after
/// a blank line) at the first line that is not.
fn code_block<'a>(
    lines: &[&'a str],
    at: usize,
    previous: Option<&str>,
) -> Option<(Vec<&'a str>, usize)> {
    let line = lines[at];
    let trimmed = line.trim_start();
    for fence in ["```", "~~~"] {
        if trimmed.starts_with(fence) {
            let end = lines[at + 1..]
                .iter()
                .position(|l| l.trim_start().starts_with(fence))
                .map(|p| at + 1 + p);
            let block = lines[at + 1..end.unwrap_or(lines.len())].to_vec();
            return Some((block, end.map_or(lines.len(), |e| e + 1)));
        }
    }
    let indented = |l: &str| l.starts_with("    ") || l.starts_with('\t');
    if indented(line) && previous.is_none_or(|p| p.trim().is_empty()) && is_curl(trimmed) {
        let end = lines[at..]
            .iter()
            .position(|l| !indented(l) && !l.trim().is_empty())
            .map_or(lines.len(), |p| at + p);
        return Some((lines[at..end].to_vec(), end));
    }
    None
}

/// A heading that introduces a sample: `Some(None)` for a plain "Sample
/// Request", `Some(Some(rest))` when it says more, `None` when the line is
/// not such a heading.
fn label(line: &str) -> Option<Option<String>> {
    let text = line
        .trim()
        .trim_start_matches('#')
        .trim()
        .trim_matches('*')
        .trim()
        .trim_end_matches(':')
        .trim();
    let lower = text.to_ascii_lowercase();
    if text.chars().count() > LABEL_CHARS
        || !(lower.contains("sample") || lower.contains("example"))
        || !lower.contains("request")
    {
        return None;
    }
    let plain = ["sample request", "example request", "sample requests"];
    Some((!plain.contains(&lower.as_str())).then(|| text.to_owned()))
}

/// The block's lines without their common indentation or trailing blanks.
fn dedent(block: &[&str]) -> String {
    let indent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    block
        .iter()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_request_becomes_the_example() {
        let split = split(
            "This endpoint deletes an Active Directory agent.\n\n#### Sample Request\n```\ncurl -X DELETE https://x/agents/{id} \\\n  -H 'x-api-key: {API_KEY}'\n```\n",
        );
        assert_eq!(
            split.description.as_deref(),
            Some("This endpoint deletes an Active Directory agent.")
        );
        assert_eq!(
            split.sample.as_deref(),
            Some("curl -X DELETE https://x/agents/{id} \\\n  -H 'x-api-key: {API_KEY}'")
        );
    }

    #[test]
    fn prose_after_the_sample_stays() {
        let split = split(
            "List items.\n\n#### Sample Request\n```\ncurl -X GET https://x/items\n```\n\n\tNote: The `limit` maximum is 100.",
        );
        assert_eq!(
            split.description.as_deref(),
            Some("List items.\n\n\tNote: The `limit` maximum is 100.")
        );
        assert_eq!(split.sample.as_deref(), Some("curl -X GET https://x/items"));
    }

    #[test]
    fn several_samples_keep_their_labels() {
        let split = split(
            "Set it.\n\n**Sample Request, set a default domain:**\n```\ncurl -X PUT a\n```\n**Sample Request, unset the default domain:**\n```\ncurl -X PUT b\n```",
        );
        assert_eq!(split.description.as_deref(), Some("Set it."));
        assert_eq!(
            split.sample.as_deref(),
            Some(
                "# Sample Request, set a default domain\ncurl -X PUT a\n\n# Sample Request, unset the default domain\ncurl -X PUT b"
            )
        );
    }

    #[test]
    fn other_code_and_headings_stay() {
        let text = "Conditions:\n\n```\n{\"all\": []}\n```\n\n#### Sample Response\n```\n{}\n```";
        let split = split(text);
        assert_eq!(split.description.as_deref(), Some(text));
        assert_eq!(split.sample, None);
    }

    #[test]
    fn indented_samples_and_unclosed_fences() {
        let split = split("Example request:\n\n    curl https://x\n      -H 'a: b'\n\nDone.");
        assert_eq!(split.description.as_deref(), Some("Done."));
        assert_eq!(split.sample.as_deref(), Some("curl https://x\n  -H 'a: b'"));
        let split = super::split("```\ncurl https://x");
        assert_eq!(split.description, None);
        assert_eq!(split.sample.as_deref(), Some("curl https://x"));
    }
}
