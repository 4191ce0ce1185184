//! Pages render on the server with real data and the right status.

use super::*;

#[sqlx::test]
async fn visitors_get_the_landing_page_and_members_pages_send_them_to_login(pool: PgPool) {
    let app = spawn(pool).await;
    let r = app.page(None, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Create a venue account") && r.body.contains("href=\"/login\""), "{}", r.body);
    assert!(!r.body.contains("Upcoming events"));
    assert_eq!(r.headers.get("x-concierge-offline").unwrap(), "forget", "the service worker drops a kept dashboard");
    // Decided before rendering: a redirect status, with or without JavaScript.
    for (path, next) in [
        ("/chat", "/chat"),
        ("/calendar", "/calendar"),
        ("/events/3?tab=guests", "/events/3%3Ftab%3Dguests"),
        ("/settings/models", "/settings/models"),
        ("/book", "/book"),
        ("/my/events/1", "/my/events/1"),
    ] {
        let r = app.page(None, path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), &format!("/login?next={next}"), "{path}");
    }
    for path in ["/login", "/signup", "/forgot"] {
        let r = app.page(None, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
    let r = app.page(None, "/login").await;
    assert!(r.body.contains("action=\"/api/login\""), "the login form posts without JavaScript");
    // Unknown addresses are still 404 for visitors, not a login form.
    assert_eq!(app.page(None, "/no/such/page").await.status, StatusCode::NOT_FOUND);
    // A member's dashboard may be kept for offline use; their other pages are not marked.
    let olivia = app.login(OWNER).await;
    let r = app.page(Some(&olivia), "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Upcoming events") && !r.body.contains("Create a venue account"));
    assert_eq!(r.headers.get("x-concierge-offline").unwrap(), "keep");
    let r = app.page(Some(&olivia), "/chat").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("x-concierge-offline").is_none());
}

#[sqlx::test]
async fn the_service_worker_and_health_routes_answer(pool: PgPool) {
    let app = spawn(pool).await;
    let r = app.page(None, "/sw.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-cache");
    assert!(!r.body.contains("__VERSION__") && !r.body.contains("__PRECACHE__"), "filled in");
    assert!(r.body.contains("self.addEventListener(\"fetch\""));
    for path in ["/health/live", "/health/ready", "/health"] {
        let r = app.page(None, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("\"status\":\"ok\""), "{path}: {}", r.body);
    }
}

/// The manifest is what browsers install from: its icons exist and are the sizes it says.
#[test]
fn the_manifest_names_real_icons_of_the_right_sizes() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("public/manifest.webmanifest").unwrap()).unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "/");
    let icons = manifest["icons"].as_array().unwrap();
    let mut seen = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let bytes = std::fs::read(format!("public{src}")).unwrap_or_else(|e| panic!("{src}: {e}"));
        if icon["type"] == "image/png" {
            assert_eq!(&bytes[1..4], b"PNG", "{src}");
            // The IHDR chunk: width and height, big-endian, at bytes 16..24.
            let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!(icon["sizes"].as_str().unwrap(), format!("{w}x{h}"), "{src}");
            seen.push((w, icon["purpose"].as_str().unwrap_or("any").to_string()));
        }
    }
    for want in [(192, "any"), (512, "any"), (512, "maskable")] {
        assert!(seen.contains(&(want.0, want.1.to_string())), "no {want:?} icon");
    }
    let shortcuts: Vec<&str> =
        manifest["shortcuts"].as_array().unwrap().iter().map(|s| s["url"].as_str().unwrap()).collect();
    assert_eq!(shortcuts, ["/chat", "/calendar"]);
}

