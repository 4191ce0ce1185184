//! Input no server function can store: text with NUL characters (Postgres `text` refuses them,
//! so before this they came back as a 500 from wherever a free-text field skipped the shared
//! parsers). Server-function requests are read once here, bounded in size, and a NUL anywhere
//! in a form field or a JSON string is answered 422 with the field it was in.

use crate::api::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// The largest server-function request read (a pasted guest list is well below it).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

const NUL_MESSAGE: &str = "Must not contain NUL characters.";

/// The field (form-encoded) that holds a NUL, or `"text"` for a JSON body with one.
pub fn nul_field(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return body.split(|b| *b == b'&').find_map(|pair| {
            let (key, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[..0]),
            };
            has_encoded_nul(value).then(|| {
                let key = crate::domain::text::percent_decode(key);
                // Form keys are our own argument names; anything else is reported as text.
                if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'[' || b == b']') {
                    key
                } else {
                    "text".to_string()
                }
            })
        });
    }
    let raw_nul = body.contains(&0);
    let json_nul = body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"));
    (raw_nul || json_nul).then(|| "text".to_string())
}

fn has_encoded_nul(value: &[u8]) -> bool {
    value.contains(&0) || value.windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// Middleware for `POST /api/…`: refuses an oversized body (413) or one with a NUL (422).
pub async fn refuse_nul(req: Request, next: axum::middleware::Next) -> Response {
    if req.method() != Method::POST || !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Some(field) = nul_field(content_type, &bytes) {
        tracing::info!(field, path = %parts.uri.path(), "request with a NUL character refused");
        let error = AppError::invalid(&field, NUL_MESSAGE);
        return (error.status(), axum::Json(error)).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "application/x-www-form-urlencoded";

    #[test]
    fn nul_is_found_in_its_field() {
        assert_eq!(nul_field(FORM, b"label=ok&notes=a%00b"), Some("notes".into()));
        assert_eq!(nul_field(FORM, b"reason=%00"), Some("reason".into()));
        assert_eq!(nul_field(FORM, b"form%5Bname%5D=Ann%00"), Some("form[name]".into()));
        assert_eq!(nul_field(FORM, b"%3Cscript%3E=%00"), Some("text".into()), "odd keys are not echoed");
        assert_eq!(nul_field(FORM, b"text=100%25%200%20"), None, "an encoded % followed by 00 text is fine");
        assert_eq!(nul_field(FORM, b"label=plain&n=5"), None);
        assert_eq!(nul_field("application/json", br#"{"text":"a\u0000b"}"#), Some("text".into()));
        assert_eq!(nul_field("application/json", br#"{"text":"fine"}"#), None);
    }
}
