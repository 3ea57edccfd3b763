//! The HTML report's tests: the matrix, escaping, and what a page holds;
//! `findings` checks the groups and their example, `layout` the order the
//! page's parts come in.

mod findings;
mod layout;

use super::matrix::anchor;
use super::*;
use crate::contract::SkipKind;
use crate::report::finding::Grade;
use crate::report::hints::Hint;
use crate::report::results::{Informational, Origin, ScenarioResult, Verdict};
use crate::target::http::Exchange;

fn result(promise: &str, scenario: &str, verdict: Verdict) -> ScenarioResult {
    ScenarioResult::with_verdict(promise, scenario, verdict)
}

fn reason(text: &str) -> String {
    text.to_owned()
}

/// A failed scenario whose target answered 200 with `body`.
fn failed_with(promise: &str, body: &str) -> ScenarioResult {
    answered(
        promise,
        "a token with alg none",
        &format!("{TARGET}/tasks"),
        200,
        body,
    )
}

/// A failed scenario: `GET url` was answered `status` with `body`.
fn answered(promise: &str, scenario: &str, url: &str, status: u16, body: &str) -> ScenarioResult {
    ScenarioResult::failed_answer(promise, scenario, (reqwest::Method::GET, url), status, body)
}

const TARGET: &str = "http://127.0.0.1:3000";

fn sample() -> RunReport {
    RunReport {
        target: TARGET.to_owned(),
        bundled: false,
        profile: "default".to_owned(),
        started_at: "2025-11-25T12:00:00Z".to_owned(),
        duration_secs: 3.25,
        strict: false,
        scenarios: vec![
            result("Missing token", "no header", Verdict::Passed),
            result("Missing token", "empty bearer", Verdict::Passed),
            failed_with("Missing token", "[]"),
            result("Cross-user", "Bob reads Alice's task", Verdict::NonStrict),
            result(
                "Cross-user",
                "Bob lists",
                Verdict::Skipped {
                    reason: reason("needs a second user"),
                    kind: SkipKind::Unlockable,
                },
            ),
            result(
                "Cross-user",
                "Bob deletes",
                Verdict::ExpectedFailure {
                    reason: reason("issue 12"),
                },
            ),
        ],
        informational: vec![Informational {
            promise: "Lifetime".to_owned(),
            scenario: "leeway".to_owned(),
            text: "accepts tokens 30 s past exp".to_owned(),
        }],
        left_behind: Vec::new(),
        expired: Vec::new(),
        show_tokens: false,
        stopped: None,
    }
}

