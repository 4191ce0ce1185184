//! Sessions: the cookies that carry them and the cache of recently resolved ones.
//!
//! A session is a random token (`security::tokens`) in an HttpOnly, SameSite=Lax cookie; the
//! database keeps only its SHA-256. Login issues a fresh token (rotation); logout deletes the row.
//! The embedded chat has a cookie of its own (`concierge_embed`), used only by requests coming
//! from an `/embed/` page, so a person logged in to Concierge in the same browser keeps their own
//! session everywhere else. An embed session is its own kind (see `web::actor`): never cached
//! here, never accepted as a member's session.

use crate::store::Actor;
use axum::http::{header, HeaderMap, HeaderValue};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "concierge_session";
pub const EMBED_COOKIE: &str = "concierge_embed";

/// How long a resolved session is reused without asking the database again.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);

/// Sessions resolved in the last [`SESSION_CACHE_TTL`], by token hash, so that a burst of
/// requests (a send and its stream, a page and its server functions) costs one lookup. Only live
/// sessions are kept; logout and revocations evict theirs at once, on every instance (a
/// `cluster` signal, heard within milliseconds; if signals were lost, every instance empties its
/// cache), so a session ended anywhere is refused everywhere within the TTL at worst.
#[derive(Default)]
pub struct SessionCache {
    map: Mutex<HashMap<Vec<u8>, (Instant, Actor)>>,
}

impl SessionCache {
    const MAX: usize = 10_000;

    fn lock(&self) -> MutexGuard<'_, HashMap<Vec<u8>, (Instant, Actor)>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, hash: &[u8]) -> Option<Actor> {
        self.lock().get(hash).filter(|(at, _)| at.elapsed() < SESSION_CACHE_TTL).map(|(_, a)| a.clone())
    }

    pub fn put(&self, hash: Vec<u8>, actor: Actor) {
        let mut map = self.lock();
        if map.len() >= Self::MAX {
            map.retain(|_, (at, _)| at.elapsed() < SESSION_CACHE_TTL);
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        map.insert(hash, (Instant::now(), actor));
    }

    pub fn forget(&self, hash: &[u8]) {
        self.lock().remove(hash);
    }

    fn clear(&self) {
        self.lock().clear();
    }
}

/// Evicts here the sessions other instances ended (see [`SessionCache`]).
pub(super) fn follow_cluster(cache: &std::sync::Arc<SessionCache>, cluster: &crate::cluster::Cluster) {
    use crate::cluster::{Received, Signal};
    let me = cluster.id;
    cluster.follow(cache, move |cache, received| match received {
        Received::Signal { from, signal } if from != me => {
            if let Signal::Session { hash } = *signal {
                match crate::security::unhex(&hash) {
                    Some(hash) => cache.forget(&hash),
                    None => cache.clear(),
                }
            }
        }
        Received::Lost => cache.clear(),
        Received::Signal { .. } => {}
    });
}

/// The value of cookie `name` in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| crate::domain::text::cookie_value(v, name))
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(token: &str, max_age_days: i32, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        i64::from(max_age_days) * 86_400
    );
    HeaderValue::from_str(&v).expect("token is hex")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"))
        .expect("static")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("theme=dark; concierge_session=abc123"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc123"));
        assert_eq!(cookie(&h, "missing"), None);
        let c = session_cookie("abc", 14, false);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
    }
}
