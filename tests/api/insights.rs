//! Owners' insights: the numbers equal the store's sums, costs follow the price table, only
//! owners see them (page, server function, CSV), and bad input is a 4xx.

use super::*;
use serde_json::Value;

#[sqlx::test]
async fn insights_equal_the_stores_sums_and_are_for_owners_only(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let venue = actor(&app.pool, OWNER).await.venue_id;
    let r = app.call(Some(&olivia), "insights", &[("days", "30")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let i: Value = r.json();

    let (prompt, completion, calls): (i64, i64, i64) = sqlx::query_as(
        "select sum(prompt_tokens)::int8, sum(completion_tokens)::int8, count(*) from llm_usage
          where venue_id = $1 and created_at >= now() - interval '30 days'",
    )
    .bind(venue)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(calls > 0, "the demo venue has usage to show");
    for by in ["by_day", "by_model", "by_agent", "by_member"] {
        let rows = i[by].as_array().unwrap();
        let sum = |k: &str| rows.iter().map(|g| g[k].as_i64().unwrap()).sum::<i64>();
        assert_eq!((sum("prompt_tokens"), sum("completion_tokens"), sum("calls")), (prompt, completion, calls), "{by}");
    }
    // The hosted model costs what the price table says; the embedded one nothing.
    let (p, c): (i64, i64) = sqlx::query_as(
        "select sum(prompt_tokens)::int8, sum(completion_tokens)::int8 from llm_usage
          where venue_id = $1 and model = 'openai/gpt-4o-mini' and created_at >= now() - interval '30 days'",
    )
    .bind(venue)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let model = |name: &str| i["by_model"].as_array().unwrap().iter().find(|g| g["label"] == name).cloned().unwrap();
    let cost = model("openai/gpt-4o-mini")["cost_cents"].as_f64().unwrap();
    assert!((cost - (p as f64 * 15.0 + c as f64 * 60.0) / 1e6).abs() < 1e-6, "{cost}");
    assert_eq!(model("embedded/smollm2-135m-instruct")["cost_cents"].as_f64().unwrap(), 0.0);
    assert!(i["charts"]["tokens_by_day"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(i["scheduling"]["by_hour"].as_array().unwrap().len(), 24);

    // A new price changes the cost.
    let r = app
        .call(
            Some(&olivia),
            "set_model_price",
            &[("model", "embedded/smollm2-135m-instruct"), ("prompt", "1"), ("completion", "$2.50")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let i: Value = app.call(Some(&olivia), "insights", &[("days", "30")]).await.json();
    let priced =
        i["by_model"].as_array().unwrap().iter().find(|g| g["label"] == "embedded/smollm2-135m-instruct").unwrap();
    let (p, c) = (priced["prompt_tokens"].as_f64().unwrap(), priced["completion_tokens"].as_f64().unwrap());
    assert!((priced["cost_cents"].as_f64().unwrap() - (p * 100.0 + c * 250.0) / 1e6).abs() < 1e-6);
    let listed = i["prices"].as_array().unwrap();
    assert!(listed
        .iter()
        .any(|m| m["model"] == "embedded/smollm2-135m-instruct" && m["completion_cents_per_million"] == 250));

    // Bad input is a clear 4xx.
    let r = app.call(Some(&olivia), "insights", &[("days", "12")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.call(Some(&olivia), "set_model_price", &[("model", "x"), ("prompt", "-1"), ("completion", "0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.call(Some(&olivia), "set_model_price", &[("model", " "), ("prompt", "1"), ("completion", "0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Owners only: staff, clients and visitors are refused everywhere.
    for who in [STAFF, EMMA] {
        let s = app.login(who).await;
        assert_eq!(app.call(Some(&s), "insights", &[("days", "30")]).await.status, StatusCode::FORBIDDEN, "{who}");
        let r = app.call(Some(&s), "set_model_price", &[("model", "m"), ("prompt", "1"), ("completion", "1")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.page(Some(&s), "/insights.csv").await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.page(Some(&s), "/insights").await.status, StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(app.call(None, "insights", &[("days", "30")]).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.page(None, "/insights.csv").await.status, StatusCode::UNAUTHORIZED);

    // Another venue's owner sees only their own (empty) venue.
    let rex = app.rival_venue().await;
    let theirs: Value = app.call(Some(&rex), "insights", &[("days", "90")]).await.json();
    assert!(theirs["by_model"].as_array().unwrap().is_empty());
    assert!(theirs["prices"].as_array().unwrap().is_empty());
}

#[sqlx::test]
async fn the_insights_page_and_csv_show_the_demo_venue(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let page = app.page(Some(&olivia), "/insights?days=30").await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in ["Usage and cost", "openai/gpt-4o-mini", "Agent quality", "Scheduling", "<svg", "Model prices"] {
        assert!(page.body.contains(needle), "the page lacks {needle}");
    }
    let csv = app.page(Some(&olivia), "/insights.csv?days=7").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("section,name,calls,prompt_tokens,completion_tokens,cost_usd\r\n"));
    assert!(csv.body.contains("\r\nmodel,openai/gpt-4o-mini,"), "{}", csv.body);
    assert!(csv.body.contains("\r\nmeasure,thumbs_up,"));
    assert_eq!(app.page(Some(&olivia), "/insights.csv?days=5").await.status, StatusCode::BAD_REQUEST);
}
