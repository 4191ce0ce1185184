use super::fake::{Fake, Scripted};
use super::{collect, request, text_of};
use concierge::llm::anthropic::Anthropic;
use concierge::llm::gemini::Gemini;
use concierge::llm::http::Endpoint;
use concierge::llm::openai::OpenAi;
use concierge::llm::{FinishReason, Provider, ProviderError, RetryPolicy, StreamEvent, Timeouts, ToolCall, Usage};
use concierge::security::Secret;
use std::time::Duration;

fn fast_retry() -> RetryPolicy {
    RetryPolicy { max_retries: 2, base: Duration::from_millis(10), max: Duration::from_millis(50) }
}

fn timeouts() -> Timeouts {
    Timeouts { connect: Duration::from_secs(2), first_byte: Duration::from_secs(5), idle: Duration::from_millis(400) }
}

fn openai(fake: &Fake) -> OpenAi {
    OpenAi(Endpoint::new(&format!("{}/v1", fake.url), Some(Secret::new("sk-test")), timeouts(), fast_retry()))
}

/// What OpenAI sends for a reply with text, then a tool call whose arguments come in pieces,
/// then usage in a last chunk with no choices (stream_options.include_usage).
const OPENAI_STREAM: &str = concat!(
    ": ping\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Let me \"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"check – ☀️.\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\": \\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
    "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":12,\"total_tokens\":43}}\n\n",
    "data: [DONE]\n\n",
);

fn expected_openai() -> Vec<StreamEvent> {
    vec![
        StreamEvent::Text("Let me ".into()),
        StreamEvent::Text("check – ☀️.".into()),
        StreamEvent::ToolCall(ToolCall {
            id: "call_abc".into(),
            name: "get_weather".into(),
            arguments: "{\"city\": \"Paris\"}".into(),
        }),
        StreamEvent::Usage(Usage { prompt_tokens: 31, completion_tokens: 12 }),
        StreamEvent::Finished(FinishReason::ToolCalls),
    ]
}

#[tokio::test]
async fn openai_text_tool_call_deltas_and_usage() {
    let fake = Fake::start(vec![Scripted::sse(&[OPENAI_STREAM])]).await;
    let events = collect(openai(&fake).stream(request("gpt-test"))).await;
    let events: Vec<StreamEvent> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(events, expected_openai());

    let seen = fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].headers["authorization"], "Bearer sk-test");
    let body = &seen[0].body;
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Weather in Paris?");
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather");
}

/// What llama-cpp-python's server (0.3.36, `--chat_format chatml-function-calling`, a named
/// `tool_choice`) sends: the id and the whole name again in every chunk, with a legacy
/// `function_call` beside `tool_calls`, the arguments in pieces, and no usage.
const LLAMA_CPP_STREAM: &str = concat!(
    "data: {\"id\": \"chatcmpl-1\", \"object\": \"chat.completion.chunk\", \"model\": \"x\", \"choices\": [{\"index\": 0, \"finish_reason\": null, \"logprobs\": null, \"delta\": {\"role\": \"assistant\", \"content\": null, \"function_call\": null, \"tool_calls\": null}}]}\n\n",
    "data: {\"id\": \"chatcmpl-1\", \"choices\": [{\"index\": 0, \"finish_reason\": null, \"delta\": {\"role\": null, \"content\": null, \"function_call\": {\"name\": \"get_weather\", \"arguments\": \"{\"}, \"tool_calls\": [{\"index\": 0, \"id\": \"call__0_get_weather_cmpl-1\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": \"{\"}}]}}]}\n\n",
    "data: {\"id\": \"chatcmpl-1\", \"choices\": [{\"index\": 0, \"finish_reason\": null, \"delta\": {\"role\": null, \"content\": null, \"function_call\": {\"name\": \"get_weather\", \"arguments\": \"\\\"city\\\": \"}, \"tool_calls\": [{\"index\": 0, \"id\": \"call__0_get_weather_cmpl-1\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": \"\\\"city\\\": \"}}]}}]}\n\n",
    "data: {\"id\": \"chatcmpl-1\", \"choices\": [{\"index\": 0, \"finish_reason\": null, \"delta\": {\"role\": null, \"content\": null, \"function_call\": {\"name\": \"get_weather\", \"arguments\": \"\\\"Paris\\\"}\"}, \"tool_calls\": [{\"index\": 0, \"id\": \"call__0_get_weather_cmpl-1\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": \"\\\"Paris\\\"}\"}}]}}]}\n\n",
    "data: {\"id\": \"chatcmpl-1\", \"choices\": [{\"index\": 0, \"finish_reason\": \"tool_calls\", \"logprobs\": null, \"delta\": {\"role\": null, \"content\": null, \"function_call\": null, \"tool_calls\": null}}]}\n\n",
    "data: [DONE]\n\n",
);

