//! Outside tools: an owner connects an MCP server (the official `mcp` Python SDK's, started by
//! the test: tests/sdk/mcp_server.py), its tools are listed and checked, turned on for chosen
//! agents with an approval policy, and called by the agents through the outbound guard, their
//! arguments checked against the server's whole schema, their answers capped and quoted; nobody
//! but the venue's owner manages them, and no other venue reaches them.

use super::*;
use serde_json::{json, Value};
use std::process::{Child, Command};

/// The Python MCP server, stopped when dropped.
struct McpServer {
    child: Child,
    url: String,
}

impl Drop for McpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts tests/sdk/mcp_server.py on a free port (`json`: plain JSON answers, else event
/// streams) and waits until it listens.
async fn mcp_server(json: bool) -> McpServer {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let script = format!("{}/tests/sdk/mcp_server.py", env!("CARGO_MANIFEST_DIR"));
    let child = Command::new("python3")
        .arg(script)
        .env("PORT", port.to_string())
        .env("MCP_JSON", if json { "1" } else { "0" })
        // Its log (a tool that fails on purpose prints a traceback) is not the test's.
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs (scripts/setup.sh installs the mcp SDK)");
    let server = McpServer { child, url: format!("http://127.0.0.1:{port}/mcp") };
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return server;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the MCP server did not start");
}

async fn add(app: &TestApp, session: &str, name: &str, url: &str, headers: &str) -> Reply {
    app.call(
        Some(session),
        "add_mcp_server",
        &[("input[name]", name), ("input[url]", url), ("input[headers]", headers)],
    )
    .await
}

async fn servers(app: &TestApp, session: &str) -> Vec<Value> {
    let r = app.call(Some(session), "mcp_servers", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_array().unwrap().clone()
}

fn tool<'a>(server: &'a Value, name: &str) -> &'a Value {
    server["tools"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{name}: {server}"))
}

async fn turn_on(app: &TestApp, session: &str, tool_id: i64, agents: &[&str], policy: &str) -> Reply {
    let id = tool_id.to_string();
    let mut form: Vec<(String, String)> = vec![("id".into(), id), ("input[policy]".into(), policy.into())];
    for (i, a) in agents.iter().enumerate() {
        form.push((format!("input[agents][{i}]"), a.to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(Some(session), "set_mcp_tool", &pairs).await
}

#[sqlx::test]
async fn outside_tools_are_listed_checked_and_called_under_the_owners_policy(pool: PgPool) {
    let mcp = mcp_server(false).await;
    let strict = spawn(pool.clone()).await;
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let olivia = app.login(OWNER).await;

    // The outbound guard: without the operator's allowance a loopback server is refused.
    let r = add(&strict, &strict.login(OWNER).await, "weather", &mcp.url, "Authorization: Bearer test-token").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("private or local network"), "{}", r.body);

    // Bad forms are refused with the field's message.
    let r = add(&app, &olivia, "Weather Desk", &mcp.url, "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = add(&app, &olivia, "weather", &mcp.url, "Host: evil.example").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Without its header the server refuses: the server is kept, with why.
    let r = add(&app, &olivia, "nokey", &mcp.url, "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = servers(&app, &olivia).await;
    assert_eq!(listed[0]["name"], "nokey");
    assert!(listed[0]["last_error"].as_str().unwrap().contains("answered 401"), "{}", listed[0]);
    let nokey = listed[0]["id"].as_i64().unwrap().to_string();
    let r = app.call(Some(&olivia), "refresh_mcp_server", &[("id", &nokey)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app.call(Some(&olivia), "delete_mcp_server", &[("id", &nokey)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // With it, the tools are listed (over event streams and a session), all off at first; the
    // header's value is never sent back.
    let r = add(&app, &olivia, "weather", &mcp.url, "Authorization: Bearer test-token").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = add(&app, &olivia, "weather", &mcp.url, "Authorization: Bearer test-token").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "one name per venue: {}", r.body);
    let listed = servers(&app, &olivia).await;
    let weather = &listed[0];
    assert_eq!(weather["last_error"], "", "{weather}");
    assert_eq!(weather["header_names"], json!(["Authorization"]));
    assert!(!app.call(Some(&olivia), "mcp_servers", &[]).await.body.contains("test-token"));
    let forecast = tool(weather, "get_forecast");
    assert_eq!(forecast["exposed"], "weather__get_forecast");
    assert_eq!(forecast["arguments"], json!(["city", "days"]));
    assert_eq!(forecast["agents"], json!([]));
    assert_eq!(forecast["policy"], "requester", "by default every call waits for the person");
    let bad = tool(weather, "bad_schema");
    assert!(bad["problem"].as_str().unwrap().contains("does not compile"), "{bad}");
    let r = turn_on(&app, &olivia, bad["id"].as_i64().unwrap(), &["venue_general"], "auto").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Off, no agent has it.
    let sam = app.login(STAFF).await;
    let ask = |args: Value| format!("[[call weather__get_forecast {args}]]");
    let (_, items) = super::agents::ask(&app, &sam, "venue_general", None, &ask(json!({"city": "Boston"}))).await;
    assert_eq!(super::agents::tools(&items)[0]["error"], "there is no tool called \"weather__get_forecast\"");

    // Only the owner manages outside tools.
    let forecast_id = forecast["id"].as_i64().unwrap();
    for who in [STAFF, EMMA] {
        let s = app.login(who).await;
        assert_eq!(app.call(Some(&s), "mcp_servers", &[]).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(turn_on(&app, &s, forecast_id, &["client"], "auto").await.status, StatusCode::FORBIDDEN, "{who}");
        let r = add(&app, &s, "mine", &mcp.url, "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // Another venue's owner cannot see or change it.
    let rival = app.rival_venue().await;
    assert_eq!(servers(&app, &rival).await.len(), 0);
    let r = turn_on(&app, &rival, forecast_id, &["venue_general"], "auto").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Turned on for the venue agent, running at once: the call goes out and its answer comes
    // back quoted; arguments the server's schema refuses are never sent.
    let r = turn_on(&app, &olivia, forecast_id, &["venue_general"], "auto").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (_, items) =
        super::agents::ask(&app, &sam, "venue_general", None, &ask(json!({"city": "Boston", "days": 2}))).await;
    let call = super::agents::tools(&items)[0];
    assert_eq!(call["status"], "done", "{call}");
    let result = &call["data"]["result"];
    assert!(result["content"].as_str().unwrap().contains("Forecast for Boston: sunny, 21 °C for 2 day(s). (call #1)"));
    assert!(result["note"].as_str().unwrap().contains("not instructions"), "{result}");
    assert_eq!(result["server"], "weather");
    for refused in [json!({"city": "boston"}), json!({"city": "Boston", "days": 9}), json!({"town": "Boston"})] {
        let (_, items) = super::agents::ask(&app, &sam, "venue_general", None, &ask(refused.clone())).await;
        let call = super::agents::tools(&items)[0];
        assert_eq!(call["status"], "failed", "{refused}: {call}");
        assert!(call["error"].as_str().unwrap().starts_with("invalid arguments"), "{call}");
    }
    let (_, items) = super::agents::ask(&app, &sam, "venue_general", None, &ask(json!({"city": "Oslo"}))).await;
    let content = super::agents::tools(&items)[0]["data"]["result"]["content"].as_str().unwrap().to_string();
    assert!(content.contains("(call #2)"), "the refused calls never reached the server: {content}");

    // The client agent was not given it; the venue's other kinds neither.
    let emma = app.login(EMMA).await;
    let event = app.event_id(EMMA_EVENT).await;
    let (_, items) = super::agents::ask(&app, &emma, "client", Some(event), &ask(json!({"city": "Boston"}))).await;
    assert_eq!(super::agents::tools(&items)[0]["status"], "failed");

    // An action under the default policy waits for the person, then runs once approved.
    let weather = &servers(&app, &olivia).await[0];
    for name in ["add_note", "broken", "huge"] {
        let id = tool(weather, name)["id"].as_i64().unwrap();
        let policy = if name == "add_note" { "requester" } else { "auto" };
        assert_eq!(turn_on(&app, &olivia, id, &["venue_general"], policy).await.status, StatusCode::OK);
    }
    let (thread, items) = super::agents::ask(
        &app,
        &sam,
        "venue_general",
        None,
        r#"[[call weather__add_note {"text": "Umbrellas at the door"}]]"#,
    )
    .await;
    let call = super::agents::tools(&items)[0];
    assert_eq!(call["status"], "awaiting_approval", "{call}");
    let approval = &call["data"]["approval"];
    assert_eq!(approval["preview"]["summary"], "Call add_note on weather");
    assert_eq!(approval["preview"]["changes"][0]["after"], "Umbrellas at the door");
    let id = approval["id"].as_i64().unwrap().to_string();
    let r = app.call(Some(&sam), "decide_approval", &[("approval_id", &id), ("approve", "true"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = super::agents::settle(&app, &sam, thread).await;
    let call = super::agents::tools(&items)[0];
    assert_eq!(call["status"], "done", "{call}");
    assert!(call["data"]["result"]["content"].as_str().unwrap().contains("Noted: Umbrellas at the door"));

    // A failing tool and one whose answer is too large fail the call, with why.
    let (_, items) = super::agents::ask(&app, &sam, "venue_general", None, "[[call weather__broken {}]]").await;
    let call = super::agents::tools(&items)[0];
    assert!(call["error"].as_str().unwrap().contains("answered with an error"), "{call}");
    let (_, items) = super::agents::ask(&app, &sam, "venue_general", None, "[[call weather__huge {}]]").await;
    let call = super::agents::tools(&items)[0];
    assert!(call["error"].as_str().unwrap().contains("larger than 1024 KB"), "{call}");

    // Paused, or its server disconnected, a tool is offered to no one, and a call proposed
    // before then is not made when approved.
    let (thread, items) =
        super::agents::ask(&app, &sam, "venue_general", None, r#"[[call weather__add_note {"text": "Late"}]]"#).await;
    let id = super::agents::tools(&items)[0]["data"]["approval"]["id"].as_i64().unwrap().to_string();
    let server = weather["id"].as_i64().unwrap().to_string();
    let r = app.call(Some(&olivia), "set_mcp_server_active", &[("id", &server), ("active", "false")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (_, items) = super::agents::ask(&app, &sam, "venue_general", None, &ask(json!({"city": "Boston"}))).await;
    assert_eq!(super::agents::tools(&items)[0]["status"], "failed");
    let r = app.call(Some(&sam), "decide_approval", &[("approval_id", &id), ("approve", "true"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = super::agents::settle(&app, &sam, thread).await;
    let call = super::agents::tools(&items)[0];
    assert_eq!(call["status"], "failed", "{call}");
    assert!(call["error"].as_str().unwrap().contains("no longer available"), "{call}");
    let r = app.call(Some(&olivia), "delete_mcp_server", &[("id", &server)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(servers(&app, &olivia).await.is_empty());
    let audit: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action in ('tool_server_saved', 'tool_server_removed', 'outside_tool_changed')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(audit.len() >= 6, "{audit:?}");
}

#[sqlx::test]
async fn a_server_that_answers_plain_json_works_the_same(pool: PgPool) {
    let mcp = mcp_server(true).await;
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let olivia = app.login(OWNER).await;
    let r = add(&app, &olivia, "desk", &mcp.url, "Authorization: Bearer test-token").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let desk = &servers(&app, &olivia).await[0];
    assert_eq!(desk["last_error"], "", "{desk}");
    let id = tool(desk, "get_forecast")["id"].as_i64().unwrap();
    // On for the assistant, approved by the venue's staff.
    assert_eq!(turn_on(&app, &olivia, id, &["assistant"], "venue").await.status, StatusCode::OK);
    let emma = app.login(EMMA).await;
    let (_, items) =
        super::agents::ask(&app, &emma, "assistant", None, r#"[[call desk__get_forecast {"city": "Lisbon"}]]"#).await;
    let call = super::agents::tools(&items)[0];
    assert_eq!(call["status"], "awaiting_approval", "{call}");
    assert_eq!(call["data"]["approval"]["approver"], "venue");
    let approval = call["data"]["approval"]["id"].as_i64().unwrap().to_string();
    let r = app
        .call(Some(&emma), "decide_approval", &[("approval_id", &approval), ("approve", "true"), ("note", "")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the client cannot approve the venue's: {}", r.body);
    let sam = app.login(STAFF).await;
    let r =
        app.call(Some(&sam), "decide_approval", &[("approval_id", &approval), ("approve", "true"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let done: String = sqlx::query_scalar("select status from approvals where id = $1")
        .bind(approval.parse::<i64>().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(done, "approved");
}
