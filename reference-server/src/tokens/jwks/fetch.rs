//! Fetching the issuer's JWKS: bounded in time and size, with the
//! `Cache-Control: max-age` the answer gives it.

use std::time::Duration;

use serde_json::Value;

use super::keys::{Keys, parse};

/// How long a JWKS fetch may take.
pub(super) const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Larger JWKS documents are refused.
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// The JWKS at `url`, and its `Cache-Control: max-age` if it says one.
pub(super) async fn fetch(
    client: &reqwest::Client,
    url: &str,
) -> Result<(Keys, Option<Duration>), String> {
    let mut response = client
        .get(url)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    let max_age = response
        .headers()
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .and_then(max_age);
    // Read with a running cap: a hostile or broken issuer cannot make the
    // server buffer an endless body.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| error.to_string())? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(format!("{url} sent a JWKS over {MAX_JWKS_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let document: Value =
        serde_json::from_slice(&body).map_err(|error| format!("{url}: {error}"))?;
    let keys = parse(&document).map_err(|error| error.to_string())?;
    Ok((keys, max_age))
}

/// The `max-age` of a `Cache-Control` value; `no-store` and `no-cache` are
/// an age of zero.
fn max_age(cache_control: &str) -> Option<Duration> {
    cache_control
        .split(',')
        .map(str::trim)
        .find_map(|directive| {
            if directive.eq_ignore_ascii_case("no-store")
                || directive.eq_ignore_ascii_case("no-cache")
            {
                return Some(Duration::ZERO);
            }
            let (name, value) = directive.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("max-age")
                .then(|| {
                    value
                        .trim()
                        .trim_matches('"')
                        .parse()
                        .ok()
                        .map(Duration::from_secs)
                })
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_control_max_age_is_read() {
        assert_eq!(max_age("public, max-age=60"), Some(Duration::from_secs(60)));
        assert_eq!(max_age("Max-Age = 5"), Some(Duration::from_secs(5)));
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age("public"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }
}
