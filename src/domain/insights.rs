//! Owners' insights (`/insights`): what the agents cost and how they do, and how scheduling goes,
//! over the last 7, 30 or 90 days. Computed by the store from the venue's own rows.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The periods the page offers, in days.
pub const PERIODS: [i32; 3] = [7, 30, 90];
pub const DEFAULT_PERIOD: i32 = 30;

/// The most a price may be, in cents per million tokens ($1,000,000).
pub const MAX_PRICE_CENTS: i64 = 100_000_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Insights {
    pub days: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by_day: Vec<UsageGroup>,
    pub by_model: Vec<UsageGroup>,
    pub by_agent: Vec<UsageGroup>,
    pub by_member: Vec<UsageGroup>,
    pub tools: Vec<ToolStat>,
    pub approvals: ApprovalStats,
    pub replies: ReplyStats,
    pub comments: Vec<RatingComment>,
    pub scheduling: SchedulingStats,
    pub prices: Vec<ModelPrice>,
    /// Charts drawn on the server, as SVG (the numbers are in the tables beside them).
    pub charts: Charts,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Charts {
    pub tokens_by_day: String,
    pub busiest_hours: String,
}

/// Model usage under one label (a day, a model, an agent kind, a member).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct UsageGroup {
    pub label: String,
    pub calls: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// In cents, from the venue's price table (fractions kept: small models cost fractions).
    pub cost_cents: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ToolStat {
    pub tool: String,
    pub calls: i64,
    pub done: i64,
    pub failed: i64,
    pub rejected: i64,
    pub waiting: i64,
}

impl ToolStat {
    /// Done among the calls that ended (waiting ones are not counted either way), in percent.
    pub fn success_rate(&self) -> Option<f64> {
        let ended = self.done + self.failed + self.rejected;
        (ended > 0).then(|| self.done as f64 * 100.0 / ended as f64)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApprovalStats {
    pub approved: i64,
    pub rejected: i64,
    pub failed: i64,
    pub pending: i64,
    /// The median time from a proposal to a person's decision.
    pub median_minutes: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReplyStats {
    pub replies: i64,
    pub stopped: i64,
    pub failed: i64,
    pub interrupted: i64,
    pub thumbs_up: i64,
    pub thumbs_down: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RatingComment {
    pub at: DateTime<Utc>,
    pub rating: i16,
    pub comment: String,
    pub member: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SchedulingStats {
    pub booked: i64,
    pub cancelled: i64,
    pub no_show: i64,
    pub completed: i64,
    /// Appointments by the hour they start, in the venue's time zone (0–23, every hour).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub by_hour: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ModelPrice {
    pub model: String,
    pub prompt_cents_per_million: i64,
    pub completion_cents_per_million: i64,
}

/// The numbers as CSV, one section after another (`section` names each row's kind); costs in
/// dollars with four decimals.
pub fn to_csv(i: &Insights) -> String {
    use super::csv::cell;
    let mut out = String::from("section,name,calls,prompt_tokens,completion_tokens,cost_usd\r\n");
    for (section, rows) in
        [("day", &i.by_day), ("model", &i.by_model), ("agent", &i.by_agent), ("member", &i.by_member)]
    {
        for g in rows.iter() {
            out.push_str(&format!(
                "{section},{},{},{},{},{:.4}\r\n",
                cell(&g.label),
                g.calls,
                g.prompt_tokens,
                g.completion_tokens,
                g.cost_cents / 100.0
            ));
        }
    }
    out.push_str("\r\nsection,tool,calls,done,failed,rejected,waiting\r\n");
    for t in &i.tools {
        out.push_str(&format!(
            "tool,{},{},{},{},{},{}\r\n",
            cell(&t.tool),
            t.calls,
            t.done,
            t.failed,
            t.rejected,
            t.waiting
        ));
    }
    let (a, r, s) = (&i.approvals, &i.replies, &i.scheduling);
    out.push_str("\r\nsection,measure,value\r\n");
    let median = a.median_minutes.map(|m| format!("{m:.1}")).unwrap_or_default();
    for (name, value) in [
        ("approvals_approved", a.approved.to_string()),
        ("approvals_rejected", a.rejected.to_string()),
        ("approvals_failed", a.failed.to_string()),
        ("approvals_pending", a.pending.to_string()),
        ("approvals_median_minutes_to_decision", median),
        ("replies", r.replies.to_string()),
        ("replies_stopped", r.stopped.to_string()),
        ("replies_failed", r.failed.to_string()),
        ("replies_interrupted", r.interrupted.to_string()),
        ("thumbs_up", r.thumbs_up.to_string()),
        ("thumbs_down", r.thumbs_down.to_string()),
        ("bookings", s.booked.to_string()),
        ("cancelled", s.cancelled.to_string()),
        ("no_shows", s.no_show.to_string()),
        ("completed", s.completed.to_string()),
    ] {
        out.push_str(&format!("measure,{name},{value}\r\n"));
    }
    for (hour, n) in s.by_hour.iter().enumerate() {
        out.push_str(&format!("hour,{hour:02}:00,{n}\r\n"));
    }
    out
}

/// A cost for people: dollars with cents, or "< $0.01" for a fraction of a cent, "$0.00" for none.
pub fn format_cost(cents: f64) -> String {
    if cents <= 0.0 {
        "$0.00".to_string()
    } else if cents < 1.0 {
        "< $0.01".to_string()
    } else {
        super::format_money(cents.round() as i64)
    }
}

/// Dollars per million tokens as typed ("0.15", "$2.50", "3") → cents; `None` when it is not a
/// price (negative, more than two decimals, too large).
pub fn parse_price(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches('$').trim();
    if s.is_empty() {
        return Some(0);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let cents = whole.checked_mul(100)?.checked_add(frac)?;
    (cents <= MAX_PRICE_CENTS).then_some(cents)
}

/// Cents per million as dollars, for the price form ("0.15").
pub fn price_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_parse_as_people_type_them() {
        assert_eq!(parse_price("0.15"), Some(15));
        assert_eq!(parse_price("$2.5"), Some(250));
        assert_eq!(parse_price(" 3 "), Some(300));
        assert_eq!(parse_price(""), Some(0));
        assert_eq!(parse_price(".5"), Some(50));
        for bad in ["-1", "1.234", "abc", "1e3", ".", "1000001", "1.2.3"] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
        assert_eq!(price_text(15), "0.15");
        assert_eq!(format_cost(0.0), "$0.00");
        assert_eq!(format_cost(0.4), "< $0.01");
        assert_eq!(format_cost(1234.4), "$12.34");
    }

    #[test]
    fn success_rate_counts_ended_calls() {
        let t = ToolStat { tool: "add_guest".into(), calls: 5, done: 3, failed: 1, rejected: 0, waiting: 1 };
        assert_eq!(t.success_rate(), Some(75.0));
        let none = ToolStat { tool: "x".into(), calls: 1, done: 0, failed: 0, rejected: 0, waiting: 1 };
        assert_eq!(none.success_rate(), None);
    }
}
