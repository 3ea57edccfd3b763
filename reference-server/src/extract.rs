//! The extractors every route uses, whatever its feature: a JSON object body
//! and a named path capture. The bearer-token extractors are in
//! `auth::extract`.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;

/// A JSON object body. Unlike `axum::Json`, every rejection is an `AppError`
/// (422 or 413 with a JSON body, not plain text), and a body that is not an
/// object is refused even where serde would read a struct from an array.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let Json(value) = Json::<Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(AppError::Unprocessable(
                "the body must be a JSON object".to_owned(),
            ));
        }
        serde_json::from_value(value)
            .map(AppJson)
            .map_err(|error| AppError::Unprocessable(format!("invalid body: {error}")))
    }
}

/// A named capture of the matched route, percent-decoded.
pub async fn path_param<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    name: &str,
) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    params
        .iter()
        .find(|(param, _)| *param == name)
        .map(|(_, value)| value.to_owned())
}