#[sqlx::test]
async fn dashboard_shows_the_next_two_weeks(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let r = app.page(Some(&olivia), "/").await;
    assert_eq!(r.status, StatusCode::OK);
    let soon: Vec<String> =
        sqlx::query_scalar("select title from events where event_date between current_date and current_date + 14")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for title in soon {
        let escaped = title.replace('&', "&amp;").replace('\'', "&#x27;");
        assert!(r.body.contains(&escaped) || r.body.contains(&title), "dashboard lacks {title}");
    }
    let later: String =
        sqlx::query_scalar("select title from events where event_date > current_date + 30 order by event_date limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!r.body.contains(&later), "dashboard shows {later}, which is weeks away");
}

#[sqlx::test]
async fn unknown_pages_and_ids_are_404(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    for path in ["/no/such/page", "/events/abc", "/events/0", "/events/99999999", "/my/events/-1"] {
        let r = app.page(Some(&olivia), path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.page(None, "/invite/not-a-token").await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn the_workspace_renders_every_tab(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let id = app.event_id(EMMA_EVENT).await;
    let guest: String = sqlx::query_scalar("select name from guests where event_id = $1 order by lower(name) limit 1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for (tab, needle) in [
        ("overview", "Save changes"),
        ("elements", "Change requests"),
        ("guests", guest.as_str()),
        ("vendors", "Bloom"),
        ("tasks", "New task"),
        ("messages", "Send"),
        ("contract", "Contract total"),
    ] {
        let r = app.page(Some(&olivia), &format!("/events/{id}?tab={tab}")).await;
        assert_eq!(r.status, StatusCode::OK, "{tab}");
        assert!(
            r.body.contains(&needle.replace('\'', "&#x27;")) || r.body.contains(needle),
            "tab {tab} lacks {needle}"
        );
    }
}

#[sqlx::test]
async fn team_page_is_for_staff(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    assert_eq!(app.page(Some(&emma), "/team").await.status, StatusCode::FORBIDDEN);
    let olivia = app.login(OWNER).await;
    let r = app.page(Some(&olivia), "/team").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Priya Natarajan"));
}

#[sqlx::test]
async fn responses_are_compressed_when_the_browser_accepts_it(pool: PgPool) {
    let app = spawn(pool).await;
    let req = |enc: &str| {
        Request::get("/login")
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_ENCODING, enc)
            .body(Body::empty())
            .unwrap()
    };
    let br = app.send(req("br, gzip")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    let plain = app.send(req("identity")).await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.body.contains("Log in"));
}

/// Agent panels load their thread while the page renders on the server: no error in place, the
/// starters when there is no thread, the thread when there is one. (A panel whose server function
/// read the request's context after awaiting failed on the running server, now and then, with
/// "AppState missing from context"; this harness never showed it, the Playwright agent specs did.)
#[sqlx::test]
async fn agent_panels_render_on_the_server(pool: PgPool) {
    agent_panels_render(spawn(pool).await).await;
}

async fn agent_panels_render(app: TestApp) {
    let id = app.event_id(EMMA_EVENT).await;
    let emma = app.login(EMMA).await;
    let olivia = app.login(OWNER).await;
    let pages = [
        (&emma, "client", format!("/my/events/{id}?tab=assistant")),
        (&olivia, "venue_event", format!("/events/{id}?tab=agent")),
    ];
    for (who, agent, path) in &pages {
        let r = app.page(Some(who.as_str()), path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains(&format!("agent-panel-{agent}")), "{path} has no {agent} panel");
        assert!(!r.body.contains("Something went wrong"), "{path} shows an error in place");
        assert!(r.body.contains("Starter prompts"), "{path}: a panel without a thread offers starters");
    }
    for (who, agent, path) in &pages {
        let said = format!("Hello from the {agent} panel test");
        let event_id = id.to_string();
        let form = [("agent", *agent), ("event_id", event_id.as_str()), ("text", said.as_str())];
        let r = app.call(Some(who.as_str()), "start_agent_chat", &form).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = app.page(Some(who.as_str()), path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains("Something went wrong"), "{path} shows an error in place");
        assert!(r.body.contains(&said), "{path}: the panel reopens its thread");
    }
}

/// Every response says: no MIME sniffing, no referrer to other sites, and no framing by other
/// sites, except the embeddable chat by the sites its token names; HSTS only over HTTPS (secure cookies are off here).
#[sqlx::test]
async fn responses_carry_the_security_headers(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    for path in ["/login", "/", "/health", "/no/such/page"] {
        let r = app.page(Some(&olivia), path).await;
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin", "{path}");
        assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY", "{path}");
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.ends_with("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "{path}");
    }
    let r = app.call(Some(&olivia), "dashboard", &[]).await;
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "server functions too");
    let embed = app.page(Some(&olivia), "/embed/chat?agent=assistant").await;
    assert_eq!(embed.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(embed.headers.get(header::X_FRAME_OPTIONS).is_none(), "the widget may be framed");
    // By this server's own pages; other sites only as an embed token lists them (see agents.rs).
    let csp = embed.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.ends_with("; frame-ancestors 'self'"), "{csp}");
}

/// Pages allow only scripts of this server or carrying the page's nonce, which every inline
/// script of the page (the theme script, Leptos's hydration and streaming scripts) carries; each
/// page gets a new one.
#[sqlx::test]
async fn pages_allow_only_their_own_scripts(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let mut seen = Vec::new();
    for (session, path) in [(None, "/login"), (Some(olivia.as_str()), "/"), (Some(olivia.as_str()), "/no/such/page")] {
        let r = app.page(session, path).await;
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_string();
        assert!(nonce.len() >= 22, "{nonce}");
        assert!(
            csp.contains("script-src 'self' 'nonce-") && !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{csp}"
        );
        assert!(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"), "{csp}");
        let tags: Vec<&str> =
            r.body.match_indices("<script").map(|(i, _)| &r.body[i..i + r.body[i..].find('>').unwrap()]).collect();
        assert!(tags.len() >= 2, "{path}: {} scripts", tags.len());
        for tag in tags {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: {tag}");
        }
        seen.push(nonce);
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "a new nonce per page");
}
