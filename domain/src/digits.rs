//! Numbers as people read them.

/// `n` with its digits grouped in threes by commas, as English writes
/// counts: "100,000 members · page 1 of 4,000".
pub fn grouped(n: impl Into<i64>) -> String {
    let n = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// [`grouped`] for a length or a count of items in memory.
pub fn grouped_len(n: usize) -> String {
    grouped(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_threes_from_the_right() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(40_000), "40,000");
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(4_000u32), "4,000");
        assert_eq!(grouped_len(25), "25");
    }

    #[test]
    fn the_extremes_and_negatives_are_grouped_too() {
        assert_eq!(grouped(-1_000), "-1,000");
        assert_eq!(grouped(-12), "-12");
        assert_eq!(grouped(i64::MAX), "9,223,372,036,854,775,807");
        assert_eq!(grouped(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(grouped(u32::MAX), "4,294,967,295");
    }
}
