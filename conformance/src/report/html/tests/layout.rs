//! The order of the page: what a reader came for first.

use super::*;
use crate::contract::SkipKind;

/// Where `needle` first is in `page`, or a failure that shows the page.
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in {page}"))
}

#[test]
fn the_first_failure_group_comes_before_the_matrix_and_the_passes() {
    let page = render(&sample());
    let group = at(&page, "<details class=\"group failed\" open>");
    let matrix = at(&page, "<table id=\"promise-matrix\">");
    let passes = at(
        &page,
        "<details class=\"promise\" id=\"promise-0-missing-token\">",
    );
    assert!(group < matrix && matrix < passes);
    // Passed scenarios collapse into counts, their list behind a toggle.
    assert!(page.contains(
        "<summary>Missing token <span class=\"badge failed\">failed</span> \
         <span class=\"count\">(2 passed, 1 failed)</span></summary>"
    ));
    // What did not pass leads its promise's list.
    assert!(at(&page, "</span> a token with alg none</li>") < at(&page, "</span> no header</li>"));
}

#[test]
fn the_skipped_checks_warn_above_the_findings_one_line_a_reason() {
    let skipped = |promise: &str, scenario: &str, why: &str| {
        result(
            promise,
            scenario,
            Verdict::Skipped {
                reason: reason(why),
                kind: SkipKind::Unlockable,
            },
        )
    };
    let mut report = sample();
    report.scenarios.extend([
        skipped("Expired token", "on list", "needs a signing key"),
        skipped("Expired token", "on create", "needs a signing key"),
        skipped("Forged token", "kid", "needs a signing key"),
        skipped("Accounts", "sign-up", "no sign-up route: <a>\u{1b}"),
    ]);
    let page = render(&report);
    let warning = at(&page, "<section class=\"warning\" id=\"not-verified\">");
    assert!(warning < at(&page, "<section id=\"failures\">"));
    assert!(page.contains(
        "<strong>Warning: 5 scenarios did not run</strong>, and you can unlock them (each reason says how); until then the checks they make are NOT verified by this run:"
    ));
    assert!(page.contains(
        "<li><span class=\"badge skipped\">3 skipped</span> <span class=\"reason\">needs a signing key</span> \
         (Expired token, Forged token)</li>"
    ));
    assert!(page.contains("<span class=\"reason\">needs a second user</span> (Cross-user)</li>"));
    // A reason may quote the target: escaped, and on one line.
    assert!(
        page.contains("no sign-up route: &lt;a&gt;\\u{1b}</span>"),
        "{page}"
    );
    // The promise nothing verified says so in the warning and opens its list.
    assert!(page.contains(
        "<strong>NOT CHECKED: Expired token, Forged token, Accounts</strong>: every scenario that decides each was skipped"
    ));
    assert!(page.contains("<details class=\"promise\" id=\"promise-2-expired-token\" open>"));

    // The reason that skipped most comes first.
    assert!(at(&page, "needs a signing key</span>") < at(&page, "needs a second user</span>"));
    // Past three reasons, the rest wait behind a toggle: the first finding
    // group stays on the first screen.
    report
        .scenarios
        .extend((0..3).map(|n| skipped("Accounts", &format!("s{n}"), &format!("reason {n}"))));
    let page = render(&report);
    assert!(
        page.contains("<summary>and 3 more reasons</summary>"),
        "{page}"
    );
    assert!(at(&page, "no sign-up route") < at(&page, "and 3 more reasons"));
    assert!(at(&page, "and 3 more reasons") < at(&page, "reason 0</span>"));

    // What cannot run against this target is no warning: a line, its
    // reasons behind a toggle.
    report.scenarios.push(result(
        "Accounts",
        "logout",
        Verdict::Skipped {
            reason: reason("no logout route"),
            kind: SkipKind::Unsupported,
        },
    ));
    let page = render(&report);
    assert!(
        page.contains(
            "<details class=\"more unsupported\"><summary>1 scenario cannot run against this target"
        ),
        "{page}"
    );
    assert!(at(&page, "cannot run against this target") < at(&page, "no logout route</span>"));
    assert!(page.contains("<strong>Warning: 8 scenarios did not run</strong>"));

    let mut ran = sample();
    ran.scenarios
        .retain(|result| !matches!(result.verdict, Verdict::Skipped { .. }));
    assert!(!render(&ran).contains("not-verified"));
}

#[test]
fn the_header_names_the_suite_version_and_a_bundled_target() {
    let page = render(&sample());
    let version = format!(
        "<dt>suite</dt><dd>todo-conformance {}</dd>",
        env!("CARGO_PKG_VERSION")
    );
    assert!(page.contains(&version), "{page}");
    assert!(page.contains(&format!("<dt>target</dt><dd>{TARGET}</dd>")));
    assert!(!page.contains("bundled reference server"));

    let bundled = RunReport {
        bundled: true,
        ..sample()
    };
    assert!(render(&bundled).contains(&format!(
        "<dt>target</dt><dd>{TARGET} (bundled reference server)</dd>"
    )));
}

#[test]
fn one_cause_on_many_routes_is_one_group_with_one_example() {
    let mut report = sample();
    report.scenarios = (0..7)
        .map(|n| {
            answered(
                "Missing token",
                &format!("route {n}"),
                &format!("{TARGET}/api/alice-0123456789abcdef0123456789abcdef/tasks/{n}"),
                403,
                r#"{"detail":"Not authenticated"}"#,
            )
        })
        .collect();
    let page = render(&report);
    assert_eq!(page.matches("<details class=\"group").count(), 1, "{page}");
    assert_eq!(page.matches("<pre class=\"report\">").count(), 1, "{page}");
    assert_eq!(page.matches("<p class=\"hint\">").count(), 1, "{page}");
    assert!(
        page.contains("promise broken: Missing token: 7 findings, one cause</summary>"),
        "{page}"
    );
    assert!(page.contains("<h2>Failures: 7 findings from 1 cause</h2>"));
    assert!(page.contains("<dt>routes</dt><dd>GET /api/{id}/tasks/{id}</dd>"));
    // Five scenarios named, the rest behind a toggle.
    assert!(page.contains(
        "<dd>Missing token: route 0; Missing token: route 1; Missing token: route 2; \
         Missing token: route 3; Missing token: route 4<details class=\"more\"><summary>and 2 more</summary>\
         <ul><li>Missing token: route 5</li><li>Missing token: route 6</li></ul></details></dd>"
    ), "{page}");
    assert!(page.contains("<p class=\"example\">example: Missing token: route 0</p>"));
}

#[test]
fn a_passing_run_shows_no_finding_group() {
    let mut report = sample();
    report
        .scenarios
        .retain(|result| result.verdict == Verdict::Passed);
    let page = render(&report);
    assert!(!page.contains("class=\"group"), "{page}");
    assert!(!page.contains("id=\"failures\""), "{page}");
    assert!(page.contains("<summary>Missing token <span class=\"badge passed\">passed</span>"));
}
