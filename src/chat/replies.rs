//! What the agent says on the small embedded model without asking the model, when the router
//! (`chat::route`) finds no tool for a request: a change none of the agent's tools makes is
//! declined plainly ([`out_of_reach`], [`beyond_reach_reply`]), and small talk gets a composed line
//! ([`small_talk_reply`]). Both name what the agent can do, by its tools' labels.

use super::route::is_question;
use crate::agent::tools::SearchKnowledge;
use crate::agent::{examples, Tool, ToolEntry};
use crate::domain::text::LEAD_INS;

/// Words that ask for something no agent does unless its tool says so: erasing records, marking
/// or approving on someone's behalf, money off. Read with [`out_of_reach`].
const REACH_VERBS: &[&str] =
    &["delete", "erase", "wipe", "purge", "mark", "approve", "waive", "refund", "discount", "script", "sign"];

/// Programming languages: a request that names one asks for code, which no agent writes ("Write
/// a JavaScript countdown for the gala's site" is not a deliverable nor a message). Names only:
/// "code" and "script" are also a dress code, a door code and a ceremony's script.
const CODE: &[&str] = &["javascript", "typescript", "python", "html", "css", "sql", "php", "bash", "powershell"];

/// Whether `request` asks for a change that `tool`, the tool the router chose, does not make:
/// its verb (the first word after the lead-ins, or a discount) is one of [`REACH_VERBS`] and is
/// neither in the tool's name nor its everyday words (`agent::examples::VERBS`; not its
/// description, which tells what others do too: "the venue's staff approve the request").
/// "Delete this event" reaches the event's details, "mark my contract as paid" the contract
/// viewer, "just approve my request yourself" the change request: none of them does what was
/// asked, so the agent says what it cannot do instead of showing records nobody asked for. A
/// request for code ([`CODE`]) is out of every tool's reach.
pub fn out_of_reach(request: &str, tool: &ToolEntry) -> bool {
    let lower = request.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let verb = words.iter().find(|w| !LEAD_INS.contains(w)).copied();
    let asked = match verb {
        Some(v) if REACH_VERBS.contains(&v) => v,
        _ if words.iter().any(|w| CODE.contains(w)) => "script",
        // "Take 15% off our total"; a question about discounts is not a request for one.
        _ if !is_question(request) && (lower.contains("% off") || words.contains(&"discount")) => "discount",
        _ => return false,
    };
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    let does = tool.name.split('_').any(|w| stem(w) == stem(asked))
        || examples::verbs(tool.name).iter().any(|v| stem(v) == stem(asked));
    !does
}

/// Whether `request` asks what the agent can do ("What can you help me with on this event?",
/// "so what do you do?"), not for something to be done ("can you help me add a guest" names
/// what): small talk, answered with the agent's tools by [`small_talk_reply`]. Short requests
/// only, that open (after a greeting) with the question and end with its "help", "do" or "with",
/// and whatever object follows is about the thread ("on this event", "for me", "here").
pub fn asks_what_agent_does(request: &str) -> bool {
    const OPENS: &[&str] = &["what can you", "what else can you", "how can you", "what do you", "what are you able to"];
    const ENDS: &[&str] =
        &["help me with", "help with", "help", "do", "do for me", "help me", "do here", "help me with here"];
    const ABOUT: &[&str] =
        &["", "on this event", "for this event", "for me", "for us", "here", "today", "in this chat"];
    const GREETINGS: &[&str] = &["hi", "hey", "hello", "so", "ok", "okay", "and"];
    let lower = request.to_lowercase().replace('\u{2019}', "'");
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    let start = words.iter().take_while(|w| GREETINGS.contains(w)).count();
    let text = words[start..].join(" ");
    OPENS.iter().any(|o| {
        text.strip_prefix(o).is_some_and(|rest| {
            let rest = rest.trim();
            ENDS.iter().any(|e| rest.strip_prefix(e).is_some_and(|tail| ABOUT.contains(&tail.trim())))
        })
    })
}

