//! Automations: a schedule fires once per slot in the venue's time zone, across both daylight-
//! saving changes; a business event fires its automation once per event (an inquiry → a
//! proposal ordered and produced); "days before each event" fires once per event however often
//! the worker sweeps, and its agent's action waits for a person's approval; a dry run does
//! nothing; owners alone change automations, and nobody outside the venue reaches them.

use super::*;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

fn input(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

async fn save(app: &TestApp, s: &str, form: &[(&'static str, String)]) -> Reply {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(Some(s), "save_automation", &pairs).await
}

async fn saved(app: &TestApp, s: &str, form: &[(&'static str, String)]) -> i64 {
    let r = save(app, s, form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

fn agent_form(name: &str, trigger: &str, agent: &str, instructions: &str) -> Vec<(&'static str, String)> {
    input(&[
        ("input[name]", name),
        ("input[trigger]", trigger),
        ("input[weekdays]", "0"),
        ("input[at_time]", ""),
        ("input[days_before]", ""),
        ("input[action]", "agent"),
        ("input[agent_kind]", agent),
        ("input[specialist]", ""),
        ("input[instructions]", instructions),
    ])
}

fn set(form: &mut [(&'static str, String)], key: &str, value: &str) {
    form.iter_mut().find(|(k, _)| *k == key).unwrap().1 = value.to_string();
}

async fn runs(app: &TestApp, s: &str, id: i64) -> Vec<Value> {
    let r = app.call(Some(s), "automation_runs", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_array().unwrap().clone()
}

async fn count_runs(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("select count(*) from automation_runs where automation_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn sweep(app: &TestApp, at: DateTime<Utc>) -> usize {
    concierge::studio::automations::sweep(&app.pool, at).await.unwrap()
}

async fn drain(app: &TestApp) -> usize {
    concierge::jobs::run_due(&app.pool, &app.jobs, Utc::now()).await.unwrap()
}

/// Walks the sweep every 10 minutes over `[from, to)`, twice at each step (two workers), and
/// returns the slots fired, as their keys.
async fn walk(app: &TestApp, id: i64, from: &str, to: &str) -> Vec<String> {
    let from: DateTime<Utc> = from.parse().unwrap();
    let to: DateTime<Utc> = to.parse().unwrap();
    let a: (i16, chrono::NaiveTime) = sqlx::query_as("select weekdays, at_time from automations where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let rule = concierge::domain::automations::Rule {
        trigger: concierge::domain::automations::Trigger::Schedule,
        weekdays: a.0 as u8,
        at: Some(a.1),
        days_before: None,
    };
    let first = concierge::studio::automations::next_run(&rule, chrono_tz::America::New_York, from);
    sqlx::query("update automations set next_run_at = $2 where id = $1")
        .bind(id)
        .bind(first)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut at = from;
    while at < to {
        sweep(app, at).await;
        sweep(app, at).await;
        at += Duration::minutes(10);
    }
    sqlx::query_scalar("select fire_key from automation_runs where automation_id = $1 order by created_at, id")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_schedule_fires_once_per_slot_across_both_clock_changes_and_its_run_has_a_thread(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let mut form = agent_form("Night summary", "schedule", "venue_general", "Summarize tomorrow's events.");
    set(&mut form, "input[weekdays]", "127");
    set(&mut form, "input[at_time]", "01:30");
    let id = saved(&app, &owner, &form).await;
    let listed = app.call(Some(&owner), "automations", &[]).await.json();
    let a = &listed["automations"][0];
    assert_eq!(a["when"], "Every day at 1:30");
    assert!(a["next_run_at"].is_string(), "{a}");
    assert_eq!(listed["timezone"], "America/New_York");

    // Autumn (Nov 7, 2027): 1:30 happens twice (05:30 and 06:30 UTC); it runs the first time
    // only: swept through the repeated hour, its next slot is already the next night.
    let keys = walk(&app, id, "2027-11-06T12:00:00Z", "2027-11-07T07:00:00Z").await;
    assert_eq!(keys, vec!["schedule:2027-11-07T01:30"]);
    let next: DateTime<Utc> = sqlx::query_scalar("select next_run_at from automations where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(next, "2027-11-08T06:30:00Z".parse::<DateTime<Utc>>().unwrap());
    let keys = walk(&app, id, "2027-11-07T07:00:00Z", "2027-11-08T12:00:00Z").await;
    assert_eq!(keys, vec!["schedule:2027-11-07T01:30", "schedule:2027-11-08T01:30"]);

    // Spring (Mar 14, 2027): 2:30 does not exist; it runs once, at 3:30 EDT.
    sqlx::query("delete from automation_runs").execute(&app.pool).await.unwrap();
    sqlx::query("update automations set at_time = '02:30' where id = $1").bind(id).execute(&app.pool).await.unwrap();
    let keys = walk(&app, id, "2027-03-13T12:00:00Z", "2027-03-15T12:00:00Z").await;
    assert_eq!(keys, vec!["schedule:2027-03-14T03:30", "schedule:2027-03-15T02:30"]);

    // Each run is an agent turn in a thread of the owner's, and the owner is told.
    sqlx::query("delete from jobs where kind = 'automation.run' and id not in (select job_id from automation_runs where job_id is not null)")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(drain(&app).await >= 2);
    let list = runs(&app, &owner, id).await;
    assert_eq!(list.len(), 2);
    for r in &list {
        assert_eq!(r["status"], "done", "{r}");
        assert!(r["thread_id"].is_i64(), "{r}");
        // The scripted model echoes what it was asked: the instructions and what fired it.
        let out = r["output"].as_str().unwrap();
        assert!(out.contains("Summarize tomorrow's events."), "{out}");
    }
    let thread = list[0]["thread_id"].as_i64().unwrap();
    let r = app.call(Some(&owner), "open_chat", &[("thread_id", &thread.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "the run's thread is the owner's: {}", r.body);
    // A staff member sees that the runs happened, but neither their chat nor what an owner's
    // agent wrote.
    let staff = app.login(STAFF).await;
    for r in runs(&app, &staff, id).await {
        assert_eq!((r["status"].as_str(), r["thread_id"].as_i64()), (Some("done"), None), "{r}");
        assert_eq!(r["output"], concierge::store::automations::OUTPUT_WITHHELD, "{r}");
    }
    let told: i64 =
        sqlx::query_scalar("select count(*) from notifications where body like 'Automation “Night summary” ran%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(told, 2);
}

/// An inquiry taken by staff member `s` for a birthday of 60 (the new event's id).
pub async fn create_inquiry(app: &TestApp, s: &str, name: &str) -> i64 {
    let r = app
        .call(
            Some(s),
            "create_inquiry",
            &[
                ("form[name]", name),
                ("form[email]", "nora@example.com"),
                ("form[phone]", ""),
                ("form[event_type]", "Birthday"),
                ("form[event_date]", "2027-06-12"),
                ("form[guest_count]", "60"),
                ("form[budget]", ""),
                ("form[space_id]", ""),
                ("form[notes]", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

#[sqlx::test]
async fn an_inquiry_fires_its_automation_once_and_the_proposal_is_ordered_and_written(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let form = input(&[
        ("input[name]", "Proposal for each inquiry"),
        ("input[trigger]", "inquiry_created"),
        ("input[weekdays]", "0"),
        ("input[at_time]", ""),
        ("input[days_before]", ""),
        ("input[action]", "specialist"),
        ("input[agent_kind]", ""),
        ("input[specialist]", "proposal-writer"),
        ("input[instructions]", "Draft a proposal; stress the harbor view."),
    ]);
    let id = saved(&app, &owner, &form).await;

    let staff = app.login(STAFF).await;
    let event = create_inquiry(&app, &staff, "Nora Blake").await;
    assert_eq!(count_runs(&app, id).await, 1, "the inquiry's transaction fired it");
    // The same event reported again fires nothing more.
    let mut conn = app.pool.acquire().await.unwrap();
    let venue: i64 = sqlx::query_scalar("select venue_id from events where id = $1")
        .bind(event)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    concierge::store::webhooks::inquiry_created(&mut conn, venue, event, Utc::now()).await.unwrap();
    drop(conn);
    assert_eq!(count_runs(&app, id).await, 1);

    // The run orders from the Proposal Writer; the order is then written (both in this drain).
    assert!(drain(&app).await >= 2);
    let list = runs(&app, &owner, id).await;
    let run = &list[0];
    assert_eq!(run["status"], "done", "{run}");
    assert_eq!(run["event_id"].as_i64(), Some(event));
    assert!(run["fired_by"].as_str().unwrap().contains("Nora Blake"), "{run}");
    let order = run["order_id"].as_i64().unwrap();
    let v = app.call(Some(&owner), "studio_order", &[("id", &order.to_string())]).await.json();
    assert_eq!(v["order"]["status"], "ready", "{v}");
    assert_eq!(v["order"]["event_id"].as_i64(), Some(event));
    assert!(v["order"]["brief"].as_str().unwrap().starts_with("Draft a proposal; stress the harbor view."), "{v}");

    // Paused, it does not fire; resumed, it does again.
    let r = app.call(Some(&owner), "pause_automation", &[("id", &id.to_string()), ("paused", "true")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    create_inquiry(&app, &staff, "Otto Paused").await;
    assert_eq!(count_runs(&app, id).await, 1);
    app.call(Some(&owner), "pause_automation", &[("id", &id.to_string()), ("paused", "false")]).await;
    create_inquiry(&app, &staff, "Pia Resumed").await;
    assert_eq!(count_runs(&app, id).await, 2);
}

#[sqlx::test]
async fn days_before_each_event_fire_once_per_event_and_the_message_waits_for_approval(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let mut form = agent_form(
        "Confirm the headcount",
        "event_approaching",
        "venue_event",
        r#"Ask the client to confirm the final headcount. [[call send_client_message {"body": "Could you confirm your final headcount?"}]]"#,
    );
    set(&mut form, "input[days_before]", "30");
    let id = saved(&app, &owner, &form).await;
    let within: i64 = sqlx::query_scalar(
        "select count(*) from events where status not in ('cancelled', 'completed')
            and event_date between current_date and current_date + 30",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(within >= 1, "the demo has an event within 30 days");

    // A dry run says what it would do and does nothing.
    let dry = app.call(Some(&owner), "dry_run_automation", &[("id", &id.to_string())]).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    let dry = dry.json();
    assert_eq!(dry["fires"].as_array().unwrap().len() as i64, within.min(10), "{dry}");
    assert!(dry["action"].as_str().unwrap().starts_with("Starts a chat with the event agent as Olivia"), "{dry}");
    assert!(dry["message"].as_str().unwrap().starts_with("Ask the client to confirm the final headcount."), "{dry}");
    assert_eq!(count_runs(&app, id).await, 0, "a dry run fires nothing");

    // Swept again and again (and by two workers), each event fires once.
    let now = Utc::now();
    assert_eq!(sweep(&app, now).await as i64, within);
    assert_eq!(sweep(&app, now).await, 0);
    assert_eq!(sweep(&app, now + Duration::hours(1)).await, 0);
    assert_eq!(count_runs(&app, id).await, within);
    let dry = app.call(Some(&owner), "dry_run_automation", &[("id", &id.to_string())]).await.json();
    assert!(
        dry["fires"].as_array().unwrap().iter().all(|f| f.as_str().unwrap().ends_with("already run for it")),
        "{dry}"
    );

    let messages_before: i64 = sqlx::query_scalar("select count(*) from messages").fetch_one(&app.pool).await.unwrap();
    drain(&app).await;
    let list = runs(&app, &owner, id).await;
    assert_eq!(list.len() as i64, within);
    for r in &list {
        assert_eq!(r["status"], "waiting", "{r}");
        assert!(r["output"].as_str().unwrap().contains("Waiting for approval: Send a message to"), "{r}");
    }
    let messages_after: i64 = sqlx::query_scalar("select count(*) from messages").fetch_one(&app.pool).await.unwrap();
    assert_eq!(messages_after, messages_before, "nothing is sent before a person approves");

    // The owner approves one, in its thread: then it is sent.
    let thread = list[0]["thread_id"].as_i64().unwrap();
    let approval: i64 = sqlx::query_scalar("select id from approvals where thread_id = $1 and status = 'pending'")
        .bind(thread)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = app
        .call(
            Some(&owner),
            "decide_approval",
            &[("approval_id", &approval.to_string()), ("approve", "true"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let messages_sent: i64 = sqlx::query_scalar("select count(*) from messages").fetch_one(&app.pool).await.unwrap();
    assert_eq!(messages_sent, messages_before + 1);

    // Run now, by hand: one more run, on the nearest event.
    let r = app.call(Some(&owner), "run_automation", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count_runs(&app, id).await, within + 1);
}

#[sqlx::test]
async fn owners_change_automations_staff_read_them_and_no_one_else_reaches_them(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let form = agent_form("Weekly", "schedule", "venue_general", "Summarize the week.");
    // Bad input: each field at fault is named.
    let r = save(&app, &owner, &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("weekdays") && r.body.contains("at_time"), "{}", r.body);
    let mut bad = agent_form("Bad", "schedule", "client", "x");
    set(&mut bad, "input[weekdays]", "1");
    set(&mut bad, "input[at_time]", "08:00");
    let r = save(&app, &owner, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("agent_kind"), "{}", r.body);
    let mut nosuch = bad.clone();
    set(&mut nosuch, "input[action]", "specialist");
    set(&mut nosuch, "input[specialist]", "no-such-writer");
    let r = save(&app, &owner, &nosuch).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("specialist"), "{}", r.body);

    // A specialist that works from an event needs a trigger that names one.
    let mut proposal_weekly = nosuch.clone();
    set(&mut proposal_weekly, "input[specialist]", "proposal-writer");
    let r = save(&app, &owner, &proposal_weekly).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("works from an event"), "{}", r.body);

    let mut good = form.clone();
    set(&mut good, "input[weekdays]", "1");
    set(&mut good, "input[at_time]", "08:00");
    let id = saved(&app, &owner, &good).await.to_string();

    // Staff read them and dry-run them; they do not change or run them.
    let sam = app.login(STAFF).await;
    assert_eq!(app.call(Some(&sam), "automations", &[]).await.status, StatusCode::OK);
    assert_eq!(app.call(Some(&sam), "dry_run_automation", &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(save(&app, &sam, &good).await.status, StatusCode::FORBIDDEN);
    for f in ["run_automation", "delete_automation"] {
        assert_eq!(app.call(Some(&sam), f, &[("id", &id)]).await.status, StatusCode::FORBIDDEN, "{f}");
    }
    let r = app.call(Some(&sam), "pause_automation", &[("id", &id), ("paused", "true")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Clients and vendors see nothing of them.
    for who in [EMMA, BLOOM] {
        let s = app.login(who).await;
        assert_eq!(app.call(Some(&s), "automations", &[]).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.call(Some(&s), "automation_runs", &[("id", &id)]).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    // Another venue's owner cannot reach this one's.
    let rival = app.rival_venue().await;
    for f in ["dry_run_automation", "run_automation", "delete_automation", "automation_runs"] {
        assert_eq!(app.call(Some(&rival), f, &[("id", &id)]).await.status, StatusCode::NOT_FOUND, "{f}");
    }
    let mut theirs = good.clone();
    theirs.push(("input[id]", id.clone()));
    assert_eq!(save(&app, &rival, &theirs).await.status, StatusCode::NOT_FOUND);
    let listed = app.call(Some(&rival), "automations", &[]).await.json();
    assert_eq!(listed["automations"].as_array().unwrap().len(), 0);

    // The owner edits it (the schedule moves), runs it by hand and deletes it.
    let mut edited = good.clone();
    set(&mut edited, "input[at_time]", "09:15");
    edited.push(("input[id]", id.clone()));
    saved(&app, &owner, &edited).await;
    let listed = app.call(Some(&owner), "automations", &[]).await.json();
    assert_eq!(listed["automations"][0]["when"], "Every Monday at 9:15");
    assert_eq!(app.call(Some(&owner), "run_automation", &[("id", &id)]).await.status, StatusCode::OK);
    drain(&app).await;
    let list = runs(&app, &owner, id.parse().unwrap()).await;
    assert_eq!(list[0]["status"], "done", "{list:?}");
    assert!(list[0]["fired_by"].as_str().unwrap().starts_with("run by hand by Olivia"), "{list:?}");
    assert_eq!(app.call(Some(&owner), "delete_automation", &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(app.call(Some(&owner), "automation_runs", &[("id", &id)]).await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn a_team_member_who_chose_email_gets_the_venues_approvals_by_email_and_others_the_bell(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let prefs = app.call(Some(&sam), "notification_prefs", &[]).await.json();
    let kinds: Vec<&str> = prefs.as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["deliverables", "approvals", "automations", "reminders"]);
    assert!(prefs.as_array().unwrap().iter().all(|p| p["email"] == false), "email is chosen, not assumed");
    let r = app.call(Some(&sam), "set_notification_pref", &[("kind", "approvals"), ("email", "true")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A client gets reminders only, and cannot choose another kind.
    let emma = app.login(EMMA).await;
    let theirs = app.call(Some(&emma), "notification_prefs", &[]).await.json();
    assert_eq!(theirs.as_array().unwrap().len(), 1, "{theirs}");
    let r = app.call(Some(&emma), "set_notification_pref", &[("kind", "approvals"), ("email", "true")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.call(Some(&emma), "set_notification_pref", &[("kind", "nonsense"), ("email", "true")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Emma asks for a change only the venue approves: its team is told under the bell.
    let event = app.event_id(EMMA_EVENT).await;
    let element: i64 =
        sqlx::query_scalar("select id from elements where event_id = $1 and status <> 'declined' order by id limit 1")
            .bind(event)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let text = format!(
        r#"More please [[call request_element_change {{"action": "change_quantity", "element_id": {element}, "quantity": 99, "note": "more"}}]]"#
    );
    super::agents::ask(&app, &emma, "client", Some(event), &text).await;
    let bell = app.call(Some(&sam), "notifications", &[]).await.json();
    assert!(bell["items"][0]["body"].as_str().unwrap().starts_with("Emma Clark asks for approval:"), "{bell}");
    assert_eq!(bell["items"][0]["link"], "/approvals");
    let owner = app.login(OWNER).await;
    let theirs = app.call(Some(&owner), "notifications", &[]).await.json();
    assert!(theirs["items"][0]["body"].as_str().unwrap().starts_with("Emma Clark asks for approval:"), "{theirs}");

    // Sam chose email: one mail, to Sam alone, with the link to the queue (no SMTP here: the outbox).
    drain(&app).await;
    let mail: Vec<(String, String, String)> =
        sqlx::query_as("select to_email, subject, body from outbox order by id").fetch_all(&app.pool).await.unwrap();
    let to_sam: Vec<_> = mail.iter().filter(|(to, _, _)| to == STAFF).collect();
    assert_eq!(to_sam.len(), 1, "{mail:?}");
    assert!(to_sam[0].1.starts_with("Harbor Hall: Emma Clark asks for approval"), "{mail:?}");
    assert!(to_sam[0].2.contains("http://127.0.0.1:3000/approvals"), "{mail:?}");
    assert!(!mail.iter().any(|(to, _, _)| to == OWNER), "the owner did not choose email: {mail:?}");
}

#[sqlx::test]
async fn a_run_whose_turn_fails_fails_at_once_and_says_why(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    let mut form = agent_form("Flaky", "schedule", "assistant", "Tell me something, then fail midway.");
    set(&mut form, "input[weekdays]", "127");
    set(&mut form, "input[at_time]", "08:00");
    let id = saved(&app, &owner, &form).await;
    assert_eq!(app.call(Some(&owner), "run_automation", &[("id", &id.to_string())]).await.status, StatusCode::OK);
    drain(&app).await;
    let list = runs(&app, &owner, id).await;
    assert_eq!(list[0]["status"], "failed", "{list:?}");
    assert!(list[0]["error"].as_str().unwrap().starts_with("the agent's turn failed"), "{list:?}");
    // The failed turn is in its chat; another attempt would only read it again: none is left.
    let (attempts, max): (i32, i32) =
        sqlx::query_as("select attempts, max_attempts from jobs where kind = 'automation.run'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, max);
    let told: i64 =
        sqlx::query_scalar("select count(*) from notifications where body like 'Automation “Flaky” failed%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(told, 1);

    // The owner's queue shows the run among the dead letters, and the automation's figures.
    let q = app.call(Some(&owner), "studio_queue", &[]).await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    let q = q.json();
    let stats = q["automations"].as_array().unwrap().iter().find(|a| a["id"] == id).cloned().unwrap();
    assert_eq!((stats["runs"].as_i64(), stats["failed"].as_i64(), stats["done"].as_i64()), (Some(1), Some(1), Some(0)));
    let dead = q["dead"].as_array().unwrap();
    assert_eq!(dead.len(), 1, "{q}");
    assert_eq!(dead[0]["kind"], "automation.run");
    assert!(dead[0]["what"].as_str().unwrap().starts_with("Flaky"), "{q}");
    assert!(dead[0]["error"].as_str().unwrap().contains("the agent's turn failed"), "{q}");
    // Once the owner mends the instructions, Retry runs it again in a new chat, and it is done.
    sqlx::query("update automations set instructions = 'Tell me something.' where id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let job = dead[0]["job_id"].as_i64().unwrap().to_string();
    let failed_thread: i64 = sqlx::query_scalar("select thread_id from automation_runs where automation_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = app.call(Some(&owner), "retry_job", &[("job_id", &job)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    drain(&app).await;
    let list = runs(&app, &owner, id).await;
    assert_eq!(list.len(), 1, "the same run, not another: {list:?}");
    assert_eq!(list[0]["status"], "done", "{list:?}");
    let thread: Option<i64> = sqlx::query_scalar("select thread_id from automation_runs where automation_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(thread.is_some_and(|t| t != failed_thread), "the retry has a chat of its own");
    let q = app.call(Some(&owner), "studio_queue", &[]).await.json();
    assert_eq!(q["dead"], serde_json::json!([]), "{q}");
}
