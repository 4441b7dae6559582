//! Counting tokens the way agents pay for them: o200k, the encoding of
//! current OpenAI models (and close to others'), so a budget in tokens
//! means what an agent's context window means.

use std::sync::LazyLock;

use tiktoken_rs::CoreBPE;

/// The o200k encoder, built once on first use (about 100 ms); `None` only
/// if the data bundled with tiktoken-rs failed to load.
static O200K: LazyLock<Option<CoreBPE>> = LazyLock::new(|| tiktoken_rs::o200k_base().ok());

/// o200k tokens of `text`. Should the encoder be unavailable, a quarter of
/// the bytes: the usual ratio for English and code, so budgets still hold
/// roughly.
pub fn count(text: &str) -> usize {
    match O200K.as_ref() {
        Some(bpe) => bpe.encode_with_special_tokens(text).len(),
        None => text.len().div_ceil(4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_o200k() {
        assert_eq!(count(""), 0);
        assert_eq!(count("hello world"), 2);
    }
}
