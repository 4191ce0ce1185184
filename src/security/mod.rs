//! Security primitives (ssr, a leaf: imports only `domain`): secrets that never print, random
//! tokens and their hashes, password hashing, the signing of embed tokens, and the outbound guard
//! (which addresses the server may be made to call).
//!
//! Everything that holds or makes a credential lives here, so that a review of how credentials
//! are made and compared reads one folder.

pub mod outbound;
pub mod passwords;
pub mod signing;
pub mod tokens;

use std::fmt;

/// A value that must never reach a log line (a database URL with a password, an API key).
/// Deliberately neither `Display` nor `Serialize`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(v: impl Into<String>) -> Self {
        Self(v.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Lower-case hex of `bytes`: the one encoder for tokens and signatures. Written here rather than
/// taken from a crate: it is six lines, and nothing else of a hex crate is needed.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The bytes of lower-case hex (as [`hex`] writes it), or `None` if `s` is anything else: one
/// spelling per value, so a token has exactly one accepted form.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    s.as_bytes().chunks(2).map(|p| Some(digit(p[0])? << 4 | digit(p[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
        assert_eq!(unhex("000f10ff"), Some(vec![0, 15, 16, 255]));
        assert_eq!(unhex("000f10FF"), None, "upper case is another spelling");
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
