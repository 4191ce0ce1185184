//! A person reaches, through any server function or page, only what their venue and role allow.

use super::*;

/// Ids of rows that belong to `event_id`: (guest, element, thread visible to its client, task).
async fn ids_of(app: &TestApp, event_id: i64) -> (i64, i64, i64, i64) {
    let q = |sql: &'static str| {
        let pool = app.pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(event_id).fetch_one(&pool).await.unwrap() }
    };
    (
        q("select min(id) from guests where event_id = $1").await,
        q("select min(id) from elements where event_id = $1").await,
        q("select min(id) from message_threads where event_id = $1 and kind = 'client'").await,
        q("select min(id) from tasks where event_id = $1").await,
    )
}

/// Calls every server function that takes an id with `event_id`'s ids.
async fn every_call(app: &TestApp, session: &str, event_id: i64) -> Vec<(&'static str, Reply)> {
    let (guest, element, thread, task) = ids_of(app, event_id).await;
    let (e, g, el, th, t) =
        (event_id.to_string(), guest.to_string(), element.to_string(), thread.to_string(), task.to_string());
    let calls: Vec<(&'static str, Vec<(&str, &str)>)> = vec![
        ("event_overview", vec![("event_id", &e)]),
        (
            "update_event",
            vec![
                ("event_id", &e),
                ("form[title]", "Hijacked"),
                ("form[event_date]", "2030-01-01"),
                ("form[guest_count]", "1"),
                ("form[budget]", "1"),
                ("form[status]", "cancelled"),
            ],
        ),
        ("event_elements", vec![("event_id", &e)]),
        ("set_element_status", vec![("event_id", &e), ("element_id", &el), ("status", "declined")]),
        ("event_vendors", vec![("event_id", &e)]),
        ("event_contract", vec![("event_id", &e)]),
        ("list_guests", vec![("event_id", &e)]),
        ("add_guest", vec![("event_id", &e), ("form[name]", "Intruder")]),
        ("update_guest", vec![("event_id", &e), ("guest_id", &g), ("form[name]", "Renamed")]),
        ("set_rsvp", vec![("event_id", &e), ("guest_id", &g), ("rsvp", "no")]),
        ("remove_guest", vec![("event_id", &e), ("guest_id", &g)]),
        ("event_tasks", vec![("event_id", &e)]),
        ("create_task", vec![("event_id", &e), ("form[title]", "Sneaky")]),
        ("event_threads", vec![("event_id", &e)]),
        ("open_thread", vec![("thread_id", &th)]),
        ("send_message", vec![("thread_id", &th), ("body", "hello from outside")]),
        ("set_task_status", vec![("task_id", &t), ("status", "done")]),
        ("assign_task", vec![("task_id", &t), ("assignee_id", "")]),
    ];
    let mut out = Vec::new();
    for (name, form) in calls {
        out.push((name, app.call(Some(session), name, &form).await));
    }
    out
}

async fn snapshot(app: &TestApp, event_id: i64) -> String {
    sqlx::query_scalar(
        "select concat_ws('|', e.title, e.status, e.guest_count,
            (select string_agg(g.name || g.rsvp, ',' order by g.id) from guests g where g.event_id = e.id),
            (select string_agg(el.status, ',' order by el.id) from elements el where el.event_id = e.id),
            (select count(*) from messages m join message_threads t on t.id = m.thread_id where t.event_id = e.id),
            (select string_agg(t.status || coalesce(t.assignee_id::text, '-'), ',' order by t.id) from tasks t where t.event_id = e.id))
         from events e where e.id = $1",
    )
    .bind(event_id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_client_cannot_reach_another_clients_event(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let theirs = app.event_id(JAMES_EVENT).await;
    let before = snapshot(&app, theirs).await;
    for (name, r) in every_call(&app, &emma, theirs).await {
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{name} answered {}: {}",
            r.status,
            r.body
        );
        assert!(!r.body.contains("Wu"), "{name} leaked data: {}", r.body);
    }
    assert_eq!(before, snapshot(&app, theirs).await, "nothing changed");
    for path in [format!("/events/{theirs}"), format!("/my/events/{theirs}")] {
        let r = app.page(Some(&emma), &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("Wu Family"), "{path} leaked the event");
    }
}

