//! The context each agent starts from: what the store says about its scope, as short plain text,
//! kept within a token budget (the model's window minus room for the conversation and reply).

use crate::domain::chat::AgentKind;
use crate::domain::format_money;
use crate::store::{elements, events, messages, tasks, Actor, StoreResult};
use sqlx::PgPool;

/// Rough tokens of a text (≈4 characters per token for English); enough to budget with.
pub fn tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

/// Adds sections in order while they fit in `budget` tokens; a section that does not fit is cut
/// to its first lines that do.
struct Budget {
    out: String,
    left: usize,
}

impl Budget {
    fn new(budget: usize) -> Self {
        Self { out: String::new(), left: budget }
    }

    fn add(&mut self, section: &str) {
        let need = tokens(section) + 1;
        if need <= self.left {
            self.out.push_str(section);
            self.out.push('\n');
            self.left -= need;
            return;
        }
        for line in section.lines() {
            let need = tokens(line) + 1;
            if need > self.left {
                self.out.push_str("(more omitted; use the tools to look it up)\n");
                self.left = 0;
                return;
            }
            self.out.push_str(line);
            self.out.push('\n');
            self.left -= need;
        }
    }
}

/// The context block of an agent's system prompt, at most `budget` tokens.
pub async fn build(
    pool: &PgPool,
    actor: &Actor,
    kind: AgentKind,
    event_id: Option<i64>,
    budget: usize,
) -> StoreResult<String> {
    let mut b = Budget::new(budget);
    let today = events::today(pool, actor).await?;
    b.add(&format!("Today is {} ({}).", today, today.format("%A")));
    match (kind, event_id) {
        (AgentKind::Client | AgentKind::VenueEvent, Some(id)) => {
            let o = events::overview(pool, actor, id).await?;
            let e = &o.event;
            b.add(&format!(
                "The event (event_id {}): {} on {}{}, status {}, space {}, client {}, {} expected guests ({} invited, {} attending), budget {}.",
                e.id,
                e.title,
                e.event_date,
                e.start_time.map(|t| format!(" at {}", t.format("%H:%M"))).unwrap_or_default(),
                e.status.as_str(),
                e.space_name.as_deref().unwrap_or("not chosen"),
                e.client_name,
                e.guest_count,
                o.guests_invited,
                o.guests_attending,
                format_money(e.budget_cents)
            ));
            let els = elements::list(pool, actor, id).await?;
            if !els.elements.is_empty() {
                let lines: Vec<String> = els
                    .elements
                    .iter()
                    .map(|el| {
                        format!(
                            "- element_id {}: {} ({}), {} × {}, {}",
                            el.id,
                            el.name,
                            el.category,
                            el.quantity,
                            format_money(el.price_cents),
                            el.status.as_str()
                        )
                    })
                    .collect();
                b.add(&format!("Elements:\n{}", lines.join("\n")));
            }
            if kind == AgentKind::VenueEvent {
                let t = tasks::for_event(pool, actor, id).await?;
                let open: Vec<String> = t
                    .tasks
                    .iter()
                    .filter(|t| t.status != crate::domain::TaskStatus::Done)
                    .map(|t| {
                        format!(
                            "- {} (due {}, {})",
                            t.title,
                            t.due_date.map(|d| d.to_string()).unwrap_or_else(|| "no date".into()),
                            t.assignee_name.as_deref().unwrap_or("unassigned")
                        )
                    })
                    .collect();
                if !open.is_empty() {
                    b.add(&format!("Open tasks:\n{}", open.join("\n")));
                }
            }
            let threads = messages::threads(pool, actor, id).await?;
            if let Some(t) = threads.first() {
                let view = messages::open(pool, actor, t.id, 3).await?;
                let lines: Vec<String> = view
                    .messages
                    .iter()
                    .map(|m| format!("- {}: {}", m.author_name, m.body.chars().take(200).collect::<String>()))
                    .collect();
                if !lines.is_empty() {
                    b.add(&format!("Latest messages in “{}”:\n{}", t.subject, lines.join("\n")));
                }
            }
        }
        (AgentKind::VenueGeneral, _) => {
            let two_weeks = today + chrono::Duration::days(14);
            let soon = events::list(pool, actor, today, two_weeks, events::StatusFilter::Only(None), 20).await?;
            let lines: Vec<String> = soon
                .iter()
                .map(|e| {
                    format!(
                        "- event_id {}: {} on {} ({}, {} guests)",
                        e.id,
                        e.title,
                        e.event_date,
                        e.status.as_str(),
                        e.guest_count
                    )
                })
                .collect();
            b.add(&format!("Events in the next 14 days: {}\n{}", soon.len(), lines.join("\n")));
            let pending = tasks::pending(pool, actor, 100).await?;
            b.add(&format!("Open tasks: {}.", pending.len()));
        }
        _ => {
            b.add(&format!("The venue is {}.", actor.venue_name));
        }
    }
    Ok(b.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_cuts_what_does_not_fit() {
        let mut b = Budget::new(10);
        b.add("short");
        b.add("line one is here\nline two is a much longer line that will not fit at all");
        assert!(b.out.contains("short"));
        assert!(b.out.contains("line one"));
        assert!(!b.out.contains("line two"));
        assert!(b.out.contains("omitted"));
    }
}
