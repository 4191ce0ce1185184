//! Embedded chat links as both sides see them: a token in the owner's list, what an embed
//! session reaches, and the parser for the sites allowed to frame the chat.

use super::chat::AgentKind;
use super::parse::{FieldErrors, Parser};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An embed token as the owner's settings list it (the token itself is shown once, at creation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedTokenView {
    pub id: i64,
    pub label: String,
    pub member: String,
    pub agent_kind: AgentKind,
    pub event_title: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
    /// May embed an owner's or staff member's chat.
    pub internal: bool,
    /// The sites that may frame the chat; none: only this server's own pages.
    pub origins: Vec<String>,
}

/// What an embed session reaches: one agent over one scope (the token's), nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedReach {
    pub agent: AgentKind,
    pub event_id: Option<i64>,
}

/// At most this many sites per embed token.
pub const MAX_EMBED_ORIGINS: usize = 10;

/// The sites allowed to frame an embedded chat, as typed (separated by spaces, commas or lines):
/// each an origin, `https://host[:port]` (`http://` too, for a site on a LAN), optionally with a
/// `*.` wildcard for subdomains, as CSP `frame-ancestors` takes them. Paths are refused rather
/// than silently dropped, so what the owner reads is what the browser enforces. The result is
/// lower case, without duplicates, and safe to put in a header (letters, digits, `.-:/*` only).
pub fn embed_origins(raw: &str) -> Result<Vec<String>, FieldErrors> {
    let mut p = Parser::new();
    let mut out: Vec<String> = Vec::new();
    for item in raw.split(|c: char| c.is_whitespace() || c == ',').filter(|s| !s.is_empty()) {
        let origin = item.trim_end_matches('/').to_ascii_lowercase();
        if !valid_origin(&origin) {
            let shown: String = item.chars().take(60).collect();
            p.fail::<()>("origins", format!("“{shown}” is not a site address like https://example.com (no path)."));
            return p.finish(Vec::new);
        }
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    if out.len() > MAX_EMBED_ORIGINS {
        p.fail::<()>("origins", format!("At most {MAX_EMBED_ORIGINS} sites."));
    }
    p.finish(|| out)
}

fn valid_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.len() > 253 {
        return false;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, port)) => (h, Some(port)),
        None => (rest, None),
    };
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let host = host.strip_prefix("*.").unwrap_or(host);
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_origins_are_sites_without_paths() {
        assert_eq!(
            embed_origins(
                " https://Harbor.example/, http://10.0.0.5:8080\nhttps://*.weddings.example https://harbor.example"
            )
            .unwrap(),
            ["https://harbor.example", "http://10.0.0.5:8080", "https://*.weddings.example"]
        );
        assert_eq!(embed_origins("  ").unwrap(), Vec::<String>::new());
        for bad in [
            "harbor.example",
            "https://harbor.example/chat",
            "ftp://harbor.example",
            "https://",
            "https://-x.example",
            "https://a..b",
            "https://a.example:99999x",
            "https://a.example;script-src *",
            "javascript://x",
            "'unsafe-inline'",
            "*",
            "https://[::1]",
        ] {
            let e = embed_origins(bad).unwrap_err();
            assert!(e.get("origins").is_some(), "{bad}");
        }
        let many: Vec<String> = (0..11).map(|i| format!("https://s{i}.example")).collect();
        assert!(embed_origins(&many.join(" ")).is_err());
    }
}
