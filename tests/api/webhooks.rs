//! Webhooks against a local receiver that checks every signature as a venue's own server would
//! (HMAC-SHA256 computed here, independently of the crate's signing code): events reach it,
//! a refused delivery is retried on the job queue after its back-off, every attempt is logged,
//! a delivery can be replayed, and only the venue's owners reach any of it.

use super::*;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// What the receiver saw of one POST.
#[derive(Clone, Debug)]
struct Received {
    event: String,
    delivery: String,
    body: Value,
    /// The signature checked out, and the timestamp was recent.
    verified: bool,
}

#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<Received>>>,
    /// Answers 503 to this many requests first.
    refuse: Arc<Mutex<usize>>,
    secret: Arc<Mutex<String>>,
}

impl Inbox {
    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Checks `Concierge-Signature` the way the README tells a receiver to.
fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let (Some(ts), Some(sig)) = (
        headers.get("concierge-timestamp").and_then(|v| v.to_str().ok()),
        headers.get("concierge-signature").and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    let Ok(ts_n) = ts.parse::<i64>() else { return false };
    if (Utc::now().timestamp() - ts_n).abs() > 300 {
        return false;
    }
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    sig == format!("v1={expected}")
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: axum::body::Bytes) -> StatusCode {
    let secret = inbox.secret.lock().unwrap().clone();
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    inbox.got.lock().unwrap().push(Received {
        event: header("concierge-event"),
        delivery: header("concierge-delivery"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        verified: verify(&secret, &headers, &body),
    });
    let mut refuse = inbox.refuse.lock().unwrap();
    if *refuse > 0 {
        *refuse -= 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    StatusCode::NO_CONTENT
}

/// A receiver on a free local port; its URL.
async fn receiver(inbox: Inbox) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/concierge", listener.local_addr().unwrap());
    let router = axum::Router::new().route("/hooks/concierge", axum::routing::post(receive)).with_state(inbox);
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

async fn create(app: &TestApp, session: &str, url: &str, events: &[&str]) -> Reply {
    let mut form = vec![("input[url]".to_string(), url.to_string())];
    for (i, e) in events.iter().enumerate() {
        form.push((format!("input[events][{i}]"), e.to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(Some(session), "create_webhook", &pairs).await
}

async fn settings(app: &TestApp, session: &str) -> Value {
    let r = app.call(Some(session), "webhooks", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn drain(app: &TestApp, at: chrono::DateTime<Utc>) -> usize {
    concierge::jobs::run_due(&app.pool, &app.jobs, at).await.expect("jobs run")
}

#[sqlx::test]
async fn events_are_signed_retried_logged_and_replayed(pool: PgPool) {
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let inbox = Inbox::default();
    let url = receiver(inbox.clone()).await;
    let owner = app.login(OWNER).await;

    let r = create(&app, &owner, &url, &["appointment_booked", "appointment_cancelled", "inquiry_created"]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r.json().as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    *inbox.secret.lock().unwrap() = secret.clone();
    let s = settings(&app, &owner).await;
    assert_eq!(s["endpoints"][0]["url"], url);
    assert!(!s.to_string().contains(&secret), "the secret is shown once, not in the list");

    // A client books a tasting through the app: the booking's transaction queued a delivery.
    let emma = app.login(EMMA).await;
    let tasting = super::scheduling::type_id(&app.pool, "Menu tasting").await.to_string();
    let day = super::scheduling::wednesday().to_string();
    let av = app.call(Some(&emma), "available_slots", &[("type_id", &tasting), ("from", &day), ("to", &day)]).await;
    let start = av.json()["slots"][0]["start"].as_str().unwrap().to_string();
    let booked = app
        .call(
            Some(&emma),
            "book_appointment",
            &[("type_id", &tasting), ("starts_at", &start), ("idempotency_key", "hook-first"), ("notes", "")],
        )
        .await;
    assert_eq!(booked.status, StatusCode::OK, "{}", booked.body);
    let appointment_id = booked.json()["id"].as_i64().unwrap();

    // The receiver is down for the first attempt: the delivery waits for its back-off.
    *inbox.refuse.lock().unwrap() = 1;
    assert_eq!(drain(&app, Utc::now()).await, 1);
    let s = settings(&app, &owner).await;
    let d = &s["deliveries"][0];
    assert_eq!(
        (d["event"].as_str(), d["status"].as_str(), d["last_code"].as_i64()),
        (Some("appointment.booked"), Some("retrying"), Some(503))
    );
    assert_eq!(drain(&app, Utc::now()).await, 0, "not again before its back-off");
    assert_eq!(drain(&app, Utc::now() + Duration::minutes(2)).await, 1);
    let got = inbox.got();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|g| g.verified), "every attempt is signed: {got:?}");
    assert_eq!(got[0].delivery, got[1].delivery, "a retry is the same event");
    let body = &got[1].body;
    assert_eq!(body["type"], "appointment.booked");
    assert_eq!(body["id"].as_str(), Some(got[1].delivery.as_str()));
    assert_eq!(body["data"]["appointment"]["id"], appointment_id);
    assert_eq!(body["data"]["appointment"]["type"], "Menu tasting");
    assert_eq!(body["data"]["appointment"]["client"], "Emma Clark");
    let s = settings(&app, &owner).await;
    let d = &s["deliveries"][0];
    assert_eq!((d["status"].as_str(), d["attempts"].as_i64()), (Some("delivered"), Some(2)));
    assert_eq!(d["log"].as_array().unwrap().len(), 2, "both attempts are in the log");

    // Replayed: the same body, signed again.
    let delivery_id = d["id"].to_string();
    let r = app.call(Some(&owner), "replay_webhook_delivery", &[("id", &delivery_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(drain(&app, Utc::now()).await, 1);
    let got = inbox.got();
    assert_eq!(got.len(), 3);
    assert!(got[2].verified);
    assert_eq!(got[2].body, got[1].body, "a replay sends the same body");

    // Events nobody listens for send nothing; the cancellation does, with its reason.
    let r = app
        .call(Some(&emma), "cancel_appointment", &[("id", &appointment_id.to_string()), ("reason", "we moved")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(drain(&app, Utc::now()).await, 1);
    let last = inbox.got().pop().unwrap();
    assert_eq!((last.event.as_str(), last.verified), ("appointment.cancelled", true));
    assert_eq!(last.body["data"]["reason"], "we moved");

    // A test event, and a rolled secret signs from then on.
    let hook = s["endpoints"][0]["id"].to_string();
    let r = app.call(Some(&owner), "roll_webhook_secret", &[("id", &hook)]).await;
    let rolled = r.json().as_str().unwrap().to_string();
    assert_ne!(rolled, secret);
    let r = app.call(Some(&owner), "ping_webhook", &[("id", &hook)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    drain(&app, Utc::now()).await;
    let ping = inbox.got().pop().unwrap();
    assert_eq!(ping.event, "ping");
    assert!(!ping.verified, "the old secret no longer verifies");
    *inbox.secret.lock().unwrap() = rolled;
    app.call(Some(&owner), "ping_webhook", &[("id", &hook)]).await;
    drain(&app, Utc::now()).await;
    assert!(inbox.got().pop().unwrap().verified);

    // Paused, it is sent nothing new.
    let before = inbox.got().len();
    app.call(Some(&owner), "set_webhook_active", &[("id", &hook), ("active", "false")]).await;
    let r = app
        .call(
            Some(&emma),
            "book_appointment",
            &[("type_id", &tasting), ("starts_at", &start), ("idempotency_key", "hook-second"), ("notes", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    drain(&app, Utc::now()).await;
    assert_eq!(inbox.got().len(), before);
}

#[sqlx::test]
async fn only_owners_reach_webhooks_and_private_addresses_are_refused(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    // The outbound guard: the server does not call its own network for anyone.
    for url in ["http://127.0.0.1:9/hook", "http://localhost/hook", "http://169.254.169.254/latest"] {
        let r = create(&app, &owner, url, &["inquiry_created"]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {}", r.body);
        assert!(r.body.contains("private or local network"), "{}", r.body);
    }
    let r = create(&app, &owner, "ftp://example.com/x", &["inquiry_created"]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = create(&app, &owner, "http://8.8.8.8/hook", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no event chosen: {}", r.body);
    let r = create(&app, &owner, "http://8.8.8.8/hook", &["inquiry_created", "no_such_event"]).await;
    assert!(r.status.is_client_error(), "{}", r.body);

    let r = create(&app, &owner, "http://8.8.8.8/hook", &["inquiry_created"]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = settings(&app, &owner).await;
    let hook = s["endpoints"][0]["id"].to_string();
    // A delivery to test the log's scoping with (8.8.8.8 is never called: the job is not run).
    let r = app.call(Some(&owner), "ping_webhook", &[("id", &hook)]).await;
    let delivery = r.json().to_string();

    // Staff, clients and vendors are refused; another venue's owner finds nothing.
    for who in [STAFF, EMMA, BLOOM] {
        let s = app.login(who).await;
        assert_eq!(app.call(Some(&s), "webhooks", &[]).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(create(&app, &s, "http://8.8.8.8/x", &["inquiry_created"]).await.status, StatusCode::FORBIDDEN);
        let r = app.call(Some(&s), "replay_webhook_delivery", &[("id", &delivery)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let rival = app.rival_venue().await;
    let theirs = settings(&app, &rival).await;
    assert_eq!(theirs["endpoints"], json!([]));
    assert_eq!(theirs["deliveries"], json!([]));
    for (f, id) in [
        ("replay_webhook_delivery", &delivery),
        ("ping_webhook", &hook),
        ("delete_webhook", &hook),
        ("roll_webhook_secret", &hook),
    ] {
        let r = app.call(Some(&rival), f, &[("id", id)]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{f}: {}", r.body);
    }
    let r = app.call(Some(&rival), "set_webhook_active", &[("id", &hook), ("active", "false")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The owner removes it, with its log.
    let r = app.call(Some(&owner), "delete_webhook", &[("id", &hook)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(settings(&app, &owner).await["deliveries"], json!([]));
    // The queued job finds its delivery gone and ends without calling anyone.
    assert_eq!(drain(&app, Utc::now()).await, 1);
}

#[sqlx::test]
async fn approvals_inquiries_and_documents_are_reported(pool: PgPool) {
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let inbox = Inbox::default();
    let url = receiver(inbox.clone()).await;
    let owner = app.login(OWNER).await;
    let events = ["approval_requested", "approval_decided", "inquiry_created", "document_indexed"];
    let secret = create(&app, &owner, &url, &events).await.json().as_str().unwrap().to_string();
    *inbox.secret.lock().unwrap() = secret;

    // An inquiry taken by staff.
    let staff = app.login(STAFF).await;
    super::automations::create_inquiry(&app, &staff, "Nora Blake").await;
    // A document the owner adds, once indexed.
    let r = super::knowledge::upload(
        &app,
        &owner,
        "parking.md",
        "audience=staff",
        b"# Parking\n\nGuests park in the harbour garage; the venue validates tickets.".to_vec(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // An action the client's agent proposes, which she then approves.
    let emma = app.login(EMMA).await;
    let event = app.event_id(EMMA_EVENT).await;
    let ask = r#"Add Ada [[call add_guest {"name": "Ada Lovelace", "party_size": 2}]]"#;
    let (_, items) = super::agents::ask(&app, &emma, "client", Some(event), ask).await;
    let call = super::agents::tools(&items)[0].clone();
    let approval = call["data"]["approval"]["id"].as_i64().expect("an approval");
    let id = approval.to_string();
    let r = app.call(Some(&emma), "decide_approval", &[("approval_id", &id), ("approve", "true"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    while drain(&app, Utc::now()).await > 0 {}
    let got = inbox.got();
    let kinds: Vec<&str> = got.iter().map(|g| g.event.as_str()).collect();
    assert!(kinds.contains(&"inquiry.created"), "{kinds:?}");
    assert!(kinds.contains(&"document.indexed"), "{kinds:?}");
    assert!(got.iter().all(|g| g.verified));
    let inquiry = got.iter().find(|g| g.event == "inquiry.created").unwrap();
    assert_eq!(inquiry.body["data"]["inquiry"]["client"]["name"], "Nora Blake");
    assert_eq!(inquiry.body["data"]["inquiry"]["guest_count"], 60);
    let indexed = got.iter().find(|g| g.event == "document.indexed").unwrap();
    assert_eq!(indexed.body["data"]["document"]["filename"], "parking.md");
    assert!(indexed.body["data"]["document"]["passages"].as_i64().unwrap() >= 1);
    let asked = got.iter().find(|g| g.event == "approval.requested").expect("approval.requested");
    assert_eq!(asked.body["data"]["approval"]["id"], approval);
    assert_eq!(asked.body["data"]["approval"]["status"], "pending");
    assert_eq!(asked.body["data"]["approval"]["tool"], "add_guest");
    assert_eq!(asked.body["data"]["approval"]["requested_by"], "Emma Clark");
    let decided = got.iter().find(|g| g.event == "approval.decided").expect("approval.decided");
    assert_eq!(decided.body["data"]["approval"]["status"], "approved");
    assert_eq!(decided.body["data"]["approval"]["decided_by"], "Emma Clark");
}
