//! Navigation to interactive in headless Chromium, measured by
//! `end2end/bench/interactive.mjs`, and what a first visit downloads, by
//! `end2end/bench/downloads.mjs` (Playwright, from the end-to-end suite's
//! packages) against the running server.

use std::{collections::BTreeMap, process::Command, time::Duration};

use crate::{ADMIN, ORGANIZATION, PASSWORD, figures::Figures};

/// Visits of the members page, each a first visit (a new browser profile)
/// followed by a repeat one. Returns one set of figures per measurement the
/// script names.
pub fn members_page_visits(base: &str, visits: u32) -> Result<Vec<(String, Figures)>, String> {
    let output = node(
        "end2end/bench/interactive.mjs",
        &[base, ADMIN, PASSWORD, &members_page(), &visits.to_string()],
    )?;
    parse(&output)
}

/// The budgets of issue #23 for a first visit's scripts and WebAssembly,
/// over the wire.
const BUDGETS: [(&str, u64); 2] = [("/sign-in", 200_000), ("members", 300_000)];

/// What a first visit of the sign-in page and of the members page
/// downloads from `/pkg`, per file, one line per page.
pub fn page_downloads(base: &str) -> Result<Vec<String>, String> {
    let output = node("end2end/bench/downloads.mjs", &[base, ADMIN, PASSWORD, &members_page()])?;
    let mut pages: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for line in output.lines().filter(|line| !line.trim().is_empty()) {
        let mut fields = line.split('\t');
        let (Some(page), Some(file), Some(bytes), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(format!("unexpected line: {line}"));
        };
        let bytes = bytes.parse().map_err(|_| format!("not a size: {line}"))?;
        pages.entry(page.to_owned()).or_default().push((file.to_owned(), bytes));
    }
    Ok(pages.iter().map(|(page, files)| describe(page, files)).collect())
}

fn members_page() -> String {
    format!("/orgs/{ORGANIZATION}/members")
}

/// "`/sign-in` downloads 190,000 bytes of scripts and WebAssembly (budget
/// 200,000): roster.js 6,207, …; and the stylesheet, 1,886".
fn describe(page: &str, files: &[(String, u64)]) -> String {
    let budget = BUDGETS.iter().find(|(name, _)| page.contains(name)).map(|(_, bytes)| *bytes);
    let (code, other): (Vec<_>, Vec<_>) =
        files.iter().partition(|(file, _)| file.ends_with(".js") || file.ends_with(".wasm"));
    let total: u64 = code.iter().map(|(_, bytes)| bytes).sum();
    let list = |files: &[&(String, u64)]| {
        files
            .iter()
            .map(|(file, bytes)| format!("{} {}", plain_name(file), grouped(*bytes)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let budget = budget.map_or(String::new(), |bytes| format!(" (budget {})", grouped(bytes)));
    let mut line = format!(
        "first visit of {page} downloads {} bytes of scripts and WebAssembly{budget}, brotli: {}",
        grouped(total),
        list(&code)
    );
    if !other.is_empty() {
        line.push_str(&format!("; and {}", list(&other)));
    }
    line
}

/// Fingerprinted names change with every build: `roster.<22 characters>.wasm`
/// is shown as `roster.wasm`.
fn plain_name(file: &str) -> String {
    let parts: Vec<&str> = file.split('.').collect();
    match parts.as_slice() {
        [stem @ .., hash, extension] if !stem.is_empty() && hash.len() == 22 => {
            format!("{}.{extension}", stem.join("."))
        }
        _ => file.to_owned(),
    }
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Runs one of the Playwright scripts and returns what it printed.
fn node(script: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .output()
        .map_err(|e| format!("running node {script}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{script} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
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

    #[test]
    fn describes_a_pages_downloads() {
        let files = [
            ("roster.hP3_k-9ZqRw0aBcDeFgHiJ.js".to_owned(), 6_207),
            ("roster.hP3_k-9ZqRw0aBcDeFgHiJ.wasm".to_owned(), 190_000),
            ("roster.hP3_k-9ZqRw0aBcDeFgHiJ.css".to_owned(), 1_886),
        ];
        assert_eq!(
            describe("/sign-in", &files),
            "first visit of /sign-in downloads 196,207 bytes of scripts and WebAssembly (budget 200,000), \
             brotli: roster.js 6,207, roster.wasm 190,000; and roster.css 1,886"
        );
        assert_eq!(plain_name("members_page.wasm"), "members_page.wasm");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
