//! The checks of `agent::ground` on requests written for them.

use super::*;

const NY: chrono_tz::Tz = chrono_tz::America::New_York;

#[test]
fn a_day_and_a_time_said_make_the_moment() {
    let schema = json!({"type": "object", "properties": {
        "type_id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"}},
        "required": ["type_id", "starts_at"]});
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let at = |said: &str, model: &str, facts: &str| {
        let mut a = json!({"type_id": 5, "starts_at": model}).as_object().unwrap().clone();
        arguments(&schema, &mut a, said, facts, today, NY);
        a["starts_at"].clone()
    };
    assert_eq!(at("book the tasting on November 27 at 2pm", "2pm", ""), json!("2026-11-27T19:00:00Z"));
    assert_eq!(at("July 4 at 10:30am works", "2027-07-04T10:30:00Z", ""), json!("2027-07-04T14:30:00Z"), "summer time");
    assert_eq!(at("2pm please", "2pm", ""), json!("2pm"), "no day said: left for the tool to refuse");
    let book = crate::agent::tool("book_appointment").unwrap();
    let mut a = json!({"type_id": 1, "starts_at": "2pm"}).as_object().unwrap().clone();
    arguments(
        &book.schema,
        &mut a,
        "Can you book us a consultation next Friday at 2pm? We can only do afternoons.",
        "",
        today,
        NY,
    );
    let said = "Can you book us a consultation next Friday at 2pm? We can only do afternoons.";
    assert_eq!(a["starts_at"], json!("2026-11-27T19:00:00Z"), "the tool's own schema: {said}");
    let listed = "Free tasting times on 2026-11-25: 2:00 PM (starts_at 2026-11-25T19:00:00Z).";
    assert_eq!(
        at("Wednesday at 2", "2026-11-25T19:00:00Z", listed),
        json!("2026-11-25T19:00:00Z"),
        "a listed slot stays"
    );
    assert_eq!(at("the 27th or the 28th at 2pm", "2pm", ""), json!("2pm"), "two days: not a guess");
    assert_eq!(
        at("a consultation next Friday at 2pm?", "2pm", "The DJ starts at 2pm."),
        json!("2026-11-27T19:00:00Z"),
        "a time the facts happen to hold is not a listed slot"
    );
}

