//! The HTML report: one self-contained page (inline style, no script, no
//! external assets, so it opens offline and can be attached to a CI run) with
//! the promise matrix first, then every finding with its report.
//!
//! Everything taken from the run is escaped: failure reports quote response
//! bodies, and the target under test may be the attacker.

use std::fmt::{self, Write as _};

use crate::report::finding::Failure;
use crate::report::results::{PromiseRow, RowStatus, RunReport, ScenarioResult, Verdict};
use crate::report::text;
use escape::Escaped;

/// A self-contained HTML page: the promise matrix, then every finding with its report.
pub fn render(report: &RunReport) -> String {
    let mut page = String::new();
    write_page(&mut page, report).expect("writing to a String cannot fail");
    page
}

fn write_page(out: &mut String, report: &RunReport) -> fmt::Result {
    let rows = report.by_promise();
    write_head(out, report)?;
    write_summary(out, report)?;
    if let Some(reason) = report.stop_reason() {
        write_stopped(out, &reason)?;
        write_left_behind(out, report)?;
        out.push_str("</main>\n</body>\n</html>\n");
        return Ok(());
    }
    write_matrix(out, report, &rows)?;
    for (index, row) in rows.iter().enumerate() {
        write_promise(out, report, index, row)?;
    }
    write_left_behind(out, report)?;
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(())
}

fn write_head(out: &mut String, report: &RunReport) -> fmt::Result {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>todo-conformance: {} ({})</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        Escaped(&report.target),
        overall(report).1,
    )
}

fn write_summary(out: &mut String, report: &RunReport) -> fmt::Result {
    let (class, label) = overall(report);
    let totals = report.totals();
    writeln!(out, "<header>\n<h1>todo-conformance report</h1>")?;
    writeln!(out, "<p class=\"overall {class}\">{label}</p>")?;
    writeln!(out, "<dl class=\"run\">")?;
    let strict = if report.strict { "yes" } else { "no" };
    for (term, value) in [
        ("target", report.target.as_str()),
        ("profile", report.profile.as_str()),
        ("started", report.started_at.as_str()),
        ("duration", &duration(report.duration_secs)),
        ("strict", strict),
    ] {
        writeln!(out, "<dt>{term}</dt><dd>{}</dd>", Escaped(value))?;
    }
    writeln!(out, "</dl>")?;
    writeln!(
        out,
        "<p class=\"totals\">{} passed, {} failed, {} non-strict, {} expected failures, \
         {} skipped, {} informational</p>",
        totals.passed,
        totals.failed,
        totals.non_strict,
        totals.expected_failures,
        totals.skipped,
        totals.informational,
    )?;
    for row in report.not_checked() {
        writeln!(
            out,
            "<p class=\"overall notchecked\">NOT CHECKED: {}</p>",
            Escaped(&row.promise)
        )?;
    }
    writeln!(out, "</header>")
}

/// Why the run stopped, in place of the matrix and the findings.
fn write_stopped(out: &mut String, reason: &str) -> fmt::Result {
    writeln!(
        out,
        "<section id=\"stopped\">\n<h2>The run stopped</h2>\n<p class=\"reason\">{}</p>\n\
         <p>No scenario result was recorded, so this report holds no verdict on any \
         promise: fix the cause above and run again.</p>\n</section>",
        Escaped(reason)
    )
}

/// The run's result as the exit code sees it: (CSS class, label).
fn overall(report: &RunReport) -> (&'static str, &'static str) {
    if report.stopped.is_some() {
        ("failed", "STOPPED")
    } else if report.fails_run() {
        ("failed", "FAILED")
    } else {
        ("passed", "PASSED")
    }
}

/// Seconds under a minute keep a decimal; longer runs read as minutes.
fn duration(secs: f64) -> String {
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a run's duration: positive, and far below u64::MAX seconds"
        )]
        let whole = secs.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    }
}

