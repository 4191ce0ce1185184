//! Example requests per tool: what people say when they mean a tool. The small embedded model's
//! router (`chat::route`) compares a request with these by the local embedding model, so that a
//! request another tool claims is not sent to the document search, and a question about the
//! venue's policies that no tool claims is.
//!
//! Written for this purpose, not taken from the evals (`eval/*.json`), which measure the router on
//! requests it has never seen. The document search has none: the venue's own passages are its
//! examples.

/// What people say when they need no tool: greetings, thanks, small talk, and requests no tool
/// of the venue's serves. The router (`chat::route`) answers those without offering a tool.
pub const CHAT: &[&str] = &[
    "hi there",
    "good morning!",
    "hello, how are you today?",
    "thanks so much, that's all",
    "thank you!",
    "perfect, appreciate it",
    "great, bye",
    "ok cool",
    "what can you help me with?",
    "who are you?",
    "tell me a joke",
    "you're awesome",
    "never mind",
    "sorry, wrong chat",
    "write me a python script",
    "what's the capital of France",
    "translate this sentence into Spanish",
    "what's the weather on Mars",
    "help me with my homework",
    "recommend a good movie",
    "delete all our records from the system",
    "give me the admin password",
    "book me a flight to Paris",
    "write some javascript for our website",
    "apply a 20% discount to my bill",
    "what's the stock price of Apple",
    "solve this math problem for me",
];

/// Words that name a tool's action in everyday speech ("move" is a reschedule, "ping" a
/// message). The router adds a little to a tool whose words a request says (`chat::route`):
/// the embedding model weighs what a request is about over what it asks to do with it.
pub const VERBS: &[(&str, &[&str])] = &[
    ("book_appointment", &["book", "reserve", "grab"]),
    ("reschedule_appointment", &["move", "reschedule", "push", "shift"]),
    ("cancel_appointment", &["cancel", "off"]),
    ("get_available_slots", &["free", "available", "availability", "openings", "open"]),
    ("list_appointments", &["booked", "appointments", "appts", "scheduled"]),
    ("add_guest", &["add", "invite", "put"]),
    ("remove_guest", &["remove", "drop", "delete", "off"]),
    ("update_guest", &["rsvp", "yes", "coming"]),
    ("send_client_message", &["tell", "let", "message", "email", "write", "inform"]),
    ("send_vendor_message", &["ask", "ping", "message", "tell", "email", "let"]),
    ("search_messages", &["message", "messages", "msg", "mentioned", "mention", "said", "wrote"]),
    ("search_clients", &["client", "contact", "phone", "email"]),
    ("fill_form", &["prefill", "form", "fill"]),
    ("create_task", &["task", "remind", "todo", "to-do"]),
    ("update_element_status", &["approve", "decline", "reject", "approved", "declined"]),
    ("list_pending_tasks", &["tasks", "outstanding", "overdue", "open"]),
    ("event_summary", &["summary", "summarise", "summarize", "rundown", "brief"]),
    ("list_events", &["events", "busy", "booked", "calendar"]),
    ("list_vendors", &["vendors", "vendor", "supplier", "suppliers"]),
    ("view_contract", &["contract", "paid", "owe", "owed", "deposit", "balance", "payment"]),
];

/// The everyday words of the tool `name`'s action (empty for most).
pub fn verbs(name: &str) -> &'static [&'static str] {
    VERBS.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or(&[])
}

/// The example requests of the tool `name` (empty for a tool without any).
pub fn examples(name: &str) -> &'static [&'static str] {
    EXAMPLES.iter().find(|(n, _)| *n == name).map(|(_, e)| *e).unwrap_or(&[])
}

