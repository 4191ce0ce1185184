//! Scheduling: free slots, booking latency, and 100 concurrent bookings of one slot.
//!
//! 1. `free_slots` (pure) for 20 resources over 60 days, each working 08:00–20:00 every day with
//!    three bookings a day: once per resource (20 one-resource types) and once for a type that
//!    needs all 20 at the same time. Target: ≤ 20 ms.
//! 2. Over HTTP (the real server on a socket, fresh demo database `concierge_bench_sched`):
//!    `available_slots` for 60 days, and booking latency (a client booking, one after another).
//! 3. 100 concurrent `book_appointment` requests for one slot: exactly one wins, 99 get 409.

use chrono::{Duration as Span, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use concierge::scheduling::availability::{free_slots, Request, Resource, Span as Busy, WeeklyHours};
use std::time::{Duration, Instant};

mod common;

const RUNS: usize = 30;

fn twenty_resources(tz: Tz, from: NaiveDate, days: i64) -> Vec<Resource> {
    let all = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    (0..20)
        .map(|r| Resource {
            hours: all
                .iter()
                .map(|&weekday| WeeklyHours {
                    weekday,
                    start: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                    end: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                })
                .collect(),
            overrides: Vec::new(),
            busy: (0..days)
                .flat_map(|d| {
                    let day = from + Span::days(d);
                    // Three an hour long, staggered per resource.
                    [9, 13, 17].map(move |h| {
                        let start = tz
                            .from_local_datetime(&day.and_hms_opt(h, (r % 4) * 15, 0).unwrap())
                            .earliest()
                            .unwrap()
                            .with_timezone(&Utc);
                        Busy::new(start, start + Span::hours(1))
                    })
                })
                .collect(),
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    common::pct(&mut v, 50)
}

#[tokio::main]
async fn main() {
    // 1. The pure computation.
    let tz: Tz = "America/New_York".parse().unwrap();
    let from = Utc::now().with_timezone(&tz).date_naive() + Span::days(1);
    let to = from + Span::days(59);
    let resources = twenty_resources(tz, from, 60);
    let request = Request {
        duration: Span::minutes(60),
        buffer_before: Span::minutes(15),
        buffer_after: Span::minutes(15),
        min_notice: Span::hours(24),
        step: Span::minutes(15),
    };
    let now = Utc::now();
    let mut each = Vec::new();
    let mut slots_each = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        slots_each =
            resources.iter().map(|r| free_slots(tz, std::slice::from_ref(r), &request, from, to, now).len()).sum();
        each.push(t.elapsed());
    }
    let mut together = Vec::new();
    let mut slots_together = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        slots_together = free_slots(tz, &resources, &request, from, to, now).len();
        together.push(t.elapsed());
    }
    println!("free_slots, 20 resources x 60 days, 3 bookings/day each (median of {RUNS}; target <= 20 ms):");
    println!("  each resource on its own (20 calls)  {:>10}  ({slots_each} slots)", common::ms(median(each)));
    println!("  one type needing all 20 at once      {:>10}  ({slots_together} slots)", common::ms(median(together)));

    // 2. Over HTTP.
    let pool = common::fresh_db("concierge_bench_sched", 60).await;
    let base = common::serve(pool.clone()).await;
    let client = reqwest::Client::new();
    let emma = common::login(&client, &base, "emma.clark@example.com").await;
    let sam = common::login(&client, &base, "sam@harborhall.example").await;
    let id = |name: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select id from appointment_types where name = $1")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (tasting, tour) = (id("Menu tasting").await, id("Venue tour").await);
    let post = |cookie: &str, name: &str, form: Vec<(&str, String)>| {
        client
            .post(format!("{base}/api/{name}"))
            .header("accept", "application/json")
            .header("cookie", cookie)
            .form(&form)
            .send()
    };
    let start = Utc::now().date_naive() + Span::days(2);
    let end = start + Span::days(59);
    let mut times = Vec::new();
    let mut slots: Vec<serde_json::Value> = Vec::new();
    for i in 0..RUNS + 3 {
        let t = Instant::now();
        let res = post(
            &emma,
            "available_slots",
            vec![("type_id", tasting.to_string()), ("from", start.to_string()), ("to", end.to_string())],
        )
        .await
        .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let body: serde_json::Value = res.json().await.unwrap();
        if i >= 3 {
            times.push(t.elapsed());
        }
        slots = body["slots"].as_array().unwrap().clone();
    }
    println!(
        "HTTP available_slots, Menu tasting, 60 days ({} slots): median {}",
        slots.len(),
        common::ms(median(times))
    );

    // Booking latency: Emma books tours one after another (each a fresh slot, its own key).
    let tours: Vec<String> = {
        let res = post(
            &emma,
            "available_slots",
            vec![("type_id", tour.to_string()), ("from", start.to_string()), ("to", end.to_string())],
        )
        .await
        .unwrap();
        let body: serde_json::Value = res.json().await.unwrap();
        // Every fifth one, so their buffers never meet.
        body["slots"].as_array().unwrap().iter().step_by(5).map(|s| s["start"].as_str().unwrap().to_string()).collect()
    };
    let mut times = Vec::new();
    for (i, at) in tours.iter().take(100).enumerate() {
        let t = Instant::now();
        let res = post(
            &emma,
            "book_appointment",
            vec![
                ("type_id", tour.to_string()),
                ("starts_at", at.clone()),
                ("idempotency_key", format!("bench-booking-{i}")),
                ("notes", String::new()),
            ],
        )
        .await
        .unwrap();
        assert!(res.status().is_success(), "booking {i}: {} {}", res.status(), res.text().await.unwrap_or_default());
        times.push(t.elapsed());
    }
    let n = times.len();
    let (p50, p95) = (common::pct(&mut times.clone(), 50), common::pct(&mut times, 95));
    println!("HTTP book_appointment, {n} bookings one after another: p50 {}, p95 {}", common::ms(p50), common::ms(p95));

    // 3. 100 at once for the same slot (staff, for the venue's clients).
    let clients: Vec<i64> = sqlx::query_scalar("select id from clients order by id").fetch_all(&pool).await.unwrap();
    let target = slots.last().unwrap()["start"].as_str().unwrap().to_string();
    let t = Instant::now();
    let attempts: Vec<_> = (0..100)
        .map(|i| {
            let form = vec![
                ("type_id", tasting.to_string()),
                ("starts_at", target.clone()),
                ("client_id", clients[i % clients.len()].to_string()),
                ("idempotency_key", format!("bench-race-{i}")),
                ("notes", String::new()),
            ];
            let req = post(&sam, "book_appointment", form);
            tokio::spawn(async move { req.await.map(|r| r.status().as_u16()).unwrap_or(0) })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let wall = t.elapsed();
    let won = statuses.iter().filter(|s| **s == 200).count();
    let taken = statuses.iter().filter(|s| **s == 409).count();
    let stored: i64 =
        sqlx::query_scalar("select count(*) from appointments where starts_at = $1::timestamptz and status = 'booked'")
            .bind(&target)
            .fetch_one(&pool)
            .await
            .unwrap();
    println!(
        "100 concurrent bookings of one slot: {won} booked, {taken} answered 409, {stored} stored, in {}",
        common::ms(wall)
    );
    assert_eq!((won, taken, stored), (1, 99, 1));
    drop(pool);
    common::drop_db("concierge_bench_sched").await;
}
