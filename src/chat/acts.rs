//! Requests the small model's router reads by their words before it weighs them
//! (`chat::route`): those that act on what the agent was shown, which never go to the document
//! search.

use crate::agent::ToolEntry;

/// Whether `request` acts on what the agent was shown rather than asks the documents: it names
/// an event the facts list, passes a message to someone they know (`chat::recipient`), changes a
/// record they list (`chat::record`), or asks what someone wrote ("has anybody asked about
/// wheelchair access?").
/// The documents may say much about the DJ or wheelchair access; the request is still for a tool,
/// so it is not routed to the document search.
pub fn acts_on_facts(tools: &[&'static ToolEntry], request: &str, facts: &str) -> bool {
    // An event the facts list, named ("for the rehearsal dinner, who can't make it?"): its records.
    crate::agent::ground::names_record(facts, request, &["event_id"])
        || super::recipient::recipient_tool(tools, request, facts).is_some()
        || super::record::record_tool(tools, request, facts, None).is_some()
        || (tools.iter().any(|t| t.name == "search_messages") && asks_what_was_written(request))
}

/// "Has anybody asked about…?", "did a vendor mention…?": a question about someone's messages.
pub(super) fn asks_what_was_written(request: &str) -> bool {
    const WHO: &[&str] =
        &["anyone", "anybody", "someone", "somebody", "client", "clients", "vendor", "vendors", "couple", "guest"];
    const WROTE: &[&str] = &["asked", "mention", "mentioned", "wrote", "written", "messaged", "emailed", "said"];
    let words: Vec<String> =
        request.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    super::route::is_question(request)
        && words.iter().any(|w| WHO.contains(&w.as_str()))
        && words.iter().any(|w| WROTE.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_about_what_someone_wrote_or_to_pass_on_acts_on_the_facts() {
        use crate::domain::chat::AgentKind;
        use crate::domain::Role;
        let staff = crate::agent::tools_for(AgentKind::VenueGeneral, Role::Staff);
        let event = crate::agent::tools_for(AgentKind::VenueEvent, Role::Staff);
        let facts = "The event (event_id 4): Ruiz wedding, client Carmen Ruiz.\n\
                     Vendors: vendor_id 5 Petal Studio (florist)";
        assert!(acts_on_facts(&staff, "has anybody asked about wheelchair access?", ""));
        assert!(acts_on_facts(&staff, "Did a vendor mention the loading dock?", ""));
        assert!(!acts_on_facts(&staff, "Is there wheelchair access to the terrace?", ""));
        assert!(!acts_on_facts(&staff, "mention to the client that the bar closes at 11", ""), "not a question");
        assert!(acts_on_facts(&event, "tell petal studio the arch is 8 ft", facts));
        assert!(!acts_on_facts(&event, "what does the contract say about the arch?", facts));
        let client = crate::agent::tools_for(AgentKind::Client, Role::Client);
        let other = "Your other event: event_id 9 Clark rehearsal dinner on 2026-12-11 (confirmed, 40 guests).";
        assert!(acts_on_facts(&client, "For the rehearsal dinner, who has said they can't make it?", other));
        assert!(!acts_on_facts(&client, "Can we have a dinner on the rooftop if it rains?", other), "one word of it");
    }
}
