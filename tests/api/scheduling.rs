//! Scheduling over the store: free slots from the demo venue's hours, and booking without double
//! booking, enforced by the database (the exclusion constraint) under concurrency.

use super::*;
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use concierge::scheduling::booking::{self, Booking, BookingError};

pub async fn type_id(pool: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("select id from appointment_types where name = $1").bind(name).fetch_one(pool).await.unwrap()
}

/// The next Wednesday at least a week away (staff work Tuesday to Saturday).
pub fn wednesday() -> NaiveDate {
    let mut d = Utc::now().date_naive() + Duration::days(7);
    while d.weekday() != Weekday::Wed {
        d += Duration::days(1);
    }
    d
}

#[sqlx::test]
async fn tastings_are_offered_within_hours_and_buffers(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = actor(&app.pool, EMMA).await;
    let tasting = type_id(&app.pool, "Menu tasting").await;
    let day = wednesday();
    let slots = booking::availability(&app.pool, &emma, tasting, day, day, Utc::now()).await.unwrap();
    let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let local: Vec<String> = slots.iter().map(|s| s.start.with_timezone(&tz).format("%H:%M").to_string()).collect();
    // Priya works 10:00–18:00 and the kitchen is open 09:00–21:00: a 90-minute tasting starts
    // between 10:00 and 16:30.
    assert_eq!(local.first().map(String::as_str), Some("10:00"));
    assert_eq!(local.last().map(String::as_str), Some("16:30"));
    assert_eq!(local.len(), 27);
    // Sunday and Monday the staff are off.
    let mut monday = day;
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    assert!(booking::availability(&app.pool, &emma, tasting, monday, monday, Utc::now()).await.unwrap().is_empty());
    // Vendors do not book; clients do not see staff-only types.
    let walk = type_id(&app.pool, "Vendor walk-through").await;
    assert!(matches!(
        booking::availability(&app.pool, &emma, walk, day, day, Utc::now()).await,
        Err(concierge::store::StoreError::NotFound)
    ));

    // Booking 10:00 blocks Priya and the kitchen 09:30–12:00 (30 min buffers): the next tasting
    // that day starts at 12:30 (its own 30 min before), not 11:30.
    let first = slots[0];
    let b = Booking { type_id: tasting, starts_at: first.start, client_id: None, idempotency_key: None, notes: "" };
    booking::book(&app.pool, &app.pool, &emma, &b, Utc::now()).await.unwrap();
    let after = booking::availability(&app.pool, &emma, tasting, day, day, Utc::now()).await.unwrap();
    let next = after[0].start.with_timezone(&tz).format("%H:%M").to_string();
    assert_eq!(next, "12:30");
    // The same time again is refused, however it is asked for.
    let again = booking::book(&app.pool, &app.pool, &emma, &b, Utc::now()).await;
    assert!(matches!(again, Err(BookingError::Taken)), "{again:?}");
    // Outside hours is refused before the database is asked.
    let night = Booking { starts_at: first.start + Duration::hours(12), ..b };
    assert!(matches!(
        booking::book(&app.pool, &app.pool, &emma, &night, Utc::now()).await,
        Err(BookingError::Unavailable(_))
    ));
}

