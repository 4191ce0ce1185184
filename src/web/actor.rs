//! Who is asking. Two kinds of session, two cookies, never mixed:
//!
//! * a member's own session (`concierge_session`, made by logging in): every page, server function
//!   and route the member's role allows; resolved through the short-lived session cache;
//! * an embed session (`concierge_embed`, opened by `/embed/chat?token=…`): the chat of one agent
//!   over one event, as the token's member, and nothing else. It counts only for the `/embed/`
//!   page and for requests that page makes ([`from_widget`]), and there only for the chat server
//!   functions ([`EMBED_SERVER_FNS`]), the reply stream, attachments and their files, each within
//!   the token's reach (`store::embed::within`). Its cookie is never taken as a member's session,
//!   and it is looked up afresh on every request, so a revoked token ends it at once.

use crate::security::{signing, tokens};
use crate::state::session::{self, EMBED_COOKIE, SESSION_COOKIE};
use crate::state::{AppState, RequestActor};
use crate::store::embed::EmbedSession;
use axum::http::{HeaderMap, HeaderValue};
use leptos::prelude::provide_context;

/// The server functions an embed session may call (by endpoint): the chat panel's own. Every one
/// that names a thread or approval checks it is within the session's reach
/// (`api::ssr::actor_within`), and the agent chat ones check the agent and event
/// (`api::ssr::reaches`).
pub const EMBED_SERVER_FNS: &[&str] = &[
    "current_user",
    "agent_chat",
    "start_agent_chat",
    "open_chat",
    "chat_thread",
    "older_chat_items",
    "send_chat_message",
    "edit_chat_message",
    "regenerate_reply",
    "stop_reply",
    "switch_chat_branch",
    "set_chat_model",
    "chat_models",
    "discard_attachment",
    "decide_approval",
];

/// The caller of a request the embedded chat may make: the embed session when the request came
/// through one, else the member's own session.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub actor: RequestActor,
    pub embed: Option<EmbedSession>,
}

/// Whether a request was made by the embedded chat's page: its `Referer`, on this same host, is
/// an `/embed/` URL (the page's policy, `same-origin`, sends it on every request to this host).
pub fn from_widget(headers: &HeaderMap) -> bool {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok());
    let referer = headers.get(axum::http::header::REFERER).and_then(|h| h.to_str().ok());
    match (host, referer.and_then(|r| r.split_once("://")).map(|(_, rest)| rest)) {
        (Some(host), Some(rest)) => rest.strip_prefix(host).is_some_and(|p| p.starts_with("/embed/")),
        _ => false,
    }
}

/// The member's own session, if the request carries a live one. An embed session's cookie value
/// is not one, whichever cookie carries it.
pub async fn resolve_actor(state: &AppState, headers: &HeaderMap) -> RequestActor {
    let Some(token) = session::cookie(headers, SESSION_COOKIE).filter(|t| t.len() == 64) else {
        return RequestActor(None);
    };
    let hash = tokens::token_hash(token);
    if let Some(actor) = state.sessions.get(&hash) {
        return RequestActor(Some(actor));
    }
    match crate::store::users::actor_for_session(&state.pool, &hash).await {
        Ok(actor) => {
            if let Some(a) = &actor {
                state.sessions.put(hash, a.clone());
            }
            RequestActor(actor)
        }
        Err(err) => {
            tracing::error!(error = %err, "session lookup failed");
            RequestActor(None)
        }
    }
}

/// The caller of a request that may come from the embedded chat (`widget`: the `/embed/` page
/// itself, or [`from_widget`]): its live embed session, else the member's own session (a person
/// logged in to Concierge may open the widget too).
pub async fn resolve_caller(state: &AppState, headers: &HeaderMap, widget: bool) -> Caller {
    if widget {
        if let Some(embed) = embed_cookie_session(state, headers).await {
            return Caller { actor: RequestActor(Some(embed.actor.clone())), embed: Some(embed) };
        }
    }
    Caller { actor: resolve_actor(state, headers).await, embed: None }
}

async fn embed_cookie_session(state: &AppState, headers: &HeaderMap) -> Option<EmbedSession> {
    let token = session::cookie(headers, EMBED_COOKIE).filter(|t| t.len() == 64)?;
    match crate::store::embed::session(&state.pool, &tokens::token_hash(token)).await {
        Ok(s) => s,
        Err(err) => {
            tracing::error!(error = %err, "embed session lookup failed");
            None
        }
    }
}

