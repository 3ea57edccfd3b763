//! The hostile target's controls: through `Mode::Honest` the suite gives the
//! verdicts it gives the server directly, so that what the other hostile
//! tests see comes from the mode, not from the proxy; and what held up
//! against a hostile target from the start stays so.

mod support;

use std::sync::atomic::Ordering;

use support::Bug;
use support::hostile::{self, Mode};
use support::run::{self, Options};
use support::server;

#[test]
fn an_honest_proxy_changes_no_verdict() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let proxy = runtime.block_on(hostile::start(&server.url, Mode::Honest));
    let direct = run::run_at(&server.url, &secret, Bug::None, &Options::default());
    let proxied = run::run_at(&proxy.url, &secret, Bug::None, &Options::default());
    assert_eq!(direct.code, Some(0), "{}", direct.dump());
    assert_eq!(
        (proxied.code, proxied.tally),
        (direct.code, direct.tally),
        "{}",
        proxied.dump()
    );
    assert!(
        proxy
            .counts
            .forwarded
            .load(std::sync::atomic::Ordering::Relaxed)
            > 100,
        "the proxy forwarded: {}",
        proxied.dump()
    );
    assert_eq!(server.task_count(), 0, "the suite deleted what it created");
}

/// A redirect would carry the suite's token to whatever host the target
/// names: the suite never follows one, and says where it pointed.
#[test]
fn a_redirect_is_never_followed() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let catcher = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    catcher
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let port = catcher.local_addr().expect("a bound address").port();
    let proxy = runtime.block_on(hostile::start(&server.url, Mode::RedirectsTo(port)));
    let line = run::stopped_at_preflight(&proxy.url, &secret);
    assert!(
        proxy.counts.requests.load(Ordering::Relaxed) > 0,
        "the suite asked the target: {line}"
    );
    assert!(
        catcher.accept().is_err(),
        "the suite followed the redirect to the catcher: {line}"
    );
}
