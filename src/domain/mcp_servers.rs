//! Outside tools as both sides see them: the MCP servers an owner connected, the tools each
//! listed, which agents may call them under which approval policy, and the forms that change them.

use super::chat::AgentKind;
use super::parse::{FieldErrors, Parser};
use super::UnknownValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum! {
    /// Who approves a call of an outside tool before it runs.
    ToolPolicy {
        Requester => ("requester", "Every call waits for the person"),
        Venue => ("venue", "Every call waits for the venue's staff"),
        Auto => ("auto", "Runs at once"),
    }
}

/// Servers one venue may connect.
pub const MAX_SERVERS: i64 = 10;
/// Tools kept of one server's listing (the rest are left out, and the page says so).
pub const MAX_TOOLS: usize = 100;
/// Headers one server may be given.
pub const MAX_HEADERS: usize = 8;
/// The longest name an agent may call a tool by (what every provider accepts).
pub const MAX_EXPOSED: usize = 64;

/// A connected server as the settings page lists it (its header values are never sent back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerView {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// The names of the headers it is sent ("Authorization").
    pub header_names: Vec<String>,
    pub active: bool,
    /// When its tools were last listed, and why the last listing failed (empty: it did not).
    pub listed_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub tools: Vec<McpToolView>,
}

/// One of a server's tools.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpToolView {
    pub id: i64,
    /// Its name on the server.
    pub name: String,
    /// The name the agents call it by (`<server>__<tool>`).
    pub exposed: String,
    pub description: String,
    /// Its arguments' names (from its schema), for the page.
    pub arguments: Vec<String>,
    /// Why it cannot be turned on; empty when it can.
    pub problem: String,
    /// The agent kinds it is on for (none: off).
    pub agents: Vec<AgentKind>,
    pub policy: ToolPolicy,
}

/// A server as the form sends it. `headers`: one `Name: value` a line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerInput {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub headers: String,
}

/// A new server, checked (the outbound guard, which resolves its host, is the server's check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMcpServer {
    pub name: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// A tool's settings as the page sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpToolInput {
    #[serde(default)]
    pub agents: Vec<AgentKind>,
    pub policy: Option<ToolPolicy>,
}

/// Headers the connection itself sets, which a venue cannot override.
const RESERVED: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "accept",
    "connection",
    "transfer-encoding",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
];

/// Checks the form: a short lower-case name (it prefixes the tools' names), an http(s) URL,
/// and at most [`MAX_HEADERS`] `Name: value` lines.
pub fn new_server(input: &McpServerInput) -> Result<NewMcpServer, FieldErrors> {
    let mut p = Parser::new();
    let name = p.text("name", &input.name, 30).to_ascii_lowercase();
    if !name.is_empty() && !server_name_ok(&name) {
        p.fail::<()>("name", "Use lower-case letters, digits, - and _ (it starts the tools' names).");
    }
    let url = p.text("url", &input.url, 2000);
    if !url.is_empty() {
        if let Err(m) = super::parse::http_url(&url) {
            p.fail::<()>("url", m);
        }
    }
    let headers = match parse_headers(&input.headers) {
        Ok(h) => h,
        Err(m) => p.fail("headers", m),
    };
    p.finish(|| NewMcpServer { name, url, headers })
}

fn server_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `Name: value` lines (blank lines skipped) into pairs.
pub fn parse_headers(raw: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("Write each header as Name: value (\"{}\").", super::text::clip(line, 40)));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty()
            || name.len() > 64
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(format!("\"{}\" is not a header name.", super::text::clip(name, 40)));
        }
        if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(format!("{name} is set by the connection itself."));
        }
        if value.is_empty() || value.len() > 2000 || value.chars().any(|c| c.is_control()) {
            return Err(format!("The value of {name} is empty, too long or has control characters."));
        }
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(format!("{name} is given twice."));
        }
        out.push((name.to_string(), value.to_string()));
    }
    if out.len() > MAX_HEADERS {
        return Err(format!("At most {MAX_HEADERS} headers."));
    }
    Ok(out)
}

/// The name the agents call a server's tool by: `<server>__<tool>`, the tool's name reduced to
/// what every provider accepts (letters, digits, `_`, `-`), at most [`MAX_EXPOSED`] characters.
pub fn exposed_name(server: &str, tool: &str) -> String {
    let mut out = format!("{server}__");
    for c in tool.chars() {
        if out.len() >= MAX_EXPOSED {
            break;
        }
        out.push(if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, url: &str, headers: &str) -> McpServerInput {
        McpServerInput { name: name.into(), url: url.into(), headers: headers.into() }
    }

    #[test]
    fn servers_need_a_name_a_callable_url_and_plain_headers() {
        let ok = new_server(&input("Weather", "https://mcp.example.com/mcp", "Authorization: Bearer abc\n\nX-Team: 7"))
            .unwrap();
        assert_eq!(ok.name, "weather");
        assert_eq!(ok.headers, vec![("Authorization".into(), "Bearer abc".into()), ("X-Team".into(), "7".into())]);
        for (name, url, headers, field) in [
            ("", "https://a.example/mcp", "", "name"),
            ("we ather", "https://a.example/mcp", "", "name"),
            ("-x", "https://a.example/mcp", "", "name"),
            ("w", "ftp://a.example/mcp", "", "url"),
            ("w", "https://user:pw@a.example/", "", "url"),
            ("w", "https://a.example/mcp", "Authorization Bearer", "headers"),
            ("w", "https://a.example/mcp", "Host: evil.example", "headers"),
            ("w", "https://a.example/mcp", "Mcp-Session-Id: 1", "headers"),
            ("w", "https://a.example/mcp", "X-A: 1\nx-a: 2", "headers"),
            ("w", "https://a.example/mcp", "Bad Name: 1", "headers"),
            ("w", "https://a.example/mcp", "X-A: \u{7}", "headers"),
        ] {
            let e = new_server(&input(name, url, headers)).unwrap_err();
            assert!(e.get(field).is_some(), "{name} {url} {headers:?}: {e}");
        }
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: v\n")).collect();
        assert!(new_server(&input("w", "https://a.example/", &many)).is_err());
    }

    #[test]
    fn exposed_names_are_what_every_provider_takes() {
        assert_eq!(exposed_name("weather", "get_forecast"), "weather__get_forecast");
        assert_eq!(exposed_name("crm", "contacts.search v2"), "crm__contacts_search_v2");
        let long = exposed_name("a-server", &"x".repeat(200));
        assert_eq!(long.len(), MAX_EXPOSED);
        assert_eq!(exposed_name("s", "héllo"), "s__h_llo");
    }
}
