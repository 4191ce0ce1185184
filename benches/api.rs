//! The OpenAI-compatible API's own cost (`make bench`). Prints a report; nothing here passes or
//! fails.
//!
//! The same turn two ways on a real server with the scripted instant model (no model time): a new
//! chat with the venue agent,
//! - in the app: `POST /api/start_agent_chat`, then `GET /api/chat/{id}/events` until `done`;
//! - through the API: `POST /v1/chat/completions` with an API key, streamed until `[DONE]`, and
//!   whole.
//!
//! Reported at 1 and 100 concurrent turns, p50/p99: the time to the first words of the answer
//! and to its end, and what the API adds over the app (the difference of the p50s).
//!
//! Then, one at a time: an MCP tool call (`tools/call list_vendors` over `/mcp`, JSON-RPC on plain
//! HTTP), and a webhook's delivery: from staff sending an inquiry (`create_inquiry`) to a local
//! receiver getting its signed `inquiry.created`, through the job queue's worker as the server
//! runs it (woken by Postgres `NOTIFY`).

use futures_util::StreamExt;
use std::time::{Duration, Instant};

mod common;

use common::{ms, pct};

const AGENT: &str = "venue_general";

#[tokio::main]
async fn main() {
    let pool = common::fresh_db("concierge_bench_api", 40).await;
    let base = common::serve(pool.clone()).await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(500).build().unwrap();
    let cookie = common::login(&client, &base, "sam@harborhall.example").await;
    let key = make_key(&client, &base, &cookie).await;

    println!("== API layer over the in-app path (scripted instant provider, real server) ==");
    println!(
        "{:>10} {:>6}  {:<24} {:>11} {:>11} {:>11} {:>11}",
        "concurrent", "turns", "path", "first p50", "first p99", "end p50", "end p99"
    );
    for (concurrent, rounds) in [(1usize, 100usize), (100, 3)] {
        let mut rows = Vec::new();
        for path in [Path::App, Path::ApiStream, Path::ApiWhole] {
            let (mut first, mut end) = (Vec::new(), Vec::new());
            // A warm-up round, not counted.
            for round in 0..=rounds {
                let tasks: Vec<_> = (0..concurrent)
                    .map(|i| {
                        let (client, base, cookie, key) = (client.clone(), base.clone(), cookie.clone(), key.clone());
                        let text = format!("Question {round}.{i}: what is on this week?");
                        tokio::spawn(async move { path.run(&client, &base, &cookie, &key, &text).await })
                    })
                    .collect();
                for t in tasks {
                    let (f, e) = t.await.unwrap();
                    if round > 0 {
                        first.push(f);
                        end.push(e);
                    }
                }
            }
            let (f50, f99, e50, e99) = (pct(&mut first, 50), pct(&mut first, 99), pct(&mut end, 50), pct(&mut end, 99));
            println!(
                "{:>10} {:>6}  {:<24} {:>11} {:>11} {:>11} {:>11}",
                concurrent,
                first.len(),
                path.name(),
                ms(f50),
                ms(f99),
                ms(e50),
                ms(e99)
            );
            rows.push((f50, e50));
        }
        let added = |a: Duration, b: Duration| {
            let d = a.as_secs_f64() - b.as_secs_f64();
            format!("{:+.2} ms", d * 1000.0)
        };
        println!(
            "{:>10}         API adds (p50): first words {}, end {} (streamed); end {} (whole)",
            "",
            added(rows[1].0, rows[0].0),
            added(rows[1].1, rows[0].1),
            added(rows[2].1, rows[0].1)
        );
    }
    mcp_calls(&client, &base, &key).await;
    outside_calls(&base, &key).await;
    webhook_deliveries(&client, pool.clone()).await;
    common::drop_db("concierge_bench_api").await;
}