#[tokio::test]
async fn a_name_repeated_in_every_chunk_is_said_once() {
    let fake = Fake::start(vec![Scripted::sse(&[LLAMA_CPP_STREAM])]).await;
    let events = collect(openai(&fake).stream(request("x"))).await;
    let events: Vec<StreamEvent> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events,
        vec![
            StreamEvent::ToolCall(ToolCall {
                id: "call__0_get_weather_cmpl-1".into(),
                name: "get_weather".into(),
                arguments: "{\"city\": \"Paris\"}".into(),
            }),
            StreamEvent::Finished(FinishReason::ToolCalls),
        ]
    );
}

#[tokio::test]
async fn openai_frames_split_at_every_few_bytes() {
    // 7-byte chunks cut through lines, JSON, the multi-byte "☀️" and the "\n\n" separators.
    let fake = Fake::start(vec![Scripted::sse_cut(OPENAI_STREAM, 7)]).await;
    let events = collect(openai(&fake).stream(request("gpt-test"))).await;
    let events: Vec<StreamEvent> = events.into_iter().map(Result::unwrap).collect();
    // Text may arrive in the same pieces (one per SSE event) whatever the TCP chunking.
    assert_eq!(events, expected_openai());
}

#[tokio::test]
async fn openai_error_event_mid_stream_ends_the_reply() {
    let fake = Fake::start(vec![Scripted::sse(&[
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Partial\"}}]}\n\n",
        "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}\n\n",
    ])])
    .await;
    let events = collect(openai(&fake).stream(request("m"))).await;
    assert_eq!(text_of(&events), "Partial");
    assert_eq!(
        events.last().unwrap(),
        &Err(ProviderError::Upstream("The server had an error while processing your request.".into()))
    );
    assert_eq!(fake.requests().len(), 1, "no retry after the first token");
}

