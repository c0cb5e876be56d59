//! Navigation to interactive in headless Chromium, measured by
//! `end2end/bench/interactive.mjs` (Playwright, from the end-to-end suite's
//! packages) against the running server.

use std::{path::Path, process::Command, time::Duration};

use crate::{ADMIN, ORGANIZATION, PASSWORD, figures::Figures};

/// Visits of the members page, each a first visit (a new browser profile)
/// followed by a repeat one. Returns one set of figures per measurement the
/// script names.
pub fn members_page_visits(base: &str, visits: u32) -> Result<Vec<(String, Figures)>, String> {
    let script = Path::new("end2end/bench/interactive.mjs");
    let output = Command::new("node")
        .arg(script)
        .args([base, ADMIN, PASSWORD, &format!("/orgs/{ORGANIZATION}/members"), &visits.to_string()])
        .output()
        .map_err(|e| format!("running node {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&String::from_utf8_lossy(&output.stdout))
}

/// `what: 12.5,13.0,…` lines into figures.
fn parse(output: &str) -> Result<Vec<(String, Figures)>, String> {
    output
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (what, samples) = line.split_once(": ").ok_or_else(|| format!("unexpected line: {line}"))?;
            let mut figures = Figures::default();
            for sample in samples.split(',') {
                let ms: f64 = sample.parse().map_err(|_| format!("not milliseconds: {sample} in {line}"))?;
                if !ms.is_finite() || ms < 0.0 {
                    return Err(format!("not a duration: {sample} in {line}"));
                }
                figures.record(Duration::from_secs_f64(ms / 1000.0), String::new());
            }
            Ok((what.to_owned(), figures))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scripts_lines() {
        let parsed = parse("first visit, navigation to interactive: 120.5,80.0\n\nrepeat: 40.0\n").unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].0, "first visit, navigation to interactive");
        assert_eq!(parsed[0].1.len(), 2);
        assert_eq!(parsed[0].1.percentile(100.0), 120.5);
        assert!(parse("no separator").is_err());
        assert!(parse("what: NaN").is_err());
    }
}
