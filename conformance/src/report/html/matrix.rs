//! The promise matrix: a row per promise with its status in words and its
//! counts, each promise linking to its section, and the totals; and the
//! status and fragment id that the promise's section shares with its row.

use maud::{Markup, html};

use crate::report::results::{PromiseRow, RowStatus, RunReport};

const COLUMNS: [&str; 8] = [
    "promise",
    "status",
    "passed",
    "failed",
    "non-strict",
    "expected failures",
    "skipped",
    "informational",
];

pub fn table(report: &RunReport, rows: &[PromiseRow]) -> Markup {
    html! {
        section {
            "\n" h2 { "Promise matrix" } "\n"
            table id="promise-matrix" {
                "\n"
                thead { tr { @for column in COLUMNS { th scope="col" { (column) } } } } "\n"
                tbody {
                    "\n"
                    @for (index, row) in rows.iter().enumerate() {
                        (matrix_row(
                            html! { a href=(format!("#{}", anchor(index, &row.promise))) { (row.promise) } },
                            row,
                        ))
                    }
                }
                "\n"
                tfoot { "\n" (matrix_row(html! { "all promises" }, &report.totals())) }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

fn matrix_row(name: Markup, row: &PromiseRow) -> Markup {
    let (status_class, status) = row_status(row);
    let counts = [
        ("passed", row.passed),
        ("failed", row.failed),
        ("nonstrict", row.non_strict),
        ("expected", row.expected_failures),
        ("skipped", row.skipped),
        ("info", row.informational),
    ];
    html! {
        tr {
            th scope="row" { (name) }
            td.status.(status_class) { (status) }
            @for (class, count) in counts {
                // Zero cells stay plain so that the coloured ones stand out.
                td.count.(if count == 0 { "zero" } else { class }) { (count) }
            }
        }
        "\n"
    }
}

/// The worst thing in a row, in words, so the page does not rely on
/// colour: (CSS class, label), in the matrix and on the promise's section.
pub fn row_status(row: &PromiseRow) -> (&'static str, &'static str) {
    let status = row.status();
    let class = match status {
        RowStatus::Failed => "failed",
        RowStatus::NotChecked => "notchecked",
        RowStatus::NonStrict => "nonstrict",
        RowStatus::ExpectedFailures => "expected",
        RowStatus::Passed => "passed",
        RowStatus::Skipped => "skipped",
        RowStatus::InformationalOnly => "info",
    };
    (class, status.label())
}

/// A fragment id from a promise name: ASCII letters, digits and dashes only,
/// so it is safe in `id` and `href`; the index keeps names that differ only
/// in punctuation apart.
pub fn anchor(index: usize, promise: &str) -> String {
    let mut id = format!("promise-{index}");
    for word in promise
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        id.push('-');
        id.push_str(&word.to_ascii_lowercase());
    }
    id
}
