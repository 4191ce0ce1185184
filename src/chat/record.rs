//! Which tool a change to a record the agent was shown means, by the record it names: the small
//! model's router (`chat::route`) puts that tool first, as it does the messaging tool a request
//! names its recipient for (`chat::recipient`).

use super::route::openings;
use crate::agent::{examples, ToolEntry};

/// Words that take something out of a plan.
const REMOVALS: &[&str] = &[
    "remove",
    "drop",
    "get rid of",
    "cancel",
    "cut",
    "scrap",
    "ditch",
    "take off",
    "take out",
    "don't need",
    "dont need",
    "don't want",
    "dont want",
    "no longer need",
    "skip",
];

/// What each removal in `lower` (a request, lower-cased) takes out: the few words after its
/// verb ("get rid of the DJ? my brother…" → "the dj my brother"), so that a record named elsewhere
/// in the sentence ("for the rehearsal dinner, drop Uncle Ray") is not taken for its object.
fn removed(lower: &str) -> Vec<String> {
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    let mut out = Vec::new();
    for r in REMOVALS {
        let verb: Vec<&str> = r.split(' ').collect();
        for i in 0..words.len() {
            // "drop off the balloon weights" delivers them.
            if words[i..].starts_with(&verb) && !(*r == "drop" && words.get(i + 1) == Some(&"off")) {
                let after = i + verb.len();
                out.push(words[after..(after + 4).min(words.len())].join(" "));
            }
        }
    }
    out
}

/// A change to a service or element the facts list, whatever else the request is about: adding
/// one ("Oh we'd love the acoustic guitarist! Can we add that?") is a change to the event's plan,
/// not a guest; a sentence that opens by approving or declining one ("…the kitchen closes at 11.
/// Decline it.") sets its status, not a message to its vendor. The record must be named by two
/// words of its name, or all of them (`agent::ground::names_record`). A client's removal of an
/// element named by any word of it ("get rid of the DJ") asks the venue to change the plan.
pub(super) fn record_tool(
    tools: &[&'static ToolEntry],
    request: &str,
    facts: &str,
    best: Option<&'static str>,
) -> Option<&'static str> {
    let offered = |name: &str| tools.iter().find(|t| t.name == name).map(|t| t.name);
    let lower = request.to_lowercase();
    let adds = lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == "add");
    if best == Some("add_guest") && adds {
        if let Some(tool) = offered("request_element_change") {
            if crate::agent::ground::names_record(facts, request, &["service_id", "element_id"]) {
                return Some(tool);
            }
        }
    }
    // A client's removal of an element of the event ("can we get rid of the DJ?"): the only way
    // their agent has to drop it is to ask the venue.
    if let (Some(tool), None) = (offered("request_element_change"), offered("update_element_status")) {
        if best != Some(tool)
            && removed(&lower).iter().any(|what| crate::agent::ground::names_one(facts, what, "element_id"))
        {
            return Some(tool);
        }
    }
    let status = offered("update_element_status")?;
    let opened = openings(request);
    let sets = examples::verbs(status).iter().any(|v| opened.iter().any(|o| o == v));
    (sets && best != Some(status) && crate::agent::ground::names_record(facts, request, &["element_id"]))
        .then_some(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_or_declining_a_listed_service_is_a_change_to_it() {
        use crate::domain::chat::AgentKind;
        use crate::domain::Role;
        let client = crate::agent::tools_for(AgentKind::Client, Role::Client);
        let staff = crate::agent::tools_for(AgentKind::VenueEvent, Role::Staff);
        let facts = "The event (event_id 4): Ruiz wedding, client Carmen Ruiz.\n\
                     Elements:\n- element_id 40: Late-night tacos (catering), 80 × $7.00, requested\n\
                     Services: service_id 9 String quartet (music, flat, $900.00); service_id 3 Photo booth (other, flat, $650.00)";
        let r =
            |tools: &[&'static ToolEntry], said: &str, best: &'static str| record_tool(tools, said, facts, Some(best));
        assert_eq!(r(&client, "omg the string quartet! can we add it?", "add_guest"), Some("request_element_change"));
        assert_eq!(r(&client, "add a photo booth please", "add_guest"), Some("request_element_change"));
        assert_eq!(r(&client, "add my cousin Laura, she's a photographer", "add_guest"), None, "a person");
        assert_eq!(r(&client, "add the quartet's violinist as a guest", "add_guest"), None, "not the whole name");
        assert_eq!(r(&client, "the photo booth sounds fun", "list_available_elements"), None, "nothing added");
        let said = "The truck can't park after 10, so no late-night tacos. Decline them.";
        assert_eq!(r(&staff, said, "send_vendor_message"), Some("update_element_status"));
        assert_eq!(r(&staff, "Decline the tacos", "send_vendor_message"), None, "one word of three");
        assert_eq!(r(&staff, "Tell the caterer to decline the late-night tacos", "send_vendor_message"), None);
        assert_eq!(r(&staff, "Approve the late-night tacos", "update_element_status"), None, "already first");
        let dropped = "can we get rid of the tacos? my uncle is cooking";
        assert_eq!(r(&client, dropped, "search_knowledge"), Some("request_element_change"));
        assert_eq!(r(&client, "please drop Laura from the guest list", "remove_guest"), None, "no element named");
        let other = "For the late-night party, drop Uncle Ray from the list please.";
        assert_eq!(r(&client, other, "remove_guest"), None, "the tacos' words, but not what is dropped");
        assert_eq!(r(&client, "Cancel the tasting, we love the late-night tacos", "cancel_appointment"), None);
        assert_eq!(r(&staff, dropped, "send_vendor_message"), None, "staff decline it instead");
    }
}
