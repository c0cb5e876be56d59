//! Where one page lies in a list shown a page at a time.

/// Page `page` (1-based) of a list of `total` rows, `size` rows a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub size: u32,
    pub total: i64,
}

impl Paging {
    pub fn new(page: u32, size: u32, total: i64) -> Self {
        Self { page, size, total }
    }

    /// The page a URL's `page` parameter asks for: the first one unless it
    /// says a positive whole number.
    pub fn requested(param: Option<impl AsRef<str>>) -> u32 {
        param.and_then(|page| page.as_ref().parse().ok()).filter(|page| *page >= 1).unwrap_or(1)
    }

    /// How many pages the list fills: at least one, so that an empty list
    /// is page 1 of 1.
    pub fn pages(self) -> u32 {
        let rows = u64::try_from(self.total).unwrap_or(0);
        let pages = rows.div_ceil(u64::from(self.size.max(1))).max(1);
        u32::try_from(pages).unwrap_or(u32::MAX)
    }

    pub fn previous(self) -> Option<u32> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(self) -> Option<u32> {
        (self.page < self.pages()).then(|| self.page + 1)
    }

    /// How many rows come before this page.
    pub fn offset(self) -> i64 {
        i64::from(self.page.max(1) - 1).saturating_mul(i64::from(self.size))
    }

    /// The positions (1-based) of the first and the last of the `shown`
    /// rows this page holds, as a caption counts them ("26–50 of 60").
    pub fn shown(self, shown: usize) -> (i64, i64) {
        let offset = self.offset();
        (offset.saturating_add(1), offset.saturating_add(i64::try_from(shown).unwrap_or(i64::MAX)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_asked_for_by_a_positive_number() {
        assert_eq!(Paging::requested(Some("7")), 7);
        assert_eq!(Paging::requested(Some("+7")), 7);
        for other in [None, Some("0"), Some("-3"), Some("two"), Some(""), Some("4294967296")] {
            assert_eq!(Paging::requested(other), 1, "{other:?}");
        }
    }

    #[test]
    fn an_empty_list_is_one_page_with_nowhere_to_go() {
        let paging = Paging::new(1, 25, 0);
        assert_eq!((paging.pages(), paging.previous(), paging.next()), (1, None, None));
        assert_eq!(paging.offset(), 0);
    }

    #[test]
    fn the_first_and_the_last_page_lead_one_way_only() {
        assert_eq!(Paging::new(1, 25, 60).pages(), 3);
        assert_eq!((Paging::new(1, 25, 60).previous(), Paging::new(1, 25, 60).next()), (None, Some(2)));
        assert_eq!((Paging::new(2, 25, 60).previous(), Paging::new(2, 25, 60).next()), (Some(1), Some(3)));
        assert_eq!((Paging::new(3, 25, 60).previous(), Paging::new(3, 25, 60).next()), (Some(2), None));
        assert_eq!(Paging::new(3, 25, 60).shown(10), (51, 60));
    }

    #[test]
    fn a_full_last_page_has_no_next() {
        let paging = Paging::new(2, 25, 50);
        assert_eq!((paging.pages(), paging.next()), (2, None));
        assert_eq!(Paging::new(1, 25, 25).next(), None);
        assert_eq!(Paging::new(1, 25, 26).next(), Some(2));
        assert_eq!(Paging::new(1, 25, 26).shown(25), (1, 25));
    }

    #[test]
    fn a_page_past_the_end_leads_back_only() {
        let paging = Paging::new(9, 25, 60);
        assert_eq!((paging.previous(), paging.next()), (Some(8), None));
    }

    #[test]
    fn nothing_overflows() {
        let last = Paging::new(u32::MAX, 1, i64::MAX);
        assert_eq!(last.pages(), u32::MAX, "more pages than a u32 counts");
        assert_eq!(last.next(), None);
        assert_eq!(last.offset(), i64::from(u32::MAX - 1));
        assert_eq!(Paging::new(u32::MAX, u32::MAX, 0).offset(), i64::MAX, "saturated");
        assert_eq!(Paging::new(u32::MAX, u32::MAX, 0).shown(usize::MAX), (i64::MAX, i64::MAX));
        assert_eq!(Paging::new(1, 0, 10).pages(), 10, "a size of 0 counts as 1");
        assert_eq!(Paging::new(0, 25, 10).offset(), 0, "page 0 is the first");
        assert_eq!(Paging::new(2, 25, -5).pages(), 1, "a negative total is none");
    }
}