#[test]
fn a_message_is_the_persons_words() {
    let m = |s: &str| super::message_of(s);
    assert_eq!(
        m("Tell Dan the final invoice will be out by Thursday.").as_deref(),
        Some("The final invoice will be out by Thursday.")
    );
    assert_eq!(
        m("please let the florist know that the arch can come at noon").as_deref(),
        Some("The arch can come at noon.")
    );
    assert_eq!(
        m("Could you send Liam a gentle reminder that the balance was due Monday? He can pay online.").as_deref(),
        Some("The balance was due Monday? He can pay online.")
    );
    assert_eq!(
        m("Ask the DJ if they can start an hour later than planned.").as_deref(),
        Some("Could you let us know whether they can start an hour later than planned?")
    );
    assert_eq!(
        m("Message Bloom & Branch: the load-in is at noon, service entrance").as_deref(),
        Some("The load-in is at noon, service entrance.")
    );
    assert_eq!(
        m("Put this in the vendor form: \"We're Harbor Sweets, a bakery in Somerville\"").as_deref(),
        Some("We're Harbor Sweets, a bakery in Somerville.")
    );
    assert_eq!(
        m("ok so I need to tell Dan the invoice is late").as_deref(),
        Some("The invoice is late."),
        "the lead-ins before the verb are not the message"
    );
    assert_eq!(m("remind them"), None, "nothing left to say");
    assert_eq!(
        m("Make a task for Marco to set up the bar before the guests arrive").as_deref(),
        Some("Set up the bar before the guests arrive.")
    );
    assert_eq!(m("add a todo: print the escort cards").as_deref(), Some("Print the escort cards."));
    // Text the model wrote gives way to the message the person asked to pass on.
    let schema = json!({"type": "object", "properties": {"body": {"type": "string"}}, "required": ["body"]});
    let ground = |body: &str, said: &str| {
        let mut a = json!({"body": body}).as_object().unwrap().clone();
        arguments(&schema, &mut a, said, "", NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
        a["body"].as_str().unwrap().to_string()
    };
    let said = "Tell Dan the final invoice will be out by Thursday.";
    assert_eq!(
        ground("The final invoice will be sent by Thursday, 2026-11-26, Tom Becker, 2026-12-03, 2026-12-03", said),
        "The final invoice will be out by Thursday."
    );
    assert_eq!(
        ground("Final invoice out by Thursday", said),
        "The final invoice will be out by Thursday.",
        "a message passed on is the person's words, not a rewording"
    );
    assert_eq!(
        ground("Final invoice out by Thursday", "tell them"),
        "Final invoice out by Thursday",
        "no message said"
    );
    assert_eq!(ground("send_client_message", said), "The final invoice will be out by Thursday.", "its tool's name");
    // An optional text nobody said is dropped, not replaced.
    let optional =
        json!({"type": "object", "properties": {"title": {"type": "string"}, "guest_count": {"type": "integer"}}});
    let mut a = json!({"title": "Wedding reception dinner", "guest_count": 108}).as_object().unwrap().clone();
    arguments(
        &optional,
        &mut a,
        "the final count is 108, pls update the guest number",
        "",
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        NY,
    );
    assert_eq!(Value::Object(a), json!({"guest_count": 108}));
    let said = "Fill the inquiry form from this: \"Jordan Lee, engagement party on June 5, 2027, about 90 guests\"";
    assert_eq!(
        ground("2027-06-05 9:00:00, 90, 10, 11, 12, 13, 14, 15, 16", said),
        "Jordan Lee, engagement party on June 5, 2027, about 90 guests.",
        "numbers nobody said"
    );
}
use serde_json::json;

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "event_id": {"type": ["integer", "null"]},
            "guest": {"type": ["string", "null"]},
            "party_size": {"type": ["integer", "null"]},
            "rsvp": {"type": ["string", "null"], "enum": ["yes", "no", "maybe", "pending", null]},
            "dietary": {"type": ["string", "null"]},
            "date": {"type": "string", "format": "date"},
            "body": {"type": "string"},
        },
        "required": ["date", "body"],
    })
}

