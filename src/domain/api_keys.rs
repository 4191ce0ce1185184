//! API keys as both sides see them (the settings list, the form that makes one), and the model
//! names the OpenAI-compatible API speaks: `concierge/<agent>` and `concierge/<agent>@event-<id>`
//! for an agent (over one event for the client and event agents), any other name for a raw model.

use super::chat::AgentKind;
use super::parse::{FieldErrors, Parser};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What every key begins with (so a leaked one is recognisable, and told apart from a session).
pub const KEY_PREFIX: &str = "ck_";
/// Characters of a key shown in the list (`ck_` and the first hex digits).
pub const SHOWN_PREFIX: usize = 11;
/// Longest a key lasts.
pub const MAX_DAYS: i64 = 365;
/// Keys one member may hold at once (revoked and expired ones do not count).
pub const MAX_LIVE_KEYS: i64 = 20;

/// A key as its settings list shows it (the key itself is shown once, at creation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    /// `ck_` and its first hex digits.
    pub prefix: String,
    /// Whose key it is (an owner sees the venue's keys).
    pub member: String,
    pub mine: bool,
    pub agents: Vec<AgentKind>,
    pub raw_models: bool,
    pub may_act: bool,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
    pub last_used_at: Option<DateTime<Utc>>,
    pub requests: i64,
    pub tokens: i64,
}

impl ApiKeyView {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }
}

/// A new key as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyInput {
    pub name: String,
    /// None chosen: the form sends no field at all.
    #[serde(default)]
    pub agents: Vec<AgentKind>,
    #[serde(default)]
    pub raw_models: bool,
    #[serde(default)]
    pub may_act: bool,
    pub days: String,
}

/// A new key, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    pub agents: Vec<AgentKind>,
    pub raw_models: bool,
    pub may_act: bool,
    pub days: i64,
}

/// Checks the form: a name, at least one agent or the raw models, 1–365 days. Which agents the
/// member may use is the store's check (it knows the member's role).
pub fn new_api_key(input: &ApiKeyInput) -> Result<NewApiKey, FieldErrors> {
    let mut p = Parser::new();
    let name = p.text("name", &input.name, 80);
    let days = p.int("days", &input.days, 1, MAX_DAYS);
    let mut agents: Vec<AgentKind> = Vec::new();
    for a in &input.agents {
        if !agents.contains(a) {
            agents.push(*a);
        }
    }
    if agents.is_empty() && !input.raw_models {
        p.fail::<()>("agents", "Choose at least one agent, or the models.");
    }
    p.finish(|| NewApiKey { name, agents, raw_models: input.raw_models, may_act: input.may_act, days })
}

/// The agent a model name of the API asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentModel {
    pub agent: AgentKind,
    pub event_id: Option<i64>,
}

/// The namespace of agent model names.
pub const AGENT_NAMESPACE: &str = "concierge/";

impl AgentModel {
    /// `concierge/venue_general`, `concierge/client@event-12`.
    pub fn id(&self) -> String {
        match self.event_id {
            Some(e) => format!("{AGENT_NAMESPACE}{}@event-{e}", self.agent.as_str()),
            None => format!("{AGENT_NAMESPACE}{}", self.agent.as_str()),
        }
    }

    /// Reads an agent model name. `None` for a name outside the namespace (a raw model);
    /// `Some(Err)` for one inside it that names no agent, or an event where none belongs or
    /// none where one must be.
    pub fn parse(model: &str) -> Option<Result<AgentModel, String>> {
        let rest = model.strip_prefix(AGENT_NAMESPACE)?;
        let (kind, event) = match rest.split_once('@') {
            Some((k, e)) => (k, Some(e)),
            None => (rest, None),
        };
        let Ok(agent) = kind.parse::<AgentKind>() else {
            return Some(Err(format!("There is no agent called `{}`.", clip(kind))));
        };
        let event_id = match event {
            None => None,
            Some(e) => match e.strip_prefix("event-").and_then(|n| n.parse::<i64>().ok()).filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => return Some(Err(format!("`{}` is not an event: write `@event-12`.", clip(e)))),
            },
        };
        Some(match (agent.needs_event(), event_id) {
            (true, None) => Err(format!("The {} works on one event: name it, as in `{}`.", agent.label(), {
                AgentModel { agent, event_id: Some(12) }.id()
            })),
            (false, Some(_)) => Err(format!("The {} does not take an event.", agent.label())),
            _ => Ok(AgentModel { agent, event_id }),
        })
    }
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_model_names_round_trip() {
        for m in [
            AgentModel { agent: AgentKind::VenueGeneral, event_id: None },
            AgentModel { agent: AgentKind::Assistant, event_id: None },
            AgentModel { agent: AgentKind::Client, event_id: Some(12) },
            AgentModel { agent: AgentKind::VenueEvent, event_id: Some(3) },
        ] {
            assert_eq!(AgentModel::parse(&m.id()), Some(Ok(m)));
        }
        assert_eq!(AgentModel { agent: AgentKind::Client, event_id: Some(12) }.id(), "concierge/client@event-12");
    }

    #[test]
    fn names_outside_the_namespace_are_raw_models() {
        assert_eq!(AgentModel::parse("embedded/smollm2-135m-instruct"), None);
        assert_eq!(AgentModel::parse("gpt-4o"), None);
    }

    #[test]
    fn wrong_agent_names_say_why() {
        assert!(AgentModel::parse("concierge/butler").unwrap().unwrap_err().contains("no agent"));
        assert!(AgentModel::parse("concierge/client").unwrap().unwrap_err().contains("@event-12"));
        assert!(AgentModel::parse("concierge/client@12").unwrap().unwrap_err().contains("not an event"));
        assert!(AgentModel::parse("concierge/client@event-0").is_some_and(|r| r.is_err()));
        assert!(AgentModel::parse("concierge/venue_general@event-4").unwrap().unwrap_err().contains("does not take"));
    }

    #[test]
    fn the_form_needs_a_name_an_agent_and_days() {
        let ok = ApiKeyInput {
            name: " Zapier ".into(),
            agents: vec![AgentKind::VenueGeneral, AgentKind::VenueGeneral],
            raw_models: false,
            may_act: true,
            days: "90".into(),
        };
        let key = new_api_key(&ok).unwrap();
        assert_eq!((key.name.as_str(), key.agents.len(), key.days, key.may_act), ("Zapier", 1, 90, true));
        let errs = new_api_key(&ApiKeyInput { agents: vec![], days: "0".into(), ..ok.clone() }).unwrap_err();
        assert!(errs.get("agents").is_some() && errs.get("days").is_some());
        assert!(new_api_key(&ApiKeyInput { agents: vec![], raw_models: true, ..ok.clone() }).is_ok());
        assert!(new_api_key(&ApiKeyInput { name: "  ".into(), ..ok }).unwrap_err().get("name").is_some());
    }
}
