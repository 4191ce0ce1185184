//! Passwords, session tokens and the session cookie.
//!
//! * Passwords: Argon2id (the crate's defaults), hashed and verified on the blocking pool so a
//!   login never stalls the async runtime.
//! * Sessions: 32 random bytes in an HttpOnly, SameSite=Lax cookie; the database keeps only the
//!   SHA-256 of the token. Login issues a fresh token (rotation); logout deletes the row.

use argon2::password_hash::{
    rand_core::OsRng, rand_core::RngCore, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "concierge_session";

/// How long a resolved session is reused without asking the database again.
pub const SESSION_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Sessions resolved in the last [`SESSION_CACHE_TTL`], by token hash, so that a burst of
/// requests (a send and its stream, a page and its server functions) costs one lookup. Only live
/// sessions are kept; logout evicts its own at once, other revocations take effect within the TTL.
#[derive(Default)]
pub struct SessionCache {
    map: std::sync::Mutex<std::collections::HashMap<Vec<u8>, (std::time::Instant, crate::store::Actor)>>,
}

impl SessionCache {
    const MAX: usize = 10_000;

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<Vec<u8>, (std::time::Instant, crate::store::Actor)>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, hash: &[u8]) -> Option<crate::store::Actor> {
        self.lock().get(hash).filter(|(at, _)| at.elapsed() < SESSION_CACHE_TTL).map(|(_, a)| a.clone())
    }

    pub fn put(&self, hash: Vec<u8>, actor: crate::store::Actor) {
        let mut map = self.lock();
        if map.len() >= Self::MAX {
            map.retain(|_, (at, _)| at.elapsed() < SESSION_CACHE_TTL);
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        map.insert(hash, (std::time::Instant::now(), actor));
    }

    pub fn forget(&self, hash: &[u8]) {
        self.lock().remove(hash);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

pub async fn hash_password(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Hash(e.to_string()))
    })
    .await?
}

/// Checks a password against a stored PHC string. With no stored hash (unknown email) it still
/// does the same work against a dummy, so timing does not reveal which emails exist.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Ok(false);
        };
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && known)
    })
    .await?
}

/// Argon2id of a random string nobody knows; used only to spend equal time on unknown emails.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W7yU1H7Nb7jXbJHL0u2mG0b3KQj1xJNZg3ku8T3lSxs";

/// A new random token (hex, 64 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The value of cookie `name` in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
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

    #[tokio::test]
    async fn hashes_verify() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(h.clone())).await.unwrap());
        assert!(!verify_password("wrong horse battery".into(), Some(h)).await.unwrap());
        assert!(!verify_password("anything at all".into(), None).await.unwrap());
    }

    #[test]
    fn tokens_and_cookies() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 32);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("theme=dark; concierge_session=abc123"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc123"));
        assert_eq!(cookie(&h, "missing"), None);
        let c = session_cookie("abc", 14, false);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
    }
}
