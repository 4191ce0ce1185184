//! Chat benchmarks (`make bench`). Prints a report; nothing here passes or fails.
//!
//! 1. Streaming overhead of our server, with the scripted instant provider (no model): a real
//!    server on a local socket, N chats at once, each sending a message
//!    (`POST /api/send_chat_message`) and then following its stream
//!    (`GET /api/chat/{id}/events`). Reported: time from the send request to the first
//!    streamed event, and from opening the stream to its first event, p50/p99, at 1, 100 and
//!    1,000 concurrent chats; and whether any reply lost text (the streamed text, replayed as the
//!    browser does, must equal what the store holds, which must equal the scripted reply).
//! 2. Opening the latest page of a 10,000-item thread (`POST /api/open_chat`), p50/p99.
//! 3. The embedded model (when its GGUF is present): time to first token on a ~300-token
//!    prompt, cold and as a follow-up turn, and decode tokens/s; the same GGUF through
//!    llama-cpp-python (when installed) in the same run, same threads, for comparison.
//! 4. Our OpenAI-compatible provider against a real OpenAI-compatible server: llama-cpp-python's
//!    `llama_cpp.server` on the same GGUF (when installed): a streamed reply with usage.

use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

mod common;

use common::{ms, pct};

#[tokio::main]
async fn main() {
    let pool = common::fresh_db("concierge_bench_chat", 20).await;
    let base = common::serve(pool.clone()).await;
    let addr = base.trim_start_matches("http://").to_string();
    let client = reqwest::Client::builder().pool_max_idle_per_host(2000).build().unwrap();
    let cookie = common::login(&client, &base, "olivia@harborhall.example").await;
    let (owner, venue): (i64, i64) = sqlx::query_as(
        "select u.id, m.venue_id from users u join memberships m on m.user_id = u.id where u.email = 'olivia@harborhall.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    println!("== streaming overhead (scripted instant provider, real server on {addr}) ==");
    println!(
        "{:>11} {:>7} {:>12} {:>12} {:>14} {:>14} {:>6}",
        "concurrent", "chats", "send→1st p50", "send→1st p99", "stream→1st p50", "stream→1st p99", "lost"
    );
    for (concurrent, rounds) in [(1usize, 200usize), (100, 5), (1000, 1)] {
        let threads: Vec<i64> = sqlx::query_scalar(
            "insert into chat_threads (venue_id, owner_id, model) select $1, $2, 'scripted/instant' from generate_series(1, $3) returning id",
        )
        .bind(venue)
        .bind(owner)
        .bind(concurrent as i32)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut send_first = Vec::new();
        let mut stream_first = Vec::new();
        let mut lost = 0usize;
        let mut chats = 0usize;
        for round in 0..rounds {
            let tasks: Vec<_> = threads
                .iter()
                .map(|&t| {
                    let (client, base, cookie, pool) = (client.clone(), base.clone(), cookie.clone(), pool.clone());
                    tokio::spawn(async move { one_chat(&client, &base, &cookie, &pool, t, round).await })
                })
                .collect();
            for t in tasks {
                let r = t.await.unwrap();
                chats += 1;
                send_first.push(r.send_to_first);
                stream_first.push(r.stream_to_first);
                if !r.intact {
                    lost += 1;
                }
            }
        }
        println!(
            "{:>11} {:>7} {:>12} {:>12} {:>14} {:>14} {:>6}",
            concurrent,
            chats,
            ms(pct(&mut send_first, 50)),
            ms(pct(&mut send_first, 99)),
            ms(pct(&mut stream_first, 50)),
            ms(pct(&mut stream_first, 99)),
            lost
        );
    }

    println!("\n== opening the latest page of a 10,000-item thread ==");
    let thread: i64 = sqlx::query_scalar(
        "insert into chat_threads (venue_id, owner_id, model, title) values ($1, $2, 'scripted/instant', 'Long') returning id",
    )
    .bind(venue)
    .bind(owner)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::raw_sql(&format!(
        "do $$ declare p bigint; i int; begin
           for i in 1..10000 loop
             insert into chat_items (thread_id, parent_id, kind, content)
             values ({thread}, p, case when i % 2 = 1 then 'user' else 'assistant' end,
                     'Message ' || i || ': the tasting menu, the guest list and the timeline for the evening.')
             returning id into p;
           end loop;
           update chat_threads set leaf_item_id = p, item_count = 10000 where id = {thread};
         end $$"
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("analyze chat_items").execute(&pool).await.unwrap();
    let mut times = Vec::new();
    for i in 0..220 {
        let t = Instant::now();
        let res = client
            .post(format!("{base}/api/open_chat"))
            .header("cookie", &cookie)
            .header("accept", "application/json")
            .form(&[("thread_id", thread.to_string())])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        let body: serde_json::Value = res.json().await.unwrap();
        if i >= 20 {
            times.push(t.elapsed());
        }
        assert_eq!(body["page"]["items"].as_array().unwrap().len(), 50);
    }
    println!(
        "open_chat (50 latest of 10,000 items, HTTP round trip): p50 {}  p99 {}",
        ms(pct(&mut times, 50)),
        ms(pct(&mut times, 99))
    );

    embedded().await;
    real_openai_peer().await;
    common::drop_db("concierge_bench_chat").await;
}

struct ChatRun {
    send_to_first: Duration,
    stream_to_first: Duration,
    intact: bool,
}

async fn one_chat(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    pool: &sqlx::PgPool,
    thread: i64,
    round: usize,
) -> ChatRun {
    let start = Instant::now();
    let text = format!("Question {round} for thread {thread}: what is on the menu?");
    let sent: serde_json::Value = client
        .post(format!("{base}/api/send_chat_message"))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .form(&[("thread_id", thread.to_string()), ("text", text)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = sent["user_item"]["id"].as_i64().unwrap_or_else(|| panic!("send failed: {sent}"));
    let reply = sent["reply"]["id"].as_i64().unwrap();
    let opened = Instant::now();
    let res = client
        .get(format!("{base}/api/chat/{thread}/events?after={user}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let mut body = res.bytes_stream();
    let mut parser = concierge::llm::sse::SseParser::new();
    let mut first: Option<Instant> = None;
    let mut items: BTreeMap<i64, String> = BTreeMap::new();
    'read: while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        for ev in parser.push(&chunk) {
            first.get_or_insert_with(Instant::now);
            let v: serde_json::Value = serde_json::from_str(&ev.data).unwrap();
            match ev.event.as_str() {
                "thread.item.added" | "thread.item.updated" | "thread.item.done" => {
                    items.insert(v["item"]["id"].as_i64().unwrap(), v["item"]["content"].as_str().unwrap().to_string());
                }
                "thread.item.delta" => {
                    items.entry(v["item_id"].as_i64().unwrap()).or_default().push_str(v["delta"].as_str().unwrap());
                }
                "done" => break 'read,
                _ => {}
            }
        }
    }
    let first = first.unwrap_or_else(Instant::now);
    let stored: String =
        sqlx::query_scalar("select content from chat_items where id = $1").bind(reply).fetch_one(pool).await.unwrap();
    let streamed = items.get(&reply).cloned().unwrap_or_default();
    ChatRun {
        send_to_first: first - start,
        stream_to_first: first - opened,
        intact: streamed == stored && stored.starts_with("You asked: **Question"),
    }
}

/// A prompt whose answer runs long, for decode speed.
const DECODE_PROMPT: &str = "Write a numbered list of 40 tasks for planning a wedding, one short line each.";

/// The same ~300-token prompt for both engines.
fn long_prompt() -> String {
    let mut s = String::from("Here are notes about an upcoming wedding at our venue. ");
    for i in 0..14 {
        s.push_str(&format!(
            "Note {i}: the couple wants a seated dinner for 120 guests, a string quartet during the ceremony, and a late-night snack. "
        ));
    }
    s.push_str("Summarise the notes in two sentences.");
    s
}

/// One generation: (time to first token, decode time, prompt tokens, completion tokens, text).
async fn generate(
    model: &concierge::llm::embedded::Embedded,
    messages: Vec<concierge::llm::Message>,
    key: &str,
) -> (Duration, Duration, u32, u32, String) {
    use concierge::llm::{ChatRequest, Provider, StreamEvent};
    let req = ChatRequest {
        model: "smollm2".into(),
        messages,
        tools: vec![],
        tool_choice: concierge::llm::ToolChoice::Auto,
        max_tokens: 128,
        temperature: Some(0.0),
        user_key: "bench".into(),
        cache_key: Some(key.into()),
        response_schema: None,
    };
    let start = Instant::now();
    let mut rx = model.stream(req);
    let (mut first, mut last) = (None, start);
    let mut text = String::new();
    let mut usage = (0, 0);
    while let Some(ev) = rx.recv().await {
        match ev.unwrap() {
            StreamEvent::Text(t) => {
                first.get_or_insert_with(Instant::now);
                last = Instant::now();
                text.push_str(&t);
            }
            StreamEvent::Usage(u) => usage = (u.prompt_tokens, u.completion_tokens),
            _ => {}
        }
    }
    let first = first.unwrap_or(last);
    (first - start, last - first, usage.0, usage.1, text)
}

async fn embedded() {
    use concierge::llm::embedded::{Embedded, EmbeddedConfig};
    use concierge::llm::{Message, Speaker};
    let path = std::path::PathBuf::from(EmbeddedConfig::DEFAULT_PATH);
    println!("\n== embedded model (SmolLM2-135M Q4_1, 2 threads, 128 tokens) ==");
    if !path.is_file() {
        println!("skipped: {} missing (scripts/setup.sh fetches it)", path.display());
        return;
    }
    let model = Embedded::load(&EmbeddedConfig { path: path.clone(), threads: 2, batch_threads: 2 }).unwrap();
    let system = Message::new(Speaker::System, "You are a helpful assistant.");
    let user = Message::new(Speaker::User, long_prompt());
    // Warm the process (page in the weights), on another cache slot.
    generate(&model, vec![system.clone(), Message::new(Speaker::User, "Hi")], "warmup").await;
    let (ttft, decode, prompt_tokens, completion, reply) =
        generate(&model, vec![system.clone(), user.clone()], "bench-thread").await;
    let short_tps = completion.saturating_sub(1) as f64 / decode.as_secs_f64().max(1e-9);
    println!(
        "concierge (llama-cpp-2):  prompt {prompt_tokens} tokens, first token cold {}, then {short_tps:.1} tok/s ({completion} tokens)",
        ms(ttft)
    );
    let follow = vec![
        system.clone(),
        user,
        Message::new(Speaker::Assistant, reply),
        Message::new(Speaker::User, "Now in one sentence."),
    ];
    let (ttft2, _, prompt2, _, _) = generate(&model, follow, "bench-thread").await;
    println!("concierge follow-up turn: prompt {prompt2} tokens (prefix cached), first token {}", ms(ttft2));
    // Decode speed on a reply that runs long: median of 3, a fresh cache slot each.
    let mut rates = Vec::new();
    for i in 0..3 {
        let messages = vec![system.clone(), Message::new(Speaker::User, DECODE_PROMPT)];
        let (_, decode, _, completion, _) = generate(&model, messages, &format!("decode-{i}")).await;
        rates.push(completion.saturating_sub(1) as f64 / decode.as_secs_f64().max(1e-9));
    }
    rates.sort_by(f64::total_cmp);
    let tps = rates[1];
    println!("concierge decode (median of 3): {tps:.1} tok/s (runs: {rates:.1?})");

    let script = format!(
        r#"
import time, sys
from llama_cpp import Llama
llm = Llama(model_path={path:?}, n_ctx=2048, n_threads=2, n_threads_batch=2, verbose=False)
msgs = [{{"role": "system", "content": "You are a helpful assistant."}}, {{"role": "user", "content": "Hi"}}]
llm.create_chat_completion(messages=msgs, max_tokens=8, temperature=0)
llm.reset()
def run(content):
    llm.reset()
    msgs = [{{"role": "system", "content": "You are a helpful assistant."}}, {{"role": "user", "content": content}}]
    t0 = time.perf_counter(); first = None; last = t0; n = 0
    for chunk in llm.create_chat_completion(messages=msgs, max_tokens=128, temperature=0, stream=True):
        if chunk["choices"][0]["delta"].get("content"):
            now = time.perf_counter()
            if first is None: first = now
            last = now; n += 1
    return (first - t0) * 1000, (n - 1) / (last - first) if n > 1 else 0.0, n
ttft, _, _ = run({prompt:?})
rates = sorted(run({decode:?})[1] for _ in range(3))
print(f"{{ttft:.2f}} {{rates[1]:.1f}} {{rates[0]:.1f}},{{rates[1]:.1f}},{{rates[2]:.1f}}")
"#,
        path = path.display().to_string(),
        prompt = long_prompt(),
        decode = DECODE_PROMPT
    );
    match std::process::Command::new("python3").arg("-c").arg(&script).output() {
        Ok(out) if out.status.success() => {
            let s = String::from_utf8_lossy(&out.stdout);
            let parts: Vec<&str> = s.split_whitespace().collect();
            if parts.len() == 3 {
                println!(
                    "llama-cpp-python (same GGUF, 2 threads): first token cold {}ms, decode {} tok/s ({} chunks)",
                    parts[0], parts[1], parts[2]
                );
                if let Ok(py_tps) = parts[1].parse::<f64>() {
                    if py_tps > 0.0 {
                        println!("decode ratio concierge / llama-cpp-python: {:.2}x", tps / py_tps);
                    }
                }
            }
        }
        Ok(out) => {
            println!("llama-cpp-python not run: {}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or(""))
        }
        Err(e) => println!("llama-cpp-python not run: {e}"),
    }
}

/// Streams a reply from llama-cpp-python's OpenAI-compatible server through our provider.
async fn real_openai_peer() {
    use concierge::llm::http::Endpoint;
    use concierge::llm::openai::OpenAi;
    use concierge::llm::{ChatRequest, Message, Provider, RetryPolicy, Speaker, StreamEvent, Timeouts};
    println!("\n== OpenAI-compatible provider against llama_cpp.server (same GGUF) ==");
    let path = concierge::llm::embedded::EmbeddedConfig::DEFAULT_PATH;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new("python3")
        .args([
            "-m",
            "llama_cpp.server",
            "--model",
            path,
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--n_threads",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        println!("skipped: python3 -m llama_cpp.server cannot start");
        return;
    };
    let base = format!("http://127.0.0.1:{port}/v1");
    let mut up = false;
    for _ in 0..120 {
        if reqwest::get(format!("{base}/models")).await.is_ok_and(|r| r.status().is_success()) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if !up {
        println!("skipped: llama_cpp.server did not come up (is llama-cpp-python[server] installed?)");
        let _ = child.kill();
        return;
    }
    let provider = OpenAi(Endpoint::new(&base, None, Timeouts::default(), RetryPolicy::default()));
    let req = ChatRequest {
        model: "smollm2".into(),
        messages: vec![
            Message::new(Speaker::System, "You are a helpful assistant."),
            Message::new(Speaker::User, "Name three flowers."),
        ],
        tools: vec![],
        tool_choice: concierge::llm::ToolChoice::Auto,
        max_tokens: 48,
        temperature: Some(0.0),
        user_key: "bench".into(),
        cache_key: None,
        response_schema: None,
    };
    let start = Instant::now();
    let mut rx = provider.stream(req);
    let (mut text, mut chunks, mut usage, mut first, mut error) = (String::new(), 0, None, None, None);
    while let Some(ev) = rx.recv().await {
        match ev {
            Ok(StreamEvent::Text(t)) => {
                first.get_or_insert_with(|| start.elapsed());
                chunks += 1;
                text.push_str(&t);
            }
            Ok(StreamEvent::Usage(u)) => usage = Some(u),
            Ok(_) => {}
            Err(e) => error = Some(e),
        }
    }
    let _ = child.kill();
    match error {
        Some(e) => println!("FAILED: {e}"),
        None => println!(
            "ok: {chunks} streamed chunks, first after {}, usage {:?}, text {:?}",
            first.map(ms).unwrap_or_default(),
            usage,
            text.chars().take(80).collect::<String>()
        ),
    }
}
