//! Latency percentiles.

use std::time::Duration;

/// Each request's latency, with what it asked for.
#[derive(Default)]
pub struct Figures {
    samples: Vec<(Duration, String)>,
}

impl Figures {
    pub fn record(&mut self, took: Duration, what: String) {
        self.samples.push((took, what));
    }

    /// The `p`th percentile (nearest rank), in milliseconds.
    pub fn percentile(&self, p: f64) -> f64 {
        let mut sorted: Vec<Duration> = self.samples.iter().map(|(d, _)| *d).collect();
        sorted.sort();
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
    }

    /// The samples split by a key taken from what each asked, in key order.
    pub fn split_by(&self, key: impl Fn(&str) -> String) -> Vec<(String, Figures)> {
        let mut groups = std::collections::BTreeMap::<String, Figures>::new();
        for (took, what) in &self.samples {
            groups.entry(key(what)).or_default().record(*took, what.clone());
        }
        groups.into_iter().collect()
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn slowest(&self, n: usize) -> Vec<(String, Duration)> {
        let mut all: Vec<_> = self.samples.iter().map(|(d, w)| (w.clone(), *d)).collect();
        all.sort_by_key(|(_, took)| std::cmp::Reverse(*took));
        all.truncate(n);
        all
    }

    /// `| database | members | what | requests | p50 | p95 | p99 | max |`
    pub fn row(database: &str, members: u32, what: &str, figures: &Figures) -> String {
        format!(
            "| {database} | {members} | {what} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            figures.len(),
            figures.percentile(50.0),
            figures.percentile(95.0),
            figures.percentile(99.0),
            figures.percentile(100.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut figures = Figures::default();
        for ms in 1..=100 {
            figures.record(Duration::from_millis(ms), String::new());
        }
        assert_eq!(figures.percentile(50.0), 50.0);
        assert_eq!(figures.percentile(99.0), 99.0);
        assert_eq!(figures.percentile(100.0), 100.0);
        assert!(Figures::default().percentile(50.0).is_nan());
    }
}
