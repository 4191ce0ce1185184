//! The MCP server (`/mcp`, see `web::mcp`), driven by the official `mcp` Python SDK over a real
//! socket (tests/sdk/mcp_client.py): list tools, call a read tool, call an action and see it
//! queued for approval, be refused another client's and another venue's records; and without a
//! live key, nothing.

use super::*;
use serde_json::json;

async fn key(app: &TestApp, session: &str, agents: &[&str], may_act: bool) -> String {
    let mut form: Vec<(String, String)> =
        vec![("input[name]".into(), "Agent host".into()), ("input[days]".into(), "30".into())];
    for (i, a) in agents.iter().enumerate() {
        form.push((format!("input[agents][{i}]"), a.to_string()));
    }
    form.push(("input[may_act]".into(), may_act.to_string()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.call(Some(session), "create_api_key", &pairs).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_str().unwrap().to_string()
}

/// An event of another venue ("Rival Hall", signed up for the test).
async fn rival_event(app: &TestApp) -> i64 {
    app.rival_venue().await;
    let venue: i64 =
        sqlx::query_scalar("select id from venues where name = 'Rival Hall'").fetch_one(&app.pool).await.unwrap();
    let client: i64 =
        sqlx::query_scalar("insert into clients (venue_id, name) values ($1, 'Rival Client') returning id")
            .bind(venue)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let event: i64 = sqlx::query_scalar(
        "insert into events (venue_id, client_id, title, event_date) values ($1, $2, 'Rival Gala', current_date + 30) returning id",
    )
    .bind(venue)
    .bind(client)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into guests (event_id, name) values ($1, 'Rival Guest')")
        .bind(event)
        .execute(&app.pool)
        .await
        .unwrap();
    event
}

async fn first_guest(app: &TestApp, event: i64) -> String {
    sqlx::query_scalar("select name from guests where event_id = $1 order by id limit 1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_mcp_python_sdk_reaches_the_members_tools_and_nothing_more(pool: PgPool) {
    let app = spawn(pool).await;
    let (emma_event, james_event) = (app.event_id(EMMA_EVENT).await, app.event_id(JAMES_EVENT).await);
    let rival = rival_event(&app).await;
    let emma = app.login(EMMA).await;
    let key = key(&app, &emma, &["client"], true).await;
    let env = vec![
        ("CONCIERGE_KEY", key),
        ("CONCIERGE_EVENT", emma_event.to_string()),
        ("CONCIERGE_OTHER_EVENT", james_event.to_string()),
        ("CONCIERGE_RIVAL_EVENT", rival.to_string()),
        ("CONCIERGE_GUEST", first_guest(&app, emma_event).await),
        ("CONCIERGE_OTHER_GUEST", first_guest(&app, james_event).await),
    ];
    run_sdk_script(&app, "mcp_client.py", env).await;

    // The action waits in the key's thread of Emma's chat, and nothing was added.
    let (thread_key, tool): (Option<i64>, String) = sqlx::query_as(
        "select t.api_key_id, a.tool from approvals a join chat_threads t on t.id = a.thread_id where a.status = 'pending'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(thread_key.is_some());
    assert_eq!(tool, "add_guest");
    let added: i64 = sqlx::query_scalar("select count(*) from guests where name = 'Mallory MCP'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(added, 0);
    // Emma approves it in her chat: then it is done.
    let approval: i64 =
        sqlx::query_scalar("select id from approvals where status = 'pending'").fetch_one(&app.pool).await.unwrap();
    let r = app
        .call(
            Some(&emma),
            "decide_approval",
            &[("approval_id", &approval.to_string()), ("approve", "true"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let added: i64 = sqlx::query_scalar("select count(*) from guests where name = 'Mallory MCP'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(added, 1);
}

/// JSON-RPC over plain HTTP, as any client sends it.
async fn rpc(app: &TestApp, key: Option<&str>, body: serde_json::Value) -> Reply {
    let mut req = Request::post("/mcp")
        .header(header::HOST, "127.0.0.1")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18");
    if let Some(k) = key {
        req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    app.send(req.body(Body::from(body.to_string())).unwrap()).await
}

#[sqlx::test]
async fn without_a_live_key_nothing_is_listed_and_a_read_only_key_lists_no_actions(pool: PgPool) {
    let app = spawn(pool).await;
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}});
    let r = rpc(&app, None, list.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
    let sam = app.login(STAFF).await;
    let reader = key(&app, &sam, &["venue_general"], false).await;
    let r = rpc(&app, Some(&reader), list.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tools: Vec<String> = r.json()["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert!(tools.contains(&"list_vendors".to_string()), "{tools:?}");
    assert!(
        !tools.iter().any(|t| t == "create_task" || t == "send_client_message"),
        "a read-only key lists actions: {tools:?}"
    );
    // A revoked key stops at once.
    let id = app.call(Some(&sam), "api_keys", &[]).await.json()[0]["id"].as_i64().unwrap();
    app.call(Some(&sam), "revoke_api_key", &[("id", &id.to_string())]).await;
    assert_eq!(rpc(&app, Some(&reader), list).await.status, StatusCode::UNAUTHORIZED);
}