fn ground(args: Value, said: &str) -> Value {
    let facts = "Today is 2026-11-22 (Sunday).\nThe event (event_id 3): Clark wedding";
    let mut m = args.as_object().unwrap().clone();
    arguments(&schema(), &mut m, said, facts, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
    Value::Object(m)
}

#[test]
fn a_change_goes_to_the_number_after_to() {
    let q = json!({"type": "object", "properties": {"quantity": {"type": "integer"}}, "required": ["quantity"]});
    let run = |model: i64, said: &str| {
        let mut a = json!({ "quantity": model }).as_object().unwrap().clone();
        arguments(&q, &mut a, said, "", NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
        a["quantity"].clone()
    };
    assert_eq!(run(10, "Can we bump the table arrangements from 10 up to 12?"), json!(12));
    assert_eq!(run(3, "3 more couples said yes, so make it 14 tables"), json!(14));
    assert_eq!(run(12, "change the 10 centerpieces to 12"), json!(12), "the model's right number stays");
    assert_eq!(
        run(10, "we need 10 centerpieces and 2 arches"),
        json!(10),
        "no 'to': the model's pick of what was said"
    );
    assert_eq!(super::said::target_number("move it to Friday at 2"), None, "not a number after 'to'");
    let mut a = json!({"action": "change_quantity"}).as_object().unwrap().clone();
    let schema =
        json!({"type": "object", "properties": {"action": {"type": "string"}, "quantity": {"type": "integer"}}});
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    arguments(&schema, &mut a, "bump the arrangements from 10 up to 12", "", today, NY);
    assert_eq!(a["quantity"], json!(12), "left out, and said as a change");
}

#[test]
fn invented_arguments_are_dropped() {
    assert_eq!(
        ground(json!({"guest": "Priya", "rsvp": "no", "party_size": 100}), "Priya is vegetarian now"),
        json!({"guest": "Priya"}),
        "an RSVP and a party size nobody said"
    );
    assert_eq!(
        ground(json!({"guest": "Priya", "rsvp": "no"}), "Priya can't come after all"),
        json!({"guest": "Priya", "rsvp": "no"})
    );
    assert_eq!(
        ground(json!({"rsvp": "yes"}), "mark Tom as attending"),
        json!({"guest": "Tom", "rsvp": "yes"}),
        "the guest named"
    );
    assert_eq!(
        ground(json!({"party_size": 3}), "Tom is bringing three people"),
        json!({"guest": "Tom", "party_size": 3})
    );
    assert_eq!(ground(json!({"event_id": 3}), "show the guests"), json!({"event_id": 3}), "an id of the facts");
    assert_eq!(ground(json!({}), "who still hasnt rsvpd??")["rsvp"], "pending", "a stated choice left out");
    assert_eq!(ground(json!({"event_id": 12}), "show the guests"), json!({}), "an id from nowhere");
    assert_eq!(ground(json!({"dietary": "vegan"}), "my uncle is vegetarian now"), json!({}));
    assert_eq!(ground(json!({"dietary": "vegetarian"}), "he's vegetarian"), json!({"dietary": "vegetarian"}));
    assert_eq!(ground(json!({"guest": null}), "hi"), json!({}));
    assert_eq!(
        ground(json!({"rsvp": "no"}), "note that Priya arrives at noon"),
        json!({"guest": "Priya"}),
        "no is a word"
    );
    assert_eq!(ground(json!({"rsvp": "yes"}), "Tom isn't coming"), json!({"guest": "Tom", "rsvp": "no"}), "a negation");
    assert_eq!(ground(json!({"rsvp": "no"}), "Tom can\u{2019}t make it"), json!({"guest": "Tom", "rsvp": "no"}));
    assert_eq!(ground(json!({"party_size": 25000}), "budget about 25k"), json!({"party_size": 25000}));
}

#[test]
fn records_times_statuses_and_numbers_come_from_the_facts_and_the_words() {
    let schema = json!({
        "type": "object",
        "properties": {
            "element_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["requested", "proposed", "approved", "confirmed", "declined"]},
            "quantity": {"type": ["integer", "null"]},
            "starts_at": {"type": ["string", "null"], "format": "date-time"},
            "query": {"type": ["string", "null"]},
        },
        "required": ["element_id", "status"],
    });
    let facts = "Elements:\n- element_id 21: Champagne toast (beverage), 120 × $8.00, proposed\n\
                 - element_id 24: DJ package (music), 1 × $1,200.00, confirmed\n\
                 Menu tasting (type_id 2) has 3 free times: 11:00 AM (starts_at 2026-11-28T16:00:00Z), \
                 1:00 PM (starts_at 2026-11-28T18:00:00Z) and 3:30 PM (starts_at 2026-11-28T20:30:00Z).";
    let g = |args: Value, said: &str| {
        let mut m = args.as_object().unwrap().clone();
        arguments(&schema, &mut m, said, facts, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
        Value::Object(m)
    };
    assert_eq!(
        g(json!({"element_id": 21, "status": "proposed"}), "DJ's locked in, mark it confirmed"),
        json!({"element_id": 24, "status": "confirmed"})
    );
    assert_eq!(
        g(json!({"element_id": 24, "status": "approved", "quantity": 5}), "bump the champagne toast to 100"),
        json!({"element_id": 21, "status": "approved", "quantity": 100})
    );
    assert_eq!(
        g(json!({"element_id": 21, "status": "approved", "starts_at": "2026-11-28T16:00:00Z"}), "the 1pm one works")
            ["starts_at"],
        "2026-11-28T18:00:00Z"
    );
    assert_eq!(
        g(json!({"element_id": 21, "status": "approved"}), "book the last one")["starts_at"],
        "2026-11-28T20:30:00Z"
    );
    assert_eq!(
        g(
            json!({"element_id": 21, "status": "approved", "query": "search_clients"}),
            "Look up Dan Okoye's contact details"
        )["query"],
        "Dan Okoye"
    );
}

#[test]
fn dates_are_the_ones_said_and_required_arguments_stay() {
    assert_eq!(
        ground(json!({"date": "2026-01-01", "body": "ok"}), "any tasting slots next Tuesday?"),
        json!({"date": "2026-11-24", "body": "ok"})
    );
    assert_eq!(
        ground(json!({"date": "2026-01-01", "body": "Please confirm the final count by Friday"}), "tell them"),
        json!({"date": "2026-01-01", "body": "Please confirm the final count by Friday"}),
        "required: left for the tool to judge"
    );
}

#[test]
fn a_value_the_person_says_is_the_choice() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let run = |tool: &str, model: Value, said: &str| {
        let t = crate::agent::tool(tool).unwrap();
        let mut a = model.as_object().unwrap().clone();
        arguments(&t.schema, &mut a, said, "", today, NY);
        Value::Object(a)
    };
    let form = |said: &str, model: &str| run("fill_form", json!({"form": model, "text": said}), said)["form"].clone();
    assert_eq!(form("turn this email into a new inquiry: Sam, 40 people", "event"), json!("inquiry"));
    assert_eq!(
        form("use the guest form for event 9, from: Ana Ruiz, party of 2", "event"),
        json!("guest"),
        "two values said: the one before the argument's name"
    );
    assert_eq!(form("read this into a form please: Ana Ruiz, party of 2", "guest"), json!("guest"), "none said");
    let vendors = |said: &str, model: Value| run("list_vendors", model, said).get("category").cloned();
    assert_eq!(vendors("which florist do we book most?", json!({"category": "decor"})), Some(json!("florist")));
    assert_eq!(
        vendors("who else do we work with, other than the caterer?", json!({})),
        Some(json!("caterer")),
        "'other' is an everyday word, not the category"
    );
}

#[test]
fn an_id_given_by_its_kind_is_the_id() {
    let id = |said: &str| super::id_said("event_id", &said.to_lowercase());
    assert_eq!(id("Prefill the guest form for the Lopez quinceañera (event 32) from this"), Some(32));
    assert_eq!(id("event #7 please"), Some(7));
    assert_eq!(id("for event_id 12."), Some(12));
    assert_eq!(id("event 4 and event 5"), None, "two: not a choice");
    assert_eq!(id("the event 2 weeks out"), None, "weeks, not an id");
    assert_eq!(id("the big event"), None);
    assert_eq!(super::id_said("client_id", "put the lopez family (client 64) in the 2pm"), Some(64));
    // The facts list event 3 only; the person names 32 by its kind, and the model left it out.
    assert_eq!(
        ground(json!({"date": "2026-11-24", "body": "ok"}), "for event 32, next Tuesday")["event_id"],
        json!(32)
    );
}

#[test]
fn a_day_said_alone_is_a_range_of_one_day() {
    let range = json!({
        "type": "object",
        "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}},
    });
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let run = |said: &str| {
        let mut m = serde_json::Map::new();
        arguments(&range, &mut m, said, "", today, NY);
        Value::Object(m)
    };
    assert_eq!(run("anything booked on new year's eve?"), json!({"from": "2026-12-31", "to": "2026-12-31"}));
    assert_eq!(run("what's on from next Tuesday"), json!({}), "an end, not a day");
    assert_eq!(
        run("How busy are we between Valentine's Day and the end of March?"),
        json!({"from": "2027-02-14", "to": "2027-03-31"})
    );
}

#[test]
fn a_follow_up_resolves_records_and_times_from_the_earlier_tool_results() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    // The chat's facts: the system prompt, then each earlier tool result as one line of JSON.
    let listed = r#"{"appointments":[{"appointment_id":52,"type":"Venue tour","client":"Sofia Alvarez","when":"Tuesday 24 November 2026 at 11:00 AM","status":"booked"},{"appointment_id":53,"type":"Menu tasting","client":"Patel family","when":"Wednesday 25 November 2026 at 2:00 PM","status":"booked"}]}"#;
    let facts = format!("Today is 2026-11-22 (Sunday).\n{listed}");
    let cancel = crate::agent::tool("cancel_appointment").unwrap();
    let mut a = json!({"appointment_id": 52}).as_object().unwrap().clone();
    arguments(&cancel.schema, &mut a, "the patels one is off, cancel it", &facts, today, NY);
    assert_eq!(a["appointment_id"], json!(53), "{a:?}");
    // Free times, then "the 1pm one works": its exact start.
    let free = r#"{"type_id":2,"type":"Menu tasting","date":"2026-11-28","time_zone":"America/New_York","slots":[{"starts_at":"2026-11-28T17:00:00Z","local":"12:00 PM"},{"starts_at":"2026-11-28T18:00:00Z","local":"1:00 PM"}]}"#;
    let book = crate::agent::tool("book_appointment").unwrap();
    let mut a = json!({"type_id": 2, "starts_at": "2026-11-28T13:00:00Z"}).as_object().unwrap().clone();
    let heard = Heard { now: "the 1pm one works, book it", before: Some("Any tasting slots on Saturday the 28th?") };
    arguments(&book.schema, &mut a, heard, free, today, NY);
    assert_eq!(a["starts_at"], json!("2026-11-28T18:00:00Z"), "{a:?}");
    // Elements listed under their kind: "the cake" is element 26.
    let event = r#"{"event_id":3,"title":"Clark wedding","elements":[{"id":21,"name":"Champagne toast","category":"beverage"},{"id":26,"name":"Wedding cake","category":"catering"}]}"#;
    let status = crate::agent::tool("update_element_status").unwrap();
    let mut a = json!({"element_id": 21, "status": "confirmed"}).as_object().unwrap().clone();
    arguments(&status.schema, &mut a, "ok confirm the cake too", event, today, NY);
    assert_eq!(a["element_id"], json!(26), "{a:?}");
    // A result cut to size is not read as records.
    let mut a = json!({"appointment_id": 52}).as_object().unwrap().clone();
    arguments(&cancel.schema, &mut a, "the patels one is off, cancel it", &listed[..120], today, NY);
    assert_eq!(a["appointment_id"], json!(52), "the model's required pick stays");
}

#[test]
fn a_follow_up_date_counts_from_the_earlier_message() {
    let slots = crate::agent::tool("get_available_slots").unwrap();
    let today = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
    let mut a = json!({"date": "2027-01-15"}).as_object().unwrap().clone();
    let heard = Heard { now: "what about the friday after?", before: Some("Any tour times on Friday?") };
    arguments(&slots.schema, &mut a, heard, "", today, NY);
    assert_eq!(a["date"], json!("2027-01-22"));
    // This message's date wins over the earlier one's.
    let mut a = json!({"date": "2027-01-15"}).as_object().unwrap().clone();
    let heard = Heard { now: "and on Wednesday?", before: Some("Any tour times on Friday?") };
    arguments(&slots.schema, &mut a, heard, "", today, NY);
    assert_eq!(a["date"], json!("2027-01-13"));
}

#[test]
fn records_are_read_from_the_ways_answers_list_them() {
    let found = |facts: &str| -> Vec<(String, i64, String)> {
        super::entities(facts).into_iter().map(|(k, id, n)| (k, id as i64, n)).collect()
    };
    assert_eq!(
        found("Two guests are still pending: Ana Costa (guest_id 302, party of 1) and Leo Brandt (guest_id 318, party of 2)."),
        [("guest_id".into(), 302, "Ana Costa".into()), ("guest_id".into(), 318, "Leo Brandt".into())]
    );
    assert_eq!(
        found("Elements: Champagne toast (element_id 21) requested, Wedding cake (element_id 26) proposed"),
        [("element_id".into(), 21, "Champagne toast".into()), ("element_id".into(), 26, "Wedding cake".into())]
    );
    assert_eq!(
        found("You have two: appointment_id 29, Venue tour on Thursday 1 October; appointment_id 30, Menu tasting on Friday"),
        [("appointment_id".into(), 29, "Venue tour".into()), ("appointment_id".into(), 30, "Menu tasting".into())]
    );
    // A compact list: the first item says the kind, the others only their numbers.
    assert_eq!(
        found(
            "Elements: Champagne toast (element_id 21) requested, Plated dinner (22) confirmed, and Wedding cake (26)."
        ),
        [
            ("element_id".into(), 21, "Champagne toast".into()),
            ("element_id".into(), 22, "Plated dinner".into()),
            ("element_id".into(), 26, "Wedding cake".into())
        ]
    );
    // Without a kind on the line, a number in brackets is no record ("a party (12) at 7").
    assert_eq!(found("The Okafor party (60) at 7pm"), []);
    assert_eq!(
        found("The event (event_id 3): Clark wedding on 2026-12-12"),
        [("event_id".into(), 3, "Clark wedding".into())]
    );
}

#[test]
fn what_the_model_takes_from_its_own_tools_is_not_the_persons() {
    let add = crate::agent::tool("add_guest").unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut a = json!({"name": "add_guest", "party_size": 1}).as_object().unwrap().clone();
    let heard =
        Heard { now: "add her sister Ana Ferreira too", before: Some("Add Lucia Ferreira to the list, party of 1.") };
    arguments(&add.schema, &mut a, heard, "", today, NY);
    assert_eq!(a["name"], json!("Ana Ferreira"));
    let search = crate::agent::tool("search_clients").unwrap();
    let mut a = json!({"query": "search_clients.name = "}).as_object().unwrap().clone();
    arguments(&search.schema, &mut a, "Do we have a client named Sofia Alvarez?", "", today, NY);
    assert_eq!(a["query"], json!("Sofia Alvarez"));
    // An email with an underscore is an email.
    let mut a = json!({"name": "Jo Lee", "email": "jo_lee@example.com"}).as_object().unwrap().clone();
    arguments(&add.schema, &mut a, "add Jo Lee, jo_lee@example.com", "", today, NY);
    assert_eq!(a["email"], json!("jo_lee@example.com"));
}

#[test]
fn the_requests_verb_and_not_a_quoted_text_chooses_the_value() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let status = crate::agent::tool("update_element_status").unwrap();
    let facts = "- element_id 62: Open bar (beverage), 150 × $35.00, requested";
    let mut a = json!({"element_id": 62, "status": "proposed"}).as_object().unwrap().clone();
    arguments(&status.schema, &mut a, "Approve the open bar request.", facts, today, NY);
    assert_eq!(a["status"], json!("approved"));
    let change = crate::agent::tool("request_element_change").unwrap();
    let facts = "- element_id 52: Passed canapés (catering), 60 × $18.00, proposed";
    let mut a = json!({"action": "add", "element_id": 52, "quantity": 45}).as_object().unwrap().clone();
    arguments(&change.schema, &mut a, "cut passed canapes to 45 pls", facts, today, NY);
    assert_eq!(a["action"], json!("change_quantity"));
    let form = crate::agent::tool("fill_form").unwrap();
    let mut a = json!({"form": "event"}).as_object().unwrap().clone();
    let said = "New inquiry came in by email, can you fill in the form? \"Hello, I'd like a space for my engagement party, around 90 guests.\"";
    arguments(&form.schema, &mut a, said, "", today, NY);
    assert_eq!(a["form"], json!("inquiry"), "the guests are the email's");
    let range = crate::agent::tool("list_my_events").unwrap();
    let mut a = json!({"to": "2026-12-20"}).as_object().unwrap().clone();
    arguments(&range.schema, &mut a, "List the events I have between Dec 10 and Dec 20.", "", today, NY);
    assert_eq!((&a["from"], &a["to"]), (&json!("2026-12-10"), &json!("2026-12-20")));
}