#[sqlx::test]
async fn a_vendor_sees_only_events_it_is_assigned_to(pool: PgPool) {
    let app = spawn(pool).await;
    let bloom = app.login(BLOOM).await;
    let unassigned = app.event_id(JAMES_EVENT).await;
    let before = snapshot(&app, unassigned).await;
    for (name, r) in every_call(&app, &bloom, unassigned).await {
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{name} answered {}: {}",
            r.status,
            r.body
        );
    }
    assert_eq!(before, snapshot(&app, unassigned).await);
    assert_eq!(app.page(Some(&bloom), &format!("/my/events/{unassigned}")).await.status, StatusCode::NOT_FOUND);

    // On an assigned event the vendor reads, but cannot run the event or read the client's thread.
    let assigned = app.event_id(EMMA_EVENT).await;
    let e = assigned.to_string();
    assert_eq!(app.call(Some(&bloom), "event_overview", &[("event_id", &e)]).await.status, StatusCode::OK);
    let vendors = app.call(Some(&bloom), "event_vendors", &[("event_id", &e)]).await.json();
    assert_eq!(vendors.as_array().unwrap().len(), 1, "only its own assignment: {vendors}");
    let threads = app.call(Some(&bloom), "event_threads", &[("event_id", &e)]).await.json();
    assert!(threads.as_array().unwrap().iter().all(|t| t["kind"] == "vendor"), "{threads}");
    // Guests, elements (prices) and the contract are the client's plan, not the vendor's.
    let overview = app.call(Some(&bloom), "event_overview", &[("event_id", &e)]).await.json();
    assert_eq!(overview["event"]["budget_cents"], 0, "{overview}");
    assert_eq!(overview["event"]["client_email"], "", "{overview}");
    for (name, form) in [
        ("event_contract", vec![("event_id", e.as_str())]),
        ("list_guests", vec![("event_id", e.as_str())]),
        ("event_elements", vec![("event_id", e.as_str())]),
        ("event_tasks", vec![("event_id", e.as_str())]),
        ("add_guest", vec![("event_id", e.as_str()), ("form[name]", "Plus one")]),
    ] {
        let r = app.call(Some(&bloom), name, &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.body);
    }
    // Its dashboard lists exactly its assignments.
    let d = app.call(Some(&bloom), "dashboard", &[]).await.json();
    let mut seen: Vec<i64> = d["upcoming"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let mut expected: Vec<i64> = sqlx::query_scalar(
        "select ev.event_id from event_vendors ev join vendors v on v.id = ev.vendor_id join events e on e.id = ev.event_id
          where v.email = $1 and e.event_date >= current_date",
    )
    .bind(BLOOM)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);
}

#[sqlx::test]
async fn a_client_edits_guests_of_their_own_event_only(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let mine = app.event_id(EMMA_EVENT).await;
    let e = mine.to_string();
    let r = app
        .call(
            Some(&emma),
            "add_guest",
            &[("event_id", &e), ("form[name]", "Aunt Ruth"), ("form[party_size]", "2"), ("form[rsvp]", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["name"], "Aunt Ruth");
    // A guest id from another event does not work through her event's id.
    let (other_guest, ..) = ids_of(&app, app.event_id(JAMES_EVENT).await).await;
    let r = app.call(Some(&emma), "remove_guest", &[("event_id", &e), ("guest_id", &other_guest.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Running the event stays with the staff.
    for (name, form) in [
        (
            "update_event",
            vec![
                ("event_id", e.as_str()),
                ("form[title]", "Mine now"),
                ("form[event_date]", "2030-01-01"),
                ("form[guest_count]", "1"),
                ("form[budget]", "1"),
                ("form[status]", "confirmed"),
            ],
        ),
        ("event_tasks", vec![("event_id", e.as_str())]),
    ] {
        assert_eq!(app.call(Some(&emma), name, &form).await.status, StatusCode::FORBIDDEN, "{name}");
    }
    // Her own event at the staff URL sends her to her view.
    let r = app.page(Some(&emma), &format!("/events/{mine}")).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), &format!("/my/events/{mine}"));
    let r = app.page(Some(&emma), &format!("/my/events/{mine}?tab=guests")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Aunt Ruth"));
}

#[sqlx::test]
async fn staff_of_another_venue_see_nothing_here(pool: PgPool) {
    let app = spawn(pool).await;
    let rex = app.rival_venue().await;
    let theirs = app.event_id(EMMA_EVENT).await;
    let before = snapshot(&app, theirs).await;
    for (name, r) in every_call(&app, &rex, theirs).await {
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{name} answered {}: {}",
            r.status,
            r.body
        );
    }
    assert_eq!(before, snapshot(&app, theirs).await);
    assert_eq!(app.call(Some(&rex), "team", &[]).await.json()["members"].as_array().unwrap().len(), 1);
}

#[sqlx::test]
async fn logged_out_callers_get_401(pool: PgPool) {
    let app = spawn(pool).await;
    let e = app.event_id(EMMA_EVENT).await.to_string();
    for name in ["dashboard", "team", "event_overview", "list_guests"] {
        let r = app.call(None, name, &[("event_id", &e)]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{name}");
    }
}

#[sqlx::test]
async fn staff_see_every_event_of_their_venue(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let d = app.call(Some(&sam), "dashboard", &[]).await.json();
    let upcoming = d["upcoming"].as_array().unwrap();
    let expected: i64 =
        sqlx::query_scalar("select count(*) from events where event_date between current_date and current_date + 14")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(upcoming.len() as i64, expected);
    assert!(expected >= 4);
    for (name, r) in every_call(&app, &sam, app.event_id(JAMES_EVENT).await).await {
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    }
}

#[sqlx::test]
async fn the_database_refuses_links_across_venues(pool: PgPool) {
    let app = spawn(pool).await;
    let other_venue: i64 = sqlx::query_scalar("insert into venues (name) values ('Elsewhere') returning id")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let their_client: i64 =
        sqlx::query_scalar("insert into clients (venue_id, name) values ($1, 'Stranger') returning id")
            .bind(other_venue)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let our_event = app.event_id(EMMA_EVENT).await;
    let attempts = [
        ("update events set client_id = $1 where id = $2", their_client, our_event),
        ("insert into tasks (venue_id, event_id, title) values ($1, $2, 'Cross-venue task')", other_venue, our_event),
        (
            "insert into message_threads (venue_id, event_id, kind, subject) values ($1, $2, 'internal', 'Leak')",
            other_venue,
            our_event,
        ),
    ];
    for (sql, a, b) in attempts {
        let err = sqlx::query(sql).bind(a).bind(b).execute(&app.pool).await.expect_err(sql);
        let code = err.as_database_error().and_then(|e| e.code()).map(|c| c.to_string());
        assert_eq!(code.as_deref(), Some("23503"), "{sql}: {err}");
    }
}
