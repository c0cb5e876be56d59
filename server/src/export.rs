//! CSV export of the members table's current view, streamed.

use std::borrow::Cow;

use app::{
    AppError,
    ssr::{AppState, RequestContext, access, access::Caller},
};
use axum::{
    Extension,
    body::{Body, Bytes},
    extract::{Path, RawQuery, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::{
    MemberView,
    policy::{Action, Target},
};
use futures::StreamExt;
use store::MemberRow;

const HEADER: [&str; 6] = ["Name", "Email", "Role", "Status", "Joined", "Last sign-in"];

/// `GET /orgs/{slug}/members.csv?<the members page's query>`: every member
/// the view matches (not just one page), as the table orders them.
pub async fn members_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Extension(request): Extension<RequestContext>,
    RawQuery(query): RawQuery,
) -> Response {
    match export(&state, &request, &slug, query.as_deref().unwrap_or_default()).await {
        Ok(response) => response,
        Err(error) => error_response(error),
    }
}

async fn export(
    state: &AppState,
    request: &RequestContext,
    slug: &str,
    query: &str,
) -> Result<Response, AppError> {
    let caller = Caller::of(state, request).await?;
    let organization = access::organization(state, slug).await?;
    caller.require(Action::ListMembers, &Target::Organization(organization.id))?;
    let view = MemberView::parse(query).map_err(|e| AppError::invalid("q", e))?;

    let rows = state.store.stream_members(organization.id, view, Utc::now());
    Ok(csv_response(&HEADER, rows, member_line, &format!("{}-members.csv", organization.slug)))
}

/// A CSV download: the header line, then one line per row as the stream
/// delivers it, so memory does not grow with the row count.
pub(crate) fn csv_response<T: Send + 'static>(
    header: &[&str],
    rows: futures::stream::BoxStream<'static, store::Result<T>>,
    line: fn(&T) -> Vec<u8>,
    filename: &str,
) -> Response {
    let header_line = Bytes::from(csv_line(header));
    let header_line = futures::stream::once(async move { Ok::<_, std::io::Error>(header_line) });
    let rows = rows.map(move |row| match row {
        Ok(row) => Ok(Bytes::from(line(&row))),
        Err(error) => {
            tracing::error!(%error, "export interrupted");
            Err(std::io::Error::other("the export was interrupted"))
        }
    });
    let mut response = Body::from_stream(header_line.chain(rows)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// An error as a plain-text response with its status.
pub(crate) fn error_response(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

fn member_line(member: &MemberRow) -> Vec<u8> {
    let date = |at: Option<DateTime<Utc>>| {
        at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default()
    };
    csv_line(&[
        &member.name,
        &member.email,
        member.role.as_str(),
        member.status.as_str(),
        &date(member.joined_at),
        &date(member.last_sign_in_at),
    ])
}

/// One CSV record, quoted as RFC 4180 asks, with every cell neutralised.
pub(crate) fn csv_line(cells: &[&str]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(cells.iter().map(|cell| neutralize(cell).into_owned()));
    writer.into_inner().unwrap_or_default()
}

/// A cell a spreadsheet would evaluate as a formula gets a leading
/// apostrophe (OWASP's advice against CSV injection): a member named
/// `=HYPERLINK(…)` stays text when an admin opens the export.
fn neutralize(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        String::from_utf8(csv_line(cells)).unwrap()
    }

    #[test]
    fn quotes_what_needs_quoting() {
        assert_eq!(line(&["Ada", "ada@example.com"]), "Ada,ada@example.com\r\n");
        assert_eq!(line(&["Lovelace, Ada", "say \"hi\""]), "\"Lovelace, Ada\",\"say \"\"hi\"\"\"\r\n");
        assert_eq!(line(&["two\nlines", ""]), "\"two\nlines\",\r\n");
    }

    #[test]
    fn formulas_stay_text() {
        for formula in ["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralize(formula).starts_with('\''), "{formula:?}");
        }
        assert_eq!(neutralize("Ada"), "Ada");
        assert_eq!(line(&["=1+1"]), "'=1+1\r\n");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

        /// Cells as a hostile member might name themselves: any Unicode,
        /// and often CSV's and spreadsheets' special characters.
        fn cell() -> impl Strategy<Value = String> {
            let special = proptest::sample::select(vec![
                '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', '\'', ' ', '\u{feff}', '\0',
            ]);
            proptest::collection::vec(
                prop_oneof![2 => any::<char>(), 3 => special, 1 => proptest::char::range('a', 'z')],
                0..24,
            )
            .prop_map(|chars| chars.into_iter().collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            /// What a spreadsheet or CSV library reads back is each cell as
            /// exported: the cell itself, or a formula with its apostrophe.
            /// The line is read after the header, as in a real export.
            #[test]
            fn every_cell_round_trips_through_a_csv_reader(cells in proptest::collection::vec(cell(), 1..8)) {
                let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                let mut file = csv_line(&HEADER);
                file.extend(csv_line(&cells));
                let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(file.as_slice());
                let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
                prop_assert_eq!(records.len(), 2);
                prop_assert_eq!(records[0].iter().collect::<Vec<_>>(), HEADER.to_vec());
                let expected: Vec<String> = cells.iter().map(|cell| neutralize(cell).into_owned()).collect();
                prop_assert_eq!(records[1].iter().collect::<Vec<_>>(), expected);
            }

            /// No exported cell starts a formula; a cell that would is kept
            /// whole behind one apostrophe, and any other is left untouched.
            #[test]
            fn no_cell_starts_a_formula(cell in cell()) {
                let exported = neutralize(&cell);
                prop_assert!(!exported.starts_with(FORMULA_STARTS), "{:?}", exported);
                if cell.starts_with(FORMULA_STARTS) {
                    prop_assert_eq!(exported.as_ref(), format!("'{cell}"));
                } else {
                    prop_assert_eq!(exported.as_ref(), cell.as_str());
                }
            }
        }
    }
}