/// The text of each matrix body row's cells, tags stripped.
fn matrix_rows(page: &str) -> Vec<Vec<String>> {
    let start = page
        .find("<table id=\"promise-matrix\">")
        .expect("a matrix");
    let table = &page[start..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    body.split("</tr>")
        .filter(|row| row.contains("<tr>"))
        .map(|row| {
            row.split('<')
                .filter_map(|piece| piece.split_once('>').map(|(_, text)| text))
                .filter(|text| !text.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[test]
fn the_matrix_has_a_row_per_promise_with_its_counts() {
    let rows = matrix_rows(&render(&sample()));
    // promise, status, passed, failed, non-strict, expected, skipped, informational
    assert_eq!(
        rows,
        [
            ["Missing token", "failed", "2", "1", "0", "0", "0", "0"],
            ["Cross-user", "non-strict", "0", "0", "1", "1", "1", "0"],
            [
                "Lifetime",
                "informational only",
                "0",
                "0",
                "0",
                "0",
                "0",
                "1"
            ],
        ]
    );
}

#[test]
fn the_matrix_totals_every_promise() {
    let page = render(&sample());
    let footer = &page[page.find("<tfoot>").unwrap()..page.find("</tfoot>").unwrap()];
    assert!(footer.contains(
        "<td class=\"count passed\">2</td><td class=\"count failed\">1</td>\
         <td class=\"count nonstrict\">1</td><td class=\"count expected\">1</td>\
         <td class=\"count skipped\">1</td><td class=\"count info\">1</td>"
    ));
}

#[test]
fn each_promise_links_to_its_own_section() {
    let mut report = sample();
    // Names that differ only in punctuation must still get distinct ids.
    report
        .scenarios
        .push(result("Tokens: expired", "s", Verdict::Passed));
    report
        .scenarios
        .push(result("Tokens — expired\"><b>", "s", Verdict::Passed));
    let page = render(&report);
    let ids: Vec<String> = report
        .by_promise()
        .iter()
        .enumerate()
        .map(|(index, row)| anchor(index, &row.promise))
        .collect();
    // Promises seen only in informational notes come after the scenarios'.
    assert_eq!(ids[2], "promise-2-tokens-expired");
    assert_eq!(ids[3], "promise-3-tokens-expired-b");
    for id in &ids {
        assert!(page.contains(&format!("<a href=\"#{id}\">")), "{id}");
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
}

#[test]
fn attacker_controlled_text_comes_out_escaped() {
    let body = r#"<script>alert('x' & "y")</script>"#;
    let mut report = sample();
    report.target = format!("{TARGET}/<script>");
    report.bundled = true;
    report.scenarios = vec![
        ScenarioResult {
            scenario: "<img src=x onerror=alert(1)>".to_owned(),
            ..failed_with("<b>promise</b>", body)
        },
        // Skip reasons and notes may quote the target too (a Location).
        result(
            "<b>promise</b>",
            "s",
            Verdict::Skipped {
                reason: reason("redirected to <script>x()</script>"),
                kind: SkipKind::Unlockable,
            },
        ),
    ];
    report.informational[0].text = "<img src=y>".to_owned();
    let page = render(&report);
    assert!(
        page.contains("redirected to &lt;script&gt;x()&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;img src=y&gt;"), "{page}");
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("<b>promise"), "{page}");
    // maud quotes every attribute value with `"`, so `'` needs no escape.
    assert!(page.contains("&lt;script&gt;alert('x' &amp; &quot;y&quot;)&lt;/script&gt;"));
}

#[test]
fn the_overall_result_follows_the_exit_code() {
    let failing = render(&sample());
    assert!(failing.contains("<span class=\"overall failed\">FAILED</span>"));

    let mut report = sample();
    report
        .scenarios
        .retain(|result| !result.verdict.fails_run());
    let passing = render(&report);
    assert!(passing.contains("<span class=\"overall passed\">PASSED</span>"));
    assert!(passing.contains(&format!(
        "<title>todo-conformance: {TARGET} (PASSED)</title>"
    )));

    // A stale --expect-failures entry fails the run too.
    report.scenarios.push(result(
        "Cross-user",
        "Bob edits",
        Verdict::UnexpectedPass {
            reason: reason("issue 13"),
        },
    ));
    let page = render(&report);
    assert!(page.contains("<span class=\"overall failed\">FAILED</span>"));
    assert!(
        page.contains("<h2>Failures: 1 scenario without a report</h2>"),
        "{page}"
    );
}

#[test]
fn the_page_loads_nothing_from_elsewhere() {
    let page = render(&sample());
    for external in ["<link", "src=", "url(", "@import", "<script", "<iframe"] {
        assert!(!page.contains(external), "{external}");
    }
    // The only URLs are the target's own, quoted from the run.
    let page = page.replace(TARGET, "");
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
}

#[test]
fn skips_passes_notes_and_leftovers_are_listed() {
    let mut report = sample();
    report.left_behind = vec!["task-<1>".to_owned()];
    let page = render(&report);
    assert!(page.contains(
        "<span class=\"badge skipped\">skipped</span> Bob lists: <span class=\"reason\">needs a second user</span>"
    ));
    assert!(page.contains("<li><span class=\"badge passed\">passed</span> empty bearer</li>"));
    assert!(page.contains(
        "<span class=\"badge info\">note</span> Lifetime (leeway): <span class=\"note\">accepts tokens 30 s past exp</span>"
    ));
    assert!(page.contains("<summary>1 informational note</summary>"));
    assert!(page.contains("<section id=\"left-behind\">"));
    assert!(page.contains("<code>task-&lt;1&gt;</code>"));
    assert!(!render(&sample()).contains("left-behind"));
    // A scenario without a report is still named, and says so.
    assert!(
        page.contains(
            "<span class=\"badge nonstrict\">non-strict</span> Cross-user: Bob reads Alice's task: \
         <span class=\"reason\">no report was recorded</span>"
        ),
        "{page}"
    );
}

#[test]
fn an_expired_acceptance_is_listed_and_fails_the_page() {
    let passing = RunReport {
        scenarios: vec![result("Missing token", "no header", Verdict::Passed)],
        ..sample()
    };
    assert!(render(&passing).contains("PASSED"));
    let expired = RunReport {
        expired: vec!["Missing token: no header: accepted until 2000-01-31 (<b>)".to_owned()],
        ..passing
    };
    let page = render(&expired);
    assert!(page.contains("<section id=\"expired\">"), "{page}");
    assert!(
        page.contains("accepted until 2000-01-31 (&lt;b&gt;)"),
        "{page}"
    );
    assert!(
        page.contains("FAILED") && !page.contains("PASSED"),
        "{page}"
    );
}

#[test]
fn a_promise_nobody_verified_says_not_checked() {
    let mut report = sample();
    report.scenarios.push(result(
        "Expired token",
        "on list",
        Verdict::Skipped {
            reason: reason("needs a key"),
            kind: SkipKind::Unlockable,
        },
    ));
    let page = render(&report);
    assert!(page.contains(
        "<p class=\"notchecked\"><strong>NOT CHECKED: Expired token</strong>: every scenario that decides it was skipped, \
         so this run does not verify it</p>"
    ), "{page}");
    assert!(page.contains("<td class=\"status notchecked\">NOT CHECKED</td>"));
    assert!(page.contains("<span class=\"badge notchecked\">NOT CHECKED</span>"));
    assert!(page.contains("so this run does not verify it (needs a key)."));
    // A promise with one @must skipped and others run is checked.
    assert!(!render(&sample()).contains("NOT CHECKED"));
}

#[test]
fn durations_read_as_seconds_or_minutes() {
    assert_eq!(duration(3.26), "3.3 s");
    assert_eq!(duration(125.4), "2 min 5 s");
}

#[test]
fn a_stopped_run_says_why_instead_of_a_matrix() {
    let report = RunReport {
        target: TARGET.to_owned(),
        stopped: Some("the route was not found at <x>".to_owned()),
        ..RunReport::default()
    };
    let page = render(&report);
    assert!(
        page.contains("<span class=\"overall failed\">STOPPED</span>"),
        "{page}"
    );
    assert!(page.contains("<p class=\"reason\">the route was not found at &lt;x&gt;</p>"));
    assert!(page.contains(
        "<p class=\"totals\">0 passed, 0 failed, 0 non-strict, 0 expected failures, 0 skipped, 0 informational</p>"
    ));
    assert!(!page.contains("promise-matrix"), "{page}");
    assert!(page.ends_with("</main>\n</body>\n</html>\n"));
}

/// What a hostile target writes in a body: ESC sequences, BEL, NUL, a
/// script end, a CDATA end and CI workflow commands.
const HOSTILE_BODY: &str =
    "\u{1b}[2J\u{7}\u{0}</script><script>x()</script>]]>\n::error::forged\n##[error]x\u{9b}";

#[test]
fn a_hostile_body_comes_out_shown_not_acting() {
    let mut report = sample();
    report.scenarios = vec![failed_with("Missing token", HOSTILE_BODY)];
    let page = render(&report);
    for raw in ['\u{1b}', '\u{7}', '\u{0}', '\u{9b}'] {
        assert!(!page.contains(raw), "{raw:?} in {page}");
    }
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("</script"), "{page}");
    assert!(
        page.contains("\\u{1b}[2J\\u{7}\\u{0}&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("]]&gt;"), "{page}");
}
