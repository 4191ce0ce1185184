//! Server-side render time of the dashboard and the event workspace for the demo data.
//!
//! `make bench` runs this against a fresh database `concierge_bench` on the `DATABASE_URL`
//! server. It drives the real router in-process (no socket), so the numbers are rendering plus
//! the store queries, without network. Prints median, p95 and mean per page.

use axum::body::Body;
use axum::http::{header, Request};
use concierge::web::app;
use http_body_util::BodyExt;
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod common;

const ITERATIONS: usize = 300;

#[tokio::main]
async fn main() {
    let pool = common::fresh_db("concierge_bench", 10).await;
    let state = common::state(pool.clone());
    let router = app(state);
    let login = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from("email=olivia%40harborhall.example&password=concierge-demo"))
        .unwrap();
    let res = router.clone().oneshot(login).await.unwrap();
    let cookie =
        res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let event: i64 = sqlx::query_scalar("select id from events where title = 'Emma & Daniel''s Wedding'")
        .fetch_one(&pool)
        .await
        .unwrap();

    println!("{:<34} {:>9} {:>9} {:>9} {:>9}", "page", "median", "p95", "mean", "bytes");
    for path in [
        "/".to_string(),
        format!("/events/{event}"),
        format!("/events/{event}?tab=guests"),
        "/api/dashboard".to_string(),
    ] {
        let mut times = Vec::with_capacity(ITERATIONS);
        let mut bytes = 0;
        for i in 0..ITERATIONS + 20 {
            let req = if path.starts_with("/api/") {
                Request::post(path.as_str())
                    .header(header::ACCEPT, "application/json")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            } else {
                Request::get(path.as_str()).header(header::ACCEPT, "text/html")
            }
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
            let t = Instant::now();
            let res = router.clone().oneshot(req).await.unwrap();
            assert!(res.status().is_success(), "{path}: {}", res.status());
            let body = res.into_body().collect().await.unwrap().to_bytes();
            if i >= 20 {
                times.push(t.elapsed());
            }
            bytes = body.len();
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        println!(
            "{:<34} {:>9} {:>9} {:>9} {:>9}",
            path,
            common::ms(times[times.len() / 2]),
            common::ms(times[times.len() * 95 / 100]),
            common::ms(mean),
            bytes
        );
    }
    pool.close().await;
    common::drop_db("concierge_bench").await;
}
