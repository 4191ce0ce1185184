//! `/metrics`: who may read it, and the series it exposes after real traffic (a page, a server
//! function, an agent turn with a tool call, a queued job). The recorder is the process's, so
//! counts are compared before and after, never as absolute values.

use super::agents::ask;
use super::*;
use axum::extract::ConnectInfo;
use std::net::SocketAddr;

async fn scrape(app: &TestApp, from: &str) -> Reply {
    let mut req = Request::get("/metrics").body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
    app.send(req).await
}

/// The value of the series whose line starts with `prefix` (name and labels), or 0.
fn value(body: &str, prefix: &str) -> f64 {
    body.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[sqlx::test]
async fn metrics_show_requests_tokens_tool_calls_the_queue_and_the_pool(pool: PgPool) {
    let app = spawn(pool).await;
    // Not for the world: a public peer is refused, and so is a request forwarded by a proxy.
    assert_eq!(scrape(&app, "203.0.113.7:4000").await.status, StatusCode::FORBIDDEN);
    let mut forwarded = Request::get("/metrics").header("x-forwarded-for", "203.0.113.7").body(Body::empty()).unwrap();
    forwarded.extensions_mut().insert(ConnectInfo("127.0.0.1:4000".parse::<SocketAddr>().unwrap()));
    assert_eq!(app.send(forwarded).await.status, StatusCode::FORBIDDEN);

    let before = scrape(&app, "127.0.0.1:4000").await;
    assert_eq!(before.status, StatusCode::OK);
    let tool_line = r#"concierge_tool_calls_total{tool="list_events",outcome="done"}"#;
    let tokens_line = r#"concierge_llm_tokens_total{model="scripted/instant",kind="completion"}"#;
    let login_line = r#"concierge_http_request_duration_seconds_count{method="GET",route="/login",status="200"}"#;

    app.page(None, "/login").await;
    let sam = app.login(STAFF).await;
    ask(&app, &sam, "venue_general", None, "What is on? [[call list_events {}]]").await;
    let mut conn = app.pool.acquire().await.unwrap();
    concierge::store::jobs::enqueue(
        &mut conn,
        "metrics_probe",
        &serde_json::json!({}),
        chrono::Utc::now() - chrono::Duration::seconds(30),
        None,
        concierge::store::jobs::Priority::Background,
    )
    .await
    .unwrap();

    let after = scrape(&app, "127.0.0.1:4000").await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    let body = &after.body;
    assert!(value(body, login_line) >= value(&before.body, login_line) + 1.0, "{body}");
    assert!(body.contains(r#"concierge_http_request_duration_seconds_bucket{method="POST",route="/api/{*fn_name}",status="200",le="0.005"}"#), "server functions are timed under one route");
    assert!(value(body, tool_line) >= value(&before.body, tool_line) + 1.0, "{body}");
    assert!(value(body, tokens_line) > value(&before.body, tokens_line), "{body}");
    assert_eq!(value(body, r#"concierge_jobs_due{kind="metrics_probe"}"#), 1.0, "{body}");
    assert!(value(body, r#"concierge_jobs_oldest_wait_seconds{kind="metrics_probe"}"#) >= 29.0, "{body}");
    for series in [
        "concierge_live_replies ",
        r#"concierge_db_pool_connections{state="idle"}"#,
        r#"concierge_db_pool_connections{state="in_use"}"#,
    ] {
        assert!(body.contains(series), "{series} missing: {body}");
    }
    // Addresses with ids are timed under their pattern, never one series per id.
    assert!(!body.contains("route=\"/events/3\""));
}
