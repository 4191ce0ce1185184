//! Calendar files and feeds (read back with an independent iCalendar parser), reminders on the
//! job queue, the staff calendar and the owner's scheduling settings.

use super::scheduling::{type_id, wednesday};
use super::*;
use chrono::{DateTime, Duration, Utc};
use concierge::scheduling::booking::{self as sched, Booking};
use concierge::scheduling::reminders;
use concierge::store::{jobs, StoreError};
use icalendar::{Calendar, CalendarComponent, Component};

/// The events of an `.ics` body as (UID, SEQUENCE, STATUS, DTSTART) read by the `icalendar`
/// crate's parser.
fn parse(body: &str) -> Vec<(String, u32, String, String)> {
    let cal: Calendar = body.parse().unwrap_or_else(|e| panic!("not iCalendar ({e}):\n{body}"));
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((
                e.get_uid().expect("UID").to_string(),
                e.get_sequence().expect("SEQUENCE"),
                e.property_value("STATUS").expect("STATUS").to_string(),
                e.property_value("DTSTART").expect("DTSTART").to_string(),
            )),
            _ => None,
        })
        .collect()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

async fn get(app: &TestApp, session: Option<&str>, path: &str) -> Reply {
    let mut req = Request::get(path);
    if let Some(s) = session {
        req = req.header(header::COOKIE, format!("concierge_session={s}"));
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

#[sqlx::test]
async fn feeds_follow_reschedules_and_cancellations_and_can_be_revoked(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = actor(&app.pool, EMMA).await;
    let tasting = type_id(&app.pool, "Menu tasting").await;
    let day = wednesday();
    let slots = sched::availability(&app.pool, &emma, tasting, day, day, Utc::now()).await.unwrap();
    let b = Booking {
        type_id: tasting,
        starts_at: slots[0].start,
        client_id: None,
        idempotency_key: None,
        notes: "Two of us; one vegetarian, no nuts",
    };
    let a = sched::book(&app.pool, &app.pool, &emma, &b, Utc::now()).await.unwrap();

    let emma_s = app.login(EMMA).await;
    let r = app.call(Some(&emma_s), "create_calendar_feed", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url: String = serde_json::from_str(&r.body).unwrap();
    assert!(url.starts_with("/calendar/feed/") && url.ends_with(".ics"), "{url}");

    let feed = get(&app, None, &url).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert!(feed.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/calendar"));
    assert!(feed.body.split("\r\n").all(|l| l.len() <= 75), "lines are folded at 75 octets");
    let events = parse(&feed.body);
    assert_eq!(events.len(), 1, "{}", feed.body);
    let (uid, seq, status, start) = events[0].clone();
    assert_eq!((seq, status.as_str(), start), (0, "CONFIRMED", stamp(slots[0].start)));

    // Rescheduled: same UID, SEQUENCE 1, the new start.
    sched::reschedule(&app.pool, &app.pool, &emma, a.id, slots[6].start, "", Utc::now()).await.unwrap();
    let events = parse(&get(&app, None, &url).await.body);
    assert_eq!(events[0], (uid.clone(), 1, "CONFIRMED".into(), stamp(slots[6].start)));

    // The single download says the same.
    let one = get(&app, Some(&emma_s), &format!("/appointments/{}.ics", a.id)).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(parse(&one.body)[0], events[0]);
    // Someone else's appointment is not found; without a session it asks to log in.
    let james_s = app.login(JAMES).await;
    assert_eq!(get(&app, Some(&james_s), &format!("/appointments/{}.ics", a.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, None, &format!("/appointments/{}.ics", a.id)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, Some(&emma_s), "/appointments/nope.ics").await.status, StatusCode::NOT_FOUND);
    // James's own feed does not show Emma's appointment.
    let james_url: String = app.call(Some(&james_s), "create_calendar_feed", &[]).await.json().as_str().unwrap().into();
    assert!(parse(&get(&app, None, &james_url).await.body).is_empty());

    // Cancelled: still there, as STATUS:CANCELLED with SEQUENCE 2.
    sched::cancel(&app.pool, &app.pool, &emma, a.id, "", Utc::now()).await.unwrap();
    let events = parse(&get(&app, None, &url).await.body);
    assert_eq!((events[0].1, events[0].2.as_str()), (2, "CANCELLED"));

    // Staff: a resource's feed has it too; clients cannot make resource feeds.
    let priya: i64 = sqlx::query_scalar("select id from resources where name = 'Priya Natarajan'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let sam_s = app.login(STAFF).await;
    let r = app.call(Some(&sam_s), "create_calendar_feed", &[("resource_id", &priya.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let priya_url: String = r.json().as_str().unwrap().into();
    let staff_view = get(&app, None, &priya_url).await;
    assert_eq!(parse(&staff_view.body)[0].0, uid);
    assert!(staff_view.body.contains("Menu tasting · Emma Clark"), "{}", staff_view.body);
    let r = app.call(Some(&emma_s), "create_calendar_feed", &[("resource_id", &priya.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A new link replaces the old one; revoking stops it at once.
    let newer: String = app.call(Some(&emma_s), "create_calendar_feed", &[]).await.json().as_str().unwrap().into();
    assert_eq!(get(&app, None, &url).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, None, &newer).await.status, StatusCode::OK);
    let r = app.call(Some(&emma_s), "revoke_calendar_feed", &[]).await;
    assert_eq!(r.json(), serde_json::json!(true));
    assert_eq!(get(&app, None, &newer).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, None, "/calendar/feed/not-a-token.ics").await.status, StatusCode::NOT_FOUND);
    let listed = app.call(Some(&emma_s), "calendar_feeds", &[]).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "a client manages only their own feed");
    assert!(listed[0]["created_at"].is_null(), "{listed}");
}

async fn notes_for(pool: &PgPool, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select n.body from notifications n join users u on u.id = n.user_id where u.email = $1 order by n.id",
    )
    .bind(email)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn many_reminders_run_by_four_workers_at_once_are_each_sent_once(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = actor(&app.pool, EMMA).await;
    let tasting = type_id(&app.pool, "Menu tasting").await;
    let from = wednesday();
    let slots =
        sched::availability(&app.pool, &emma, tasting, from, from + Duration::days(21), Utc::now()).await.unwrap();
    // Book what the calendar takes (a tasting blocks its neighbours: those are refused).
    let mut booked = 0;
    for slot in &slots {
        let b = Booking { type_id: tasting, starts_at: slot.start, client_id: None, idempotency_key: None, notes: "" };
        if sched::book(&app.pool, &app.pool, &emma, &b, Utc::now()).await.is_ok() {
            booked += 1;
        }
    }
    assert!(booked >= 20, "enough reminders to race for: {booked}");
    assert_eq!(jobs::pending(&app.pool, reminders::KIND).await.unwrap(), booked);
    sqlx::query("delete from notifications").execute(&app.pool).await.unwrap();
    // All due now (each is due a day before its tasting, days apart), every tasting still ahead.
    sqlx::query("update jobs set run_at = now() - interval '1 minute' where kind = $1")
        .bind(reminders::KIND)
        .execute(&app.pool)
        .await
        .unwrap();
    // Four workers (as four instances would run them), each running what is due until nothing is.
    let due = Utc::now();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (pool, runner) = (app.pool.clone(), app.jobs.clone());
            tokio::spawn(async move {
                let mut ran = 0;
                loop {
                    match concierge::jobs::run_due(&pool, &runner, due).await.unwrap() {
                        0 => return ran,
                        n => ran += n,
                    }
                }
            })
        })
        .collect();
    let mut ran = Vec::new();
    for w in workers {
        ran.push(w.await.unwrap());
    }
    assert_eq!(ran.iter().sum::<usize>(), booked as usize, "each job ran once: {ran:?}");
    assert_eq!(notes_for(&app.pool, EMMA).await.len(), booked as usize, "each reminder sent once");
    assert_eq!(jobs::pending(&app.pool, reminders::KIND).await.unwrap(), 0);
}

#[sqlx::test]
async fn reminders_are_sent_once_at_their_time_and_survive_a_crashed_worker(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = actor(&app.pool, EMMA).await;
    let tasting = type_id(&app.pool, "Menu tasting").await;
    let day = wednesday();
    let slots = sched::availability(&app.pool, &emma, tasting, day, day + Duration::days(1), Utc::now()).await.unwrap();
    assert_eq!(slots.len(), 54);
    let book = |i: usize| {
        let (pool, emma) = (app.pool.clone(), emma.clone());
        let start = slots[i].start;
        async move {
            let b = Booking { type_id: tasting, starts_at: start, client_id: None, idempotency_key: None, notes: "" };
            sched::book(&pool, &pool, &emma, &b, Utc::now()).await.unwrap()
        }
    };
    // Tastings block 30 min either side: 0, 10 and 20 are Wednesday 10:00, 12:30 and 15:00; 27
    // and 37 Thursday 10:00 and 12:30.
    let a = book(0).await;
    assert_eq!(jobs::pending(&app.pool, reminders::KIND).await.unwrap(), 1);
    // Not yet due (a day before, by default).
    assert_eq!(concierge::jobs::run_due(&app.pool, &app.jobs, Utc::now()).await.unwrap(), 0);
    let due = a.starts_at - Duration::hours(23);
    assert_eq!(concierge::jobs::run_due(&app.pool, &app.jobs, due).await.unwrap(), 1);
    let notes = notes_for(&app.pool, EMMA).await;
    assert_eq!(notes.len(), 1);
    assert!(notes[0].starts_with("Reminder: your Menu tasting is on "), "{notes:?}");
    assert!(notes[0].ends_with("(America/New_York)."), "{notes:?}");
    // Running again sends nothing more.
    assert_eq!(concierge::jobs::run_due(&app.pool, &app.jobs, due + Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(notes_for(&app.pool, EMMA).await.len(), 1);

    // A worker claims the next job and dies before finishing: the lease keeps others off it
    // until it runs out, then the job is run once.
    sqlx::query("delete from notifications").execute(&app.pool).await.unwrap();
    let b = book(10).await;
    let due = b.starts_at - Duration::hours(23);
    let claimed = jobs::claim(&app.pool, due, Duration::minutes(5)).await.unwrap().expect("due job");
    drop(claimed);
    assert_eq!(
        concierge::jobs::run_due(&app.pool, &app.jobs, due + Duration::minutes(1)).await.unwrap(),
        0,
        "the lease holds"
    );
    assert_eq!(concierge::jobs::run_due(&app.pool, &app.jobs, due + Duration::minutes(11)).await.unwrap(), 1);
    assert_eq!(notes_for(&app.pool, EMMA).await.len(), 1);

    // Two workers at once: one reminder.
    sqlx::query("delete from notifications").execute(&app.pool).await.unwrap();
    let c = book(20).await;
    let due = c.starts_at - Duration::hours(23);
    let (p1, p2) = (app.pool.clone(), app.pool.clone());
    let (r1, r2) =
        tokio::join!(concierge::jobs::run_due(&p1, &app.jobs, due), concierge::jobs::run_due(&p2, &app.jobs, due));
    assert_eq!(r1.unwrap() + r2.unwrap(), 1);
    assert_eq!(notes_for(&app.pool, EMMA).await.len(), 1);

    // Even a job run twice (a lease that ran out under a slow worker) cannot send twice.
    let job = jobs::Job {
        id: 0,
        kind: reminders::KIND.into(),
        payload: sqlx::types::Json(serde_json::json!({"appointment_id": c.id, "sequence": c.sequence})),
        attempts: 1,
        max_attempts: 5,
    };
    assert_eq!(reminders::run(&app.pool, &job, due).await.unwrap(), reminders::Delivery::Obsolete);
    assert_eq!(notes_for(&app.pool, EMMA).await.len(), 1);
    let sent: i64 =
        sqlx::query_scalar("select count(*) from appointment_reminders").fetch_one(&app.pool).await.unwrap();
    assert_eq!(sent, 3);

    // Rescheduled: the old time's reminder is dropped, the new time's is sent. Cancelled: none.
    sqlx::query("delete from notifications").execute(&app.pool).await.unwrap();
    let d = book(27).await;
    let e = book(37).await;
    let moved =
        sched::reschedule(&app.pool, &app.pool, &emma, d.id, d.starts_at + Duration::days(1), "", Utc::now()).await;
    let moved = moved.unwrap_or_else(|err| panic!("{err}"));
    sched::cancel(&app.pool, &app.pool, &emma, e.id, "", Utc::now()).await.unwrap();
    let ran = concierge::jobs::run_due(&app.pool, &app.jobs, moved.starts_at - Duration::hours(23)).await.unwrap();
    assert_eq!(ran, 3, "the old and the new time of one, and the cancelled one's: all finished");
    let notes = notes_for(&app.pool, EMMA).await;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(jobs::pending(&app.pool, reminders::KIND).await.unwrap(), 0);

    // The client sees it under the bell, and opening it marks it read.
    let s = app.login(EMMA).await;
    let n = app.call(Some(&s), "notifications", &[]).await.json();
    assert_eq!(n["unread"], 1);
    assert_eq!(n["items"][0]["link"], "/book");
    app.call(Some(&s), "mark_notifications_read", &[]).await;
    assert_eq!(app.call(Some(&s), "notifications", &[]).await.json()["unread"], 0);
    let james = app.login(JAMES).await;
    assert_eq!(app.call(Some(&james), "notifications", &[]).await.json()["items"], serde_json::json!([]));
}

#[sqlx::test]
async fn the_staff_calendar_shows_appointments_and_events_to_staff_only(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = actor(&app.pool, EMMA).await;
    let tasting = type_id(&app.pool, "Menu tasting").await;
    let day = wednesday();
    let slot = sched::availability(&app.pool, &emma, tasting, day, day, Utc::now()).await.unwrap()[0];
    let b = Booking { type_id: tasting, starts_at: slot.start, client_id: None, idempotency_key: None, notes: "" };
    let a = sched::book(&app.pool, &app.pool, &emma, &b, Utc::now()).await.unwrap();
    let from = (slot.start - Duration::days(3)).to_rfc3339();
    let to = (slot.start + Duration::days(4)).to_rfc3339();

    let sam = app.login(STAFF).await;
    let r = app.call(Some(&sam), "calendar_week", &[("from", &from), ("to", &to)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let week = r.json();
    let ids: Vec<i64> = week["appointments"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [a.id]);
    assert_eq!(week["appointments"][0]["client_name"], "Emma Clark");
    assert_eq!(week["resources"].as_array().unwrap().len(), 4);
    // Filtered to the garden terrace: not this one.
    let terrace =
        week["resources"].as_array().unwrap().iter().find(|r| r["name"] == "Garden Terrace").unwrap()["id"].to_string();
    let r = app.call(Some(&sam), "calendar_week", &[("from", &from), ("to", &to), ("resource_id", &terrace)]).await;
    assert_eq!(r.json()["appointments"], serde_json::json!([]));
    // Events are on it too (the demo venue's, in a month-long window).
    let r = app
        .call(
            Some(&sam),
            "calendar_week",
            &[("from", &Utc::now().to_rfc3339()), ("to", &(Utc::now() + Duration::days(40)).to_rfc3339())],
        )
        .await;
    assert!(!r.json()["events"].as_array().unwrap().is_empty(), "{}", r.body);
    // Too long a window, and clients, are refused.
    let r = app
        .call(Some(&sam), "calendar_week", &[("from", &from), ("to", &(slot.start + Duration::days(90)).to_rfc3339())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let emma_s = app.login(EMMA).await;
    let r = app.call(Some(&emma_s), "calendar_week", &[("from", &from), ("to", &to)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.page(Some(&emma_s), "/calendar").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.page(Some(&sam), "/calendar").await.status, StatusCode::OK);
    let r =
        app.call(Some(&emma_s), "set_appointment_status", &[("id", &a.id.to_string()), ("status", "completed")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.call(Some(&emma_s), "booking_clients", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Staff mark how it went; the history keeps it.
    let r = app.call(Some(&sam), "set_appointment_status", &[("id", &a.id.to_string()), ("status", "no_show")]).await;
    assert_eq!(r.json()["status"], "no_show", "{}", r.body);
    let r = app.call(Some(&sam), "set_appointment_status", &[("id", &a.id.to_string()), ("status", "lost")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Staff book for a client.
    let clients = app.call(Some(&sam), "booking_clients", &[]).await.json();
    let james = clients.as_array().unwrap().iter().find(|c| c["name"] == "James Wu").unwrap()["id"].to_string();
    let tour = type_id(&app.pool, "Venue tour").await.to_string();
    let sam_actor = actor(&app.pool, STAFF).await;
    let free = sched::availability(&app.pool, &sam_actor, tour.parse().unwrap(), day, day, Utc::now()).await.unwrap();
    let r = app
        .call(
            Some(&sam),
            "book_appointment",
            &[
                ("type_id", &tour),
                ("starts_at", &free[3].start.to_rfc3339()),
                ("client_id", &james),
                ("idempotency_key", "staff-for-james-1"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["client_name"], "James Wu");
}

#[sqlx::test]
async fn owners_edit_types_resources_hours_and_overrides(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let settings = app.call(Some(&olivia), "scheduling_settings", &[]).await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.body);
    let s = settings.json();
    assert_eq!(s["timezone"], "America/New_York");
    let kitchen = s["resources"].as_array().unwrap().iter().find(|r| r["name"] == "Tasting kitchen").unwrap().clone();

    // A new person who works Mondays only.
    let resource = serde_json::json!({"r": {"id": 0, "kind": "staff", "name": "Noor Haddad", "user_id": null, "active": true,
        "hours": [{"weekday": 1, "start_time": "09:00:00", "end_time": "13:00:00"}], "overrides": []}});
    let r = app.call_json(Some(&olivia), "save_resource", &resource).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let noor: i64 = r.json().as_i64().unwrap();
    // The same name again is a field error.
    let r = app.call_json(Some(&olivia), "save_resource", &resource).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("already used"), "{}", r.body);

    // A type with her and the kitchen.
    let mut t = serde_json::json!({"t": {"id": 0, "name": "Cake tasting", "description": "Three cakes, three fillings.",
        "duration_minutes": 45, "buffer_before_minutes": 0, "buffer_after_minutes": 15, "min_notice_minutes": 1440,
        "min_change_notice_minutes": 1440, "price_cents": 4000, "reminder_minutes": 120, "clients_may_book": true,
        "active": true, "resource_ids": [noor, kitchen["id"]]}});
    let bad = {
        let mut b = t.clone();
        b["t"]["duration_minutes"] = serde_json::json!(2);
        b["t"]["resource_ids"] = serde_json::json!([]);
        b
    };
    let r = app.call_json(Some(&olivia), "save_appointment_type", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("duration_minutes") && r.body.contains("resource_ids"), "{}", r.body);
    let r = app.call_json(Some(&olivia), "save_appointment_type", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cake = r.json().as_i64().unwrap();

    // Clients see it, and its times are Mondays 9:00 to 12:15 (45 min, in Noor's hours).
    let emma = actor(&app.pool, EMMA).await;
    let mut monday = wednesday();
    while chrono::Datelike::weekday(&monday) != chrono::Weekday::Mon {
        monday += Duration::days(1);
    }
    let slots = sched::availability(&app.pool, &emma, cake, monday, monday, Utc::now()).await.unwrap();
    let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let times: Vec<String> = slots.iter().map(|s| s.start.with_timezone(&tz).format("%H:%M").to_string()).collect();
    assert_eq!((times.first().map(String::as_str), times.last().map(String::as_str)), (Some("09:00"), Some("12:15")));

    // A closed day empties it; deleting the override brings the times back.
    let r = app
        .call(
            Some(&olivia),
            "add_resource_override",
            &[
                ("resource_id", &noor.to_string()),
                ("day", &monday.to_string()),
                ("kind", "closed"),
                ("start_time", ""),
                ("end_time", ""),
                ("note", "course"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let override_id = r.json().as_i64().unwrap();
    assert!(sched::availability(&app.pool, &emma, cake, monday, monday, Utc::now()).await.unwrap().is_empty());
    let r = app
        .call(
            Some(&olivia),
            "add_resource_override",
            &[
                ("resource_id", &noor.to_string()),
                ("day", &monday.to_string()),
                ("kind", "off"),
                ("start_time", "12:00"),
                ("end_time", "11:00"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    app.call(Some(&olivia), "delete_resource_override", &[("id", &override_id.to_string())]).await;
    assert_eq!(
        sched::availability(&app.pool, &emma, cake, monday, monday, Utc::now()).await.unwrap().len(),
        slots.len()
    );

    // Deactivated: clients no longer get it.
    t["t"]["id"] = serde_json::json!(cake);
    t["t"]["active"] = serde_json::json!(false);
    assert_eq!(app.call_json(Some(&olivia), "save_appointment_type", &t).await.status, StatusCode::OK);
    assert!(matches!(
        sched::availability(&app.pool, &emma, cake, monday, monday, Utc::now()).await,
        Err(StoreError::NotFound)
    ));

    // Only owners.
    let sam = app.login(STAFF).await;
    assert_eq!(app.call(Some(&sam), "scheduling_settings", &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call_json(Some(&sam), "save_appointment_type", &t).await.status, StatusCode::FORBIDDEN);
    let emma_s = app.login(EMMA).await;
    assert_eq!(app.call_json(Some(&emma_s), "save_resource", &resource).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.page(Some(&olivia), "/settings/scheduling").await.status, StatusCode::OK);
    assert_eq!(app.page(Some(&sam), "/settings/scheduling").await.status, StatusCode::FORBIDDEN);
}
