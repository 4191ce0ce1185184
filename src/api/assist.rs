//! AI assist: read pasted text into a form. Nothing is stored: the browser shows the suggestions
//! in the form, and the person submits (or not).

use super::AppError;
use crate::domain::assist::{Extraction, FormKind};
use leptos::prelude::*;

/// Reads `text` into `form` with the venue's default model. Staff may use every form; a client
/// only the guest form (their own guest list).
#[server(prefix = "/api", endpoint = "assist_form")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn assist_form(form: FormKind, text: String) -> Result<Extraction, AppError> {
    use crate::agent::extract::{self, ExtractError};
    use crate::domain::Role;
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let allowed = actor.is_staff() || (actor.role == Role::Client && form == FormKind::Guest);
    if !allowed {
        return Err(AppError::Forbidden);
    }
    super::ssr::admit_assist(&actor)?;
    let hub = super::ssr::state()?.chat;
    let model = match hub.resolve_model(actor.venue_id, None, None).await {
        Ok(model) => model,
        Err(crate::chat::ChatError::NoModel) => {
            return Err(AppError::BadRequest("No model is configured for this venue.".into()))
        }
        Err(_) => return Err(AppError::Internal),
    };
    let cx = extract::context(&pool, &actor).await?;
    match extract::extract(&model, form, &text, &cx, &actor.user_id.to_string()).await {
        Ok(x) => Ok(x),
        Err(e @ (ExtractError::Empty | ExtractError::TooLong(_))) => Err(AppError::invalid("text", &e.to_string())),
        // The local model's context is small: a long text is the person's to shorten.
        Err(ExtractError::Model(crate::llm::ProviderError::Local(m))) if m.contains("too long") => {
            Err(AppError::invalid("text", &m))
        }
        Err(e) => {
            tracing::warn!(error = %e, form = form.as_str(), "assist failed");
            Err(AppError::BadRequest(e.to_string()))
        }
    }
}