#[test]
fn the_engine_calls_alone_only_when_nothing_is_left_for_the_model() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let names = Names::new(vec![("type_name", vec!["Menu tasting".into(), "Venue tour".into()])]);
    let engine = |tool: &str, heard: Heard<'_>, facts: &str| {
        engine_arguments(crate::agent::tool(tool).unwrap(), heard, facts, (today, NY), &names).map(Value::Object)
    };
    assert_eq!(
        engine("get_available_slots", "Can we come in for a tasting tommorow?".into(), ""),
        Some(json!({"type_name": "Menu tasting", "date": "2026-11-23"}))
    );
    // Free times listed: the time chosen, and the one type listed, make the booking.
    let free = "Menu tasting (type_id 2) on Saturday 28 November 2026 is free at 12:00 PM (starts_at 2026-11-28T17:00:00Z) and 1:00 PM (starts_at 2026-11-28T18:00:00Z).";
    let heard = Heard { now: "the 1pm one works, book it", before: Some("Any tasting slots on Saturday the 28th?") };
    assert_eq!(
        engine("book_appointment", heard, free),
        Some(json!({"type_id": 2, "starts_at": "2026-11-28T18:00:00Z"}))
    );
    // A look-up whose arguments are all optional: the defaults (the thread's event).
    assert_eq!(engine("get_event_details", "what's the status of everything?".into(), ""), Some(json!({})));
    // Left for the model: a change whose arguments are all optional, a name to write, a time
    // nobody chose.
    assert_eq!(engine("update_event_details", "Move the party to the Harbor Room".into(), ""), None);
    assert_eq!(engine("add_guest", "add her sister too".into(), ""), None);
    assert_eq!(engine("book_appointment", "book a tasting".into(), free), None);
}

