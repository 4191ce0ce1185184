//! The audit log: what is recorded, who reads it (owners of the venue only, as a page of entries
//! and as CSV), its filters, and that it cannot be changed.

use super::*;
use serde_json::{json, Value};

async fn entries(app: &TestApp, session: &str, filter: Value) -> Reply {
    app.call_json(Some(session), "audit_log", &json!({ "filter": filter })).await
}

fn actions(r: &Reply) -> Vec<String> {
    r.json().as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_string()).collect()
}

#[sqlx::test]
async fn owners_read_the_venues_log_filtered_and_as_csv(pool: PgPool) {
    let app = spawn(pool).await;
    let r = app.call(None, "login", &[("email", STAFF), ("password", "not the password")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A failed login's entry is written in the background.
    for _ in 0..100 {
        let n: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'login_failed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if n == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let sam = app.login(STAFF).await;
    let olivia = app.login(OWNER).await;
    let r = app
        .call(
            Some(&olivia),
            "create_invite",
            &[("form[name]", "Nia New"), ("form[email]", "nia@example.com"), ("form[role]", "staff")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Everything, newest first.
    let all = entries(&app, &olivia, json!({})).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(actions(&all), ["member_invited", "logged_in", "logged_in", "login_failed"]);
    let newest = &all.json()[0];
    assert_eq!(newest["actor_name"], "Olivia Reyes");
    assert_eq!(newest["target"], "nia@example.com");
    assert_eq!(newest["detail"]["role"], "staff");

    // Filters: a kind, a person, words, dates.
    let account = entries(&app, &olivia, json!({"category": "account"})).await;
    assert_eq!(actions(&account), ["logged_in", "logged_in", "login_failed"]);
    let sam_id = actor(&app.pool, STAFF).await.user_id;
    let sams = entries(&app, &olivia, json!({"actor_id": sam_id})).await;
    assert_eq!(actions(&sams), ["logged_in", "login_failed"]);
    let words = entries(&app, &olivia, json!({"text": "NIA@"})).await;
    assert_eq!(actions(&words), ["member_invited"]);
    let today = chrono::Utc::now().date_naive();
    let dated = entries(&app, &olivia, json!({"from": today, "to": today})).await;
    assert_eq!(actions(&dated).len(), 4);
    let past = entries(&app, &olivia, json!({"to": today.pred_opt().unwrap()})).await;
    assert!(actions(&past).is_empty());
    let backwards = entries(&app, &olivia, json!({"from": today, "to": today.pred_opt().unwrap()})).await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", backwards.body);
    let people = app.call(Some(&olivia), "audit_people", &[]).await.json();
    assert_eq!(people.as_array().unwrap().len(), 2, "{people}");

    // Only owners, only their venue.
    for who in [&sam, &app.login(EMMA).await] {
        assert_eq!(entries(&app, who, json!({})).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.page(Some(who), "/settings/audit.csv").await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(app.page(None, "/settings/audit.csv").await.status, StatusCode::UNAUTHORIZED);
    let rex = app.rival_venue().await;
    let theirs = entries(&app, &rex, json!({})).await;
    assert_eq!(actions(&theirs), ["venue_created"], "another venue's log holds only its own");

    // The CSV: the same filter, a header row, formulas defused; the download is itself logged.
    let csv = app.page(Some(&olivia), "/settings/audit.csv?category=account").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "time_utc,person,category,action,target,details,ip");
    // Sam failed and logged in, Olivia and Emma logged in: newest first.
    assert_eq!(lines.len(), 5, "{}", csv.body);
    assert!(lines[4].contains("Login failed") && lines[4].contains(STAFF), "{}", lines[4]);
    let bad = app.page(Some(&olivia), "/settings/audit.csv?category=everything").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let backwards =
        app.page(Some(&olivia), &format!("/settings/audit.csv?from={today}&to={}", today.pred_opt().unwrap())).await;
    assert_eq!(backwards.status, StatusCode::BAD_REQUEST, "the page's checks hold for the download too");
    let exported = entries(&app, &olivia, json!({"category": "data"})).await.json();
    assert_eq!(exported[0]["action"], "exported");
    assert_eq!(exported[0]["detail"]["rows"], 4);

    // The page renders for the owner.
    let page = app.page(Some(&olivia), "/settings/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Audit log") && page.body.contains("Member invited"), "{}", page.body);
}

#[sqlx::test]
async fn the_log_cannot_be_changed_or_emptied(pool: PgPool) {
    let app = spawn(pool).await;
    app.login(OWNER).await;
    for sql in ["update audit_log set target = 'edited'", "delete from audit_log", "truncate audit_log"] {
        let err = sqlx::query(sql).execute(&app.pool).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&app.pool).await.unwrap();
    assert_eq!(n, 1);
}

/// Settings, team, embed links and deletions are recorded with what they were about.
#[sqlx::test]
async fn changes_to_settings_team_and_data_are_recorded(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let event = app.event_id(EMMA_EVENT).await;
    let r = app
        .call(
            Some(&olivia),
            "create_embed_token",
            &[
                ("member_email", EMMA),
                ("agent", "client"),
                ("event_id", &event.to_string()),
                ("label", "Wedding site"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: i64 =
        sqlx::query_scalar("select id from embed_tokens order by id desc limit 1").fetch_one(&app.pool).await.unwrap();
    let r = app.call(Some(&olivia), "revoke_embed_token", &[("id", &token.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let guest: i64 = sqlx::query_scalar("select id from guests where event_id = $1 order by id limit 1")
        .bind(event)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = app
        .call(Some(&olivia), "remove_guest", &[("event_id", &event.to_string()), ("guest_id", &guest.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bloom = actor(&app.pool, BLOOM).await.user_id;
    let r = app.call(Some(&olivia), "remove_member", &[("user_id", &bloom.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.call(Some(&olivia), "logout_everywhere", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let log: Vec<(String, String, Value)> =
        sqlx::query_as("select action, target, detail from audit_log where action <> 'logged_in' order by id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let got: Vec<&str> = log.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(got, ["embed_link_created", "embed_link_revoked", "deleted", "member_removed", "logged_out_everywhere"]);
    assert_eq!(log[0].1, "Wedding site");
    assert_eq!(log[0].2["member"], EMMA);
    assert_eq!(log[2].2["guest_id"], guest);
    assert!(log[3].1.contains(BLOOM), "{}", log[3].1);
}
