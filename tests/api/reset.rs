//! Password resets by emailed link: kept in the owners' outbox without SMTP, sent through SMTP
//! when configured (a fake SMTP server on loopback), used once, within the hour; the answer never
//! tells whether an account exists; throttled per address and per account.

use super::*;
use concierge::state::config::Config;
use concierge::state::limits::LimitsConfig;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Waits for the outbox to hold `n` messages to `email` (reset mail is sent in the background).
async fn mail_to(app: &TestApp, email: &str, n: i64) -> Vec<(String, Option<chrono::DateTime<chrono::Utc>>, String)> {
    for _ in 0..100 {
        let rows: Vec<(String, Option<chrono::DateTime<chrono::Utc>>, String)> =
            sqlx::query_as("select body, sent_at, error from outbox where to_email = $1 order by id")
                .bind(email)
                .fetch_all(&app.pool)
                .await
                .unwrap();
        if rows.len() as i64 >= n {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail to {email}");
}

fn link_token(body: &str) -> String {
    let at = body.find("/reset/").expect("a reset link") + "/reset/".len();
    body[at..at + 64].to_string()
}

#[sqlx::test]
async fn a_reset_link_from_the_outbox_sets_a_new_password_once(pool: PgPool) {
    let app = spawn(pool).await;
    let old = app.login(STAFF).await;
    let r = app.call(None, "request_password_reset", &[("email", STAFF)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // No account, the same answer, and no mail.
    let r = app.call(None, "request_password_reset", &[("email", "nobody@example.com")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.call(None, "request_password_reset", &[("email", "not an address")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let mail = mail_to(&app, STAFF, 1).await;
    let (body, sent, _) = &mail[0];
    assert!(sent.is_none(), "no SMTP here: it waits in the outbox");
    assert!(body.starts_with("Hello Sam Okafor") && body.contains("http://127.0.0.1:3000/reset/"), "{body}");
    let token = link_token(body);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let nobody: i64 = sqlx::query_scalar("select count(*) from outbox where to_email = 'nobody@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(nobody, 0);

    // The owner sees it on the outbox page; staff and clients do not.
    let olivia = app.login(OWNER).await;
    let outbox = app.call(Some(&olivia), "outbox", &[]).await;
    assert_eq!(outbox.status, StatusCode::OK, "{}", outbox.body);
    assert_eq!(outbox.json()[0], false, "no SMTP configured");
    assert!(outbox.json()[1][0]["body"].as_str().unwrap().contains(&token));
    assert_eq!(app.call(Some(&old), "outbox", &[]).await.status, StatusCode::FORBIDDEN);
    let page = app.page(Some(&olivia), "/settings/outbox").await;
    assert!(page.body.contains("Reset your Concierge password"), "{}", page.body);

    // The link's page names the account; a made-up link is not found.
    let info = app.call(None, "reset_info", &[("token", &token)]).await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.body);
    assert_eq!(info.json(), STAFF);
    assert_eq!(app.call(None, "reset_info", &[("token", &"a".repeat(64))]).await.status, StatusCode::NOT_FOUND);
    let page = app.page(None, &format!("/reset/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Choose a new password"));

    // Too short a password is refused and the link still works; then it sets the password.
    let r = app.call(None, "reset_password", &[("token", &token), ("password", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.call(None, "reset_password", &[("token", &token), ("password", "a brand new password")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh = r.session().expect("the reset logs this browser in");
    let me = app.call(Some(&fresh), "current_user", &[]).await.json();
    assert_eq!(me["email"], STAFF);
    // Every earlier session ended; the old password no longer works, the new one does.
    assert!(app.call(Some(&old), "current_user", &[]).await.json().is_null());
    let r = app.call(None, "login", &[("email", STAFF), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.call(None, "login", &[("email", STAFF), ("password", "a brand new password")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Once only.
    let r = app.call(None, "reset_password", &[("token", &token), ("password", "another new password")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("expired or was used"), "{}", r.body);
    assert_eq!(app.call(None, "reset_info", &[("token", &token)]).await.status, StatusCode::NOT_FOUND);

    let log: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action in ('reset_requested', 'password_reset') order by id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(log, ["reset_requested", "password_reset"]);
}

#[sqlx::test]
async fn an_expired_link_does_not_work_and_asking_often_is_throttled(pool: PgPool) {
    let limits = LimitsConfig { resets_per_hour: 5, ..LimitsConfig::default() };
    let app = spawn_with(
        pool,
        Config { limits, ..Config::default() },
        concierge::llm::catalog::LlmConfig::scripted_only(Duration::ZERO),
    )
    .await;
    for _ in 0..4 {
        let r = app.call(None, "request_password_reset", &[("email", EMMA)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Three links an hour per account: the fourth ask is answered the same, and dropped.
    let mail = mail_to(&app, EMMA, 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mail_to(&app, EMMA, 3).await.len(), 3);
    // Five asks an hour per address: the sixth is refused with a wait.
    let r = app.call(None, "request_password_reset", &[("email", EMMA)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.call(None, "request_password_reset", &[("email", EMMA)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key(header::RETRY_AFTER));

    let token = link_token(&mail[0].0);
    sqlx::query("update password_resets set expires_at = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let app2 = spawn(app.pool.clone()).await;
    let r = app2.call(None, "reset_password", &[("token", &token), ("password", "a brand new password")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let page = app2.page(None, &format!("/reset/{token}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("does not work any more"));
}

/// A minimal SMTP server on loopback: accepts every message and keeps its DATA.
async fn fake_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 fake\r\n",
                        "DATA" => {
                            write.write_all(b"354 go on\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            kept.lock().unwrap().push(data);
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

#[sqlx::test]
async fn with_smtp_configured_the_link_is_mailed(pool: PgPool) {
    let (port, got) = fake_smtp().await;
    let config = Config {
        smtp_url: Some(concierge::security::Secret::new(format!("smtp://127.0.0.1:{port}"))),
        mail_from: "Harbor Hall <hello@harborhall.example>".into(),
        public_url: "https://concierge.harborhall.example".into(),
        ..Config::default()
    };
    let app = spawn_with(pool, config, concierge::llm::catalog::LlmConfig::scripted_only(Duration::ZERO)).await;
    let r = app.call(None, "request_password_reset", &[("email", EMMA)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mail = mail_to(&app, EMMA, 1).await;
    assert!(mail[0].1.is_some(), "SMTP took it: {:?}", mail[0]);
    assert!(!mail[0].0.contains("/reset/"), "a sent link is not kept where owners read: {}", mail[0].0);
    let data = got.lock().unwrap().join("");
    let header = |name: &str| data.lines().find(|l| l.starts_with(name)).unwrap_or_default().replace('"', "");
    assert_eq!(header("To: "), "To: Emma Clark <emma.clark@example.com>", "{data}");
    assert_eq!(header("From: "), "From: Harbor Hall <hello@harborhall.example>", "{data}");
    assert!(data.contains("Subject: Reset your Concierge password"), "{data}");
    assert!(data.contains("https://concierge.harborhall.example/reset/"), "{data}");
    let olivia = app.login(OWNER).await;
    assert_eq!(app.call(Some(&olivia), "outbox", &[]).await.json()[0], true);

    // SMTP gone: the mail waits in the outbox with the reason, and the person is told the same.
    let config = Config { smtp_url: Some(concierge::security::Secret::new("smtp://127.0.0.1:1")), ..Config::default() };
    let app =
        spawn_with(app.pool.clone(), config, concierge::llm::catalog::LlmConfig::scripted_only(Duration::ZERO)).await;
    let r = app.call(None, "request_password_reset", &[("email", JAMES)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mail = mail_to(&app, JAMES, 1).await;
    assert!(mail[0].1.is_none());
    assert!(mail[0].2.contains("did not take it"), "{:?}", mail[0]);
}

#[test]
fn mail_settings_are_checked_at_start() {
    let get = |k: &'static str, v: &'static str| move |name: &str| (name == k).then(|| v.to_string());
    assert!(Config::from_lookup(get("CONCIERGE_SMTP_URL", "ftp://mail.example")).is_err());
    assert!(Config::from_lookup(get("CONCIERGE_SMTP_URL", "smtps://user:pw@mail.example:465")).is_ok());
    assert!(Config::from_lookup(get("CONCIERGE_MAIL_FROM", "not a mailbox")).is_err());
    assert!(Config::from_lookup(get("CONCIERGE_PUBLIC_URL", "javascript:alert(1)")).is_err());
    let c = Config::from_lookup(get("CONCIERGE_PUBLIC_URL", "https://c.example/")).unwrap();
    assert_eq!(c.public_url, "https://c.example");
}
