//! Page numbers and offsets in long lists. Both are bounded, so that no
//! arithmetic on them can overflow whatever a client sends: a page number is
//! clamped into 1..=[`MAX_PAGE`], an offset outside 0..=[`MAX_OFFSET`] is
//! refused.

use serde::Deserialize;

/// The highest page number any list goes to.
pub const MAX_PAGE: u32 = 1_000_000;

/// The largest offset the API accepts.
pub const MAX_OFFSET: i64 = 100_000_000;

/// A page of a list, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(from = "i64")]
pub struct PageNumber(u32);

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber(1)
    }
}

impl From<i64> for PageNumber {
    /// Any number a client sends, clamped into 1..=[`MAX_PAGE`].
    fn from(n: i64) -> Self {
        PageNumber(n.clamp(1, i64::from(MAX_PAGE)) as u32)
    }
}

impl std::fmt::Display for PageNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl PageNumber {
    /// The page as a number, from 1.
    pub fn get(self) -> u32 {
        self.0
    }

    /// How many rows come before this page, at `per_page` rows a page.
    pub fn offset(self, per_page: u32) -> u64 {
        u64::from(self.0 - 1) * u64::from(per_page)
    }

    /// The page before, if this is not the first.
    pub fn previous(self) -> Option<PageNumber> {
        (self.0 > 1).then(|| PageNumber(self.0 - 1))
    }

    /// The page after, if `total` rows at `per_page` a page reach it.
    pub fn next(self, per_page: u32, total: u64) -> Option<PageNumber> {
        (self.0 < MAX_PAGE && u64::from(self.0) * u64::from(per_page) < total)
            .then(|| PageNumber(self.0 + 1))
    }
}

/// How many rows to skip, 0..=[`MAX_OFFSET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offset(i64);

/// An offset out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("give an offset from 0 to {MAX_OFFSET}")]
pub struct OffsetOutOfRange;

impl Offset {
    /// Reads an offset, refusing one below 0 or above [`MAX_OFFSET`].
    pub fn parse(n: i64) -> Result<Offset, OffsetOutOfRange> {
        if (0..=MAX_OFFSET).contains(&n) {
            Ok(Offset(n))
        } else {
            Err(OffsetOutOfRange)
        }
    }

    /// The offset as a number.
    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_clamped_so_links_never_overflow() {
        assert_eq!(PageNumber::from(i64::MAX).get(), MAX_PAGE);
        assert_eq!(PageNumber::from(i64::MIN).get(), 1);
        assert_eq!(PageNumber::from(0).get(), 1);
        let last = PageNumber::from(i64::MAX);
        assert_eq!(last.next(50, u64::MAX), None, "no page after the last");
        assert_eq!(last.previous().map(PageNumber::get), Some(MAX_PAGE - 1));
        assert_eq!(last.offset(50), u64::from(MAX_PAGE - 1) * 50);
    }

    #[test]
    fn next_and_previous_follow_the_total() {
        let first = PageNumber::default();
        assert_eq!(first.previous(), None);
        assert_eq!(first.next(50, 50), None);
        assert_eq!(first.next(50, 51).map(PageNumber::get), Some(2));
        assert_eq!(PageNumber::from(3).offset(50), 100);
    }

    #[test]
    fn offsets_outside_the_range_are_refused() {
        assert_eq!(Offset::parse(0).map(Offset::get), Ok(0));
        assert_eq!(Offset::parse(MAX_OFFSET).map(Offset::get), Ok(MAX_OFFSET));
        assert!(Offset::parse(-1).is_err());
        assert!(Offset::parse(MAX_OFFSET + 1).is_err());
        assert!(Offset::parse(i64::MAX).is_err());
    }
}