/// What the agent says to a request [`out_of_reach`] of its tools: that it cannot, and what it
/// can change (its tools that act, by their labels).
pub fn beyond_reach_reply(tools: &[&'static ToolEntry]) -> String {
    let acts: Vec<String> = tools
        .iter()
        .filter(|t| t.approval.is_some())
        .map(|t| {
            let mut c = t.label.chars();
            c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
        })
        .collect();
    let mut out = String::from("I can't do that from this chat.");
    if !acts.is_empty() {
        out.push_str(&format!(" Here I can {}, and look things up.", join_or(&acts)));
    }
    out.push_str(" For anything else, please contact the venue's team.");
    out
}

/// What the agent answers small talk with on the small model (the router found no tool for it):
/// a composed line rather than the 135M model's, which drifts into things nobody said ("enjoy
/// your beach vacation"). Thanks are welcomed, a greeting or "what can you do?" gets what the
/// agent can do (its first tools, by their labels), anything else is declined with the same.
pub fn small_talk_reply(said: &str, tools: &[&'static ToolEntry]) -> String {
    let lower = said.to_lowercase().replace('\u{2019}', "'");
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let short = words.len() <= 10;
    let labels: Vec<String> = tools
        .iter()
        .filter(|t| t.name != SearchKnowledge::NAME)
        .take(4)
        .map(|t| {
            let mut c = t.label.chars();
            c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
        })
        .collect();
    let can = match labels.as_slice() {
        [] => "answer questions about the venue".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, {last} and more", rest.join(", ")),
    };
    if has(&["thanks", "thank", "thx", "ty", "tysm", "cheers", "appreciate", "appreciated"]) {
        "You're welcome! Anything else I can help with?".into()
    } else if short && has(&["bye", "goodbye", "weekend", "night", "later"]) {
        "Have a good one! I'm here whenever you need me.".into()
    } else if short && has(&["hi", "hello", "hey", "hiya", "morning", "afternoon", "evening"]) {
        format!("Hello! I can {can}. What would you like to do?")
    } else if ["who are you", "help me with", "can you do", "can you help", "what do you do"]
        .iter()
        .any(|q| lower.contains(q))
    {
        format!("I'm the venue's assistant. I can {can}.")
    } else if lower.contains("how are you") || lower.contains("how's your") || lower.contains("how is your") {
        format!("All good here, thanks for asking! I can {can}.")
    } else if short
        && has(&[
            "ok",
            "okay",
            "cool",
            "great",
            "perfect",
            "sounds",
            "sure",
            "alright",
            "awesome",
            "lifesaver",
            "amazing",
            "nice",
            "love",
            "brilliant",
            "fantastic",
        ])
    {
        "Glad to help! Anything else?".into()
    } else {
        format!("That's not something I can help with here. I can {can}.")
    }
}

/// "a", "a or b", "a, b or c".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_about_what_the_agent_does_are_small_talk() {
        for q in [
            "What can you help me with on this event?",
            "hey, what can you do?",
            "so what do you do",
            "How can you help me?",
            "what else can you help with here",
        ] {
            assert!(asks_what_agent_does(q), "{q}");
        }
        for q in [
            "can you help me add a guest",
            "What can you do about the late-night pizza?",
            "what do you have open on Friday?",
            "How can you help me move the tasting to Friday?",
        ] {
            assert!(!asks_what_agent_does(q), "{q}");
        }
    }

    #[test]
    fn changes_no_tool_makes_are_out_of_reach() {
        let tool = |n: &str| crate::agent::tool(n).unwrap();
        assert!(out_of_reach("Delete this event and everything about it", tool("get_event_details")));
        assert!(out_of_reach("could you please just mark our contract as paid", tool("view_contract")));
        assert!(out_of_reach("Approve my dessert request yourself", tool("request_element_change")));
        assert!(out_of_reach("Take 20% off the bar package", tool("view_contract")));
        assert!(!out_of_reach("delete Lucas from the guest list", tool("remove_guest")), "its everyday word");
        assert!(!out_of_reach("approve the florist's quote", tool("update_element_status")), "its everyday word");
        assert!(!out_of_reach("mark the DJ as confirmed", tool("update_element_status")));
        assert!(out_of_reach("Could you write some Python to sort our guest list?", tool("order_deliverable")));
        assert!(out_of_reach("I need an HTML page for the gala, by Friday", tool("order_deliverable")));
        assert!(!out_of_reach("send the officiant the ceremony script", tool("send_vendor_message")), "not code");
        assert!(!out_of_reach("remind guests of the dress code", tool("send_client_message")), "not code");
        assert!(!out_of_reach("show me the contract", tool("view_contract")), "not a change");
        assert!(!out_of_reach("is there a discount for weekday events?", tool("view_contract")), "a question");
        let client = crate::agent::tools_for(crate::domain::chat::AgentKind::Client, crate::domain::Role::Client);
        let reply = beyond_reach_reply(&client);
        assert!(reply.starts_with("I can't do that from this chat. Here I can "), "{reply}");
        assert!(reply.contains("add a guest"), "{reply}");
        assert!(!reply.contains("view the contract"), "only what changes records: {reply}");
    }

    #[test]
    fn small_talk_gets_a_composed_line() {
        use crate::domain::chat::AgentKind;
        use crate::domain::Role;
        let client = crate::agent::tools_for(AgentKind::Client, Role::Client);
        let r = |s: &str| small_talk_reply(s, &client);
        assert_eq!(r("thanks so much!"), "You're welcome! Anything else I can help with?");
        assert_eq!(r("Have a good weekend!"), "Have a good one! I'm here whenever you need me.");
        let hello = r("good morning :)");
        assert!(hello.starts_with("Hello! I can look up the event, "), "{hello}");
        assert!(hello.ends_with(" and more. What would you like to do?"), "{hello}");
        assert!(r("What kinds of things can you help me with?").starts_with("I'm the venue's assistant. I can "));
        assert!(r("how's your day going?").starts_with("All good here"));
        assert_eq!(r("You're a lifesaver, honestly."), "Glad to help! Anything else?");
        let off = r("Write me a Python script that sorts my guests by last name, with comments");
        assert!(off.starts_with("That's not something I can help with here. I can "), "{off}");
        assert!(!off.contains("search the venue's documents"), "{off}");
    }
}
