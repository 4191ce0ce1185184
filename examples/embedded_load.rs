//! Speed of the embedded model with 1 and 2 threads, alone and beside busy processes (a stand-in
//! for Chromium, a build or other requests sharing the cores). Issue 19, "Under load".
//! Run: `cargo run --no-default-features --features ssr --example embedded_load`
//! (`LOAD_THREADS=2,1`: threads writing the reply; `LOAD_BATCH_THREADS=2,1`: threads reading the
//! prompt). Each measurement: one 64-token reply on a fresh cache slot, capped at 60 s: tokens/s
//! after the first token; and the time to read a prompt of about 450 tokens (a tool decision's
//! size) on a fresh slot, to its first token. Bounded: at most 2 busy processes, killed after
//! each measurement.

use concierge::llm::embedded::{Embedded, EmbeddedConfig};
use concierge::llm::{ChatRequest, Message, Provider, Speaker, StreamEvent};
use std::time::{Duration, Instant};

const PROMPT: &str = "Write a numbered list of 40 tasks for planning a wedding, one short line each.";

/// A greedy request of `system` and `user` on cache slot `key`.
fn request(system: String, user: &str, max_tokens: u32, key: &str) -> ChatRequest {
    ChatRequest {
        model: "smollm2".into(),
        messages: vec![Message::new(Speaker::System, system), Message::new(Speaker::User, user)],
        tools: vec![],
        tool_choice: concierge::llm::ToolChoice::Auto,
        max_tokens,
        temperature: Some(0.0),
        user_key: "load".into(),
        cache_key: Some(key.into()),
        response_schema: None,
    }
}

async fn decode(model: &Embedded, key: &str) -> (f64, u32) {
    let req = request("You are a helpful assistant.".into(), PROMPT, 64, key);
    let start = Instant::now();
    let mut rx = model.stream(req);
    let (mut first, mut last, mut n) = (None, start, 0u32);
    while let Ok(Some(ev)) =
        tokio::time::timeout(Duration::from_secs(60).saturating_sub(start.elapsed()), rx.recv()).await
    {
        if let Ok(StreamEvent::Text(_)) = ev {
            first.get_or_insert_with(Instant::now);
            last = Instant::now();
            n += 1;
        }
    }
    let span = first.map(|f| last - f).unwrap_or_default().as_secs_f64().max(1e-9);
    (n.saturating_sub(1) as f64 / span, n)
}

/// A system prompt of about the size the agents send with a tool decision, starting with `key`
/// so that no cached prompt shares its tokens.
fn long_system(key: &str) -> String {
    let line = "- element_id 21: Champagne toast (beverage), 120 × $8.00, proposed\n";
    format!("{key}. You help a client plan their event at the venue. Elements:\n{}", line.repeat(18))
}

/// Milliseconds to read the long prompt and write the first token, on a fresh slot.
async fn prefill(model: &Embedded, key: &str) -> f64 {
    let req = request(long_system(key), "Hi", 1, key);
    let start = Instant::now();
    let mut rx = model.stream(req);
    while let Ok(Some(ev)) =
        tokio::time::timeout(Duration::from_secs(60).saturating_sub(start.elapsed()), rx.recv()).await
    {
        if let Ok(StreamEvent::Text(_)) = ev {
            break;
        }
    }
    start.elapsed().as_secs_f64() * 1000.0
}

fn busy(n: usize) -> Vec<std::process::Child> {
    (0..n).map(|_| std::process::Command::new("sh").arg("-c").arg("while :; do :; done").spawn().expect("sh")).collect()
}

#[tokio::main]
async fn main() {
    let path = std::path::PathBuf::from(EmbeddedConfig::DEFAULT_PATH);
    let list = |name: &str| -> Vec<i32> {
        std::env::var(name).unwrap_or_else(|_| "2,1".into()).split(',').filter_map(|t| t.trim().parse().ok()).collect()
    };
    println!("threads | batch threads | busy processes | decode tok/s | tokens | prompt read ms");
    for t in list("LOAD_THREADS") {
        for b in list("LOAD_BATCH_THREADS") {
            let model =
                Embedded::load(&EmbeddedConfig { path: path.clone(), threads: t, batch_threads: b }).expect("model");
            decode(&model, "warm").await;
            for load in [0usize, 1, 2] {
                let mut children = busy(load);
                tokio::time::sleep(Duration::from_millis(300)).await;
                let mut rates = Vec::new();
                let mut reads = Vec::new();
                for i in 0..3 {
                    rates.push(decode(&model, &format!("t{t}-b{b}-l{load}-{i}")).await);
                    reads.push(prefill(&model, &format!("p{t}-b{b}-l{load}-{i}")).await);
                }
                for c in &mut children {
                    let _ = c.kill();
                    let _ = c.wait();
                }
                rates.sort_by(|a, b| a.0.total_cmp(&b.0));
                reads.sort_by(f64::total_cmp);
                let (tps, n) = rates[1];
                println!(
                    "{t} | {b} | {load} | {tps:.1} (runs {:.1?}) | {n} | {:.0} (runs {:.0?})",
                    rates.iter().map(|r| r.0).collect::<Vec<_>>(),
                    reads[1],
                    reads
                );
            }
        }
    }
}
