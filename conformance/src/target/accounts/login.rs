//! What a login answer grants: a token in its body, or a session cookie.
//! Granted on a wrong password or an unknown email, it is an account taken
//! over.

use serde_json::Value;

use crate::target::http::Received;

/// Where common backends put the token of a login answer.
const TOKEN_FIELDS: &[&str] = &[
    "/token",
    "/access_token",
    "/accessToken",
    "/id_token",
    "/jwt",
    "/session_token",
    "/sessionToken",
    "/session/token",
    "/data/token",
    "/data/access_token",
];

/// A credential a login answer hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Granted {
    /// A token in the JSON body, at this JSON pointer.
    Token { at: String, token: String },
    /// A cookie set with a value, by name.
    Cookie(String),
}

impl Granted {
    /// The token, when the credential is one in the body.
    pub fn token(&self) -> Option<&str> {
        match self {
            Self::Token { token, .. } => Some(token),
            Self::Cookie(_) => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Token { at, .. } => format!("a token at {at} of the body"),
            Self::Cookie(name) => format!("the cookie {name}"),
        }
    }
}

/// What a 2xx answer grants, if anything: the body's token first, then a
/// cookie that is set (not cleared).
pub fn granted(received: &Received) -> Option<Granted> {
    if !(200..300).contains(&received.status) {
        return None;
    }
    let body = received.json().unwrap_or(Value::Null);
    TOKEN_FIELDS
        .iter()
        .find_map(|at| {
            body.pointer(at)
                .and_then(Value::as_str)
                .filter(|token| !token.trim().is_empty())
                .map(|token| Granted::Token {
                    at: (*at).to_owned(),
                    token: token.to_owned(),
                })
        })
        .or_else(|| jwt_anywhere(&body, ""))
        .or_else(|| {
            received
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
                .find_map(|(_, cookie)| set_cookie(cookie))
                .map(Granted::Cookie)
        })
}

/// A string shaped like a JWT anywhere in the body, under another name.
fn jwt_anywhere(body: &Value, at: &str) -> Option<Granted> {
    match body {
        Value::String(text) if looks_like_jwt(text) => Some(Granted::Token {
            at: at.to_owned(),
            token: text.clone(),
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| jwt_anywhere(item, &format!("{at}/{index}"))),
        Value::Object(members) => members
            .iter()
            .find_map(|(name, value)| jwt_anywhere(value, &format!("{at}/{name}"))),
        _ => None,
    }
}

fn looks_like_jwt(text: &str) -> bool {
    let segments: Vec<&str> = text.split('.').collect();
    text.starts_with("eyJ")
        && segments.len() == 3
        && segments.iter().take(2).all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        })
}

/// The name of a cookie that `Set-Cookie` sets to a value; `None` for one
/// it clears (an empty value, `Max-Age=0`, an expiry in 1970).
fn set_cookie(header: &str) -> Option<String> {
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let cleared = value.trim().trim_matches('"').is_empty()
        || parts.any(|attribute| {
            let attribute = attribute.trim().to_ascii_lowercase();
            attribute == "max-age=0"
                || attribute.starts_with("max-age=-")
                || (attribute.starts_with("expires=") && attribute.contains("1970"))
        });
    (!cleared).then(|| name.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str, cookies: &[&str]) -> Received {
        Received {
            status,
            headers: cookies
                .iter()
                .map(|cookie| ("set-cookie".to_owned(), (*cookie).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
            truncated: false,
        }
    }

    #[test]
    fn a_token_in_the_body_or_a_session_cookie_is_granted() {
        let token = |body: &str| granted(&answer(200, body, &[]));
        assert_eq!(
            token(r#"{"access_token":"abc","token_type":"bearer"}"#),
            Some(Granted::Token {
                at: "/access_token".to_owned(),
                token: "abc".to_owned()
            })
        );
        assert_eq!(
            token(r#"{"result":{"credential":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"}}"#)
                .map(|granted| granted.describe()),
            Some("a token at /result/credential of the body".to_owned())
        );
        assert_eq!(token(r#"{"detail":"invalid email or password"}"#), None);
        assert_eq!(token(r#"{"token":""}"#), None);
        let session = answer(
            200,
            r#"{"redirect":false}"#,
            &["better-auth.session_token=abc.def; Path=/; HttpOnly"],
        );
        assert_eq!(
            granted(&session),
            Some(Granted::Cookie("better-auth.session_token".to_owned()))
        );
        // Refusals grant nothing, and a cleared cookie is no session.
        assert_eq!(granted(&answer(401, r#"{"token":"abc"}"#, &[])), None);
        let cleared = answer(200, "{}", &["session=; Max-Age=0", "sid=x; Max-Age=0"]);
        assert_eq!(granted(&cleared), None);
    }
}
