//! A fake model API on a real local socket: each request gets the next scripted response,
//! streamed as the given byte chunks with pauses between them; requests are recorded.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(&'static str, &'static str)>,
    pub chunks: Vec<Vec<u8>>,
    pub pause: Duration,
    /// Keep the connection open without sending more, after the chunks.
    pub stall: bool,
}

impl Scripted {
    /// An SSE body split into the given pieces.
    pub fn sse(pieces: &[&str]) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", "text/event-stream")],
            chunks: pieces.iter().map(|p| p.as_bytes().to_vec()).collect(),
            pause: Duration::from_millis(5),
            stall: false,
        }
    }

    /// The same bytes, cut every `n` bytes (so frames, lines and even characters split).
    pub fn sse_cut(body: &str, n: usize) -> Self {
        let mut s = Self::sse(&[]);
        s.chunks = body.as_bytes().chunks(n).map(<[u8]>::to_vec).collect();
        s.pause = Duration::from_millis(1);
        s
    }

    pub fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json")],
            chunks: vec![body.as_bytes().to_vec()],
            pause: Duration::ZERO,
            stall: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Recorded {
    pub path: String,
    pub headers: HeaderMap,
    pub body: serde_json::Value,
}

#[derive(Clone, Default)]
struct Shared {
    script: Arc<Mutex<VecDeque<Scripted>>>,
    seen: Arc<Mutex<Vec<Recorded>>>,
    /// Set when a response body is dropped before it was sent in full (the client hung up).
    hung_up: Arc<AtomicBool>,
}

pub struct Fake {
    pub url: String,
    shared: Shared,
}

impl Fake {
    pub async fn start(script: Vec<Scripted>) -> Self {
        let shared = Shared { script: Arc::new(Mutex::new(script.into())), ..Default::default() };
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url: format!("http://{addr}"), shared }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.seen.lock().unwrap().clone()
    }

    pub fn hung_up(&self) -> bool {
        self.shared.hung_up.load(Ordering::SeqCst)
    }
}

struct HangUpGuard {
    flag: Arc<AtomicBool>,
    finished: bool,
}

impl Drop for HangUpGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.flag.store(true, Ordering::SeqCst);
        }
    }
}

async fn handle(State(shared): State<Shared>, req: Request) -> Response {
    let path = req.uri().to_string();
    let headers = req.headers().clone();
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    shared.seen.lock().unwrap().push(Recorded { path, headers, body });
    let Some(s) = shared.script.lock().unwrap().pop_front() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no more scripted responses").into_response();
    };
    let guard = HangUpGuard { flag: shared.hung_up.clone(), finished: false };
    let stream = futures_util::stream::unfold((s.clone(), 0usize, guard), |(s, i, mut guard)| async move {
        if i < s.chunks.len() {
            if i > 0 && !s.pause.is_zero() {
                tokio::time::sleep(s.pause).await;
            }
            let chunk = Bytes::from(s.chunks[i].clone());
            return Some((Ok::<_, Infallible>(chunk), (s, i + 1, guard)));
        }
        if s.stall {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        guard.finished = true;
        drop(guard);
        None
    });
    let mut res = Response::new(Body::from_stream(stream));
    *res.status_mut() = StatusCode::from_u16(s.status).unwrap();
    for (k, v) in &s.headers {
        res.headers_mut().insert(*k, v.parse().unwrap());
    }
    res
}