fn write_matrix(out: &mut String, report: &RunReport, rows: &[PromiseRow]) -> fmt::Result {
    writeln!(
        out,
        "<section>\n<h2>Promise matrix</h2>\n<table id=\"promise-matrix\">\n<thead><tr>\
         <th scope=\"col\">promise</th><th scope=\"col\">status</th>\
         <th scope=\"col\">passed</th><th scope=\"col\">failed</th>\
         <th scope=\"col\">non-strict</th><th scope=\"col\">expected failures</th>\
         <th scope=\"col\">skipped</th><th scope=\"col\">informational</th></tr></thead>\n<tbody>"
    )?;
    for (index, row) in rows.iter().enumerate() {
        let name = format!(
            "<a href=\"#{}\">{}</a>",
            anchor(index, &row.promise),
            Escaped(&row.promise)
        );
        write_matrix_row(out, &name, row)?;
    }
    writeln!(out, "</tbody>\n<tfoot>")?;
    write_matrix_row(out, "all promises", &report.totals())?;
    writeln!(out, "</tfoot>\n</table>\n</section>")
}

/// One matrix row; `name` is HTML, already escaped.
fn write_matrix_row(out: &mut String, name: &str, row: &PromiseRow) -> fmt::Result {
    let (status_class, status) = row_status(row);
    write!(
        out,
        "<tr><th scope=\"row\">{name}</th><td class=\"status {status_class}\">{status}</td>"
    )?;
    for (class, count) in [
        ("passed", row.passed),
        ("failed", row.failed),
        ("nonstrict", row.non_strict),
        ("expected", row.expected_failures),
        ("skipped", row.skipped),
        ("info", row.informational),
    ] {
        // Zero cells stay plain so that the coloured ones stand out.
        let class = if count == 0 { "zero" } else { class };
        write!(out, "<td class=\"count {class}\">{count}</td>")?;
    }
    writeln!(out, "</tr>")
}

/// The worst thing in a row, in words, so the matrix does not rely on colour.
fn row_status(row: &PromiseRow) -> (&'static str, &'static str) {
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
fn anchor(index: usize, promise: &str) -> String {
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

fn write_promise(
    out: &mut String,
    report: &RunReport,
    index: usize,
    row: &PromiseRow,
) -> fmt::Result {
    let results: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|result| result.promise == row.promise)
        .collect();
    let (status_class, status) = row_status(row);
    writeln!(
        out,
        "<section id=\"{}\">\n<h2>{} <span class=\"badge {status_class}\">{status}</span></h2>",
        anchor(index, &row.promise),
        Escaped(&row.promise),
    )?;
    if let Some(reason) = &row.not_checked_because {
        writeln!(
            out,
            "<p class=\"reason\">NOT CHECKED: every scenario that decides this promise was skipped, so this run does not verify it ({}).</p>",
            Escaped(reason)
        )?;
    }
    for result in results.iter().filter(|result| has_finding(&result.verdict)) {
        write_finding(out, result, report.show_tokens)?;
    }
    write_skipped(out, &results)?;
    write_passed(out, &results)?;
    write_informational(out, report, &row.promise)?;
    writeln!(out, "</section>")
}

/// Verdicts worth a report of their own; passes and skips are listed compactly.
fn has_finding(verdict: &Verdict) -> bool {
    !matches!(verdict, Verdict::Passed | Verdict::Skipped { .. })
}

fn verdict_class(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed | Verdict::UnexpectedPass { .. } => "failed",
        Verdict::NonStrict => "nonstrict",
        Verdict::ExpectedFailure { .. } => "expected",
        Verdict::Skipped { .. } => "skipped",
    }
}

