//! The suite's own overhead per scenario: the built `todo-conformance`
//! binary run over the whole catalogue against the in-memory test server of
//! `tests/support` (correct, `Bug::None`), which answers in microseconds,
//! so that the time is the suite's: process start, the feature files,
//! minting users, the HTTP round trips, the report.
//!
//! Criterion reports the time of one whole run, and with the scenario
//! count as throughput, scenarios per second; the time per scenario is the
//! run's divided by the count printed first.
//!
//! `cargo bench -p todo-conformance --bench suite`

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use support::Bug;
use support::run::{self, Options, Run};

/// One run of the whole catalogue, which must pass: a failing run would
/// measure something else.
fn passing_run(runtime: &tokio::runtime::Runtime) -> Run {
    let run = run::run_suite(runtime.handle(), Bug::None, &Options::default());
    assert_eq!(run.code, Some(0), "the run failed\n{}", run.dump());
    run
}

/// The scenarios a run ran, from its tally line.
fn scenarios_run(run: &Run) -> u64 {
    let tally = run.tally.expect("a tally line");
    (tally.passed + tally.failed + tally.non_strict) as u64
}

fn suite(c: &mut Criterion) {
    let runtime = run::runtime();
    let scenarios = scenarios_run(&passing_run(&runtime));
    println!("the suite runs {scenarios} scenarios per run");
    let mut group = c.benchmark_group("suite");
    // A run takes a tenth of a second or more: ten samples of a few runs
    // each, every run timed alone.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(scenarios));
    group.bench_function("whole catalogue", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| {
                    let run = passing_run(&runtime);
                    assert_eq!(
                        scenarios_run(&run),
                        scenarios,
                        "another set of scenarios ran"
                    );
                    // The binary's run alone, not the test server's start.
                    run.elapsed
                })
                .sum()
        });
    });
    group.finish();
}

criterion_group!(benches, suite);
criterion_main!(benches);
