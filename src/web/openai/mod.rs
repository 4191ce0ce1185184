//! `/v1`: the venue's agents behind OpenAI's chat API, for any OpenAI SDK or chat front end.
//!
//! * `GET /v1/models` lists what the API key reaches: its agents (`concierge/venue_general`, and
//!   `concierge/client@event-12` per event for the agents that work on one) and, when the key
//!   allows them, the venue's raw models (`embedded/…`, hosted ones).
//! * `POST /v1/chat/completions`, streamed or not. An agent model runs the agent's turn on the
//!   server, as the key's member, with the agent's tools under their scope (only the reading ones
//!   for a key that may not act); an action that needs approval ends the answer with a note and
//!   a link, and waits in the chat (and the venue's queue) like any other. The turn is stored:
//!   a request continues one of the member's threads (`X-Concierge-Thread: 12`, or
//!   `metadata.thread_id`) or starts one with the request's conversation as its history. The
//!   agent keeps its own instructions: `system` messages go only to raw models.
//! * Usage is returned (`usage`, and the last stream chunk with `stream_options.include_usage`)
//!   and recorded (the member's `llm_usage`, and the key's own counts).
//! * Errors use OpenAI's shape and status codes ([`wire::ApiError`]); the rate limits and daily
//!   quotas are the member's own, shared with the chat.

mod wire;

use crate::chat::{ExternalTurn, Piece, RawCompletion, TurnFollower};
use crate::domain::api_keys::AgentModel;
use crate::domain::chat::AgentKind;
use crate::llm::{Message, Speaker, Usage};
use crate::security::tokens;
use crate::state::{AppState, NotAdmitted};
use crate::store::api_keys::KeyGrant;
use crate::store::{Actor, StoreError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::convert::Infallible;
use tokio::sync::mpsc;
use wire::{ApiError, Role};

/// The header that names the member's thread a request continues (and, on the answer, the
/// thread it was written in).
pub const THREAD_HEADER: &str = "x-concierge-thread";

/// Longest a raw completion may be asked to be.
const MAX_RAW_TOKENS: u32 = 4096;

/// The `/v1` routes, nested by the router. An unknown path under `/v1` answers in OpenAI's
/// shape too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/models", get(models))
        .route("/models/{*id}", get(model))
        .route("/chat/completions", post(completions).layer(DefaultBodyLimit::max(wire::MAX_BODY_BYTES)))
        .fallback(unknown)
}

async fn unknown() -> Response {
    ApiError::not_found("unknown_url", "No such endpoint: this server speaks `/v1/models` and `/v1/chat/completions`.")
        .into_response()
}

/// The member behind the request's API key, and what the key allows.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<(Actor, KeyGrant), ApiError> {
    use super::actor::KeyRefused;
    super::actor::api_key_caller(state, headers).await.map_err(|refused| match refused {
        KeyRefused::Missing => ApiError::unauthenticated(
            "No API key: send it as `Authorization: Bearer ck_…` (make one at /settings/api).",
        ),
        KeyRefused::Invalid => {
            ApiError::unauthenticated("Incorrect API key provided, or it was revoked or has expired.")
        }
        KeyRefused::Failed => ApiError::internal(),
    })
}

