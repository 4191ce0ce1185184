//! Reading a text into a form with a model: the server side of [`crate::domain::assist`]. The
//! model answers under the form's JSON schema (structured output); the answer is then grounded in
//! the text, so what reaches the form is only what the text supports. Nothing is stored here.

use crate::domain::assist::{self, Answer, AssistContext, Extraction, FormKind, Unreadable, MAX_TEXT};
use crate::llm::{ChatRequest, Message, ProviderError, ResolvedModel, Speaker, StreamEvent};
use crate::store::{Actor, StoreResult};
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The longest an extraction may take (the embedded model on two cores, a long email).
const DEADLINE: Duration = Duration::from_secs(180);

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("Paste or drop some text to read.")]
    Empty,
    #[error("The text is too long ({0} characters); the most is {MAX_TEXT}.")]
    TooLong(usize),
    #[error("The model could not read the text: {0}")]
    Model(ProviderError),
    #[error("The model did not finish in time. Try a shorter text.")]
    Timeout,
    #[error("The model's answer could not be read ({0}). Try again or pick another model.")]
    Unreadable(#[from] Unreadable),
}

/// What grounding needs from the store: the venue's date and spaces.
pub async fn context(pool: &PgPool, actor: &Actor) -> StoreResult<AssistContext> {
    let today = crate::store::events::today(pool, actor).await?;
    let spaces: Vec<String> = sqlx::query_scalar("select name from spaces where venue_id = $1 order by name")
        .bind(actor.venue_id)
        .fetch_all(pool)
        .await?;
    Ok(AssistContext { today, spaces })
}

/// Asks `model` to read `text` into `kind`, and grounds its answer.
pub async fn extract(
    model: &ResolvedModel,
    kind: FormKind,
    text: &str,
    cx: &AssistContext,
    user_key: &str,
) -> Result<Extraction, ExtractError> {
    let started = Instant::now();
    let text = text.trim();
    let answer = answer(model, kind, text, cx, user_key).await?;
    let mut out = assist::ground(kind, cx, text, &answer)?;
    out.model = model.info.id.clone();
    tracing::info!(
        form = kind.as_str(),
        model = %model.info.id,
        chars = text.len(),
        suggested = out.suggestions.len(),
        dropped = out.dropped.len(),
        ms = started.elapsed().as_millis() as u64,
        "assist extraction"
    );
    Ok(out)
}

/// The model's raw answer for `text` (what [`extract`] grounds; `make eval` scores it too).
pub async fn answer(
    model: &ResolvedModel,
    kind: FormKind,
    text: &str,
    cx: &AssistContext,
    user_key: &str,
) -> Result<String, ExtractError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ExtractError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT {
        return Err(ExtractError::TooLong(chars));
    }
    // The small local model copies values; hosted ones also quote where each came from.
    let style = if model.info.provider == "embedded" { Answer::Plain } else { Answer::Quoted };
    let request = ChatRequest {
        model: model.model.clone(),
        messages: vec![
            Message::new(Speaker::System, assist::system_prompt(kind, style)),
            Message::new(Speaker::User, assist::user_prompt(text)),
        ],
        tools: Vec::new(),
        tool_choice: crate::llm::ToolChoice::Auto,
        // Enough for the longest answer the schema allows, so a grammar-bound answer always ends.
        max_tokens: assist::answer_budget(kind, cx, style),
        temperature: Some(0.0),
        user_key: user_key.to_string(),
        cache_key: None,
        response_schema: Some(assist::schema(kind, cx, style)),
    };
    let mut rx = model.provider.stream(request);
    let mut answer = String::new();
    let deadline = tokio::time::sleep(DEADLINE);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => return Err(ExtractError::Timeout),
            event = rx.recv() => match event {
                None | Some(Ok(StreamEvent::Finished(_))) => break,
                Some(Ok(StreamEvent::Text(t))) => answer.push_str(&t),
                // Providers without a JSON mode answer through a forced tool.
                Some(Ok(StreamEvent::ToolCall(call))) => answer = call.arguments,
                Some(Ok(StreamEvent::Usage(_))) => {}
                Some(Err(e)) => return Err(ExtractError::Model(e)),
            }
        }
    }
    Ok(answer)
}
