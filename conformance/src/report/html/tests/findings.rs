//! Findings: their groups, their example, and its curl command.

use super::*;

#[test]
fn failures_open_with_their_curl_command_apart() {
    let page = render(&sample());
    assert!(page.contains(
        "<details class=\"group failed\" open>\n<summary><span class=\"badge failed\">failed</span> \
         promise broken: Missing token (a token with alg none)</summary>"
    ), "{page}");
    assert!(page.contains("response: 200\n          []\n</pre>"));
    // The block holds the command alone, so that it pastes as it is.
    assert!(page.contains(&format!(
        "<pre class=\"curl\">curl -sS -i -X GET '{TARGET}/tasks'</pre>"
    )));
}

#[test]
fn the_token_note_sits_outside_the_curl_block() {
    let mut failed = failed_with("Missing token", "[]");
    if let Some(exchange) = failed
        .finding
        .as_mut()
        .and_then(|finding| finding.exchange.as_mut())
    {
        exchange.request.headers = vec![(
            "authorization".to_owned(),
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.".to_owned(),
        )];
    }
    let report = RunReport {
        scenarios: vec![failed],
        ..sample()
    };
    let page = render(&report);
    assert!(
        page.contains(&format!(
            "<pre class=\"curl\">curl -sS -i -X GET '{TARGET}/tasks' -H 'authorization: Bearer '&quot;$TODO_TOKEN&quot;</pre>\n\
             <p class=\"curlnote\">(set TODO_TOKEN to the token"
        )),
        "{page}"
    );
}

#[test]
fn findings_that_do_not_fail_the_run_come_after_and_accepted_ones_start_closed() {
    let verdicts = [
        Verdict::NonStrict,
        Verdict::ExpectedFailure {
            reason: reason("issue <12>"),
        },
    ];
    let mut report = sample();
    report.scenarios = vec![failed_with("Missing token", "[]")];
    for (verdict, status) in verdicts.into_iter().zip([418, 419]) {
        report.scenarios.push(ScenarioResult {
            verdict,
            ..answered(
                "Cross-user",
                &format!("s{status}"),
                "http://h/x",
                status,
                "",
            )
        });
    }
    let page = render(&report);
    let failed = page.find("<details class=\"group failed\" open>").unwrap();
    let nonstrict = page
        .find("<details class=\"group nonstrict\" open>")
        .unwrap();
    let expected = page.find("<details class=\"group expected\">").unwrap();
    assert!(failed < nonstrict && nonstrict < expected, "{page}");
    assert!(page.contains("<p class=\"reason\">listed in --expect-failures: issue &lt;12&gt;</p>"));
}

#[test]
fn a_finding_with_a_known_cause_shows_its_hint_apart() {
    let mut failed = failed_with("Missing token", r#"{"detail":"Not authenticated"}"#);
    if let Some(Exchange {
        response: Ok(received),
        ..
    }) = failed
        .finding
        .as_mut()
        .and_then(|finding| finding.exchange.as_mut())
    {
        received.status = 403;
    }
    let hint = Hint::FastApiHttpBearer.says();
    let mut report = sample();
    report.scenarios = vec![failed];
    let page = render(&report);
    let shown = format!(
        "<p class=\"hint\"><span class=\"label\">hint</span> {}</p>\n<pre class=\"report\">expected: 401",
        maud::html! { (hint) }.into_string()
    );
    assert!(page.contains(&shown), "{page}");
    // Once: the report below it does not repeat it.
    assert!(!page.contains("hint:"), "{page}");
}

#[test]
fn each_finding_shows_its_rule_cwe_and_owasp_ids() {
    let origin = Origin {
        tags: vec!["tc-missing-token".to_owned()],
        ..Origin::default()
    };
    let mut report = sample();
    report.scenarios = vec![failed_with("Missing token", "[]").at(origin)];
    let page = render(&report);
    assert!(
        page.contains(
            "<p class=\"ids\"><code>TC-MISSING-TOKEN</code> Route served without a token · CWE-306 · OWASP API2:2023</p>"
        ),
        "{page}"
    );
}

#[test]
fn a_deviation_noted_by_a_failed_scenario_is_non_strict_not_a_failure() {
    let mut failed = failed_with("Missing token", "[]");
    let mut deviation = failed.finding.clone().expect("a finding");
    deviation.grade = Grade::Deviation;
    deviation.expected = "a Bearer challenge".to_owned();
    failed.deviations.push(deviation);
    let mut report = sample();
    report.scenarios = vec![failed];
    let page = render(&report);
    let failures = page.find("<section id=\"failures\">").expect("failures");
    let non_strict = page
        .find("<section id=\"non-strict\">")
        .expect("non-strict");
    assert!(failures < non_strict, "{page}");
    assert!(
        page[failures..non_strict].contains("promise broken: "),
        "{page}"
    );
    assert!(
        page[non_strict..]
            .contains("<span class=\"badge nonstrict\">non-strict</span> contract deviation"),
        "{page}"
    );
    // Under --strict the deviation fails the run with its scenario.
    report.strict = true;
    let page = render(&report);
    assert!(!page.contains("<section id=\"non-strict\">"), "{page}");
}
