//! The findings on the console, one group per cause: its headline with the
//! count and ids, the routes and scenarios it covers, and one full example
//! (request, response excerpt, curl) with the hint said once.

use crate::report::groups::{self, Group, NAMED_SCENARIOS};
use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::{safe, text};

/// The groups of the findings the user has not accepted: an expected
/// failure has its own line.
fn groups(report: &RunReport) -> Vec<Group<'_>> {
    groups::by_cause(report, |result: &ScenarioResult, _| {
        !matches!(result.verdict, Verdict::ExpectedFailure { .. })
    })
}

/// `--quiet`: each group's headline alone.
pub fn print_headlines(report: &RunReport) {
    for group in groups(report) {
        println!("{}", headline(&group));
    }
}

/// Each group whole, then a blank line.
pub fn print_groups(report: &RunReport) {
    for group in groups(report) {
        print_group(report, &group);
    }
}

/// The group's headline and its ids.
fn headline(group: &Group<'_>) -> String {
    format!("{} ({})", group.headline(), group.rule.ids())
}

/// A lone finding is its own block; a group says what it covers first.
fn print_group(report: &RunReport, group: &Group<'_>) {
    let (result, example) = group.example();
    let count = group.findings.len();
    if count > 1 {
        println!("{}", headline(group));
        let routes: Vec<String> = group.routes().into_iter().collect();
        if !routes.is_empty() {
            println!("  routes:    {}", safe::line(&routes.join(", ")));
        }
        let mut names: Vec<String> = group
            .findings
            .iter()
            .take(NAMED_SCENARIOS)
            .map(|(result, _)| result.id())
            .collect();
        if count > NAMED_SCENARIOS {
            names.push(format!("and {} more", count - NAMED_SCENARIOS));
        }
        println!("  scenarios: {}", names.join("; "));
        println!("  example ({}):", result.id());
    }
    let indent = if count > 1 { "  " } else { "" };
    let block = text::classified_block(example, group.rule, report.show_tokens);
    // The block is made safe already, line by line.
    for line in block.lines() {
        println!("{indent}{line}");
    }
    println!();
}