#[test]
fn an_address_a_plus_one_a_category_and_a_headcount_come_from_the_words() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let guest = json!({"type": "object", "properties": {
        "name": {"type": "string"}, "email": {"type": ["string", "null"]}, "party_size": {"type": ["integer", "null"]}},
        "required": ["name"]});
    let run = |schema: &Value, args: Value, said: &str| {
        let mut a = args.as_object().unwrap().clone();
        arguments(schema, &mut a, said, "", today, NY);
        Value::Object(a)
    };
    assert_eq!(
        run(
            &guest,
            json!({"name": "jordan kim", "email": "jordan kim@gmail.com", "party_size": 1}),
            "pls add jordan kim +1, both vegetarian"
        ),
        json!({"name": "jordan kim", "party_size": 2}),
        "an address nobody wrote goes; a +1 is a party of two"
    );
    assert_eq!(
        run(&guest, json!({"name": "Ana Lee", "email": "ana@example.com"}), "add Ana Lee, ana@example.com, plus one"),
        json!({"name": "Ana Lee", "email": "ana@example.com", "party_size": 2})
    );
    let services = json!({"type": "object", "properties": {
        "category": {"type": ["string", "null"], "enum": ["venue", "catering", "beverage", "decor", "music", "staffing", "other", null]}}});
    assert_eq!(run(&services, json!({}), "what desserts or food could we add?"), json!({"category": "catering"}));
    assert_eq!(run(&services, json!({}), "any drinks packages?"), json!({"category": "beverage"}));
    assert_eq!(run(&services, json!({}), "what food and drinks do you have?"), json!({}), "two kinds: all of them");
    let event = json!({"type": "object", "properties": {
        "guest_count": {"type": ["integer", "null"]}, "budget_dollars": {"type": ["integer", "null"]}}});
    assert_eq!(run(&event, json!({}), "bump the headcount to 125"), json!({"guest_count": 125}));
    assert_eq!(run(&event, json!({}), "raise the budget to 50000"), json!({"budget_dollars": 50000}));
    let range = json!({"type": "object", "properties": {
        "from": {"type": ["string", "null"], "format": "date"}, "to": {"type": ["string", "null"], "format": "date"}}});
    assert_eq!(
        run(&range, json!({"from": "2026-12-01", "to": "2026-12-31"}), "What's booked for the first week of December?"),
        json!({"from": "2026-12-01", "to": "2026-12-07"})
    );
}
