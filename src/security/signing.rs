//! HMAC-SHA256 signatures.
//!
//! * Embed tokens: `v1.<id>.<expiry unix seconds>.<HMAC-SHA256 hex>`, signed with a key kept in
//!   the database. The signature proves the venue made it; the row (`store::embed`) makes it
//!   revocable.
//! * Webhook deliveries ([`webhook_signature`]): the receiver proves a delivery came from the
//!   venue, unchanged, and recently.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], payload: &str) -> HmacSha256 {
    // HMAC accepts a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(payload.as_bytes());
    mac
}

pub fn sign(key: &[u8], id: i64, expires: i64) -> String {
    let payload = format!("v1.{id}.{expires}");
    let sig = mac(key, &payload).finalize().into_bytes();
    format!("{payload}.{}", super::hex(&sig))
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
    let sig = super::unhex(sig)?;
    // Constant time (`verify_slice` compares every byte).
    mac(key, &format!("v1.{id}.{exp}")).verify_slice(&sig).ok()?;
    (exp_n > now).then_some(id_n)
}

/// A webhook delivery's `Concierge-Signature` header: `v1=` and the hex HMAC-SHA256, keyed with the
/// endpoint's secret (as text), of `<timestamp>.<body>` (see `domain::webhooks`).
pub fn webhook_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(&crate::domain::webhooks::signed_payload(timestamp, body));
    format!("v1={}", super::hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test case 2.
        assert_eq!(
            crate::security::hex(&mac(b"Jefe", "what do ya want for nothing?").finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn webhook_signatures_cover_the_timestamp_and_the_body() {
        let sig = webhook_signature("whsec_test", 1_700_000_000, br#"{"a":1}"#);
        // The same HMAC by hand: what a receiver computes.
        let by_hand = crate::security::hex(&mac(b"whsec_test", r#"1700000000.{"a":1}"#).finalize().into_bytes());
        assert_eq!(sig, format!("v1={by_hand}"));
        assert_ne!(sig, webhook_signature("whsec_test", 1_700_000_001, br#"{"a":1}"#));
        assert_ne!(sig, webhook_signature("whsec_test", 1_700_000_000, br#"{"a":2}"#));
        assert_ne!(sig, webhook_signature("whsec_other", 1_700_000_000, br#"{"a":1}"#));
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
        let shouted = format!("{}{}", &t[..t.len() - 64], t[t.len() - 64..].to_uppercase());
        assert_eq!(verify(key, &shouted, 1_000), None, "one spelling per token");
        let later = t.replace(".2000.", ".9000.");
        assert_eq!(verify(key, &later, 1_000), None);
        for junk in ["", "v1", "v1.1.2", "v2.1.2.00", "v1.a.b.c"] {
            assert_eq!(verify(key, junk, 0), None, "{junk}");
        }
    }
}
