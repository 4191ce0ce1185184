use super::*;

#[sqlx::test]
async fn health_reports_database(pool: PgPool) {
    let app = spawn(pool).await;
    let r = app.send(Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["database"], "ok");
}

#[sqlx::test]
async fn login_sets_a_safe_cookie_and_a_server_side_session(pool: PgPool) {
    let app = spawn(pool).await;
    let r = app.call(None, "login", &[("email", "Olivia@HarborHall.example"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    let token = r.session().unwrap();
    // Only the digest is stored.
    let stored: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored, 1);
    let raw: i64 = sqlx::query_scalar("select count(*) from sessions where token_hash = convert_to($1, 'UTF8')")
        .bind(&token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(raw, 0);
    let me = app.call(Some(&token), "current_user", &[]).await;
    assert_eq!(me.json()["email"], OWNER);
    assert_eq!(me.json()["role"], "owner");
}

#[sqlx::test]
async fn wrong_password_is_refused_without_saying_which_part(pool: PgPool) {
    let app = spawn(pool).await;
    for email in [OWNER, "nobody@example.com"] {
        let r = app.call(None, "login", &[("email", email), ("password", "not the password")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("do not match"), "{}", r.body);
        assert!(r.session().is_none());
    }
}

#[sqlx::test]
async fn repeated_failures_are_throttled(pool: PgPool) {
    let app = spawn(pool).await;
    for _ in 0..5 {
        let r = app.call(None, "login", &[("email", STAFF), ("password", "guessing-wrong")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
    // Even the right password is refused while throttled.
    let r = app.call(None, "login", &[("email", STAFF), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.session().is_none());
    // Other accounts are unaffected.
    app.login(OWNER).await;
}

#[sqlx::test]
async fn login_rotates_and_logout_invalidates_the_session(pool: PgPool) {
    let app = spawn(pool).await;
    let first = app.login(OWNER).await;
    // Logging in again while holding a session replaces it.
    let mut req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("concierge_session={first}"))
        .body(Body::from(form_encode(&[("email", OWNER), ("password", PASSWORD)])))
        .unwrap();
    req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
    let second = app.send(req).await.session().unwrap();
    assert_ne!(first, second);
    assert!(app.call(Some(&first), "current_user", &[]).await.json().is_null());
    assert_eq!(app.call(Some(&second), "dashboard", &[]).await.status, StatusCode::OK);

    let out = app.call(Some(&second), "logout", &[]).await;
    assert_eq!(out.status, StatusCode::OK);
    let cleared = out.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie no longer works, even if the browser kept it.
    assert_eq!(app.call(Some(&second), "dashboard", &[]).await.status, StatusCode::UNAUTHORIZED);
    let left: i64 = sqlx::query_scalar("select count(*) from sessions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test]
async fn signup_creates_a_venue_and_its_owner(pool: PgPool) {
    let app = spawn(pool).await;
    let form = [
        ("form[venue_name]", "The Glasshouse"),
        ("form[name]", "Rita Moreno"),
        ("form[email]", "rita@glasshouse.example"),
        ("form[password]", "a long enough password"),
    ];
    let r = app.call(None, "signup", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = r.session().unwrap();
    let me = app.call(Some(&token), "current_user", &[]).await.json();
    assert_eq!(me["venue_name"], "The Glasshouse");
    assert_eq!(me["role"], "owner");
    // A brand-new venue sees none of Harbor Hall's events.
    let d = app.call(Some(&token), "dashboard", &[]).await.json();
    assert_eq!(d["upcoming"].as_array().unwrap().len(), 0);

    // The same email cannot sign up twice; the error names the field.
    let again = app.call(None, "signup", &form).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("\"email\""), "{}", again.body);
}

#[sqlx::test]
async fn invites_are_single_use_and_link_the_client(pool: PgPool) {
    let app = spawn(pool).await;
    let staff = app.login(STAFF).await;
    let client_id: i64 = sqlx::query_scalar("insert into clients (venue_id, name, email) select id, 'Zoe Quinn', 'zoe@example.com' from venues returning id")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let event_id: i64 = sqlx::query_scalar(
        "insert into events (venue_id, client_id, title, event_date) select venue_id, id, 'Zoe''s Party', current_date + 20 from clients where id = $1 returning id",
    )
    .bind(client_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let cid = client_id.to_string();
    let r = app
        .call(
            Some(&staff),
            "create_invite",
            &[
                ("form[role]", "client"),
                ("form[name]", "Zoe Quinn"),
                ("form[email]", "zoe@example.com"),
                ("form[client_id]", &cid),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let path = r.json()["path"].as_str().unwrap().to_string();
    let token = path.strip_prefix("/invite/").unwrap().to_string();

    let info = app.call(None, "invite_info", &[("token", &token)]).await;
    assert_eq!(info.json()["venue_name"], "Harbor Hall");

    let short = app.call(None, "accept_invite", &[("token", &token), ("password", "short")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);

    let ok = app.call(None, "accept_invite", &[("token", &token), ("password", "zoe's own password")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let zoe = ok.session().unwrap();
    let me = app.call(Some(&zoe), "current_user", &[]).await.json();
    assert_eq!(me["role"], "client");
    // Linked to her client record: she sees her event and only it.
    let d = app.call(Some(&zoe), "dashboard", &[]).await.json();
    let ids: Vec<i64> = d["upcoming"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![event_id]);

    let again = app.call(None, "accept_invite", &[("token", &token), ("password", "another password!")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // Clients cannot invite anyone.
    let r = app
        .call(
            Some(&zoe),
            "create_invite",
            &[("form[role]", "staff"), ("form[name]", "Mallory"), ("form[email]", "mallory@example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn posts_from_another_site_are_refused(pool: PgPool) {
    let app = spawn(pool).await;
    let req = |origin: &str| {
        Request::post("/api/login")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(form_encode(&[("email", OWNER), ("password", PASSWORD)])))
            .unwrap()
    };
    let r = app.send(req("https://evil.example")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.session().is_none());
    let r = app.send(req("http://127.0.0.1:3000")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[sqlx::test]
async fn a_second_invite_cannot_take_over_a_linked_record(pool: PgPool) {
    let app = spawn(pool).await;
    let staff = app.login(STAFF).await;
    let client_id: i64 =
        sqlx::query_scalar("insert into clients (venue_id, name) select id, 'Pat Doe' from venues returning id")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let cid = client_id.to_string();
    let mut tokens = Vec::new();
    for email in ["pat@example.com", "impostor@example.com"] {
        let r = app
            .call(
                Some(&staff),
                "create_invite",
                &[
                    ("form[role]", "client"),
                    ("form[name]", "Pat Doe"),
                    ("form[email]", email),
                    ("form[client_id]", &cid),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        tokens.push(r.json()["path"].as_str().unwrap().trim_start_matches("/invite/").to_string());
    }
    let first = app.call(None, "accept_invite", &[("token", &tokens[0]), ("password", "pat's password!")]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = app.call(None, "accept_invite", &[("token", &tokens[1]), ("password", "impostor password")]).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    let owner: String =
        sqlx::query_scalar("select u.email from clients c join users u on u.id = c.user_id where c.id = $1")
            .bind(client_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(owner, "pat@example.com");
    let impostors: i64 = sqlx::query_scalar("select count(*) from users where email = 'impostor@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(impostors, 0, "the failed acceptance left nothing behind");
}

#[sqlx::test]
async fn login_never_redirects_off_site(pool: PgPool) {
    let app = spawn(pool).await;
    for next in ["//evil.example", "/\t/evil.example", "https://evil.example", "/\n"] {
        let r = app.call(None, "login", &[("email", OWNER), ("password", PASSWORD), ("next", next)]).await;
        assert_eq!(r.status, StatusCode::OK, "{next:?}: {}", r.body);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/", "{next:?}");
    }
    let r =
        app.call(None, "login", &[("email", OWNER), ("password", PASSWORD), ("next", "/events/3?tab=guests")]).await;
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/events/3?tab=guests");
}

/// Changing a password asks for the current one, keeps this device logged in and logs out the
/// others; "log out everywhere" ends them all.
#[sqlx::test]
async fn password_changes_and_logging_out_everywhere_end_other_sessions(pool: PgPool) {
    let app = spawn(pool).await;
    let (laptop, phone) = (app.login(EMMA).await, app.login(EMMA).await);
    let r =
        app.call(Some(&laptop), "change_password", &[("current", "wrong one"), ("new", "a brand new password")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("current"), "{}", r.body);
    let r = app.call(Some(&laptop), "change_password", &[("current", PASSWORD), ("new", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.call(Some(&laptop), "change_password", &[("current", PASSWORD), ("new", "a brand new password")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.call(Some(&laptop), "current_user", &[]).await.json()["email"], EMMA, "this device stays logged in");
    assert_eq!(
        app.call(Some(&phone), "current_user", &[]).await.json(),
        serde_json::Value::Null,
        "the other is logged out at once"
    );
    let old = app.call(None, "login", &[("email", EMMA), ("password", PASSWORD)]).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST, "{}", old.body);
    let new = app.call(None, "login", &[("email", EMMA), ("password", "a brand new password")]).await;
    let tablet = new.session().expect("a session with the new password");

    let r = app.call(Some(&tablet), "logout_everywhere", &[]).await;
    assert!(r.status.is_success() || r.status.is_redirection(), "{}", r.body);
    assert_eq!(app.call(Some(&laptop), "current_user", &[]).await.json(), serde_json::Value::Null);
    assert_eq!(app.call(Some(&tablet), "current_user", &[]).await.json(), serde_json::Value::Null);
    let r = app.call(None, "logout_everywhere", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// An owner removes a member: logged out at once, their calendar feeds and embed links end, their
/// client record can be invited again; staff cannot, nobody removes themselves.
#[sqlx::test]
async fn owners_remove_members_and_everything_that_acts_as_them(pool: PgPool) {
    let app = spawn(pool).await;
    let (olivia, sam, emma) = (app.login(OWNER).await, app.login(STAFF).await, app.login(EMMA).await);
    let user = |email: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select id from users where email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (emma_id, olivia_id) = (user(EMMA).await.to_string(), user(OWNER).await.to_string());
    let event = app.event_id(EMMA_EVENT).await.to_string();
    let r = app
        .call(
            Some(&olivia),
            "create_embed_token",
            &[("member_email", EMMA), ("agent", "client"), ("event_id", &event), ("label", "Site"), ("days", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = app.call(Some(&sam), "remove_member", &[("user_id", &emma_id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.call(Some(&olivia), "remove_member", &[("user_id", &olivia_id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app.call(Some(&olivia), "remove_member", &[("user_id", &emma_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let again = app.call(Some(&olivia), "remove_member", &[("user_id", &emma_id)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);

    assert_eq!(app.call(Some(&emma), "current_user", &[]).await.json(), serde_json::Value::Null);
    let login = app.call(None, "login", &[("email", EMMA), ("password", PASSWORD)]).await;
    assert_eq!(login.status, StatusCode::BAD_REQUEST, "a removed member cannot log in: {}", login.body);
    let live_tokens: i64 = sqlx::query_scalar("select count(*) from embed_tokens where revoked_at is null")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(live_tokens, 0, "the embed link that acted as her is revoked");
    let linked: i64 =
        sqlx::query_scalar("select count(*) from clients c join users u on u.id = c.user_id where u.email = $1")
            .bind(EMMA)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(linked, 0, "her client record can be invited again");
    let team = app.call(Some(&olivia), "team", &[]).await.json();
    assert!(!team.to_string().contains(EMMA), "{team}");
}
