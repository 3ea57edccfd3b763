//! What a person reads on the console: by default no step log and never
//! the word "panicked", the findings grouped by cause with one full
//! example each; `--quiet`, the groups' headlines and the summary alone;
//! `--verbose`, cucumber's step log, where a step that found something
//! "stopped". Negative controls for one another: the same flaw, three
//! levels of detail.

mod support;

use support::Bug;
use support::run::{self, Options, Run};

fn run_with(args: &[&str]) -> Run {
    let options = Options {
        args: ["--tags", "@missing-token"]
            .iter()
            .chain(args)
            .map(|arg| (*arg).to_owned())
            .collect(),
        ..Options::default()
    };
    run::run_suite(run::runtime().handle(), Bug::AcceptsMissingToken, &options)
}

/// The lines of the groups of more than one finding, and of their examples.
fn groups_and_examples(stdout: &str) -> (usize, usize) {
    let groups = stdout
        .lines()
        .filter(|line| line.starts_with("promise broken: ") && line.contains(" findings, "))
        .count();
    let examples = stdout
        .lines()
        .filter(|line| line.starts_with("  example ("))
        .count();
    (groups, examples)
}

#[test]
fn by_default_findings_are_grouped_with_one_example_each_and_no_step_log() {
    let run = run_with(&[]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let findings = run.broken.len();
    let (groups, examples) = groups_and_examples(&run.stdout);
    assert!(groups >= 1 && groups == examples, "{}", run.dump());
    assert!(
        groups < findings,
        "{findings} findings, {groups} groups\n{}",
        run.dump()
    );
    for word in [
        "panicked",
        "Scenario Outline",
        "Step failed",
        "Captured output",
    ] {
        assert!(!run.stdout.contains(word), "{word}\n{}", run.dump());
        assert!(!run.stderr.contains(word), "{word}\n{}", run.dump());
    }
    assert!(
        run.stdout.contains("\npromise "),
        "the matrix\n{}",
        run.dump()
    );
    assert!(
        run.stderr.contains("target:  "),
        "the banner\n{}",
        run.dump()
    );
}

#[test]
fn quiet_prints_the_headlines_and_the_summary_alone() {
    let run = run_with(&["--quiet"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let (groups, examples) = groups_and_examples(&run.stdout);
    assert!(groups >= 1 && examples == 0, "{}", run.dump());
    let allowed = [
        "wrote ",
        "promise broken: ",
        "conformance: ",
        "NOT CHECKED: ",
        "note: ",
        "warning: ",
    ];
    for line in run.stdout.lines() {
        assert!(
            allowed.iter().any(|start| line.starts_with(start)),
            "{line:?}\n{}",
            run.dump()
        );
    }
    assert!(run.stderr.trim().is_empty(), "{}", run.dump());
}

#[test]
fn verbose_prints_the_step_log_where_a_finding_stopped_a_step() {
    let run = run_with(&["--verbose"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.stdout.contains("Scenario"), "{}", run.dump());
    assert!(run.stdout.contains("Step stopped."), "{}", run.dump());
    assert!(!run.stdout.contains("panicked"), "{}", run.dump());
}
