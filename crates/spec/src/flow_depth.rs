//! A linear bound on how deep YAML flow collections (`[…]`, `{…}`) nest,
//! checked before the YAML parser sees the text.
//!
//! Why: the YAML scanner (libyaml) keeps one entry per open flow level and
//! walks them all for every token, and yaml_serde only checks the depth
//! after the scanner has read the whole document: the time grew with the
//! square of the depth (20,000 nested `[` after a key took 1 s, 40,000 took
//! 4.7 s). With flow nesting bounded first, each token costs at most
//! [`MAX_DEPTH`](crate::MAX_DEPTH) steps.
//!
//! How: block context (indentation, block scalars, multi-line plain
//! scalars) cannot be read without a full parser, but flow context can: it
//! has no indentation rules and its tokens end at the same characters
//! whatever came before. So every `[` or `{` anywhere is taken as a
//! possible start of a flow collection, and from each one the flow tokens
//! are followed exactly as libyaml reads them (quoted scalars, plain
//! scalars, comments, anchors, tags). Readings that reach the same state at
//! the same byte are merged, keeping the deepest, so at most one reading
//! per [`State`] is alive and the work is linear. The real reading is
//! always among them, so the deepest is an upper bound of the true depth;
//! a `[` that was only text (in a description, say) adds a reading that
//! ends at its `]`, or where libyaml would stop with an error had it been
//! flow (a word after `]`, a backtick). The price: text that is itself
//! deep flow, such as a string of 129 `[`, reads as too deep.

/// Where a reading of flow context is, between two bytes.
#[derive(Clone, Copy)]
enum State {
    /// Between tokens: whitespace, or the start of the next token.
    Token,
    /// After a whole node (a quoted scalar, a closed collection): only
    /// `,`, `:` or a closing bracket may follow.
    AfterNode,
    /// Inside a plain scalar's word.
    Plain,
    /// Inside a plain scalar, after whitespace: `#` would start a comment.
    PlainSpace,
    /// Inside a single-quoted scalar.
    Single,
    /// Just after a `'` inside a single-quoted scalar: `''` is a quote.
    SingleEnd,
    /// Inside a double-quoted scalar.
    Double,
    /// After a backslash inside a double-quoted scalar.
    DoubleEscape,
    /// Inside a comment, up to the line break.
    Comment,
    /// Inside an anchor or alias name.
    Anchor,
    /// Inside a tag, up to whitespace (or a `,`, which may end it).
    Tag,
}

const STATES: usize = 11;

/// One byte of input as the readings see it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A line break (`\n`, `\r`, NEL, LS, PS).
    Break,
    /// A byte order mark at the start of a line, which libyaml skips there.
    LineBom,
    Byte(u8),
}

/// Returns the byte offset at which flow collections may nest deeper than
/// `limit`, or `None` if they cannot anywhere in `text`.
pub(crate) fn too_deep_at(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // Deepest reading per state; 0 means no reading is in that state.
    let mut depths = [0usize; STATES];
    let mut at = 0;
    while at < bytes.len() {
        if depths == [0; STATES] {
            // No reading alive: only a `[` or `{` can start one.
            match bytes[at..].iter().position(|&b| b == b'[' || b == b'{') {
                Some(skip) => at += skip,
                None => return None,
            }
        }
        let (unit, len) = unit_at(bytes, at);
        let next_is_blank = bytes
            .get(at + len)
            .is_none_or(|b| matches!(b, b' ' | b'\t'))
            || matches!(unit_at(bytes, at + len).0, Unit::Break);
        if depths != [0; STATES] {
            let mut after = [0usize; STATES];
            for (index, &depth) in depths.iter().enumerate() {
                if depth > 0 {
                    step(STATE_OF[index], depth, unit, next_is_blank, &mut after);
                }
            }
            depths = after;
        }
        if matches!(unit, Unit::Byte(b'[' | b'{')) {
            // Any `[` or `{` may open a flow collection from block context.
            let token = &mut depths[State::Token as usize];
            *token = (*token).max(1);
        }
        if depths.iter().any(|&depth| depth > limit) {
            return Some(at);
        }
        at += len;
    }
    None
}

const STATE_OF: [State; STATES] = [
    State::Token,
    State::AfterNode,
    State::Plain,
    State::PlainSpace,
    State::Single,
    State::SingleEnd,
    State::Double,
    State::DoubleEscape,
    State::Comment,
    State::Anchor,
    State::Tag,
];

fn unit_at(bytes: &[u8], at: usize) -> (Unit, usize) {
    match bytes.get(at..).unwrap_or_default() {
        [b'\n' | b'\r', ..] => (Unit::Break, 1),
        [0xC2, 0x85, ..] => (Unit::Break, 2),
        [0xE2, 0x80, 0xA8 | 0xA9, ..] => (Unit::Break, 3),
        [0xEF, 0xBB, 0xBF, ..] if starts_line(bytes, at) => (Unit::LineBom, 3),
        [byte, ..] => (Unit::Byte(*byte), 1),
        [] => (Unit::Break, 1),
    }
}

/// Whether `at` is the start of the text or follows a line break.
fn starts_line(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at];
    before.is_empty()
        || matches!(before.last(), Some(b'\n' | b'\r'))
        || before.ends_with(&[0xC2, 0x85])
        || before.ends_with(&[0xE2, 0x80, 0xA8])
        || before.ends_with(&[0xE2, 0x80, 0xA9])
}

