//! Which rows a page of a sorted list is, read from whichever end is nearer.

/// The rows to read for one page: skip `offset`, take `limit`, in the
/// list's order or, with `from_end`, in the reverse order.
///
/// Skipping rows costs one index entry each, so the last page of 100,000
/// members read forwards walks the whole index; read backwards, it is the
/// first 25. Reading deep pages from the end keeps every page under half the
/// list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageWindow {
    pub offset: i64,
    pub limit: i64,
    pub from_end: bool,
}

impl PageWindow {
    /// Page `page` (1-based, already within the list) of `page_size` rows
    /// out of `total`.
    pub(crate) fn new(total: i64, page: u32, page_size: i64) -> Self {
        let start = i64::from(page.max(1) - 1) * page_size;
        let on_page = (total - start).clamp(0, page_size);
        if start > total / 2 {
            Self { offset: total - start - on_page, limit: on_page, from_end: true }
        } else {
            Self { offset: start, limit: on_page, from_end: false }
        }
    }

    /// The first page, whatever the total: its rows are the first
    /// `page_size` there are.
    pub(crate) fn first(page_size: i64) -> Self {
        Self { offset: 0, limit: page_size, from_end: false }
    }

    /// Whether there is nothing to read.
    pub(crate) fn is_empty(&self) -> bool {
        self.limit == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the window, as indexes into the list in its own order.
    fn rows(total: i64, page: u32, page_size: i64) -> Vec<i64> {
        let window = PageWindow::new(total, page, page_size);
        let mut rows: Vec<i64> = if window.from_end {
            (0..total).rev().skip(window.offset as usize).take(window.limit as usize).collect()
        } else {
            (0..total).skip(window.offset as usize).take(window.limit as usize).collect()
        };
        rows.sort();
        rows
    }

    #[test]
    fn every_page_is_the_same_rows_read_from_either_end() {
        for total in [0, 1, 24, 25, 26, 49, 50, 51, 100, 101, 1_000] {
            let pages = ((total + 24) / 25).max(1) as u32;
            for page in 1..=pages {
                let start = i64::from(page - 1) * 25;
                let expected: Vec<i64> = (start..(start + 25).min(total)).collect();
                assert_eq!(rows(total, page, 25), expected, "page {page} of {total}");
            }
        }
    }

    #[test]
    fn deep_pages_are_read_from_the_end() {
        assert_eq!(PageWindow::new(100_000, 1, 25), PageWindow { offset: 0, limit: 25, from_end: false });
        assert_eq!(PageWindow::new(100_000, 4_000, 25), PageWindow { offset: 0, limit: 25, from_end: true });
        assert_eq!(PageWindow::new(100_001, 4_001, 25), PageWindow { offset: 0, limit: 1, from_end: true });
        assert_eq!(PageWindow::new(100_001, 4_000, 25), PageWindow { offset: 1, limit: 25, from_end: true });
        // No page skips more than half the list.
        for page in 1..=4_001 {
            assert!(PageWindow::new(100_001, page, 25).offset <= 50_001, "page {page}");
        }
        assert!(PageWindow::new(0, 1, 25).is_empty());
    }
}