/// Why a request's API key was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRefused {
    /// No `Authorization` header.
    Missing,
    /// Not `Bearer ck_…`, or unknown, revoked or expired.
    Invalid,
    /// The lookup failed (the database).
    Failed,
}

/// The member behind the request's API key (`Authorization: Bearer ck_…`; the `/v1` API and
/// `/mcp`), and what the key allows. Never a session cookie: a key is its own credential.
pub async fn api_key_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(crate::store::Actor, crate::store::api_keys::KeyGrant), KeyRefused> {
    let auth = headers.get(axum::http::header::AUTHORIZATION).ok_or(KeyRefused::Missing)?;
    let auth = auth.to_str().map_err(|_| KeyRefused::Invalid)?;
    let key = auth.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")).map(|(_, k)| k.trim());
    let key = key.filter(|k| tokens::looks_like_api_key(k)).ok_or(KeyRefused::Invalid)?;
    match crate::store::api_keys::resolve(&state.pool, &tokens::token_hash(key)).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(KeyRefused::Invalid),
        Err(e) => {
            tracing::error!(error = %e, "API key lookup failed");
            Err(KeyRefused::Failed)
        }
    }
}

/// `/embed/chat?token=…`: a valid embed token opens an embed session (returned with the cookie
/// to set); an invalid one is ignored (the page then asks to log in).
pub async fn embed_session(state: &AppState, path: &str, query: &str) -> Option<(EmbedSession, HeaderValue)> {
    if path != "/embed/chat" {
        return None;
    }
    let token = query.split('&').find_map(|kv| kv.strip_prefix("token="))?;
    let key = crate::store::embed::signing_key(&state.pool).await.ok()?;
    let id = signing::verify(&key, token, chrono::Utc::now().timestamp())?;
    let grant = crate::store::embed::grant(&state.pool, id).await.ok()??;
    let token = tokens::new_token();
    let hash = tokens::token_hash(&token);
    let expires = grant.expires_at.min(chrono::Utc::now() + chrono::Duration::hours(12));
    crate::store::embed::create_session(&state.pool, &hash, &grant, expires).await.ok()?;
    // The same lookup as every later request: a staff member's chat behind a token not marked
    // internal opens nothing.
    let embed = crate::store::embed::session(&state.pool, &hash).await.ok()??;
    let max_age = (expires - chrono::Utc::now()).num_seconds().max(0);
    // In an iframe on another site the cookie is third-party: over https it must be
    // `SameSite=None; Secure` (and partitioned per top-level site).
    let attrs = if state.config.cookie_secure { "SameSite=None; Secure; Partitioned" } else { "SameSite=Lax" };
    let cookie = format!("{EMBED_COOKIE}={token}; Path=/; HttpOnly; {attrs}; Max-Age={max_age}");
    tracing::info!(token_id = id, user_id = grant.user_id, "embed session opened");
    Some((embed, HeaderValue::from_str(&cookie).ok()?))
}

/// The `frame-ancestors` directive of an `/embed/` page: framed by this server's own pages and
/// the sites its token lists (checked by `domain::embed::embed_origins`, so safe in a header).
pub fn embed_frame_ancestors(embed: Option<&EmbedSession>) -> String {
    let mut policy = String::from("frame-ancestors 'self'");
    for origin in embed.map(|e| e.origins.as_slice()).unwrap_or_default() {
        policy.push(' ');
        policy.push_str(origin);
    }
    policy
}

/// The `Content-Security-Policy` of a page: scripts only from this server or carrying the page's
/// nonce (the theme script and Leptos's hydration and streaming scripts get it from context),
/// the wasm compiled (`'wasm-unsafe-eval'`); styles from this server, inline ones too (Tailwind's
/// classes need none, but a few `style` attributes set widths); images from this server, `data:`
/// and `blob:` (previews of files being attached); requests to this server only; no plugins, no
/// `<base>`, forms posting here; and framing as `frame_ancestors` says.
pub fn page_policy(nonce: &str, frame_ancestors: &str) -> HeaderValue {
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; {frame_ancestors}"
    );
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
}

/// The context every page render and server function call gets: the state, the actor, the
/// embed session when the request came through one, and a page render's CSP nonce.
pub fn context(
    state: AppState,
    caller: Caller,
    nonce: Option<leptos::nonce::Nonce>,
) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        provide_context(caller.actor.clone());
        if let Some(embed) = &caller.embed {
            provide_context(embed.clone());
        }
        if let Some(nonce) = &nonce {
            provide_context(nonce.clone());
        }
    }
}