/// `GET /v1/models`.
async fn models(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (actor, grant) = match caller(&state, &headers).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    record(&state.pool, grant.id, Usage::default()).await;
    match model_list(&state, &actor, &grant).await {
        Ok(list) => {
            let data: Vec<Value> = list.iter().map(|(id, owner)| wire::model(id, owner)).collect();
            Json(json!({"object": "list", "data": data})).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /v1/models/{id}`.
async fn model(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let (actor, grant) = match caller(&state, &headers).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    match model_list(&state, &actor, &grant).await {
        Ok(list) => match list.iter().find(|(m, _)| *m == id) {
            Some((m, owner)) => Json(wire::model(m, owner)).into_response(),
            None => ApiError::model_not_found(&id).into_response(),
        },
        Err(e) => e.into_response(),
    }
}

/// The models the key reaches: its agents (per event where the agent works on one: the events
/// the member sees, from a year back on, at most 200) and the venue's raw models if allowed.
async fn model_list(state: &AppState, actor: &Actor, grant: &KeyGrant) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    let mut events: Option<Vec<i64>> = None;
    for &agent in AgentKind::ALL.iter().filter(|a| grant.reaches(**a)) {
        if !agent.needs_event() {
            out.push((AgentModel { agent, event_id: None }.id(), "concierge".to_string()));
            continue;
        }
        if events.is_none() {
            events = Some(member_events(state, actor).await?);
        }
        for &event_id in events.iter().flatten() {
            out.push((AgentModel { agent, event_id: Some(event_id) }.id(), "concierge".to_string()));
        }
    }
    if grant.raw_models {
        let catalog = state.chat.catalog(actor.venue_id).await.map_err(|e| {
            tracing::error!(error = %e, "model catalog not read");
            ApiError::internal()
        })?;
        out.extend(catalog.view().models.into_iter().map(|m| (m.id, m.provider)));
    }
    Ok(out)
}

async fn member_events(state: &AppState, actor: &Actor) -> Result<Vec<i64>, ApiError> {
    use crate::store::events;
    let read = async {
        let today = events::today(&state.pool, actor).await?;
        let (from, to) = (today - chrono::Days::new(365), today + chrono::Days::new(3 * 365));
        events::list(&state.pool, actor, from, to, events::StatusFilter::NotCancelled, 200).await
    };
    match read.await {
        Ok(list) => Ok(list.into_iter().map(|e| e.id).collect()),
        Err(e) => {
            tracing::error!(error = %e, "events for the model list not read");
            Err(ApiError::internal())
        }
    }
}

/// `POST /v1/chat/completions`.
#[tracing::instrument(skip_all, fields(key_id, model))]
async fn completions(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match complete(&state, &headers, &body).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

async fn complete(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Response, ApiError> {
    let (actor, grant) = caller(state, headers).await?;
    let span = tracing::Span::current();
    span.record("key_id", grant.id);
    let req = wire::parse_request(body)?;
    span.record("model", req.model.as_str());
    let mut messages = Vec::with_capacity(req.messages.len());
    for (i, m) in req.messages.iter().enumerate() {
        messages.push(m.read(i)?);
    }
    let chars: usize = messages.iter().map(|(_, t)| t.chars().count()).sum();
    if chars > wire::MAX_CONVERSATION_CHARS {
        return Err(ApiError::invalid(
            "messages",
            format!("The messages hold {chars} characters; at most {} are taken.", wire::MAX_CONVERSATION_CHARS),
        ));
    }
    let out = Out {
        id: String::new(),
        created: chrono::Utc::now().timestamp(),
        model: req.model.clone(),
        stream: req.stream.unwrap_or(false),
        include_usage: req.stream_options.as_ref().is_some_and(|o| o.include_usage),
        key_id: grant.id,
        thread_id: None,
    };
    match AgentModel::parse(&req.model) {
        Some(Err(why)) => Err(ApiError { message: why, ..ApiError::model_not_found(&req.model) }),
        Some(Ok(agent)) if grant.reaches(agent.agent) => {
            agent_turn(state, headers, &actor, &grant, &req, agent, messages, out).await
        }
        Some(Ok(_)) => Err(ApiError::model_not_found(&req.model)),
        None if grant.raw_models => raw(state, &actor, &req, messages, out).await,
        None => Err(ApiError::model_not_found(&req.model)),
    }
}

/// The thread a request continues: the header, else `metadata.thread_id` (a string, as OpenAI's
/// metadata values are, or a number).
fn thread_asked(headers: &HeaderMap, req: &wire::CompletionRequest) -> Result<Option<i64>, ApiError> {
    let raw = match headers.get(THREAD_HEADER) {
        Some(h) => Some(h.to_str().unwrap_or_default().to_string()),
        None => req.metadata.as_ref().and_then(|m| m.get("thread_id")).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
    };
    match raw {
        None => Ok(None),
        Some(r) => match r.trim().parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(ApiError::invalid("metadata", "The thread to continue is a chat's number, as in /chat/12.")),
        },
    }
}

#[allow(clippy::too_many_arguments)]
async fn agent_turn(
    state: &AppState,
    headers: &HeaderMap,
    actor: &Actor,
    grant: &KeyGrant,
    req: &wire::CompletionRequest,
    agent: AgentModel,
    messages: Vec<(Role, String)>,
    mut out: Out,
) -> Result<Response, ApiError> {
    let thread_id = thread_asked(headers, req)?;
    let Some((Role::User, last)) = messages.last() else {
        return Err(ApiError::invalid("messages", "The last message must be the person's (role `user`)."));
    };
    let text = crate::domain::chat::user_message(last)
        .map_err(|e| ApiError::invalid("messages", e.get("text").unwrap_or("The last message cannot be sent.")))?;
    // A new thread gets the conversation before the message; a continued one has its own.
    let history: Vec<(bool, String)> = match thread_id {
        Some(_) => Vec::new(),
        None => messages[..messages.len() - 1]
            .iter()
            .filter(|(role, text)| *role != Role::System && !text.trim().is_empty())
            .map(|(role, text)| (*role == Role::User, text.clone()))
            .collect(),
    };
    admit(state, actor).await?;
    let turn = ExternalTurn {
        agent: agent.agent,
        event_id: agent.event_id,
        thread_id,
        history,
        text,
        read_only: !grant.may_act,
        key_id: Some(grant.id),
    };
    let (sent, replay) = state.chat.external_turn(actor, turn).await.map_err(|e| match e {
        crate::chat::ChatError::Store(StoreError::NotFound | StoreError::Forbidden) => match thread_id {
            Some(id) => ApiError::not_found("thread_not_found", format!("You have no chat {id}.")),
            None => ApiError::model_not_found(&req.model),
        },
        e => chat_error(e),
    })?;
    out.id = format!("chatcmpl-{}", sent.reply.id);
    out.thread_id = Some(sent.thread_id);
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let (tx, rx) = mpsc::channel::<Piece>(64);
    let thread = sent.thread_id;
    tokio::spawn(async move {
        let mut events = replay.events();
        let mut follower = TurnFollower::default();
        while let Some(event) = events.recv().await {
            let done = event == crate::domain::chat::ChatEvent::Done;
            let text = follower.feed(&event);
            // The client left: the turn goes on in the member's chat all the same.
            if !text.is_empty() && tx.send(Piece::Text(text)).await.is_err() {
                return;
            }
            if done {
                break;
            }
        }
        let note = approval_note(&follower, &base, thread);
        if !note.is_empty() {
            let _ = tx.send(Piece::Text(note)).await;
        }
        let _ = tx.send(Piece::End { usage: follower.usage(), error: follower.error.clone() }).await;
    });
    Ok(answer(state, out, rx).await)
}

/// What the answer says of actions left waiting: what each does and where a person decides it.
fn approval_note(follower: &TurnFollower, base: &str, thread_id: i64) -> String {
    let mut note = String::new();
    for a in &follower.awaiting {
        let (who, link) = if a.by_venue {
            ("the venue's staff approve it", format!("{base}/approvals"))
        } else {
            ("you approve it", format!("{base}/chat/{thread_id}"))
        };
        note.push_str(&format!("\n\n**Waiting for approval:** {}. Nothing is done until {who}: {link}", a.summary));
    }
    note
}

async fn raw(
    state: &AppState,
    actor: &Actor,
    req: &wire::CompletionRequest,
    messages: Vec<(Role, String)>,
    out: Out,
) -> Result<Response, ApiError> {
    if !matches!(messages.last(), Some((Role::User, _))) {
        return Err(ApiError::invalid("messages", "The last message must be the person's (role `user`)."));
    }
    let messages = messages
        .into_iter()
        .map(|(role, text)| {
            let speaker = match role {
                Role::System => Speaker::System,
                Role::User => Speaker::User,
                Role::Assistant => Speaker::Assistant,
            };
            Message::new(speaker, text)
        })
        .collect();
    let max_tokens = req.max_completion_tokens.or(req.max_tokens).unwrap_or(1024).clamp(1, MAX_RAW_TOKENS);
    admit(state, actor).await?;
    let request = RawCompletion { model: req.model.clone(), messages, max_tokens, temperature: req.temperature };
    let rx = state.chat.raw_completion(actor, request).await.map_err(|e| match e {
        crate::chat::ChatError::UnknownModel(_) => ApiError::model_not_found(&req.model),
        e => chat_error(e),
    })?;
    let out = Out { id: format!("chatcmpl-raw-{}", uuid_like()), ..out };
    Ok(answer(state, out, rx).await)
}

/// A completion id for an answer with no stored reply: a random part.
fn uuid_like() -> String {
    tokens::new_token()[..24].to_string()
}

/// Lets the turn start within the member's limits (the chat's own, see `AppState::admit_turn`).
async fn admit(state: &AppState, actor: &Actor) -> Result<(), ApiError> {
    state.admit_turn(actor, None).await.map_err(|e| match e {
        NotAdmitted::Limited(l) => ApiError::rate_limited(l.message, l.retry_after.as_secs_f64().ceil() as u64),
        NotAdmitted::Store(e) => {
            tracing::error!(error = %e, "quota check failed");
            ApiError::internal()
        }
    })
}

fn chat_error(e: crate::chat::ChatError) -> ApiError {
    use crate::chat::ChatError;
    match e {
        ChatError::Store(StoreError::Conflict(m)) => ApiError::conflict(m),
        ChatError::Store(StoreError::Invalid(errs)) => ApiError::invalid(
            "messages",
            errs.0.first().map(|f| f.message.clone()).unwrap_or_else(|| "The request cannot be taken.".into()),
        ),
        ChatError::NoModel | ChatError::UnknownModel(_) => {
            ApiError::unavailable("No model is available to this venue right now.")
        }
        e => {
            tracing::error!(error = %e, "API turn not started");
            ApiError::internal()
        }
    }
}

/// How the answer is written.
struct Out {
    id: String,
    created: i64,
    /// The model as the request named it.
    model: String,
    stream: bool,
    include_usage: bool,
    key_id: i64,
    /// The member's thread the turn was written in.
    thread_id: Option<i64>,
}

/// Writes the answer whose pieces arrive on `rx`: whole, or as OpenAI's stream; records the
/// key's use at the end.
async fn answer(state: &AppState, out: Out, rx: mpsc::Receiver<Piece>) -> Response {
    let pool = state.pool.clone();
    let thread_header = out.thread_id.and_then(|t| HeaderValue::from_str(&t.to_string()).ok());
    let mut res = if out.stream { streamed(pool, out, rx).into_response() } else { whole(pool, out, rx).await };
    if let Some(h) = thread_header {
        res.headers_mut().insert(THREAD_HEADER, h);
    }
    res
}

async fn record(pool: &sqlx::PgPool, key_id: i64, usage: Usage) {
    let tokens = i64::from(usage.prompt_tokens) + i64::from(usage.completion_tokens);
    if let Err(e) = crate::store::api_keys::record_use(pool, key_id, tokens).await {
        tracing::error!(error = %e, "API key use not recorded");
    }
}

async fn whole(pool: sqlx::PgPool, out: Out, mut rx: mpsc::Receiver<Piece>) -> Response {
    let mut text = String::new();
    let (mut usage, mut error) = (Usage::default(), None);
    while let Some(piece) = rx.recv().await {
        match piece {
            Piece::Text(t) => text.push_str(&t),
            Piece::End { usage: u, error: e } => {
                (usage, error) = (u, e);
                break;
            }
        }
    }
    record(&pool, out.key_id, usage).await;
    if let (Some(e), true) = (&error, text.trim().is_empty()) {
        return ApiError::unavailable(e.clone()).into_response();
    }
    let usage = wire::usage_json(usage.prompt_tokens, usage.completion_tokens);
    let mut body = wire::completion(&out.id, out.created, &out.model, &text, "stop", usage);
    if let Some(thread) = out.thread_id {
        body["concierge"] = json!({"thread_id": thread});
    }
    Json(body).into_response()
}

fn streamed(pool: sqlx::PgPool, out: Out, mut rx: mpsc::Receiver<Piece>) -> Response {
    let (tx, events) = mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        let data = |v: Value| Event::default().data(v.to_string());
        let first = wire::chunk(&out.id, out.created, &out.model, json!({"role": "assistant", "content": ""}), None);
        let mut open = tx.send(data(first)).await.is_ok();
        let (mut usage, mut error, mut said) = (Usage::default(), None, false);
        while let Some(piece) = rx.recv().await {
            match piece {
                Piece::Text(t) => {
                    said = true;
                    if open {
                        let chunk = wire::chunk(&out.id, out.created, &out.model, json!({"content": t}), None);
                        open = tx.send(data(chunk)).await.is_ok();
                    }
                }
                Piece::End { usage: u, error: e } => {
                    (usage, error) = (u, e);
                    break;
                }
            }
        }
        record(&pool, out.key_id, usage).await;
        if !open {
            return;
        }
        if let (Some(e), false) = (&error, said) {
            // A stream that fails says so in OpenAI's way: a chunk with `error`.
            let _ = tx.send(data(ApiError::unavailable(e.clone()).body())).await;
            return;
        }
        let _ = tx.send(data(wire::chunk(&out.id, out.created, &out.model, json!({}), Some("stop")))).await;
        if out.include_usage {
            let usage = wire::usage_json(usage.prompt_tokens, usage.completion_tokens);
            let _ = tx.send(data(wire::usage_chunk(&out.id, out.created, &out.model, usage))).await;
        }
        let _ = tx.send(Event::default().data("[DONE]")).await;
    });
    let stream = futures_util::stream::unfold(events, |mut rx| async move {
        let event = rx.recv().await?;
        Some((Ok::<_, Infallible>(event), rx))
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    res.headers_mut().insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut().insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}
