//! What the key server answers, changeable while it serves: the
//! key-lifecycle scenarios replace the key set, make it fail or hang, and
//! count how often the target fetched it, through `todo-conformance
//! issuer`'s control API.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use tokio::sync::watch;

/// How the key set is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// 200 with the key set.
    Normal,
    /// 500, as an issuer whose database is down.
    Failing,
    /// No answer: the connection is held (bounded), then closed.
    Hanging,
}

pub struct Publication {
    jwks: Mutex<Arc<str>>,
    mode: watch::Sender<Mode>,
    fetches: AtomicU64,
    /// The `Cache-Control: max-age` the key set is answered with.
    max_age: Option<u64>,
}

impl Publication {
    pub fn new(jwks: &Value, max_age: Option<u64>) -> Arc<Self> {
        Arc::new(Self {
            jwks: Mutex::new(jwks.to_string().into()),
            mode: watch::Sender::new(Mode::Normal),
            fetches: AtomicU64::new(0),
            max_age,
        })
    }

    pub fn jwks(&self) -> Arc<str> {
        Arc::clone(&self.jwks.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn replace(&self, jwks: &Value) {
        *self.jwks.lock().unwrap_or_else(PoisonError::into_inner) = jwks.to_string().into();
    }

    pub fn mode(&self) -> Mode {
        *self.mode.borrow()
    }

    /// Sets the mode; a held connection answers at once in the new one.
    pub fn set_mode(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// Waits until the mode is no longer [`Mode::Hanging`]: the new one.
    pub async fn unhung(&self) -> Mode {
        let mut watching = self.mode.subscribe();
        // The sender lives in `self`: the wait ends only by a change.
        let mode = watching.wait_for(|mode| *mode != Mode::Hanging).await;
        mode.map_or(Mode::Failing, |mode| *mode)
    }

    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// Requests for the key set so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    pub(super) fn count_fetch(&self) {
        self.fetches.fetch_add(1, Ordering::Relaxed);
    }
}