/// A finding, collapsible; failures start open since they are what a reader
/// came for.
fn write_finding(out: &mut String, result: &ScenarioResult, show_tokens: bool) -> fmt::Result {
    let class = verdict_class(&result.verdict);
    let open = if result.verdict.fails_run() {
        " open"
    } else {
        ""
    };
    writeln!(
        out,
        "<details class=\"finding {class}\"{open}>\n<summary><span class=\"badge {class}\">{}</span> {}</summary>",
        result.verdict.label(),
        Escaped(&result.scenario),
    )?;
    if let Verdict::ExpectedFailure { reason } | Verdict::UnexpectedPass { reason } =
        &result.verdict
    {
        writeln!(
            out,
            "<p class=\"reason\">listed in --expect-failures: {}</p>",
            Escaped(reason)
        )?;
    }
    if result.findings().next().is_none() {
        // An unexpected pass has nothing to report but the stale list entry.
        let reason = if matches!(result.verdict, Verdict::UnexpectedPass { .. }) {
            "it passed: remove it from the --expect-failures list"
        } else {
            "no report was recorded"
        };
        writeln!(out, "<p class=\"reason\">{reason}</p>")?;
    }
    for finding in result.findings() {
        write_report(out, finding, show_tokens)?;
    }
    writeln!(out, "</details>")
}

/// The finding's details, its curl command in a block of its own so that
/// it can be copied whole.
fn write_report(out: &mut String, finding: &Failure, show_tokens: bool) -> fmt::Result {
    writeln!(
        out,
        "<pre class=\"report\">{}</pre>",
        Escaped(&text::details(finding, show_tokens))
    )?;
    let Some((command, note)) = text::reproduce(finding, show_tokens) else {
        return Ok(());
    };
    writeln!(
        out,
        "<p class=\"reproduce\">reproduce:</p>\n<pre class=\"curl\">  {}{}</pre>",
        Escaped(&command),
        note.map(|note| format!("\n  {}", Escaped(&note)))
            .unwrap_or_default()
    )
}

fn write_skipped(out: &mut String, results: &[&ScenarioResult]) -> fmt::Result {
    let skipped: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|result| match &result.verdict {
            Verdict::Skipped { reason } => Some((result.scenario.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    if skipped.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h3>Skipped</h3>\n<ul>")?;
    for (scenario, reason) in skipped {
        writeln!(
            out,
            "<li><span class=\"badge skipped\">skipped</span> {}: <span class=\"reason\">{}</span></li>",
            Escaped(scenario),
            Escaped(reason),
        )?;
    }
    writeln!(out, "</ul>")
}

fn write_passed(out: &mut String, results: &[&ScenarioResult]) -> fmt::Result {
    let passed: Vec<&str> = results
        .iter()
        .filter(|result| result.verdict == Verdict::Passed)
        .map(|result| result.scenario.as_str())
        .collect();
    if passed.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h3>Passed</h3>\n<ul>")?;
    for scenario in passed {
        writeln!(out, "<li>{}</li>", Escaped(scenario))?;
    }
    writeln!(out, "</ul>")
}

fn write_informational(out: &mut String, report: &RunReport, promise: &str) -> fmt::Result {
    let mut notes = report
        .informational
        .iter()
        .filter(|note| note.promise == promise)
        .peekable();
    if notes.peek().is_none() {
        return Ok(());
    }
    writeln!(out, "<h3>Informational</h3>\n<ul>")?;
    for note in notes {
        writeln!(
            out,
            "<li><span class=\"badge info\">note</span> {}: <span class=\"note\">{}</span></li>",
            Escaped(&note.scenario),
            Escaped(&note.text),
        )?;
    }
    writeln!(out, "</ul>")
}

fn write_left_behind(out: &mut String, report: &RunReport) -> fmt::Result {
    if report.left_behind.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section id=\"left-behind\">\n<h2>Left behind</h2>\n\
         <p>Tasks the suite created on the target and could not delete:</p>\n<ul>"
    )?;
    for id in &report.left_behind {
        writeln!(out, "<li><code>{}</code></li>", Escaped(id))?;
    }
    writeln!(out, "</ul>\n</section>")
}

/// Colour marks meaning (red failed, amber non-strict, grey skipped, green
/// passed) but every coloured cell or badge also says it in words.
const STYLE: &str = include_str!("html.css");

mod escape;
#[cfg(test)]
mod tests;