/// Moves a reading in `state` at `depth` over `unit`, recording where it
/// goes in `after` (the deepest wins). A reading ends where libyaml would
/// stop with an error (so text read as flow dies young) or when its depth
/// falls to 0 (back in block context).
fn step(state: State, depth: usize, unit: Unit, next_is_blank: bool, after: &mut [usize; STATES]) {
    let byte = match unit {
        Unit::Byte(byte) => Some(byte),
        Unit::Break | Unit::LineBom => None,
    };
    let blank = unit == Unit::Break || matches!(byte, Some(b' ' | b'\t'));
    match state {
        State::Token => match byte {
            _ if blank || unit == Unit::LineBom => put(after, State::Token, depth),
            Some(b'[' | b'{') => put(after, State::Token, depth + 1),
            Some(b']' | b'}') => put(after, State::AfterNode, depth - 1),
            Some(b',' | b'?' | b':') => put(after, State::Token, depth),
            Some(b'#') => put(after, State::Comment, depth),
            Some(b'\'') => put(after, State::Single, depth),
            Some(b'"') => put(after, State::Double, depth),
            Some(b'&' | b'*') => put(after, State::Anchor, depth),
            Some(b'!') => put(after, State::Tag, depth),
            // No token starts with these in flow context (a `- ` is a block
            // entry, which the parser refuses there): libyaml stops.
            Some(b'|' | b'>' | b'%' | b'@' | b'`') => {}
            Some(b'-') if next_is_blank => {}
            _ => put(after, State::Plain, depth),
        },
        State::AfterNode => match byte {
            // After a node only these may follow; anything else is an error.
            _ if blank || unit == Unit::LineBom => put(after, State::AfterNode, depth),
            Some(b',' | b':') => put(after, State::Token, depth),
            Some(b']' | b'}') => put(after, State::AfterNode, depth - 1),
            Some(b'#') => put(after, State::Comment, depth),
            _ => {}
        },
        State::Plain | State::PlainSpace => match byte {
            _ if blank => put(after, State::PlainSpace, depth),
            Some(b'#') if matches!(state, State::PlainSpace) => put(after, State::Comment, depth),
            Some(b':') if next_is_blank => put(after, State::Token, depth),
            Some(b',') => put(after, State::Token, depth),
            Some(b']' | b'}') => put(after, State::AfterNode, depth - 1),
            // A collection right after a scalar is an error.
            Some(b'[' | b'{') => {}
            _ => put(after, State::Plain, depth),
        },
        State::Single => match byte {
            Some(b'\'') => put(after, State::SingleEnd, depth),
            _ => put(after, State::Single, depth),
        },
        State::SingleEnd => match byte {
            Some(b'\'') => put(after, State::Single, depth),
            _ => step(State::AfterNode, depth, unit, next_is_blank, after),
        },
        State::Double => match byte {
            Some(b'\\') => put(after, State::DoubleEscape, depth),
            Some(b'"') => put(after, State::AfterNode, depth),
            _ => put(after, State::Double, depth),
        },
        State::DoubleEscape => put(after, State::Double, depth),
        State::Comment if unit == Unit::Break => put(after, State::Token, depth),
        State::Comment => put(after, State::Comment, depth),
        State::Anchor => match byte {
            Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                put(after, State::Anchor, depth);
            }
            _ => step(State::Token, depth, unit, next_is_blank, after),
        },
        State::Tag => match byte {
            _ if blank => put(after, State::Token, depth),
            // A tag's URI may hold `,` (then the tag goes on) or end at it.
            Some(b',') => {
                put(after, State::Tag, depth);
                put(after, State::Token, depth);
            }
            _ => put(after, State::Tag, depth),
        },
    }
}

fn put(after: &mut [usize; STATES], state: State, depth: usize) {
    let slot = &mut after[state as usize];
    *slot = (*slot).max(depth);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(n: usize) -> String {
        "[".repeat(n) + &"]".repeat(n)
    }

    #[test]
    fn deep_flow_is_found_whatever_comes_before_it() {
        let preludes = [
            "a: |\n  'x\n  \"y\nb: ",
            "# it's [\nb: ",
            "a: 'x\n  y'\nb: ",
            "a: \"x\\\"\" \nb: ",
            "a: !t,x [1]\nb: ",
            "a: &anchor [\"]]]\", ']]]', x]\nb: ",
            "\u{feff}b: ",
        ];
        for prelude in preludes {
            let text = format!("{prelude}{}\n", deep(200));
            assert!(too_deep_at(&text, 128).is_some(), "{prelude:?}");
            let text = format!("{prelude}{}\n", deep(100));
            assert_eq!(too_deep_at(&text, 128), None, "{prelude:?}");
        }
    }

    #[test]
    fn closing_brackets_in_quotes_close_nothing() {
        let text = "a: ".to_owned() + &"[\"]\", '}', ".repeat(200) + &"]".repeat(200);
        assert!(too_deep_at(&text, 128).is_some());
    }

    #[test]
    fn brackets_in_prose_do_not_add_up() {
        let line = "  description: See [the docs](https://x/{id}), it's {fine}; `[` and `{` [1.\n";
        assert_eq!(too_deep_at(&line.repeat(10_000), 4), None);
    }
}
