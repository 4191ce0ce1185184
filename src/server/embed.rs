//! Embed tokens: `v1.<id>.<expiry unix seconds>.<HMAC-SHA256 hex>`, signed with a key kept in the
//! database. The signature proves the venue made it; the row (`store::embed`) makes it revocable.
//!
//! `GET /embed/chat?token=…` checks the token and opens a session for the member (a cookie of its
//! own, `concierge_embed`), used only by requests coming from an `/embed/` page, so a person who is
//! logged in to Concierge in the same browser keeps their own session everywhere else.

use sha2::{Digest, Sha256};

pub const EMBED_COOKIE: &str = "concierge_embed";

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sign(key: &[u8], id: i64, expires: i64) -> String {
    let payload = format!("v1.{id}.{expires}");
    let mac = hmac(key, payload.as_bytes());
    format!("{payload}.{}", hex(&mac))
}

/// The token's id if its signature is right and it has not expired (the caller still checks
/// that it was not revoked).
pub fn verify(key: &[u8], token: &str, now: i64) -> Option<i64> {
    let mut parts = token.split('.');
    let (v, id, exp, sig) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if v != "v1" || parts.next().is_some() || sig.len() != 64 {
        return None;
    }
    let (id_n, exp_n): (i64, i64) = (id.parse().ok()?, exp.parse().ok()?);
    let expected = hex(&hmac(key, format!("v1.{id}.{exp}").as_bytes()));
    // Constant time: every byte is compared.
    let same = expected.bytes().zip(sig.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    (same && exp_n > now).then_some(id_n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test case 2.
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn tokens_verify_and_expire() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = sign(key, 42, 2_000);
        assert_eq!(verify(key, &t, 1_000), Some(42));
        assert_eq!(verify(key, &t, 2_000), None, "expired");
        assert_eq!(verify(b"another key, just as long as that", &t, 1_000), None);
        let forged = t.replace("v1.42.", "v1.43.");
        assert_eq!(verify(key, &forged, 1_000), None);
        let later = t.replace(".2000.", ".9000.");
        assert_eq!(verify(key, &later, 1_000), None);
        for junk in ["", "v1", "v1.1.2", "v2.1.2.00", "v1.a.b.c"] {
            assert_eq!(verify(key, junk, 0), None, "{junk}");
        }
    }
}
