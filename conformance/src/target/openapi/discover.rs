//! Where the target's document is: `--openapi FILE|URL`, or else the places
//! frameworks serve one, asked in turn with a GET and no token.

use std::path::Path;
use std::time::Duration;

use reqwest::Method;

use super::{ApiDocument, OpenApiError};
use crate::target::http::{Client, Exchange, MAX_BODY_BYTES};

/// FastAPI's default first, then the other common places.
pub const PLACES: &[&str] = &[
    "/openapi.json",
    "/api/openapi.json",
    "/docs/openapi.json",
    "/openapi.yaml",
    "/swagger.json",
    "/v3/api-docs",
];

/// The first document among [`PLACES`]. When there is none: what each
/// place answered, in one line for the banner. A 2xx that is not an
/// OpenAPI 3.x document is no document: the next place is asked. A place
/// that does not answer at all ends the search, since the target would
/// not answer the next one either (and each would cost a timeout).
pub async fn find(client: &Client) -> Result<ApiDocument, String> {
    let mut answers = Vec::new();
    for (asked, place) in PLACES.iter().enumerate() {
        let exchange = client.send(Method::GET, place, &[], None).await;
        match body(&exchange) {
            Ok(text) => match ApiDocument::parse(&text, &exchange.request.url) {
                Ok(document) => return Ok(document),
                Err(_) => answers.push(format!("{place} ({}, not OpenAPI 3.x)", status(&exchange))),
            },
            Err(answer) if exchange.response.is_err() => {
                answers.push(format!("{place} ({answer})"));
                if asked + 1 < PLACES.len() {
                    answers.push("the others not asked".to_owned());
                }
                break;
            }
            Err(answer) => answers.push(format!("{place} ({answer})")),
        }
    }
    Err(format!(
        "no OpenAPI document at {}; give --openapi FILE|URL",
        answers.join(", ")
    ))
}

/// `--openapi URL`: the document there, or why not.
pub async fn fetch(
    url: &str,
    timeout: Duration,
    ca_cert: Option<&Path>,
) -> Result<ApiDocument, OpenApiError> {
    let failed = |answer: String| OpenApiError::Fetch {
        url: url.to_owned(),
        answer,
    };
    let client = Client::new(url, timeout, ca_cert)
        .map_err(|_| failed("it is not an http(s) URL".to_owned()))?;
    let exchange = client.send(Method::GET, "", &[], None).await;
    let text = body(&exchange).map_err(failed)?;
    ApiDocument::parse(&text, url)
}

/// The body of a whole 2xx answer, or what came instead.
fn body(exchange: &Exchange) -> Result<String, String> {
    match &exchange.response {
        Err(unanswered) => Err(unanswered.cause.says().to_owned()),
        Ok(received) if !(200..300).contains(&received.status) => Err(received.status.to_string()),
        Ok(received) if received.truncated => Err(format!(
            "{}, over {} MiB",
            received.status,
            MAX_BODY_BYTES / (1024 * 1024)
        )),
        Ok(received) => Ok(received.text()),
    }
}

fn status(exchange: &Exchange) -> String {
    exchange
        .status()
        .map_or_else(String::new, |status| status.to_string())
}
