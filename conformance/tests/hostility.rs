//! The hostile target's controls: through `Mode::Honest` the suite gives the
//! verdicts it gives the server directly, so that what the other hostile
//! tests see comes from the mode, not from the proxy.

mod support;

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
