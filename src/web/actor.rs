//! Who is asking: the actor of a request's session cookie (or of the embedded chat's own
//! session), and the embed link that opens such a session. Every route and server function gets
//! its actor from here.

use crate::security::{signing, tokens};
use crate::state::session::{self, EMBED_COOKIE, SESSION_COOKIE};
use crate::state::{AppState, RequestActor};
use axum::http::HeaderMap;
use leptos::prelude::provide_context;

/// Whether a request comes from an embedded chat: the `/embed/` page itself, or a request that
/// page made (its `Referer`, on this same host, is an `/embed/` URL).
fn from_embed(path: &str, headers: &HeaderMap) -> bool {
    if path.starts_with("/embed/") {
        return true;
    }
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok());
    let referer = headers.get(axum::http::header::REFERER).and_then(|h| h.to_str().ok());
    match (host, referer.and_then(|r| r.split_once("://")).map(|(_, rest)| rest)) {
        (Some(host), Some(rest)) => rest.strip_prefix(host).is_some_and(|p| p.starts_with("/embed/")),
        _ => false,
    }
}

/// The actor of the session cookie, if it names a live session. Requests from an embedded chat
/// use the embed session (see `state::session`) when there is one.
pub async fn resolve_actor(state: &AppState, headers: &HeaderMap, path: &str) -> RequestActor {
    let embed = from_embed(path, headers).then(|| session::cookie(headers, EMBED_COOKIE)).flatten();
    let Some(token) = embed.or_else(|| session::cookie(headers, SESSION_COOKIE)).filter(|t| t.len() == 64) else {
        return RequestActor(None);
    };
    actor_for_token(state, token).await
}

async fn actor_for_token(state: &AppState, token: &str) -> RequestActor {
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

/// `/embed/chat?token=…`: a valid embed token opens a session for its member (returned with the
/// cookie to set); an invalid one is ignored (the page then asks to log in).
pub async fn embed_session(
    state: &AppState,
    path: &str,
    query: &str,
) -> Option<(RequestActor, axum::http::HeaderValue)> {
    if path != "/embed/chat" {
        return None;
    }
    let token = query.split('&').find_map(|kv| kv.strip_prefix("token="))?;
    let key = crate::store::embed::signing_key(&state.pool).await.ok()?;
    let id = signing::verify(&key, token, chrono::Utc::now().timestamp())?;
    let grant = crate::store::embed::grant(&state.pool, id).await.ok()??;
    let session = tokens::new_token();
    let expires = grant.expires_at.min(chrono::Utc::now() + chrono::Duration::hours(12));
    crate::store::embed::create_session(&state.pool, &tokens::token_hash(&session), &grant, expires).await.ok()?;
    let actor = actor_for_token(state, &session).await;
    let max_age = (expires - chrono::Utc::now()).num_seconds().max(0);
    // In an iframe on another site the cookie is third-party: over https it must be
    // `SameSite=None; Secure` (and partitioned per top-level site).
    let attrs = if state.config.cookie_secure { "SameSite=None; Secure; Partitioned" } else { "SameSite=Lax" };
    let cookie = format!("{}={session}; Path=/; HttpOnly; {attrs}; Max-Age={max_age}", EMBED_COOKIE);
    tracing::info!(token_id = id, user_id = grant.user_id, "embed session opened");
    Some((actor, axum::http::HeaderValue::from_str(&cookie).ok()?))
}

/// The context every page render and server function call gets: the state and the actor.
pub fn context(state: AppState, actor: RequestActor) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        provide_context(actor.clone());
    }
}
