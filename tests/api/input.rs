//! Bad input gets a clear message and a 4xx; what is stored stays as it was.

use super::*;

async fn guests_of(app: &TestApp, event_id: i64) -> Vec<(String, i32)> {
    sqlx::query_as("select name, party_size from guests where event_id = $1 order by id")
        .bind(event_id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn bad_guests_are_refused_field_by_field(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let event = app.event_id(EMMA_EVENT).await;
    let e = event.to_string();
    let before = guests_of(&app, event).await;
    let huge = "x".repeat(1_000_000);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("form[name]", "")], "name"),
        (vec![("form[name]", "   ")], "name"),
        (vec![("form[name]", &huge)], "name"),
        (vec![("form[name]", "Ok Name"), ("form[party_size]", "-1")], "party_size"),
        (vec![("form[name]", "Ok Name"), ("form[party_size]", "lots")], "party_size"),
        (vec![("form[name]", "Ok Name"), ("form[email]", "not-an-email")], "email"),
        (vec![("form[name]", "Ok Name"), ("form[rsvp]", "perhaps")], "rsvp"),
    ];
    for (fields, field) in cases {
        let mut form = vec![("event_id", e.as_str())];
        form.extend(fields);
        let r = app.call(Some(&sam), "add_guest", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", &r.body[..r.body.len().min(300)]);
        let j = r.json();
        let errors = j["Invalid"].as_array().expect("field errors");
        assert!(errors.iter().any(|x| x["field"] == field && !x["message"].as_str().unwrap().is_empty()), "{j}");
    }
    assert_eq!(before, guests_of(&app, event).await);
}

#[sqlx::test]
async fn malformed_requests_are_400_not_500(pool: PgPool) {
    let app = spawn(pool).await;
    // Not an email at all, or with a NUL byte: refused before any query (a NUL is a 422 on its
    // field, as in every server function: `nul_characters_are_refused_everywhere`).
    let r = app.call(None, "login", &[("email", "no-at-sign"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app.call(None, "login", &[("email", "a\u{0}@x.io"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["Invalid"][0]["field"], "email");
    // A body that is not UTF-8.
    let req = Request::post("/api/dashboard")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(vec![0xff, 0xfe, 0x00, 0x41]))
        .unwrap();
    let r = app.send(req).await;
    assert!(r.status.is_client_error(), "{}: {}", r.status, r.body);
    let sam = app.login(STAFF).await;
    for form in [vec![("event_id", "abc")], vec![("event_id", "")], vec![]] {
        let r = app.call(Some(&sam), "list_guests", &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form:?}: {}", r.body);
    }
    let r = app.call(Some(&sam), "list_guests", &[("event_id", "-5")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.call(Some(&sam), "list_guests", &[("event_id", "99999999")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn event_edits_are_validated_and_atomic(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let event = app.event_id(EMMA_EVENT).await;
    let e = event.to_string();
    let read = || async {
        sqlx::query_as::<_, (String, chrono::NaiveDate, i32, i64)>(
            "select title, event_date, guest_count, budget_cents from events where id = $1",
        )
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let before = read().await;
    let base = |date: &'static str, count: &'static str, budget: &'static str| {
        vec![
            ("form[title]", "Renamed"),
            ("form[event_date]", date),
            ("form[guest_count]", count),
            ("form[budget]", budget),
            ("form[status]", "confirmed"),
        ]
    };
    for (form, field) in [
        (base("12/05/2026", "100", "1000"), "event_date"),
        (base("2026-02-30", "100", "1000"), "event_date"),
        (base("2026-12-05", "-3", "1000"), "guest_count"),
        (base("2026-12-05", "100", "-50"), "budget"),
        (base("2026-12-05", "100", "lots"), "budget"),
    ] {
        let mut f = vec![("event_id", e.as_str())];
        f.extend(form);
        let r = app.call(Some(&sam), "update_event", &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert!(r.body.contains(field), "{}", r.body);
    }
    // A space of another venue is refused as well.
    let other_space: i64 = sqlx::query_scalar(
        "with v as (insert into venues (name) values ('Elsewhere') returning id) insert into spaces (venue_id, name, capacity) select id, 'Shed', 10 from v returning id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let s = other_space.to_string();
    let mut f = vec![("event_id", e.as_str()), ("form[space_id]", s.as_str())];
    f.extend(base("2026-12-05", "100", "1000"));
    assert_eq!(app.call(Some(&sam), "update_event", &f).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(before, read().await);

    // A valid edit lands.
    let mut f = vec![("event_id", e.as_str())];
    f.extend(base("2030-06-01", "180", "45,000.50"));
    let r = app.call(Some(&sam), "update_event", &f).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = read().await;
    assert_eq!((after.0.as_str(), after.2, after.3), ("Renamed", 180, 4_500_050));
}

#[sqlx::test]
async fn empty_and_oversized_messages_are_refused(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let event = app.event_id(EMMA_EVENT).await;
    let thread: i64 =
        sqlx::query_scalar("select id from message_threads where event_id = $1 and kind = 'client' limit 1")
            .bind(event)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let t = thread.to_string();
    let long = "y".repeat(10_001);
    for body in ["", "   ", long.as_str(), "nul\u{0}byte"] {
        let r = app.call(Some(&emma), "send_message", &[("thread_id", &t), ("body", body)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app
        .call(Some(&emma), "send_message", &[("thread_id", &t), ("body", "Can we move the tasting to Friday?")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let opened = app.call(Some(&emma), "open_thread", &[("thread_id", &t)]).await.json();
    let last = opened["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body"], "Can we move the tasting to Friday?");
    assert_eq!(last["mine"], true);
}

/// A NUL character cannot be stored (Postgres text refuses it): in any field of any server
/// function it is a 422 naming the field, before the function runs, and nothing is stored.
#[sqlx::test]
async fn nul_characters_are_refused_everywhere(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let event = app.event_id(EMMA_EVENT).await.to_string();
    let before = guests_of(&app, event.parse().unwrap()).await;
    let tokens: i64 = sqlx::query_scalar("select count(*) from embed_tokens").fetch_one(&app.pool).await.unwrap();
    // (server function, its form, the field holding the NUL)
    type Call<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let calls: Vec<Call> = vec![
        ("add_guest", vec![("event_id", &event), ("form[name]", "Ann\0Lee")], "form[name]"),
        ("create_embed_token", vec![("label", "site\0"), ("agent", "client"), ("member_email", EMMA)], "label"),
        ("cancel_appointment", vec![("id", "1"), ("reason", "\0")], "reason"),
        ("start_chat", vec![("text", "hello\0")], "text"),
        ("rename_chat", vec![("thread_id", "1"), ("title", "a\0b")], "title"),
        ("send_message", vec![("thread_id", "1"), ("body", "\0\0")], "body"),
    ];
    for (name, form, field) in calls {
        let r = app.call(Some(&olivia), name, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
        let j = r.json();
        let errors = j["Invalid"].as_array().expect("field errors");
        assert!(errors.iter().any(|x| x["field"] == field), "{name}: {j}");
    }
    let json = Request::post("/api/start_chat")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, format!("concierge_session={olivia}"))
        .body(Body::from(r#"{"text":"hi\u0000"}"#))
        .unwrap();
    assert_eq!(app.send(json).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(before, guests_of(&app, event.parse().unwrap()).await);
    let after: i64 = sqlx::query_scalar("select count(*) from embed_tokens").fetch_one(&app.pool).await.unwrap();
    assert_eq!(tokens, after);
}
