//! The studio: orders go to the job queue by priority and are produced by a worker with the
//! scripted model (retried with back-off, failed after three attempts, resumed once after a worker
//! died, never produced once cancelled, stopped when cancelled mid-run); versions are reviewed,
//! regenerated with feedback, edited, approved, downloaded and shared with the event's client;
//! owners edit the specialists; nobody outside the venue's team reaches an order.

use super::*;
use chrono::{Duration, Utc};
use serde_json::Value;

async fn order(app: &TestApp, s: &str, specialist: &str, event: Option<i64>, brief: &str, priority: &str) -> Reply {
    let event = event.map(|e| e.to_string());
    let mut form = vec![("input[specialist]", specialist), ("input[brief]", brief), ("input[priority]", priority)];
    if let Some(e) = &event {
        form.push(("input[event_id]", e.as_str()));
    }
    app.call(Some(s), "order_deliverable", &form).await
}

async fn placed(app: &TestApp, s: &str, specialist: &str, event: Option<i64>, brief: &str, priority: &str) -> i64 {
    let r = order(app, s, specialist, event, brief, priority).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

async fn view(app: &TestApp, s: &str, id: i64) -> Value {
    let r = app.call(Some(s), "studio_order", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn run(app: &TestApp, at: chrono::DateTime<Utc>) -> usize {
    concierge::jobs::run_due(&app.pool, &app.jobs, at).await.unwrap()
}

fn status(v: &Value) -> &str {
    v["order"]["status"].as_str().unwrap()
}

#[sqlx::test]
async fn an_order_is_produced_reviewed_regenerated_approved_downloaded_and_shared(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let event = app.event_id(EMMA_EVENT).await;

    let studio = app.call(Some(&owner), "studio", &[]).await;
    assert_eq!(studio.status, StatusCode::OK, "{}", studio.body);
    let names: Vec<String> = studio.json()["specialists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    for want in [
        "Proposal Writer",
        "Timeline Planner",
        "Menu & Card Designer",
        "Vendor Brief Writer",
        "Follow-up Writer",
        "Social Post Writer",
    ] {
        assert!(names.iter().any(|n| n == want), "{names:?}");
    }

    let id = placed(&app, &owner, "proposal-writer", Some(event), "Mention the terrace ceremony.", "high").await;
    assert_eq!(status(&view(&app, &owner, id).await), "queued");
    assert_eq!(run(&app, Utc::now()).await, 1);
    let v = view(&app, &owner, id).await;
    assert_eq!(status(&v), "ready", "{v}");
    let first = v["versions"][0]["body"].as_str().unwrap().to_string();
    assert!(first.starts_with("# Proposal Writer · Emma & Daniel's Wedding\n"), "{first}");
    // The brief reached the model (the scripted one echoes the request it was given).
    assert!(first.contains("Mention the terrace ceremony."), "{first}");
    // The prices come from the store, not the model: the event's elements and their total.
    let total: i64 = sqlx::query_scalar(
        "select coalesce(sum(quantity * price_cents), 0)::int8 from elements
          where event_id = $1 and status <> 'declined' and price_cents > 0",
    )
    .bind(event)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(total > 0);
    assert!(
        first.contains("## Pricing")
            && first.contains(&format!("**Total: {}**", concierge::domain::format_money(total))),
        "{first}"
    );
    assert_eq!(v["versions"][0]["source"], "generated");
    // The person who ordered it hears it is ready.
    let bell = app.call(Some(&owner), "notifications", &[]).await.json();
    assert!(bell["items"][0]["body"].as_str().unwrap().contains("Proposal Writer is ready"), "{bell}");
    assert_eq!(bell["items"][0]["link"], format!("/studio/{id}"));
    assert_eq!(v["versions"][0]["model"], "scripted/instant");

    // Regenerate with feedback: a second version, made from the first and the feedback.
    let r =
        app.call(Some(&owner), "regenerate_order", &[("id", &id.to_string()), ("feedback", "Shorter, please.")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(run(&app, Utc::now()).await, 1);
    let v = view(&app, &owner, id).await;
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
    assert_eq!(v["versions"][0]["number"], 2);
    assert_eq!(v["versions"][0]["feedback"], "Shorter, please.");
    assert!(v["versions"][0]["body"].as_str().unwrap().contains("Shorter, please."));

    // Sharing needs an approved version; the client sees only what was shared.
    let emma = app.login(EMMA).await;
    let shared = |s: String| {
        let app = &app;
        async move { app.call(Some(&s), "shared_deliverables", &[("event_id", &event.to_string())]).await }
    };
    assert_eq!(shared(emma.clone()).await.json(), serde_json::json!([]));
    let r = app.call(Some(&owner), "share_deliverable", &[("id", &id.to_string()), ("shared", "true")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app.call(Some(&owner), "approve_deliverable", &[("id", &id.to_string()), ("number", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.call(Some(&owner), "share_deliverable", &[("id", &id.to_string()), ("shared", "true")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let seen = shared(emma.clone()).await.json();
    assert_eq!(seen.as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen[0]["body"].as_str().unwrap(), first, "the approved version, not the newest");

    // Another client reaches neither this event's documents nor the order.
    let james = app.login(JAMES).await;
    assert_eq!(shared(james.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call(Some(&james), "studio_order", &[("id", &id.to_string())]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Some(&emma), "studio", &[]).await.status, StatusCode::FORBIDDEN);
    let rival = app.rival_venue().await;
    assert_eq!(app.call(Some(&rival), "studio_order", &[("id", &id.to_string())]).await.status, StatusCode::NOT_FOUND);
    let r = app.call(Some(&rival), "approve_deliverable", &[("id", &id.to_string()), ("number", "2")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The download: the approved version as Markdown, for the venue's team only.
    let get = |s: Option<String>, path: String| {
        let app = &app;
        async move {
            let mut req = Request::get(path);
            if let Some(s) = s {
                req = req.header(header::COOKIE, format!("concierge_session={s}"));
            }
            app.send(req.body(Body::empty()).unwrap()).await
        }
    };
    let md = get(Some(owner.clone()), format!("/studio/orders/{id}/deliverable.md")).await;
    assert_eq!(md.status, StatusCode::OK);
    assert_eq!(md.body, first);
    assert!(md.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(&format!("proposal-writer-{id}.md")));
    let v2 = get(Some(owner.clone()), format!("/studio/orders/{id}/deliverable.md?version=2")).await;
    assert!(v2.body.contains("Shorter, please."));
    assert_eq!(
        get(Some(emma.clone()), format!("/studio/orders/{id}/deliverable.md")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(Some(rival), format!("/studio/orders/{id}/deliverable.md")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(None, format!("/studio/orders/{id}/deliverable.md")).await.status, StatusCode::UNAUTHORIZED);
    // And as a PDF, for the same people.
    let pdf = get(Some(owner.clone()), format!("/studio/orders/{id}/deliverable.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(&format!("proposal-writer-{id}.pdf")));
    assert!(
        pdf.body.starts_with("%PDF-") && pdf.body.trim_end().ends_with("%%EOF"),
        "{}",
        &pdf.body[..60.min(pdf.body.len())]
    );
    assert_eq!(
        get(Some(emma.clone()), format!("/studio/orders/{id}/deliverable.pdf")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(None, format!("/studio/orders/{id}/deliverable.pdf")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(Some(owner.clone()), "/studio/orders/abc/deliverable.pdf".into()).await.status,
        StatusCode::NOT_FOUND
    );

    // A hand edit is a new version to review: the approval and the sharing are withdrawn.
    let r = app
        .call(Some(&owner), "edit_deliverable", &[("id", &id.to_string()), ("body", "# Our proposal\n\nBy hand.")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), 3);
    let v = view(&app, &owner, id).await;
    assert_eq!(status(&v), "ready");
    assert_eq!(v["versions"][0]["source"], "edited");
    assert_eq!(v["versions"][0]["author_name"], "Olivia Reyes");
    assert_eq!(shared(emma).await.json(), serde_json::json!([]));
    let r = app.call(Some(&owner), "edit_deliverable", &[("id", &id.to_string()), ("body", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn orders_are_taken_by_priority_and_fail_after_three_attempts_with_backoff(pool: PgPool) {
    let app = spawn(pool).await;
    let staff = app.login(STAFF).await;
    let low = placed(&app, &staff, "social-post-writer", None, "Spring open house.", "low").await;
    let normal = placed(&app, &staff, "social-post-writer", None, "Summer terrace.", "normal").await;
    let high = placed(&app, &staff, "social-post-writer", None, "New Year's Eve.", "high").await;
    assert_eq!(run(&app, Utc::now()).await, 3);
    let started: Vec<i64> =
        sqlx::query_scalar("select id from studio_orders order by started_at").fetch_all(&app.pool).await.unwrap();
    assert_eq!(started, vec![high, normal, low]);

    // The scripted model fails midway whenever the request says so.
    let id = placed(&app, &staff, "social-post-writer", None, "Please fail midway.", "normal").await;
    let now = Utc::now();
    assert_eq!(run(&app, now).await, 1);
    let v = view(&app, &staff, id).await;
    assert_eq!(status(&v), "queued", "{v}");
    assert_eq!(v["attempts"], 1);
    assert!(!v["error"].as_str().unwrap().is_empty());
    // Backed off: not again at once, again after 10 s, then after 20 more.
    assert_eq!(run(&app, now + Duration::seconds(5)).await, 0);
    assert_eq!(run(&app, now + Duration::seconds(11)).await, 1);
    assert_eq!(run(&app, now + Duration::seconds(25)).await, 0);
    assert_eq!(run(&app, now + Duration::seconds(32)).await, 1);
    let v = view(&app, &staff, id).await;
    assert_eq!(status(&v), "failed", "{v}");
    assert_eq!(v["attempts"], 3);
    assert_eq!(v["versions"], serde_json::json!([]));
    // Dead: kept for people to see, never run again.
    assert_eq!(run(&app, now + Duration::hours(1)).await, 0);
    let dead: i64 = sqlx::query_scalar(
        "select count(*) from jobs where kind = 'studio.order' and attempts >= max_attempts and done_at is null",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(dead, 1);
    // Try again: a fresh job with three attempts of its own.
    let r = app.call(Some(&staff), "regenerate_order", &[("id", &id.to_string()), ("feedback", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = view(&app, &staff, id).await;
    assert_eq!((status(&v), v["attempts"].as_i64()), ("queued", Some(0)));
}

/// Owners see each specialist's figures and the orders that failed for good; Retry gives a dead
/// order fresh attempts. Only the person an order was for rates it; staff and other venues see
/// none of the queue.
#[sqlx::test]
async fn owners_see_the_queue_and_retry_what_failed_for_good(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let staff = app.login(STAFF).await;
    let good = placed(&app, &staff, "social-post-writer", None, "Spring open house.", "normal").await;
    let bad = placed(&app, &staff, "social-post-writer", None, "Please fail midway.", "normal").await;
    let now = Utc::now();
    assert_eq!(run(&app, now).await, 2);
    assert_eq!(run(&app, now + Duration::seconds(11)).await, 1);
    assert_eq!(run(&app, now + Duration::seconds(32)).await, 1);
    assert_eq!(status(&view(&app, &staff, bad).await), "failed");

    // Sam ordered it: Sam rates it; the owner may not, and nothing but 1, -1 or 0 is a rating.
    let rate = |s: &str, id: i64, r: &str| {
        let (s, id, r) = (s.to_string(), id.to_string(), r.to_string());
        let app = &app;
        async move { app.call(Some(&s), "rate_deliverable", &[("id", &id), ("rating", &r)]).await.status }
    };
    assert_eq!(view(&app, &staff, good).await["can_rate"], true);
    assert_eq!(view(&app, &owner, good).await["can_rate"], false);
    assert_eq!(rate(&owner, good, "1").await, StatusCode::FORBIDDEN);
    assert_eq!(rate(&staff, good, "5").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rate(&staff, bad, "1").await, StatusCode::NOT_FOUND, "nothing to rate yet");
    assert_eq!(rate(&staff, good, "-1").await, StatusCode::OK);
    assert_eq!(rate(&staff, good, "1").await, StatusCode::OK);
    assert_eq!(view(&app, &staff, good).await["rating"], 1);

    // The queue is the owner's: staff are refused, another venue's owner sees nothing of it.
    assert_eq!(app.call(Some(&staff), "studio_queue", &[]).await.status, StatusCode::FORBIDDEN);
    let rival = app.rival_venue().await;
    let theirs = app.call(Some(&rival), "studio_queue", &[]).await.json();
    assert_eq!(
        (theirs["dead"].as_array().map(Vec::len), theirs["specialists"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );
    let q = app.call(Some(&owner), "studio_queue", &[]).await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    let q = q.json();
    let s = &q["specialists"][0];
    assert_eq!(s["specialist"], "social-post-writer", "{q}");
    assert_eq!(
        [&s["orders"], &s["delivered"], &s["failed"], &s["rated_up"], &s["rated_down"]].map(|v| v.as_i64().unwrap()),
        [2, 1, 1, 1, 0],
        "{q}"
    );
    assert!(s["tokens"].as_i64().unwrap() > 0, "{q}");
    assert!(s["median_secs"].as_f64().is_some(), "{q}");
    let dead = q["dead"].as_array().unwrap();
    assert_eq!(dead.len(), 1, "{q}");
    assert_eq!(dead[0]["kind"], "studio.order");
    assert_eq!(dead[0]["link"], format!("/studio/{bad}"));
    assert!(!dead[0]["error"].as_str().unwrap().is_empty(), "{q}");
    let job = dead[0]["job_id"].as_i64().unwrap().to_string();

    // Only the owner retries, only their venue's, and only once.
    assert_eq!(app.call(Some(&staff), "retry_job", &[("job_id", &job)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Some(&rival), "retry_job", &[("job_id", &job)]).await.status, StatusCode::NOT_FOUND);
    // The cause is gone (the provider is back): the retried order is produced.
    sqlx::query("update studio_orders set brief = 'Spring open house, take two.' where id = $1")
        .bind(bad)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.call(Some(&owner), "retry_job", &[("job_id", &job)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.call(Some(&owner), "retry_job", &[("job_id", &job)]).await.status, StatusCode::NOT_FOUND);
    let v = view(&app, &staff, bad).await;
    assert_eq!((status(&v), v["attempts"].as_i64(), v["error"].as_str()), ("queued", Some(0), Some("")), "{v}");
    assert_eq!(app.call(Some(&owner), "studio_queue", &[]).await.json()["dead"], serde_json::json!([]));
    assert_eq!(run(&app, Utc::now()).await, 1);
    let v = view(&app, &staff, bad).await;
    assert_eq!(status(&v), "ready", "{v}");
    assert_eq!(v["versions"].as_array().unwrap().len(), 1);
}

#[sqlx::test]
async fn a_worker_that_died_mid_job_leaves_it_to_be_done_once(pool: PgPool) {
    let app = spawn(pool).await;
    let staff = app.login(STAFF).await;
    let event = app.event_id(EMMA_EVENT).await;
    let id = placed(&app, &staff, "timeline-planner", Some(event), "", "normal").await;
    let now = Utc::now();
    // A worker claims the job and dies without a word.
    let job = concierge::store::jobs::claim(&app.pool, now, Duration::seconds(30)).await.unwrap().unwrap();
    assert_eq!(job.kind, "studio.order");
    assert_eq!(run(&app, now + Duration::seconds(10)).await, 0, "its lease still holds");
    assert_eq!(run(&app, now + Duration::seconds(31)).await, 1);
    assert_eq!(run(&app, now + Duration::minutes(20)).await, 0);
    let v = view(&app, &staff, id).await;
    assert_eq!(status(&v), "ready");
    assert_eq!(v["versions"].as_array().unwrap().len(), 1);
    let body = v["versions"][0]["body"].as_str().unwrap();
    // The run-of-show's times are the event's own (4:00 PM to 11:00 PM in the demo).
    assert!(
        body.contains("## Run of show") && body.contains("| 4:00 PM | Event begins in the Garden Terrace |"),
        "{body}"
    );
    assert!(body.contains("| 11:00 PM | Event ends; vendors load out |"), "{body}");
}

#[sqlx::test]
async fn a_cancelled_order_is_never_produced_and_one_cancelled_mid_run_stops(pool: PgPool) {
    let app = spawn_with_delay(pool, std::time::Duration::from_millis(20)).await;
    let staff = app.login(STAFF).await;
    let id = placed(&app, &staff, "social-post-writer", None, "Autumn menu.", "normal").await;
    let r = app.call(Some(&staff), "cancel_order", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(run(&app, Utc::now()).await, 0);
    let v = view(&app, &staff, id).await;
    assert_eq!((status(&v), v["versions"].as_array().unwrap().len()), ("cancelled", 0));
    let r = app.call(Some(&staff), "cancel_order", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Mid-run: the worker sees the cancel at its next progress write and stops.
    let id = placed(&app, &staff, "social-post-writer", None, "A long reply about the garden.", "normal").await;
    let (pool, jobs) = (app.pool.clone(), app.jobs.clone());
    let worker = tokio::spawn(async move { concierge::jobs::run_due(&pool, &jobs, Utc::now()).await.unwrap() });
    let mut seen_partial = false;
    for _ in 0..200 {
        let v = view(&app, &staff, id).await;
        if status(&v) == "running" && !v["partial"].as_str().unwrap().is_empty() {
            seen_partial = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(seen_partial, "the text so far shows while it runs");
    let r = app.call(Some(&staff), "cancel_order", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(tokio::time::timeout(std::time::Duration::from_secs(10), worker).await.unwrap().unwrap(), 1);
    let v = view(&app, &staff, id).await;
    assert_eq!((status(&v), v["versions"].as_array().unwrap().len()), ("cancelled", 0));
    let open: i64 = sqlx::query_scalar("select count(*) from jobs where kind = 'studio.order' and done_at is null")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(open, 0);
}

/// A long job does not hold up the quick ones: while the long lane writes an order, the short
/// lane runs a reminder; neither lane takes the other's jobs.
#[sqlx::test]
async fn quick_jobs_do_not_wait_behind_an_order_being_written(pool: PgPool) {
    use concierge::jobs::{run_due_in, Lane};
    let app = spawn_with_delay(pool, std::time::Duration::from_millis(20)).await;
    let staff = app.login(STAFF).await;
    let id = placed(&app, &staff, "social-post-writer", None, "A long reply about the garden.", "high").await;
    let mut conn = app.pool.acquire().await.unwrap();
    let payload = serde_json::json!({ "appointment_id": 987_654_321, "sequence": 0 });
    concierge::store::jobs::enqueue_now(
        &mut conn,
        "appointment_reminder",
        &payload,
        concierge::store::jobs::Priority::Background,
        3,
    )
    .await
    .unwrap();
    drop(conn);
    let (pool, jobs) = (app.pool.clone(), app.jobs.clone());
    let long = tokio::spawn(async move { run_due_in(&pool, &jobs, Utc::now(), Lane::Long).await.unwrap() });
    let mut running = false;
    for _ in 0..200 {
        if status(&view(&app, &staff, id).await) == "running" {
            running = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(running, "the long lane took the order");
    // The reminder (of an appointment long gone: nothing to send) is done while the order runs.
    assert_eq!(run_due_in(&app.pool, &app.jobs, Utc::now(), Lane::Short).await.unwrap(), 1);
    assert_eq!(status(&view(&app, &staff, id).await), "running");
    let reminders_open: i64 =
        sqlx::query_scalar("select count(*) from jobs where kind = 'appointment_reminder' and done_at is null")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(reminders_open, 0);
    assert_eq!(
        tokio::time::timeout(std::time::Duration::from_secs(30), long).await.unwrap().unwrap(),
        1,
        "the order alone"
    );
    assert_eq!(status(&view(&app, &staff, id).await), "ready");
}

#[sqlx::test]
async fn bad_orders_are_refused_with_the_field_at_fault(pool: PgPool) {
    let app = spawn(pool).await;
    let staff = app.login(STAFF).await;
    let field = |r: &Reply| r.body.clone();
    let r = order(&app, &staff, "proposal-writer", None, "", "normal").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(field(&r).contains("event_id"), "{}", r.body);
    let r = order(&app, &staff, "no-such-writer", None, "", "normal").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(field(&r).contains("specialist"));
    let r = order(&app, &staff, "social-post-writer", None, &"x".repeat(4001), "normal").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = order(&app, &staff, "social-post-writer", None, "", "urgent").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Another venue's event is not one to order for.
    let rival = app.rival_venue().await;
    let event = app.event_id(EMMA_EVENT).await;
    let r = order(&app, &rival, "follow-up-writer", Some(event), "", "normal").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(field(&r).contains("event_id"));
    // Clients and vendors order nothing.
    let emma = app.login(EMMA).await;
    let r = order(&app, &emma, "social-post-writer", None, "", "normal").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Some(&staff), "studio_order", &[("id", "0")]).await.status, StatusCode::NOT_FOUND);
    let none: i64 = sqlx::query_scalar("select count(*) from studio_orders").fetch_one(&app.pool).await.unwrap();
    assert_eq!(none, 0);
}

#[sqlx::test]
async fn owners_edit_the_specialists_and_orders_keep_the_text_they_were_placed_with(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let staff = app.login(STAFF).await;
    let save = |s: String, slug: &'static str, name: &'static str, instructions: &'static str| {
        let app = &app;
        async move {
            app.call(
                Some(&s),
                "save_specialist",
                &[
                    ("input[slug]", slug),
                    ("input[name]", name),
                    ("input[role]", "Writes things."),
                    ("input[instructions]", instructions),
                    ("input[needs_event]", "false"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        save(staff.clone(), "proposal-writer", "Proposal Writer", "Be brief.").await.status,
        StatusCode::FORBIDDEN
    );
    let r = save(owner.clone(), "proposal-writer", "Proposal Writer", "Always mention our rooftop.").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = app.call(Some(&staff), "studio", &[]).await.json();
    let proposal =
        listed["specialists"].as_array().unwrap().iter().find(|s| s["slug"] == "proposal-writer").unwrap().clone();
    assert_eq!(
        (proposal["customised"].as_bool(), proposal["instructions"].as_str()),
        (Some(true), Some("Always mention our rooftop."))
    );

    let event = app.event_id(EMMA_EVENT).await;
    let id = placed(&app, &staff, "proposal-writer", Some(event), "", "normal").await;
    let r = app.call(Some(&owner), "reset_specialist", &[("slug", "proposal-writer")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let kept: String = sqlx::query_scalar("select instructions from studio_orders where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, "Always mention our rooftop.");
    let listed = app.call(Some(&staff), "studio", &[]).await.json();
    let proposal =
        listed["specialists"].as_array().unwrap().iter().find(|s| s["slug"] == "proposal-writer").unwrap().clone();
    assert_eq!(proposal["customised"], false);

    // The venue's own: added, ordered from, refused twice, removed.
    let r = save(owner.clone(), "", "Wine Pairing Writer", "Suggest a wine for each course.").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = save(owner.clone(), "", "Wine Pairing Writer", "Again.").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = save(owner.clone(), "", "Proposal Writer", "A copy.").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let own = placed(&app, &staff, "wine-pairing-writer", None, "Spring menu.", "normal").await;
    assert_eq!(run(&app, Utc::now()).await, 2);
    let v = view(&app, &staff, own).await;
    assert!(v["versions"][0]["body"].as_str().unwrap().starts_with("# Wine Pairing Writer\n"));
    assert_eq!(
        app.call(Some(&owner), "reset_specialist", &[("slug", "wine-pairing-writer")]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(Some(&owner), "reset_specialist", &[("slug", "wine-pairing-writer")]).await.status,
        StatusCode::NOT_FOUND
    );
    let rival = app.rival_venue().await;
    let theirs = app.call(Some(&rival), "studio_orders", &[]).await.json();
    assert_eq!(theirs, serde_json::json!([]));
    let ours = app.call(Some(&staff), "studio_orders", &[]).await.json();
    assert_eq!(ours.as_array().unwrap().len(), 2);
}

/// Parity: a staff member's agents order from the studio and report on the orders, under the
/// person's own confirmation; the order is the one `/studio` shows. A rival venue's owner cannot
/// order for this venue's event through their agent, and a client's agent has no such tool.
#[sqlx::test]
async fn staff_order_deliverables_through_their_agents_after_confirming(pool: PgPool) {
    use super::agents::{ask, settle, tools};
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let event = app.event_id(EMMA_EVENT).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from studio_orders").fetch_one(&app.pool).await.unwrap()
    };

    let (thread, items) = ask(
        &app,
        &sam,
        "venue_event",
        Some(event),
        r#"Get a run-of-show drafted for this one, high priority [[call order_deliverable {"specialist": "timeline planner", "brief": "Ceremony at 4, dinner at 6", "priority": "high"}]]"#,
    )
    .await;
    let call = tools(&items)[0].clone();
    assert_eq!(call["status"], "awaiting_approval", "{call}");
    let preview = call["data"]["approval"]["preview"].to_string();
    assert!(preview.contains("Timeline Planner") && preview.contains("Emma & Daniel"), "{preview}");
    assert_eq!(count().await, 0, "nothing is ordered before the person confirms");
    let id = call["data"]["approval"]["id"].as_i64().unwrap().to_string();
    let r = app.call(Some(&sam), "decide_approval", &[("approval_id", &id), ("approve", "true"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = settle(&app, &sam, thread).await;
    let done = tools(&items)[0].clone();
    assert_eq!(done["status"], "done", "{done}");
    let order_id = done["data"]["result"]["order_id"].as_i64().expect("the order's id");
    assert_eq!(done["data"]["result"]["link"], format!("/studio/{order_id}"));
    let v = view(&app, &sam, order_id).await;
    assert_eq!(v["order"]["specialist"], "timeline-planner");
    assert_eq!(v["order"]["event_id"], event);
    assert_eq!(v["order"]["priority"], "high");
    assert_eq!(v["order"]["brief"], "Ceremony at 4, dinner at 6");
    let sams: String =
        sqlx::query_scalar("select name from users where email = $1").bind(STAFF).fetch_one(&app.pool).await.unwrap();
    assert_eq!(v["order"]["ordered_by_name"], sams, "{v}");

    // The venue agent reports on it (reading needs no confirmation).
    let (_, items) =
        ask(&app, &sam, "venue_general", None, r#"anything back from the studio? [[call list_deliverables {}]]"#).await;
    let listed = tools(&items)[0].clone();
    assert_eq!(listed["status"], "done", "{listed}");
    let rows = listed["data"]["result"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["title"].as_str(), rows[0]["status"].as_str()), (Some("Timeline Planner"), Some("Queued")));

    // A specialist that works from an event asks for one from the venue agent; an unknown one
    // names the studio's choices.
    let (_, items) = ask(
        &app,
        &sam,
        "venue_general",
        None,
        r#"draft a proposal [[call order_deliverable {"specialist": "Proposal Writer"}]]"#,
    )
    .await;
    let err = tools(&items)[0]["error"].as_str().unwrap_or_default().to_string();
    assert!(err.contains("which event"), "{items:?}");
    let (_, items) =
        ask(&app, &sam, "venue_general", None, r#"make something [[call order_deliverable {"specialist": "writer"}]]"#)
            .await;
    let err = tools(&items)[0]["error"].as_str().unwrap_or_default().to_string();
    assert!(err.contains("Which specialist") && err.contains("Social Post Writer"), "{items:?}");

    // Another venue's owner cannot reach this venue's event through their agent.
    let rival = app.rival_venue().await;
    let body =
        format!(r#"proposal [[call order_deliverable {{"specialist": "Proposal Writer", "event_id": {event}}}]]"#);
    let (_, items) = ask(&app, &rival, "venue_general", None, &body).await;
    let call = tools(&items)[0].clone();
    assert_eq!(
        (call["status"].as_str(), call["error"].as_str()),
        (Some("failed"), Some("not found, or not yours to see"))
    );
    // A client's agent has no studio tools.
    let emma = app.login(EMMA).await;
    let (_, items) =
        ask(&app, &emma, "client", Some(event), r#"[[call order_deliverable {"specialist": "Proposal Writer"}]]"#)
            .await;
    assert_eq!(tools(&items)[0]["status"], "failed");
    assert_eq!(count().await, 1, "only the confirmed order was placed");
}
