//! The venue's audit log: what happened, who did it, when; append-only (the table refuses
//! updates and deletes). Owners read it at `/settings/audit` and download it as CSV.

use super::UnknownValue;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum! {
    /// The kinds of entry, grouped for filtering by [`AuditAction::category`].
    AuditAction {
        LoggedIn => ("logged_in", "Logged in"),
        LoginFailed => ("login_failed", "Login failed"),
        LoggedOutEverywhere => ("logged_out_everywhere", "Logged out everywhere"),
        PasswordChanged => ("password_changed", "Password changed"),
        ResetRequested => ("reset_requested", "Password reset asked for"),
        PasswordReset => ("password_reset", "Password reset"),
        VenueCreated => ("venue_created", "Venue created"),
        MemberInvited => ("member_invited", "Member invited"),
        InviteAccepted => ("invite_accepted", "Invite accepted"),
        MemberRemoved => ("member_removed", "Member removed"),
        ProviderSaved => ("provider_saved", "Model provider saved"),
        ProviderRemoved => ("provider_removed", "Model provider removed"),
        EmbedLinkCreated => ("embed_link_created", "Embed link created"),
        EmbedLinkRevoked => ("embed_link_revoked", "Embed link revoked"),
        ApiKeyCreated => ("api_key_created", "API key created"),
        ApiKeyRevoked => ("api_key_revoked", "API key revoked"),
        WebhookSaved => ("webhook_saved", "Webhook saved"),
        WebhookRemoved => ("webhook_removed", "Webhook removed"),
        ToolServerSaved => ("tool_server_saved", "Outside tool server saved"),
        ToolServerRemoved => ("tool_server_removed", "Outside tool server removed"),
        OutsideToolChanged => ("outside_tool_changed", "Outside tool turned on, off or changed"),
        SchedulingChanged => ("scheduling_changed", "Scheduling settings changed"),
        ActionProposed => ("action_proposed", "Agent action proposed"),
        ActionApproved => ("action_approved", "Agent action approved and done"),
        ActionRejected => ("action_rejected", "Agent action rejected"),
        ActionFailed => ("action_failed", "Agent action approved, failed"),
        Exported => ("exported", "Exported"),
        Deleted => ("deleted", "Deleted"),
    }
}

string_enum! {
    AuditCategory {
        Account => ("account", "Sign-in and accounts"),
        Team => ("team", "Team"),
        Settings => ("settings", "Settings"),
        Agents => ("agents", "Agent actions"),
        Data => ("data", "Exports and deletions"),
    }
}

impl AuditAction {
    pub fn category(self) -> AuditCategory {
        use AuditAction::*;
        match self {
            LoggedIn | LoginFailed | LoggedOutEverywhere | PasswordChanged | ResetRequested | PasswordReset => {
                AuditCategory::Account
            }
            VenueCreated | MemberInvited | InviteAccepted | MemberRemoved => AuditCategory::Team,
            ProviderSaved | ProviderRemoved | EmbedLinkCreated | EmbedLinkRevoked | ApiKeyCreated | ApiKeyRevoked
            | WebhookSaved | WebhookRemoved | ToolServerSaved | ToolServerRemoved | OutsideToolChanged
            | SchedulingChanged => AuditCategory::Settings,
            ActionProposed | ActionApproved | ActionRejected | ActionFailed => AuditCategory::Agents,
            Exported | Deleted => AuditCategory::Data,
        }
    }
}

/// One entry as owners read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who did it, as they were named then ("" for the system).
    pub actor_name: String,
    pub action: AuditAction,
    /// What it was done to, in words ("Guest list of Emma & Liam's wedding").
    pub target: String,
    /// The particulars: a change's before and after, a tool's arguments, an export's row count.
    pub detail: serde_json::Value,
    /// The client's address, where there was a request.
    pub ip: String,
}

/// What the log is narrowed to. Every field is optional; `before` pages back (an entry id).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub category: Option<AuditCategory>,
    pub action: Option<AuditAction>,
    /// A member's user id.
    pub actor_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Words in the target or the particulars.
    pub text: Option<String>,
    pub before: Option<i64>,
}

impl AuditFilter {
    /// What is wrong with the filter, if anything: (field, message). The page and the CSV
    /// download check the same.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self.text.as_deref().is_some_and(|t| t.len() > 200) {
            return Some(("text", "Search for at most 200 characters."));
        }
        match (self.from, self.to) {
            (Some(from), Some(to)) if to < from => Some(("to", "The end date is before the start date.")),
            _ => None,
        }
    }

    /// The filter as a query string for the CSV download (`/settings/audit.csv?…`); paging left out.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.category {
            parts.push(format!("category={}", c.as_str()));
        }
        if let Some(a) = self.action {
            parts.push(format!("action={}", a.as_str()));
        }
        if let Some(id) = self.actor_id {
            parts.push(format!("actor_id={id}"));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={d}"));
        }
        if let Some(t) = self.text.as_deref().filter(|t| !t.trim().is_empty()) {
            parts.push(format!("text={}", percent_encode(t.trim())));
        }
        parts.join("&")
    }
}

/// Query-string encoding of a value (RFC 3986 unreserved characters pass; the rest as %XX).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How many entries a page of the log shows.
pub const AUDIT_PAGE: i64 = 100;
/// The most rows one CSV download holds (narrow the filter for older ones).
pub const AUDIT_CSV_MAX: i64 = 10_000;

/// The log as CSV (RFC 4180), with a header row. Cells that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading apostrophe.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("time_utc,person,category,action,target,details,ip\r\n");
    for e in entries {
        let cells = [
            e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            e.actor_name.clone(),
            e.action.category().label().to_string(),
            e.action.label().to_string(),
            e.target.clone(),
            if e.detail.is_null() || e.detail == serde_json::json!({}) { String::new() } else { e.detail.to_string() },
            e.ip.clone(),
        ];
        let row: Vec<String> = cells.iter().map(|c| super::csv::cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_category_and_round_trips() {
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>().unwrap(), *a);
            assert!(AuditCategory::ALL.contains(&a.category()));
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let e = AuditEntry {
            id: 1,
            at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            actor_name: "=HYPERLINK(\"x\")".into(),
            action: AuditAction::Deleted,
            target: "Guest \"Ann\", plus one\nline".into(),
            detail: serde_json::json!({}),
            ip: "127.0.0.1".into(),
        };
        let csv = to_csv(&[e]);
        let rows = crate::domain::csv::parse(&csv).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1[1], "'=HYPERLINK(\"x\")");
        assert_eq!(rows[1].1[4], "Guest \"Ann\", plus one\nline");
        assert_eq!(rows[1].1[3], "Deleted");
        assert_eq!(rows[1].1[5], "");
    }

    #[test]
    fn the_filter_becomes_a_query_string() {
        let f = AuditFilter {
            category: Some(AuditCategory::Agents),
            text: Some(" Emma & Liam ".into()),
            from: NaiveDate::from_ymd_opt(2026, 1, 2),
            ..AuditFilter::default()
        };
        assert_eq!(f.query(), "category=agents&from=2026-01-02&text=Emma%20%26%20Liam");
    }
}
