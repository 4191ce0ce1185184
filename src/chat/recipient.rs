//! Which messaging tool a request to pass something on means, by whom it names: the small
//! model's router (`chat::route`) puts that tool first.

use crate::agent::ToolEntry;
use crate::domain::text::{ADDRESS_VERBS, LEAD_INS};

/// The agent's tools that pass a message on, and to whom.
const MESSAGING: &[(&str, Recipient)] = &[
    ("message_venue", Recipient::Venue),
    ("send_client_message", Recipient::Client),
    ("send_vendor_message", Recipient::Vendor),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Recipient {
    Venue,
    Client,
    Vendor,
}

/// Verbs that name whom to pass something on to only when the facts know that person ("remind
/// Emma we need her seating chart", "ask Bloom & Vine about peonies"): "remind me…", "remind Tom
/// to call…" (a colleague) are not messages.
const REMIND_VERBS: &[&str] = &["remind", "ask", "email", "text", "ping"];

/// Words for vendors by their trade, when the request names one by it ("tell the florist").
const TRADES: &[&str] =
    &["vendor", "vendors", "florist", "caterer", "catering", "photographer", "dj", "band", "baker", "rentals"];

/// The messaging tool a request to pass something on means, by who it goes to: the agent's one
/// messaging tool, or, among several, the one for the person named after the verb as the facts
/// know them (the event's client → `send_client_message`; a vendor, by name or trade →
/// `send_vendor_message`). `None` when the request asks for nothing to be passed on ("let me
/// know…", "tell me…"), or the person is not one the facts place.
///
/// The sentence vectors weigh what a message is about ("the jazz trio at 7pm") over whom it is
/// for, so "Let Linh know we've pencilled the jazz trio in" lands near the vendors' examples.
pub(super) fn recipient_tool(tools: &[&'static ToolEntry], request: &str, facts: &str) -> Option<&'static str> {
    let words: Vec<String> = request
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let start = words.iter().position(|w| !LEAD_INS.contains(&w.to_lowercase().as_str()))?;
    let verb = words[start].to_lowercase();
    let reminds = REMIND_VERBS.contains(&verb.as_str());
    if !ADDRESS_VERBS.contains(&verb.as_str()) && !reminds {
        return None;
    }
    let mut rest = words[start + 1..].iter().filter(|w| !["the", "our", "a"].contains(&w.to_lowercase().as_str()));
    let who = rest.next()?;
    let lower = who.to_lowercase();
    if ["me", "us", "myself", "everyone"].contains(&lower.as_str())
        || (verb == "let" && !words[start + 1..].iter().any(|w| w.eq_ignore_ascii_case("know")))
    {
        return None;
    }
    let offered: Vec<(&'static str, Recipient)> =
        MESSAGING.iter().filter_map(|(name, r)| tools.iter().find(|t| t.name == *name).map(|t| (t.name, *r))).collect();
    // Whom the facts place under that name, in any case ("tell lens & light…", "remind emma…").
    let client = facts.to_lowercase().contains(&format!("client {lower}"));
    let vendor = facts
        .lines()
        .flat_map(|l| l.split(';'))
        .filter_map(|part| part.split_once("vendor_id").map(|(_, named)| named))
        .any(|named| named.split(|c: char| !c.is_alphanumeric()).any(|w| w.eq_ignore_ascii_case(who)));
    let placed = match (client, vendor) {
        (true, false) => Some(Recipient::Client),
        (false, true) => Some(Recipient::Vendor),
        _ => None,
    };
    if let [(only, r)] = offered.as_slice() {
        // "Remind …", "ask …" name someone to pass it to only when the facts place them, or it
        // is the one recipient the agent has ("ask the venue…"); "remind Tom to …" is a task.
        let recipient_word = matches!(lower.as_str(), "venue" | "team" | "planner" | "coordinator" | "staff");
        return (!reminds || placed == Some(*r) || (*r == Recipient::Venue && recipient_word)).then_some(*only);
    }
    let recipient = if lower == "client" || lower == "couple" {
        Some(Recipient::Client)
    } else if TRADES.contains(&lower.as_str()) {
        Some(Recipient::Vendor)
    } else {
        placed
    }?;
    offered.iter().find(|(_, r)| *r == recipient).map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_goes_by_whom_it_is_for() {
        use crate::domain::chat::AgentKind;
        use crate::domain::Role;
        let client = crate::agent::tools_for(AgentKind::Client, Role::Client);
        let staff = crate::agent::tools_for(AgentKind::VenueEvent, Role::Staff);
        let facts = "The event (event_id 4): Ruiz wedding, client Carmen Ruiz, 80 expected guests.\n\
                     Vendors: vendor_id 5 Petal Studio (florist); vendor_id 8 Big Beats (music)";
        let r = |tools: &[&'static ToolEntry], said: &str| recipient_tool(tools, said, facts);
        assert_eq!(r(&staff, "Let Carmen know the cake arrives at 4"), Some("send_client_message"));
        assert_eq!(r(&staff, "please message Petal Studio about the arch"), Some("send_vendor_message"));
        assert_eq!(r(&staff, "tell the florist we need more peonies"), Some("send_vendor_message"));
        assert_eq!(r(&staff, "Tell the client the band is confirmed"), Some("send_client_message"));
        assert_eq!(r(&staff, "ok so I need to tell the florist about the arch"), Some("send_vendor_message"));
        assert_eq!(r(&staff, "hey, go ahead and let Carmen know it's booked"), Some("send_client_message"));
        assert_eq!(r(&staff, "Tell Jordan the room is ready"), None, "nobody the facts know");
        assert_eq!(r(&staff, "let me know what is still requested"), None);
        assert_eq!(r(&staff, "tell me about the florist"), None);
        assert_eq!(r(&client, "Let Sam know we'll be 10 more people"), Some("message_venue"), "a client's one way");
        assert_eq!(r(&client, "add Sam to the guest list"), None);
        assert_eq!(r(&staff, "tell petal studio the arch is 8 ft"), Some("send_vendor_message"), "in any case");
        assert_eq!(r(&staff, "remind Carmen we need her seating chart"), Some("send_client_message"));
        assert_eq!(r(&staff, "ask Big Beats when they load in"), Some("send_vendor_message"));
        assert_eq!(r(&staff, "remind Tom to call the florist"), None, "a colleague: a task");
        assert_eq!(r(&staff, "remind me to call the florist"), None);
        assert_eq!(r(&client, "ask the venue if we can bring a cake"), Some("message_venue"));
        assert_eq!(r(&client, "ask about the parking rules"), None, "nobody to pass it to");
    }
}