#[tokio::test]
async fn rate_limited_then_success_is_retried() {
    let fake = Fake::start(vec![
        Scripted {
            headers: vec![("content-type", "application/json"), ("retry-after", "0")],
            ..Scripted::status(429, r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#)
        },
        Scripted::status(503, r#"{"error":{"message":"overloaded"}}"#),
        Scripted::sse(&[OPENAI_STREAM]),
    ])
    .await;
    let events = collect(openai(&fake).stream(request("m"))).await;
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert_eq!(text_of(&events), "Let me check – ☀️.");
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn retries_give_up_with_the_last_error() {
    let fake = Fake::start(vec![
        Scripted::status(500, r#"{"error":{"message":"boom 1"}}"#),
        Scripted::status(502, "Bad gateway"),
        Scripted::status(500, r#"{"error":{"message":"boom 3"}}"#),
    ])
    .await;
    let events = collect(openai(&fake).stream(request("m"))).await;
    assert_eq!(events, vec![Err(ProviderError::Http { status: 500, message: "boom 3".into() })]);
    assert_eq!(fake.requests().len(), 3, "one try and two retries");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let fake = Fake::start(vec![Scripted::status(401, r#"{"error":{"message":"Incorrect API key provided"}}"#)]).await;
    let events = collect(openai(&fake).stream(request("m"))).await;
    assert_eq!(events, vec![Err(ProviderError::Http { status: 401, message: "Incorrect API key provided".into() })]);
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_stalled_stream_hits_the_idle_timeout() {
    let fake = Fake::start(vec![Scripted {
        stall: true,
        ..Scripted::sse(&["data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"])
    }])
    .await;
    let started = std::time::Instant::now();
    let events = collect(openai(&fake).stream(request("m"))).await;
    assert_eq!(text_of(&events), "Hel");
    assert_eq!(events.last().unwrap(), &Err(ProviderError::Timeout("stream stalled")));
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A provider that streams without ever ending a line is cut off at the parser's line limit
/// (1 MiB), not buffered without end.
#[tokio::test]
async fn a_stream_without_newlines_hits_the_line_limit() {
    let chunk = "x".repeat(256 * 1024);
    let pieces: Vec<&str> = std::iter::repeat_n(chunk.as_str(), 6).collect();
    let fake = Fake::start(vec![Scripted { pause: Duration::ZERO, ..Scripted::sse(&pieces) }]).await;
    let events = collect(openai(&fake).stream(request("m"))).await;
    assert!(matches!(events.as_slice(), [Err(ProviderError::Protocol(m))] if m.contains("size limit")), "{events:?}");
}

/// A 10 MiB error body: the reply ends with its first 300 characters (the server reads 64 KiB of it).
#[tokio::test]
async fn a_huge_error_body_gives_a_short_message() {
    let body = "e".repeat(10 * 1024 * 1024);
    let fake = Fake::start(vec![Scripted::status(400, &body)]).await;
    let events = collect(openai(&fake).stream(request("m"))).await;
    match events.as_slice() {
        [Err(ProviderError::Http { status: 400, message })] => assert_eq!(message.len(), 300),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error() {
    // A port nothing listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let p = OpenAi(Endpoint::new(&format!("http://127.0.0.1:{port}/v1"), None, timeouts(), fast_retry()));
    let events = collect(p.stream(request("m"))).await;
    assert!(matches!(events.as_slice(), [Err(ProviderError::Connect(_))]), "{events:?}");
}

#[tokio::test]
async fn dropping_the_receiver_hangs_up() {
    let fake = Fake::start(vec![Scripted {
        stall: true,
        ..Scripted::sse(&["data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"])
    }])
    .await;
    let mut rx = openai(&fake).stream(request("m"));
    assert_eq!(rx.recv().await, Some(Ok(StreamEvent::Text("a".into()))));
    drop(rx);
    for _ in 0..100 {
        if fake.hung_up() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the provider kept the connection open after its reader went away");
}

/// Anthropic's Messages stream: text, then a tool_use block whose input arrives as partial JSON.
const ANTHROPIC_STREAM: &str = concat!(
    "event: message_start\n",
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-test\",\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
    "event: content_block_start\n",
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: ping\n",
    "data: {\"type\": \"ping\"}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking\"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" Paris.\"}}\n\n",
    "event: content_block_stop\n",
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: content_block_start\n",
    "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Pa\"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"ris\\\"}\"}}\n\n",
    "event: content_block_stop\n",
    "data: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
    "event: message_delta\n",
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}\n\n",
    "event: message_stop\n",
    "data: {\"type\":\"message_stop\"}\n\n",
);

#[tokio::test]
async fn anthropic_text_tool_use_and_usage() {
    let fake = Fake::start(vec![Scripted::sse_cut(ANTHROPIC_STREAM, 11)]).await;
    let p = Anthropic(Endpoint::new(&fake.url, Some(Secret::new("sk-ant-test")), timeouts(), fast_retry()));
    let events: Vec<StreamEvent> =
        collect(p.stream(request("claude-test"))).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events,
        vec![
            StreamEvent::Text("Checking".into()),
            StreamEvent::Text(" Paris.".into()),
            StreamEvent::ToolCall(ToolCall {
                id: "toolu_01".into(),
                name: "get_weather".into(),
                arguments: "{\"city\": \"Paris\"}".into()
            }),
            StreamEvent::Usage(Usage { prompt_tokens: 25, completion_tokens: 40 }),
            StreamEvent::Finished(FinishReason::ToolCalls),
        ]
    );
    let seen = &fake.requests()[0];
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.headers["x-api-key"], "sk-ant-test");
    assert_eq!(seen.headers["anthropic-version"], "2023-06-01");
    assert_eq!(seen.body["system"], "Be brief.");
    assert_eq!(seen.body["messages"][0]["role"], "user");
    assert_eq!(seen.body["tools"][0]["input_schema"]["required"][0], "city");
    assert_eq!(seen.body["stream"], true);
}

#[tokio::test]
async fn anthropic_error_event() {
    let fake = Fake::start(vec![Scripted::sse(&[
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":0}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
    ])])
    .await;
    let p = Anthropic(Endpoint::new(&fake.url, None, timeouts(), fast_retry()));
    let events = collect(p.stream(request("claude-test"))).await;
    assert_eq!(text_of(&events), "Hi");
    assert_eq!(events.last().unwrap(), &Err(ProviderError::Upstream("Overloaded".into())));
}

/// Gemini's streamed generateContent: text parts, a function call, growing usage metadata.
const GEMINI_STREAM: &str = concat!(
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Looking \"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 18,\"candidatesTokenCount\": 2,\"totalTokenCount\": 20},\"modelVersion\": \"gemini-test\"}\r\n\r\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"it up.\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 18,\"candidatesTokenCount\": 5,\"totalTokenCount\": 23}}\r\n\r\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"get_weather\",\"args\": {\"city\": \"Paris\"}}}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 18,\"candidatesTokenCount\": 9,\"totalTokenCount\": 27}}\r\n\r\n",
);

#[tokio::test]
async fn gemini_text_function_call_and_usage() {
    let fake = Fake::start(vec![Scripted::sse_cut(GEMINI_STREAM, 13)]).await;
    let p = Gemini(Endpoint::new(&fake.url, Some(Secret::new("AIza-test")), timeouts(), fast_retry()));
    let events: Vec<StreamEvent> =
        collect(p.stream(request("gemini-test"))).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events,
        vec![
            StreamEvent::Text("Looking ".into()),
            StreamEvent::Text("it up.".into()),
            StreamEvent::ToolCall(ToolCall {
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments: "{\"city\":\"Paris\"}".into()
            }),
            StreamEvent::Usage(Usage { prompt_tokens: 18, completion_tokens: 9 }),
            StreamEvent::Finished(FinishReason::ToolCalls),
        ]
    );
    let seen = &fake.requests()[0];
    assert_eq!(seen.path, "/v1beta/models/gemini-test:streamGenerateContent?alt=sse");
    assert_eq!(seen.headers["x-goog-api-key"], "AIza-test");
    assert!(!seen.path.contains("key="), "the key never goes in the URL");
    assert_eq!(seen.body["systemInstruction"]["parts"][0]["text"], "Be brief.");
    assert_eq!(seen.body["contents"][0]["role"], "user");
    assert_eq!(seen.body["tools"][0]["functionDeclarations"][0]["name"], "get_weather");
    // Gemini's OpenAPI subset has no `additionalProperties`: it is left out, the rest kept.
    let params = &seen.body["tools"][0]["functionDeclarations"][0]["parameters"];
    assert!(params.get("additionalProperties").is_none(), "{params}");
    assert_eq!(params["properties"]["city"]["type"], "string");
    assert_eq!(params["required"][0], "city");
    assert_eq!(seen.body["generationConfig"]["maxOutputTokens"], 64);
}

#[tokio::test]
async fn gemini_error_body() {
    let fake = Fake::start(vec![Scripted::status(
        400,
        r#"{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}}"#,
    )])
    .await;
    let p = Gemini(Endpoint::new(&fake.url, Some(Secret::new("bad")), timeouts(), fast_retry()));
    let events = collect(p.stream(request("gemini-test"))).await;
    assert_eq!(
        events,
        vec![Err(ProviderError::Http {
            status: 400,
            message: "API key not valid. Please pass a valid API key.".into()
        })]
    );
}

// ---- structured output (the form assist) -------------------------------------------------------

fn resolved(provider: std::sync::Arc<dyn Provider>, kind: &str) -> concierge::llm::ResolvedModel {
    concierge::llm::ResolvedModel {
        info: concierge::domain::chat::ModelInfo {
            id: format!("{kind}/test"),
            provider: kind.into(),
            label: "test".into(),
            context_window: 8192,
            supports_tools: true,
            supports_images: true,
            local: true,
        },
        provider,
        model: "test".into(),
    }
}

const INQUIRY_TEXT: &str = "I'm Maya Patel, wedding on June 12, 2027 for 140 guests.";

fn assist_cx() -> concierge::domain::assist::AssistContext {
    concierge::domain::assist::AssistContext {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        spaces: vec!["Garden Terrace".into()],
    }
}

/// OpenAI-compatible servers get `response_format: json_schema` (strict) and answer in text.
#[tokio::test]
async fn openai_structured_output_fills_a_form() {
    use concierge::domain::assist::FormKind;
    // The answer arrives in pieces, with a made-up budget the text does not hold.
    let answer = r#"{"name": {"source": "I'm Maya Patel", "value": "Maya Patel"}, "guest_count": {"source": "140 guests", "value": "140"}, "budget": {"source": "", "value": "$9,999"}}"#;
    let mut stream = String::new();
    for piece in answer.as_bytes().chunks(17) {
        let piece = serde_json::to_string(std::str::from_utf8(piece).unwrap()).unwrap();
        stream.push_str(&format!("data: {{\"id\":\"c1\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{piece}}},\"finish_reason\":null}}]}}\n\n"));
    }
    stream.push_str(
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
    );
    let fake = Fake::start(vec![Scripted::sse(&[&stream])]).await;
    let model = resolved(std::sync::Arc::new(openai(&fake)), "openai");
    let x =
        concierge::agent::extract::extract(&model, FormKind::Inquiry, INQUIRY_TEXT, &assist_cx(), "u1").await.unwrap();
    let got: Vec<(&str, &str)> = x.suggestions.iter().map(|s| (s.field.as_str(), s.value.as_str())).collect();
    assert_eq!(got, [("name", "Maya Patel"), ("guest_count", "140")]);
    assert_eq!(x.dropped.len(), 1, "the budget is not in the text");
    let body = &fake.requests()[0].body;
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let schema = &body["response_format"]["json_schema"]["schema"];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"].as_array().unwrap().len(), FormKind::Inquiry.fields().len());
    assert!(!schema.to_string().contains("maxLength"), "strict mode refuses string lengths");
    assert!(body.get("tools").is_none(), "no tools while filling a form");
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(body["messages"][1]["content"].as_str().unwrap().starts_with("<<<MESSAGE\nI'm Maya Patel"));
}

/// Anthropic has no JSON mode: the answer is the input of a tool the model is made to call.
#[tokio::test]
async fn anthropic_structured_output_is_a_forced_tool() {
    use concierge::domain::assist::FormKind;
    let input = r#"{\"name\": {\"source\": \"I'm Maya Patel\", \"value\": \"Maya Patel\"}}"#;
    let stream = format!(
        concat!(
            "event: message_start\n",
            "data: {{\"type\":\"message_start\",\"message\":{{\"id\":\"m1\",\"usage\":{{\"input_tokens\":20,\"output_tokens\":1}}}}}}\n\n",
            "event: content_block_start\n",
            "data: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"answer\",\"input\":{{}}}}}}\n\n",
            "event: content_block_delta\n",
            "data: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"input_json_delta\",\"partial_json\":\"{input}\"}}}}\n\n",
            "event: content_block_stop\n",
            "data: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n",
            "event: message_delta\n",
            "data: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"tool_use\"}},\"usage\":{{\"output_tokens\":30}}}}\n\n",
            "event: message_stop\n",
            "data: {{\"type\":\"message_stop\"}}\n\n",
        ),
        input = input
    );
    let fake = Fake::start(vec![Scripted::sse(&[&stream])]).await;
    let p = Anthropic(Endpoint::new(&fake.url, Some(Secret::new("sk-ant-test")), timeouts(), fast_retry()));
    let model = resolved(std::sync::Arc::new(p), "anthropic");
    let x =
        concierge::agent::extract::extract(&model, FormKind::Inquiry, INQUIRY_TEXT, &assist_cx(), "u1").await.unwrap();
    assert_eq!(x.get("name").map(|s| s.value.as_str()), Some("Maya Patel"));
    let body = &fake.requests()[0].body;
    assert_eq!(body["tool_choice"], serde_json::json!({"type": "tool", "name": "answer"}));
    assert_eq!(body["tools"].as_array().unwrap().len(), 1);
    assert_eq!(body["tools"][0]["input_schema"]["additionalProperties"], false);
}

#[tokio::test]
async fn gemini_structured_output_asks_for_json() {
    use concierge::domain::assist::FormKind;
    let answer = serde_json::to_string(r#"{"guest_count": {"source": "140 guests", "value": "140"}}"#).unwrap();
    let stream = format!(
        "data: {{\"candidates\": [{{\"content\": {{\"parts\": [{{\"text\": {answer}}}],\"role\": \"model\"}},\"finishReason\": \"STOP\",\"index\": 0}}]}}\r\n\r\n"
    );
    let fake = Fake::start(vec![Scripted::sse(&[&stream])]).await;
    let p = Gemini(Endpoint::new(&fake.url, Some(Secret::new("AIza-test")), timeouts(), fast_retry()));
    let model = resolved(std::sync::Arc::new(p), "gemini");
    let x =
        concierge::agent::extract::extract(&model, FormKind::Inquiry, INQUIRY_TEXT, &assist_cx(), "u1").await.unwrap();
    assert_eq!(x.get("guest_count").map(|s| s.value.as_str()), Some("140"));
    let config = &fake.requests()[0].body["generationConfig"];
    assert_eq!(config["responseMimeType"], "application/json");
    assert_eq!(config["responseJsonSchema"]["additionalProperties"], false);
}

// ---- images (a chat's attached pictures) ---------------------------------------------------------

/// The request of `request(model)` with a picture attached to the user's message.
fn with_image(model: &str) -> concierge::llm::ChatRequest {
    let mut r = request(model);
    r.messages[1].images = vec![concierge::llm::Image {
        media_type: "image/png".into(),
        data: b"\x89PNG\r\n\x1a\npixels".to_vec().into(),
    }];
    r
}

/// "\x89PNG\r\n\x1a\npixels" in standard base64.
const PNG_B64: &str = "iVBORw0KGgpwaXhlbHM=";

#[tokio::test]
async fn images_go_as_each_wire_format_wants_them() {
    // OpenAI-compatible: content parts, the picture as a data URL.
    let fake = Fake::start(vec![Scripted::sse_cut(OPENAI_STREAM, 7)]).await;
    collect(openai(&fake).stream(with_image("gpt-4o"))).await;
    let user = &fake.requests()[0].body["messages"][1];
    assert_eq!(user["content"][0], serde_json::json!({"type": "text", "text": "Weather in Paris?"}));
    assert_eq!(user["content"][1]["type"], "image_url");
    assert_eq!(user["content"][1]["image_url"]["url"], format!("data:image/png;base64,{PNG_B64}"));

    // Anthropic: an image block with a base64 source, before the text.
    let fake = Fake::start(vec![Scripted::sse_cut(ANTHROPIC_STREAM, 11)]).await;
    let p = Anthropic(Endpoint::new(&fake.url, Some(Secret::new("sk-ant-test")), timeouts(), fast_retry()));
    collect(p.stream(with_image("claude-test"))).await;
    let content = &fake.requests()[0].body["messages"][0]["content"];
    assert_eq!(
        content[0],
        serde_json::json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}})
    );
    assert_eq!(content[1], serde_json::json!({"type": "text", "text": "Weather in Paris?"}));

    // Gemini: inline data after the text part.
    let fake = Fake::start(vec![Scripted::sse_cut(GEMINI_STREAM, 13)]).await;
    let p = Gemini(Endpoint::new(&fake.url, Some(Secret::new("AIza-test")), timeouts(), fast_retry()));
    collect(p.stream(with_image("gemini-test"))).await;
    let parts = &fake.requests()[0].body["contents"][0]["parts"];
    assert_eq!(parts[0], serde_json::json!({"text": "Weather in Paris?"}));
    assert_eq!(parts[1], serde_json::json!({"inlineData": {"mimeType": "image/png", "data": PNG_B64}}));

    // Without images, a user message stays plain text everywhere.
    let fake = Fake::start(vec![Scripted::sse_cut(OPENAI_STREAM, 7)]).await;
    collect(openai(&fake).stream(request("gpt-4o"))).await;
    assert_eq!(fake.requests()[0].body["messages"][1]["content"], "Weather in Paris?");
}

#[test]
fn which_models_see_images() {
    use concierge::llm::catalog::sees_images;
    assert!(sees_images("anthropic", "claude-sonnet-4"));
    assert!(sees_images("gemini", "gemini-2.5-flash"));
    assert!(sees_images("openai", "gpt-4o-mini"));
    assert!(sees_images("openai", "llava:13b"));
    assert!(sees_images("openai", "qwen2.5-vl-7b"));
    assert!(!sees_images("openai", "llama3.1:8b"));
    assert!(!sees_images("openai", "gpt-3.5-turbo"));
}