/// `tools/call` over `/mcp`, one at a time.
async fn mcp_calls(client: &reqwest::Client, base: &str, key: &str) {
    const CALLS: usize = 200;
    let mut took = Vec::new();
    for i in 0..=CALLS {
        let start = Instant::now();
        let res = client
            .post(format!("{base}/mcp"))
            .bearer_auth(key)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .json(&serde_json::json!({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                "params": {"name": "list_vendors", "arguments": {}}}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["result"]["isError"] != true, "{body}");
        if i > 0 {
            took.push(start.elapsed());
        }
    }
    println!();
    println!("== MCP tool call (tools/call list_vendors, one at a time, {CALLS} calls) ==");
    println!("p50 {}  p99 {}", ms(pct(&mut took, 50)), ms(pct(&mut took, 99)));
}

/// The MCP client of the outside tools (`agent::remote`) calling this server's own `/mcp` (rmcp),
/// one call at a time: `initialize`, `notifications/initialized` and `tools/call`, each a request.
async fn outside_calls(base: &str, key: &str) {
    use concierge::agent::remote::Outside;
    use concierge::store::mcp_servers::Connection;
    const CALLS: usize = 200;
    let outside = Outside::new(concierge::security::outbound::OutboundPolicy::from_list("127.0.0.1"));
    let conn = Connection {
        id: 0,
        name: "self".into(),
        url: format!("{base}/mcp"),
        headers: vec![("Authorization".into(), format!("Bearer {key}"))],
    };
    let start = Instant::now();
    let listed = outside.list(&conn).await.unwrap();
    let list_took = start.elapsed();
    let mut took = Vec::new();
    for i in 0..=CALLS {
        let start = Instant::now();
        let (result, _) = outside.call(&conn, "list_vendors", &serde_json::json!({})).await.unwrap();
        assert!(result["content"].as_str().is_some_and(|c| !c.is_empty()), "{result}");
        if i > 0 {
            took.push(start.elapsed());
        }
    }
    println!();
    println!("== Outside tool call (our MCP client to this server's /mcp: session + tools/call, {CALLS} calls) ==");
    println!(
        "p50 {}  p99 {}  (listing {} tools: {})",
        ms(pct(&mut took, 50)),
        ms(pct(&mut took, 99)),
        listed.len(),
        ms(list_took)
    );
}

/// Inquiries sent one at a time; the time until the receiver has each one's webhook.
async fn webhook_deliveries(client: &reqwest::Client, pool: sqlx::PgPool) {
    use std::sync::{Arc, Mutex};
    const EVENTS: usize = 100;
    type Got = Arc<Mutex<Vec<(String, Instant)>>>;
    let got: Got = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let receiver = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(|axum::extract::State(got): axum::extract::State<Got>, body: String| async move {
                let at = Instant::now();
                let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let name = v["data"]["inquiry"]["client"]["name"].as_str().unwrap_or_default().to_string();
                got.lock().unwrap().push((name, at));
                axum::http::StatusCode::NO_CONTENT
            }),
        )
        .with_state(got.clone());
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    // A server of its own whose guard lets deliveries reach the local receiver, with its worker.
    let mut llm = concierge::llm::catalog::LlmConfig::scripted_only(Duration::ZERO);
    llm.outbound = concierge::security::outbound::OutboundPolicy::from_list("127.0.0.1");
    let outbound = llm.outbound.clone();
    let state = common::state_with(pool.clone(), llm);
    let runner = concierge::jobs::Runner::new(state.knowledge.clone(), outbound);
    concierge::jobs::spawn_worker(pool, std::sync::Arc::new(runner), Duration::from_secs(5));
    let base = common::serve_state(state).await;
    let owner = common::login(client, &base, "olivia@harborhall.example").await;
    let res = client
        .post(format!("{base}/api/create_webhook"))
        .header("cookie", &owner)
        .header("accept", "application/json")
        .form(&[("input[url]", url.as_str()), ("input[events][0]", "inquiry_created")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let staff = common::login(client, &base, "sam@harborhall.example").await;

    let (mut from_request, mut from_answer) = (Vec::new(), Vec::new());
    for i in 0..=EVENTS {
        let name = format!("Bench Guest {i}");
        let start = Instant::now();
        let res = client
            .post(format!("{base}/api/create_inquiry"))
            .header("cookie", &staff)
            .header("accept", "application/json")
            .form(&[
                ("form[name]", name.as_str()),
                ("form[email]", ""),
                ("form[phone]", ""),
                ("form[event_type]", "Birthday"),
                ("form[event_date]", "2031-06-12"),
                ("form[guest_count]", "10"),
                ("form[budget]", ""),
                ("form[space_id]", ""),
                ("form[notes]", ""),
            ])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.text().await.unwrap());
        let answered = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(10);
        let at = loop {
            if let Some((_, at)) = got.lock().unwrap().iter().find(|(n, _)| *n == name) {
                break *at;
            }
            assert!(Instant::now() < deadline, "{name} was not delivered within 10 s");
            tokio::time::sleep(Duration::from_micros(200)).await;
        };
        if i > 0 {
            from_request.push(at - start);
            from_answer.push(at.saturating_duration_since(answered));
        }
    }
    println!();
    println!("== Webhook delivery (inquiry.created to a local receiver, one at a time, {EVENTS} events) ==");
    println!(
        "from the request: p50 {}  p99 {};  after the inquiry's answer: p50 {}  p99 {}",
        ms(pct(&mut from_request, 50)),
        ms(pct(&mut from_request, 99)),
        ms(pct(&mut from_answer, 50)),
        ms(pct(&mut from_answer, 99))
    );
}

/// Makes a key for the logged-in member (the venue agent, read only).
async fn make_key(client: &reqwest::Client, base: &str, cookie: &str) -> String {
    let res = client
        .post(format!("{base}/api/create_api_key"))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .form(&[("input[name]", "bench"), ("input[days]", "1"), ("input[agents][0]", AGENT)])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    body.as_str().unwrap_or_else(|| panic!("no key: {body}")).to_string()
}

#[derive(Clone, Copy)]
enum Path {
    App,
    ApiStream,
    ApiWhole,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::App => "app (server fn + SSE)",
            Path::ApiStream => "/v1 streamed",
            Path::ApiWhole => "/v1 whole",
        }
    }

    /// One turn: the time to the first words of the answer, and to its end.
    async fn run(
        self,
        client: &reqwest::Client,
        base: &str,
        cookie: &str,
        key: &str,
        text: &str,
    ) -> (Duration, Duration) {
        let start = Instant::now();
        match self {
            Path::App => {
                let sent: serde_json::Value = client
                    .post(format!("{base}/api/start_agent_chat"))
                    .header("cookie", cookie)
                    .header("accept", "application/json")
                    .form(&[("agent", AGENT), ("text", text)])
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let thread = sent["thread_id"].as_i64().unwrap_or_else(|| panic!("not started: {sent}"));
                let user = sent["user_item"]["id"].as_i64().unwrap();
                let res = client
                    .get(format!("{base}/api/chat/{thread}/events?after={user}"))
                    .header("cookie", cookie)
                    .send()
                    .await
                    .unwrap();
                let (first, end) = read_sse(res, |event, data| {
                    let words = event == "thread.item.delta"
                        || (event == "thread.item.added"
                            && data.contains("\"kind\":\"assistant\"")
                            && !data.contains("\"content\":\"\""));
                    (words, event == "done")
                })
                .await;
                (first - start, end - start)
            }
            Path::ApiStream => {
                let res = client
                    .post(format!("{base}/v1/chat/completions"))
                    .bearer_auth(key)
                    .json(&serde_json::json!({"model": format!("concierge/{AGENT}"), "stream": true,
                        "messages": [{"role": "user", "content": text}]}))
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "{}", res.status());
                let (first, end) = read_sse(res, |_, data| {
                    let words = data.contains("\"content\":\"") && !data.contains("\"content\":\"\"");
                    (words, data == "[DONE]")
                })
                .await;
                (first - start, end - start)
            }
            Path::ApiWhole => {
                let res = client
                    .post(format!("{base}/v1/chat/completions"))
                    .bearer_auth(key)
                    .json(&serde_json::json!({"model": format!("concierge/{AGENT}"),
                        "messages": [{"role": "user", "content": text}]}))
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "{}", res.status());
                let _: serde_json::Value = res.json().await.unwrap();
                let end = start.elapsed();
                (end, end)
            }
        }
    }
}

/// Reads an SSE response until `is(event, data)` says it ended; the instants of the first event
/// it calls words, and of the end.
async fn read_sse(res: reqwest::Response, is: impl Fn(&str, &str) -> (bool, bool)) -> (Instant, Instant) {
    let mut body = res.bytes_stream();
    let mut parser = concierge::llm::sse::SseParser::new();
    let mut first = None;
    while let Some(chunk) = body.next().await {
        for ev in parser.push(&chunk.unwrap()) {
            let (words, end) = is(&ev.event, &ev.data);
            if words {
                first.get_or_insert_with(Instant::now);
            }
            if end {
                let now = Instant::now();
                return (first.unwrap_or(now), now);
            }
        }
    }
    let now = Instant::now();
    (first.unwrap_or(now), now)
}
