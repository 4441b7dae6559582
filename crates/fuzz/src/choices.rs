//! Decisions read from a byte string.
//!
//! Every generator in this crate takes its decisions from [`Choices`]
//! instead of a random number generator, so one byte string stands for one
//! input: proptest generates and shrinks the bytes (shorter, and each byte
//! towards 0), and AFL mutates them guided by coverage. Bytes past the end
//! read as 0, and 0 always means the simplest decision (the first item, the
//! smallest number, "no"), so a shrunk byte string gives a small input.

/// A cursor over the decision bytes.
#[derive(Debug, Clone)]
pub struct Choices<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(data: &'a [u8]) -> Choices<'a> {
        Choices { data, at: 0 }
    }

    /// The next byte; 0 once the bytes are used up.
    pub fn byte(&mut self) -> u8 {
        let byte = self.data.get(self.at).copied().unwrap_or(0);
        self.at = self.at.saturating_add(1);
        byte
    }

    /// Whether every byte has been read (decisions from here on are 0).
    pub fn exhausted(&self) -> bool {
        self.at >= self.data.len()
    }

    /// A number in `0..n` (0 when `n` is 0 or 1), from as many bytes as
    /// `n` needs.
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let mut value: usize = 0;
        let mut span: usize = 1;
        while span < n {
            value = (value << 8) | usize::from(self.byte());
            span = span.saturating_mul(256);
        }
        value % n
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low).saturating_add(1))
    }

    /// True with probability `per_256`/256 (0: never, 256: always); a
    /// zero byte says no.
    pub fn chance(&mut self, per_256: u16) -> bool {
        u16::from(self.byte()) >= 256u16.saturating_sub(per_256)
    }

    /// One of `items` (which must not be empty).
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        let at = self.below(items.len());
        items[at].clone()
    }

    /// A count: usually up to `usual`, sometimes up to `rare`, seldom up to
    /// `huge` — most inputs stay small and fast, a few are large.
    pub fn count(&mut self, usual: usize, rare: usize, huge: usize) -> usize {
        match self.byte() {
            0..=235 => self.below(usual + 1),
            236..=251 => self.below(rare + 1),
            _ => self.below(huge + 1),
        }
    }

    /// The bytes not read yet (for decisions made later, while the input
    /// is exercised), at most `max` of them.
    pub fn rest(&mut self, max: usize) -> Vec<u8> {
        let start = self.at.min(self.data.len());
        let end = start.saturating_add(max).min(self.data.len());
        self.at = end;
        self.data[start..end].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhausted_bytes_give_the_simplest_decisions() {
        let mut c = Choices::new(&[]);
        assert_eq!(c.below(1000), 0);
        assert!(!c.chance(255));
        assert_eq!(c.pick(&["first", "second"]), "first");
        assert_eq!(c.count(5, 50, 500), 0);
    }

    #[test]
    fn numbers_stay_in_range() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut c = Choices::new(&bytes);
        for n in [2, 3, 255, 256, 257, 70_000] {
            assert!(c.below(n) < n);
        }
        assert!((5..=9).contains(&c.between(5, 9)));
    }
}
