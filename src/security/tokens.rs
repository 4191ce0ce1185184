//! Random bearer tokens (sessions, invites, calendar feeds, embed sessions): 32 bytes from the OS,
//! handed out as hex; the database keeps only their SHA-256.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new random token (hex, 64 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    super::hex(&bytes)
}

/// A random positive id that no other process will pick (an instance's id: 63 random bits).
pub fn random_id() -> i64 {
    (OsRng.next_u64() >> 1) as i64
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether a secret someone presented equals the configured one, in time that does not depend on
/// where they differ (both are hashed first, so their lengths do not show either).
pub fn same(given: &[u8], expected: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `s` has the shape of a token from [`new_token`] (checked before any lookup).
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new API key: [`crate::domain::api_keys::KEY_PREFIX`] and a [`new_token`]. Like every token,
/// the database keeps only its [`token_hash`] (of the whole key).
pub fn new_api_key() -> String {
    format!("{}{}", crate::domain::api_keys::KEY_PREFIX, new_token())
}

/// Whether `s` has the shape of a key from [`new_api_key`] (checked before any lookup).
pub fn looks_like_api_key(s: &str) -> bool {
    s.strip_prefix(crate::domain::api_keys::KEY_PREFIX).is_some_and(looks_like_token)
}

/// A new webhook signing secret: `whsec_` and a [`new_token`]. Unlike a token, the server keeps
/// it as is: it signs every delivery with it.
pub fn new_webhook_secret() -> String {
    format!("{}{}", crate::domain::webhooks::SECRET_PREFIX, new_token())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let t = new_token();
        assert!(looks_like_token(&t));
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 32);
        assert!(!looks_like_token("abc"));
    }

    #[test]
    fn api_keys_carry_their_prefix() {
        let k = new_api_key();
        assert!(k.starts_with("ck_") && looks_like_api_key(&k));
        assert!(!looks_like_api_key(&new_token()));
        assert!(!looks_like_api_key("ck_xyz"));
    }
}
