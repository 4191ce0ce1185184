//! The one error type every server function returns. It crosses the wire as JSON, so the browser
//! gets the same typed error the server produced (field errors included), and the server's
//! handler maps each variant to its HTTP status.

use crate::domain::parse::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("We could not find that. It may have been removed, or you may not have access to it.")]
    NotFound,
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// Over a rate limit or quota: what to tell the person, and in how many seconds to try
    /// again (sent as `Retry-After`).
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The call itself failed (network, encoding) before or after the server ran it.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::Forbidden => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::Invalid(_) => S::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => S::BAD_REQUEST,
            AppError::Conflict(_) => S::CONFLICT,
            AppError::TooManyRequests { .. } => S::TOO_MANY_REQUESTS,
            AppError::Internal | AppError::Transport(_) => S::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn invalid(field: &str, message: &str) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, message);
        AppError::Invalid(e)
    }

    /// The message for one field, when this is a validation error.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.get(field).map(str::to_string),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request's arguments did not decode: wrong types, missing fields.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::BadRequest(format!("The request was malformed: {}", crate::domain::text::clip(&m, 200)))
            }
            ServerFnErrorErr::UnsupportedRequestMethod(m) => AppError::BadRequest(m),
            other => AppError::Transport(crate::domain::text::clip(&other.to_string(), 300).to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::state::limits::Limited> for AppError {
    fn from(l: crate::state::limits::Limited) -> Self {
        AppError::TooManyRequests { message: l.message, retry_after: l.retry_after.as_secs_f64().ceil() as u64 }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::state::NotAdmitted> for AppError {
    fn from(e: crate::state::NotAdmitted) -> Self {
        match e {
            crate::state::NotAdmitted::Limited(l) => l.into(),
            crate::state::NotAdmitted::Store(e) => e.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::knowledge::KnowledgeError> for AppError {
    fn from(e: crate::knowledge::KnowledgeError) -> Self {
        use crate::knowledge::KnowledgeError as E;
        match e {
            E::Store(s) => s.into(),
            E::Rejected(m) | E::Unsupported(m) => AppError::invalid("text", &m),
            E::TooLarge => AppError::invalid("text", &e.to_string()),
            other => {
                tracing::error!(error = %other, "knowledge base error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::studio::automations::AutomationError> for AppError {
    fn from(e: crate::studio::automations::AutomationError) -> Self {
        match e {
            crate::studio::automations::AutomationError::Store(e) => e.into(),
            // What a run met (a missing specialist, no event): the person can act on it.
            other => AppError::Conflict(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Forbidden => AppError::Forbidden,
            E::Conflict(m) => AppError::Conflict(m),
            E::Invalid(f) => AppError::Invalid(f),
            E::Db(err) => {
                // The cause stays in the log; the browser gets an opaque message.
                tracing::error!(error = %err, "database error");
                AppError::Internal
            }
        }
    }
}
