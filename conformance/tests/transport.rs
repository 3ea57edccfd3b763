//! Every backend can be tested: a server that closes its connection after a
//! 5xx without saying so is tested as if it had said so.
//! Each test runs the built suite binary against the in-memory server of
//! `support`, or a front of it.

mod support;

use std::sync::atomic::Ordering;

use support::Bug;
use support::front::{self, Behaviour};
use support::run::{self, Options, Run};
use support::server;

/// The verdicts two runs must share.
fn verdicts(run: &Run) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        run.code,
        run.tally,
        &run.broken,
        &run.findings,
        &run.not_set_up,
    )
}

/// uvicorn closes the connection after a 500 raised in an HTTP middleware,
/// without `Connection: close`. Every refusal of such a target is a 500, so
/// nearly every scenario leaves a connection closing behind it: the run
/// must give every scenario the verdict it gets when the server says it.
#[test]
fn a_server_that_closes_after_each_5xx_without_saying_so_is_tested_as_if_it_had_said_so() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let front = |announce| {
        runtime.block_on(front::start(
            &server.url,
            Behaviour {
                refusals_as_500: true,
                announce,
            },
        ))
    };
    let (silent, announced) = (front(false), front(true));
    let said = run::run_at(&announced.url, &secret, Bug::None, &Options::default());
    let unsaid = run::run_at(&silent.url, &secret, Bug::None, &Options::default());

    // It ran: past the preflight, every scenario with a verdict, and the
    // 500s graded as what they are.
    assert_eq!(said.code, Some(1), "{}", said.dump());
    let tally = said.tally.expect("a tally");
    let (runnable, always_skipped) = run::runnable();
    assert_eq!(
        tally.passed + tally.failed + tally.non_strict,
        runnable.len(),
        "{}",
        said.dump()
    );
    assert_eq!(tally.skipped, *always_skipped, "{}", said.dump());
    assert!(said.not_set_up.is_empty(), "{}", said.dump());
    assert_eq!(verdicts(&unsaid), verdicts(&said), "{}", unsaid.dump());

    let counts = &silent.counts;
    let closed = counts.closed.load(Ordering::Relaxed);
    let dropped_reads = counts.dropped_reads.load(Ordering::Relaxed);
    let dropped_writes = counts.dropped_writes.load(Ordering::Relaxed);
    eprintln!(
        "{} scenarios ran against the closing server ({} passed, {} failed, {} non-strict); over {} connections it answered {} requests and closed {closed} connections after a 5xx; {dropped_reads} reads and {dropped_writes} writes arrived on a closing connection",
        tally.passed + tally.failed + tally.non_strict,
        tally.passed,
        tally.failed,
        tally.non_strict,
        counts.connections.load(Ordering::Relaxed),
        counts.requests.load(Ordering::Relaxed),
    );
    assert!(closed > 100, "only {closed} connections closed");
    // The race happened (about a hundred times a run), and the reads it
    // caught were sent again: the verdicts above are the announced run's.
    assert!(
        dropped_reads > 0,
        "no read was caught by a closing connection"
    );
    // A write sent on a connection the server may be closing cannot be
    // sent again: the suite sends none there.
    assert_eq!(dropped_writes, 0);
}
