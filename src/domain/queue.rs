//! The queue as owners see it (`/studio/queue`, both builds): how each specialist and each
//! automation has done lately, and the jobs that used all their attempts (dead letters), which
//! an owner can send again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many days the queue's figures cover.
pub const WINDOW_DAYS: i32 = 30;

/// One specialist's orders placed in the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SpecialistStats {
    pub specialist: String,
    pub name: String,
    pub orders: i64,
    /// Produced (ready or approved).
    pub delivered: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// Median seconds from the start of work to the latest version, over the delivered.
    pub median_secs: Option<f64>,
    /// Prompt and completion tokens of every generated version.
    pub tokens: i64,
    /// What those tokens cost at the venue's price table, in cents.
    pub cost_cents: f64,
    /// Ratings from the people who received the results.
    pub rated_up: i64,
    pub rated_down: i64,
}

/// One automation's runs fired in the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AutomationStats {
    pub id: i64,
    pub name: String,
    pub paused: bool,
    pub runs: i64,
    pub done: i64,
    /// Ended with an action waiting for a person's approval.
    pub waiting: i64,
    pub failed: i64,
    pub median_secs: Option<f64>,
    /// Tokens of the runs' agent turns and of the orders they placed.
    pub tokens: i64,
    pub cost_cents: f64,
}

/// The share of finished work that succeeded; `None` before anything finished.
pub fn success_rate(succeeded: i64, failed: i64) -> Option<f64> {
    let finished = succeeded + failed;
    (finished > 0).then(|| succeeded as f64 / finished as f64)
}

impl SpecialistStats {
    pub fn success_rate(&self) -> Option<f64> {
        success_rate(self.delivered, self.failed)
    }
}

impl AutomationStats {
    pub fn success_rate(&self) -> Option<f64> {
        success_rate(self.done + self.waiting, self.failed)
    }
}

/// A job that used all its attempts and waits for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DeadLetter {
    pub job_id: i64,
    pub kind: String,
    /// What it was doing, for people ("Proposal Writer: Clark wedding").
    pub what: String,
    /// Where the work it belongs to is shown (a path on this site), if anywhere.
    pub link: Option<String>,
    pub error: String,
    pub attempts: i32,
    pub queued_at: DateTime<Utc>,
}

/// A job kind as people read it.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "studio.order" => "Studio order",
        "automation.run" => "Automation run",
        "webhook" => "Webhook delivery",
        "notification.email" => "Email",
        "knowledge.index" => "Document indexing",
        "appointment_reminder" => "Appointment reminder",
        _ => "Job",
    }
}

/// Everything the queue page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub specialists: Vec<SpecialistStats>,
    pub automations: Vec<AutomationStats>,
    pub dead: Vec<DeadLetter>,
}

/// Seconds as people read a duration: "42 s", "3 min 5 s", "1 h 20 min".
pub fn fmt_secs(secs: f64) -> String {
    let s = secs.max(0.0).round() as i64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Cents as dollars, with a tenth of a cent shown for small sums ("$0.004" reads as free).
pub fn fmt_cost(cents: f64) -> String {
    if cents <= 0.0 {
        "$0".to_string()
    } else if cents < 1.0 {
        "< $0.01".to_string()
    } else {
        format!("${:.2}", cents / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_figures_read_as_people_expect() {
        assert_eq!(success_rate(0, 0), None);
        assert_eq!(success_rate(3, 1), Some(0.75));
        assert_eq!(fmt_secs(42.4), "42 s");
        assert_eq!(fmt_secs(185.0), "3 min 5 s");
        assert_eq!(fmt_secs(4800.0), "1 h 20 min");
        assert_eq!(fmt_cost(0.0), "$0");
        assert_eq!(fmt_cost(0.4), "< $0.01");
        assert_eq!(fmt_cost(1234.0), "$12.34");
        assert_eq!(kind_label("studio.order"), "Studio order");
        assert_eq!(kind_label("something.new"), "Job");
    }
}
