use chrono::{Duration, NaiveDate};
use leptos::prelude::*;

const BAR: usize = 6;
const HEIGHT: u32 = 64;
const LEFT: usize = 28;
const BOTTOM: u32 = 18;

/// Sign-ins per day as a bar chart, in SVG: it is part of the server's
/// HTML, so it shows before (and without) the WebAssembly. Each bar has a
/// title with its day and count; the chart as a whole is described in words.
#[component]
pub fn SignInChart(days: Vec<u32>, today: NaiveDate) -> impl IntoView {
    let total: u32 = days.iter().sum();
    let busiest = days.iter().copied().max().unwrap_or(0);
    let scale = busiest.max(1);
    let first_day = today - Duration::days(days.len() as i64 - 1);
    let width = LEFT + days.len() * BAR;
    let summary = format!(
        "Sign-ins per day over the last {} days: {total} in all, at most {busiest} on one day.",
        days.len()
    );
    let bars = days
        .iter()
        .enumerate()
        .map(|(index, &count)| {
            let day = first_day + Duration::days(index as i64);
            let height = count * HEIGHT / scale;
            let noun = if count == 1 { "sign-in" } else { "sign-ins" };
            view! {
                <rect
                    class="chart-bar"
                    x=(LEFT + index * BAR).to_string()
                    y=(HEIGHT - height).to_string()
                    width=(BAR - 1).to_string()
                    height=height.to_string()
                    data-count=count.to_string()
                >
                    <title>{format!("{day}: {count} {noun}")}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class="sign-in-chart">
            <svg
                viewBox=format!("0 0 {width} {}", HEIGHT + BOTTOM)
                width=width.to_string()
                height=(HEIGHT + BOTTOM).to_string()
                role="img"
                aria-label=summary.clone()
            >
                <line class="chart-axis" x1=LEFT.to_string() y1=HEIGHT.to_string() x2=width.to_string() y2=HEIGHT.to_string() />
                <text class="chart-label" x=(LEFT - 4).to_string() y="10" text-anchor="end">{busiest.to_string()}</text>
                <text class="chart-label" x=(LEFT - 4).to_string() y=HEIGHT.to_string() text-anchor="end">"0"</text>
                {bars}
                <text class="chart-label" x=LEFT.to_string() y=(HEIGHT + BOTTOM - 4).to_string()>{first_day.format("%b %-d").to_string()}</text>
                <text class="chart-label" x=width.to_string() y=(HEIGHT + BOTTOM - 4).to_string() text-anchor="end">
                    {today.format("%b %-d").to_string()}
                </text>
            </svg>
            <figcaption>{summary}</figcaption>
        </figure>
    }
}