#[sqlx::test]
async fn a_hundred_concurrent_bookings_of_one_slot_make_one_appointment(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = actor(&app.pool, STAFF).await;
    let tour = type_id(&app.pool, "Venue tour").await;
    let clients: Vec<i64> =
        sqlx::query_scalar("select id from clients order by id").fetch_all(&app.pool).await.unwrap();
    let day = wednesday();
    let slot = booking::availability(&app.pool, &sam, tour, day, day, Utc::now()).await.unwrap()[4];
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (pool, sam, client) = (app.pool.clone(), sam.clone(), clients[i % clients.len()]);
            tokio::spawn(async move {
                let key = format!("booking-attempt-{i}");
                let b = Booking {
                    type_id: tour,
                    starts_at: slot.start,
                    client_id: Some(client),
                    idempotency_key: Some(&key),
                    notes: "",
                };
                booking::book(&pool, &pool, &sam, &b, Utc::now()).await
            })
        })
        .collect();
    let mut won = 0;
    let mut taken = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(BookingError::Taken) => taken += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((won, taken), (1, 99));
    let stored: i64 = sqlx::query_scalar("select count(*) from appointments").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored, 1);

    // Retrying a request with its idempotency key returns the same appointment, even at once.
    let other = booking::availability(&app.pool, &sam, tour, day, day, Utc::now()).await.unwrap()[0];
    let retries: Vec<_> = (0..10)
        .map(|_| {
            let (pool, sam, client) = (app.pool.clone(), sam.clone(), clients[0]);
            tokio::spawn(async move {
                let b = Booking {
                    type_id: tour,
                    starts_at: other.start,
                    client_id: Some(client),
                    idempotency_key: Some("same-request-1"),
                    notes: "",
                };
                booking::book(&pool, &pool, &sam, &b, Utc::now()).await.map(|a| a.id)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for r in retries {
        ids.push(r.await.unwrap().expect("a retry is not an error"));
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let stored: i64 = sqlx::query_scalar("select count(*) from appointments").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored, 2);
}

#[sqlx::test]
async fn rescheduling_and_cancelling_follow_the_notice_policy(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = actor(&app.pool, EMMA).await;
    let james = actor(&app.pool, JAMES).await;
    let sam = actor(&app.pool, STAFF).await;
    let tour = type_id(&app.pool, "Venue tour").await;
    let day = wednesday();
    let slots = booking::availability(&app.pool, &emma, tour, day, day, Utc::now()).await.unwrap();
    let b = Booking { type_id: tour, starts_at: slots[0].start, client_id: None, idempotency_key: None, notes: "" };
    let a = booking::book(&app.pool, &app.pool, &emma, &b, Utc::now()).await.unwrap();
    assert_eq!(a.sequence, 0);

    // Another client cannot touch it.
    let r = booking::reschedule(&app.pool, &app.pool, &james, a.id, slots[8].start, "", Utc::now()).await;
    assert!(matches!(r, Err(BookingError::Store(concierge::store::StoreError::NotFound))), "{r:?}");

    // Moving it frees the old time and takes the new one; the sequence goes up.
    let moved = booking::reschedule(&app.pool, &app.pool, &emma, a.id, slots[8].start, "later suits us", Utc::now())
        .await
        .unwrap();
    assert_eq!((moved.starts_at, moved.sequence), (slots[8].start, 1));
    let free = booking::availability(&app.pool, &emma, tour, day, day, Utc::now()).await.unwrap();
    assert!(free.iter().any(|s| s.start == slots[0].start), "the old time is free again");
    assert!(!free.iter().any(|s| s.start == slots[8].start), "the new one is taken");

    // Within the change notice (a day for tours), only staff may change it.
    let late = moved.starts_at - Duration::hours(2);
    let r = booking::cancel(&app.pool, &app.pool, &emma, a.id, "ill", late).await;
    assert!(matches!(r, Err(BookingError::Unavailable(_))), "{r:?}");
    let cancelled = booking::cancel(&app.pool, &app.pool, &sam, a.id, "client called in sick", late).await.unwrap();
    assert_eq!((cancelled.status.as_str(), cancelled.sequence), ("cancelled", 2));
    let free = booking::availability(&app.pool, &emma, tour, day, day, Utc::now()).await.unwrap();
    assert!(free.iter().any(|s| s.start == slots[8].start), "a cancelled appointment frees its time");
    let r = booking::cancel(&app.pool, &app.pool, &sam, a.id, "", Utc::now()).await;
    assert!(matches!(r, Err(BookingError::Store(concierge::store::StoreError::Conflict(_)))), "{r:?}");
    let history: Vec<(String, String)> =
        sqlx::query_as("select kind, reason from appointment_changes where appointment_id = $1 order by id")
            .bind(a.id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        history,
        [("rescheduled".into(), "later suits us".into()), ("cancelled".into(), "client called in sick".into())]
    );
}

#[sqlx::test]
async fn booking_over_http_answers_clearly(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let types = app.call(Some(&emma), "appointment_types", &[]).await.json();
    let names: Vec<&str> = types.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Menu tasting", "Planning consultation", "Venue tour"], "no staff-only types for clients");
    let tasting = types.as_array().unwrap().iter().find(|t| t["name"] == "Menu tasting").unwrap()["id"].to_string();
    let day = wednesday().to_string();
    let r = app.call(Some(&emma), "available_slots", &[("type_id", &tasting), ("from", &day), ("to", &day)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let av = r.json();
    assert_eq!(av["timezone"], "America/New_York");
    let start = av["slots"][0]["start"].as_str().unwrap().to_string();
    let book = |key: &'static str| {
        let (tasting, start) = (tasting.clone(), start.clone());
        let app = &app;
        let emma = emma.clone();
        async move {
            app.call(
                Some(&emma),
                "book_appointment",
                &[("type_id", &tasting), ("starts_at", &start), ("idempotency_key", key), ("notes", "")],
            )
            .await
        }
    };
    let first = book("emma-tasting-1").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = book("emma-tasting-1").await;
    assert_eq!(again.json()["id"], first.json()["id"], "a retry returns the same booking");
    let other = book("emma-tasting-2").await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert!(other.body.contains("That time was just taken"), "{}", other.body);
    let mine = app.call(Some(&emma), "my_appointments", &[]).await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["resources"], serde_json::json!(["Priya Natarajan", "Tasting kitchen"]));

    // Bad input is a 4xx with the field named; someone else's appointment is not found.
    let r =
        app.call(Some(&emma), "available_slots", &[("type_id", &tasting), ("from", "next week"), ("to", &day)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let id = first.json()["id"].to_string();
    let james = app.login(JAMES).await;
    let r = app.call(Some(&james), "cancel_appointment", &[("id", &id), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.call(Some(&emma), "cancel_appointment", &[("id", &id), ("reason", "we found another date")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "cancelled");
}
