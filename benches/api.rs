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
    common::drop_db("concierge_bench_api").await;
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