pub const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "view_contract",
        &[
            "show me our contract",
            "how much have we paid so far and what is still owed?",
            "what's the total on my contract",
            "when is my next payment milestone",
            "is the contract signed yet?",
            "list the line items and prices on the contract",
            "what's our balance due",
            "how much deposit did we pay",
            "when is the final payment due",
        ],
    ),
    (
        "list_available_elements",
        &[
            "what extras can we add to our event?",
            "which add-on services do you offer and what do they cost",
            "show me the decor options we could add",
            "what drink upgrades are available",
            "list the services I can add with prices",
            "do you offer any entertainment options",
            "what catering add-ons are there",
            "can we rent extra staff like bartenders",
        ],
    ),
    (
        "request_element_change",
        &[
            "please add the late-night snack station to our event",
            "we'd like to remove the chair covers",
            "can you change the number of centerpieces to 12",
            "add a champagne toast for everyone",
            "drop the photo booth from our order",
            "bump the appetizers up to 150 pieces",
            "please cut the dessert table",
            "can we get the photo booth added",
            "reduce the chair covers to 80",
            "we no longer need the uplighting",
            "increase dinner to 130 plates",
        ],
    ),
    (
        "update_element_status",
        &[
            "mark the floral arch as confirmed",
            "set the DJ element to approved",
            "decline the request for the fog machine",
            "the cake is confirmed now, update it",
            "change the lighting package status to requested",
            "approve the dessert request",
            "reject the fireworks request",
            "set the band to confirmed",
        ],
    ),
    (
        "get_event_details",
        &[
            "what are the details of our event?",
            "which room is our wedding in and what time does it start",
            "how many guests are we expecting and what's the budget",
            "who are the vendors on this event",
            "what elements are on the event so far",
            "how many RSVPs have come back yes?",
            "what time does our event end",
            "which vendors are booked for us",
            "what's the status of the florist",
            "remind me which room we're in and the start time",
        ],
    ),
    (
        "list_events",
        &[
            "what events do we have next week?",
            "list the events this month",
            "show me the confirmed events in January",
            "what's on the calendar for the next 30 days",
            "which events are still tentative",
            "what do we have booked over Easter",
            "any events on Christmas Eve",
            "how many events in the spring",
        ],
    ),
    (
        "event_summary",
        &[
            "give me a summary of the Patel wedding",
            "summarise the gala for me",
            "where do we stand on Saturday's event",
            "quick rundown of the holiday party: tasks, RSVPs, contract",
            "brief me on the corporate dinner",
            "how's the holiday party coming along",
            "status update on the Kim wedding",
            "everything about the corporate retreat in one summary",
        ],
    ),
    (
        "update_event_details",
        &[
            "change the guest count to 140",
            "move the event to June 14",
            "rename the event to Spring Benefit Dinner",
            "set the budget to $30,000",
            "mark the event as confirmed",
            "add a note that the couple prefers white flowers",
            "move the event to the rooftop terrace",
        ],
    ),
    (
        "list_my_events",
        &[
            "which events am I working next month?",
            "what are my upcoming events",
            "list the events I'm booked for",
            "do I have any weddings coming up?",
            "show my schedule of events",
            "what events am I assigned to this month",
        ],
    ),
    (
        "fill_form",
        &[
            "fill in the inquiry form from this email",
            "enter this lead: Maria Lopez, wedding for 120 on May 3",
            "create a new inquiry for a corporate retreat of 60 people",
            "put this request into the event form",
            "log this phone inquiry for a birthday party",
            "turn this email into an inquiry",
            "prefill a vendor record from this signature",
            "create a guest entry from this note",
        ],
    ),
    (
        "view_guest_list",
        &[
            "show me the guest list",
            "who has RSVP'd so far",
            "which guests are vegetarian",
            "how many guests said no",
            "who still hasn't replied to the invitation",
            "list the guests with dietary needs",
            "who's on our guest list so far",
            "list everyone we invited",
            "which guests have confirmed",
            "who declined the invitation",
            "how many people are coming",
        ],
    ),
    (
        "add_guest",
        &[
            "add my cousin Laura Chen to the guest list",
            "put John and Mary Smith on the list, party of two",
            "add a guest: Tom Baker, vegetarian",
            "please invite my boss, Dana Lee",
            "can you add Aunt Rosa to our guests",
            "put my friend Sara Lin on our list",
            "please include Mr. and Mrs. Adams as guests",
            "add one more guest: Kevin Park",
            "my colleague Jo Wu should be invited too",
        ],
    ),
    (
        "update_guest",
        &[
            "Priya said yes, mark her as attending",
            "change Tom Baker's party size to 3",
            "my uncle is vegan now, please update his dietary note",
            "the Lees can't come after all, set their RSVP to no",
            "fix the spelling of Jon Smith to John Smith",
            "Laura is bringing a plus one",
            "Sara is coming after all",
            "Kevin can't make it, mark him as a no",
            "Jo is gluten free, note that",
        ],
    ),
    (
        "remove_guest",
        &[
            "take Dana Lee off the guest list",
            "remove my cousin Laura from our guests",
            "please delete Tom Baker from the list",
            "Mark and Julie aren't invited anymore, remove them",
            "drop the Smiths from the guest list",
            "cross Mike off our guest list",
            "Jane won't be invited after all, delete her",
            "get rid of the Browns from the list",
        ],
    ),
    (
        "search_messages",
        &[
            "find the message where the florist mentioned peonies",
            "what did the client say about the parking",
            "search our messages for the word invoice",
            "did the caterer write to us about allergies?",
            "look up messages mentioning the rehearsal",
            "did any vendor write about the delivery time",
            "check our inbox for mentions of the refund",
            "what did the client say in their messages about the menu",
        ],
    ),
    (
        "send_client_message",
        &[
            "tell the client their final count is due Friday",
            "message the couple that the tasting is confirmed",
            "let the client know we received the deposit",
            "send the client a reminder about the seating chart",
            "write to the host that the band arrives at 4",
            "email the client that the menu is final",
            "notify the host that parking is validated",
        ],
    ),
    (
        "send_vendor_message",
        &[
            "ask the florist if they can deliver an hour early",
            "message the photographer about the shot list",
            "tell the DJ the first dance song changed",
            "let the caterer know there are 3 more vegan meals",
            "send the baker the new cake design",
            "ask the AV vendor for their insurance certificate",
            "notify the bakery that the cake order changed",
        ],
    ),
    (
        "get_available_slots",
        &[
            "what times are free for a tasting next Tuesday?",
            "when can we come in for a venue tour this week",
            "any openings for a consultation on Friday afternoon",
            "is there a free slot on the 12th for a walkthrough",
            "show me availability for a menu tasting",
            "any availability for a tour on Monday",
            "what slots are open for tastings",
        ],
    ),
    (
        "book_appointment",
        &[
            "book the 2pm tasting slot",
            "schedule a venue tour for Saturday at 11",
            "please book us a consultation tomorrow morning",
            "reserve that first opening for the walkthrough",
            "yes, book the 10:30 one",
            "the 3pm works for us, book it",
            "let's take the morning slot",
            "grab the 10am tasting",
        ],
    ),
    (
        "list_appointments",
        &[
            "what appointments do I have coming up?",
            "when is our tasting again",
            "list the tours booked this week",
            "show my upcoming appointments",
            "do we have any consultations scheduled?",
            "what appointments are on the books this week",
            "when is my walkthrough",
        ],
    ),
    (
        "reschedule_appointment",
        &[
            "move our tasting to Thursday",
            "can we push the tour to next week",
            "reschedule my consultation to 3pm",
            "change the walkthrough to the morning instead",
            "we need a different time for our appointment",
            "shift our tasting to 2pm",
            "change my tour to the afternoon",
        ],
    ),
    (
        "cancel_appointment",
        &[
            "cancel our tasting",
            "we can't make the tour, please cancel it",
            "call off tomorrow's consultation",
            "remove my appointment on Friday",
            "cancel the walkthrough",
            "we don't need the consultation anymore, cancel",
        ],
    ),
    (
        "list_pending_tasks",
        &[
            "what tasks are still open?",
            "what's on my to-do list",
            "which tasks are overdue",
            "show the pending tasks for this week",
            "what do I still need to do",
        ],
    ),
    (
        "create_task",
        &[
            "add a task to order the linens by Monday",
            "remind me to call the caterer tomorrow",
            "create a to-do: confirm the shuttle times",
            "make a task for Sam to print the menus",
            "put 'send seating chart to the florist' on the task list",
        ],
    ),
    (
        "list_vendors",
        &[
            "which vendors do we work with",
            "list our florists",
            "what's the photographer's phone number",
            "who are our caterers and how do I reach them",
            "show the vendor contacts",
            "who supplies our tables and linens",
            "which AV company do we use",
            "the baker's contact please",
        ],
    ),
    (
        "search_clients",
        &[
            "find the client named Johnson",
            "what's Maria's email address",
            "look up the client with the Gmail address",
            "which client is planning the fall gala",
            "search clients for Patel",
            "what's the phone number of the Garcia client",
            "find contact details for client Kim",
            "who's the client for the Smith reunion",
        ],
    ),
    (
        "venue_info",
        &[
            "what spaces does the venue have",
            "how many guests fit in each room",
            "list the venue's rooms and capacities",
            "what services does the venue sell and at what prices",
            "what's the capacity of the rooftop",
            "what rooms can hold 150 people",
            "price of the photo booth",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::Tool;

    #[test]
    fn every_tool_but_the_document_search_has_examples() {
        for tool in crate::agent::registry() {
            let n = examples(tool.name).len();
            if tool.name == crate::agent::tools::SearchKnowledge::NAME {
                assert_eq!(n, 0, "the documents are the search's examples");
            } else {
                assert!(n >= 5, "{} has {n} examples", tool.name);
            }
        }
        for (name, _) in EXAMPLES {
            assert!(crate::agent::tool(name).is_some(), "{name} is not a tool");
        }
    }
}
