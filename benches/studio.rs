//! The studio's queue: throughput with the scripted instant model, and the order of priorities
//! under load. Fresh demo database `concierge_bench_studio`, no server socket (the worker's own
//! path: `jobs::run_due`).
//!
//! 1. 300 orders from the Timeline Planner (100 each high, normal, low), placed at once, then
//!    produced by one worker, then by two at once: versions per second, and whether every high
//!    order was taken before any normal one and every normal before any low.
//! 2. 100 automation runs of the venue agent (an agent turn each, in a thread of its own) by one
//!    worker: runs per second.

use chrono::Utc;
use concierge::domain::studio::Priority;
use std::sync::Arc;
use std::time::Instant;

mod common;

const ORDERS_EACH: usize = 100;
const RUNS: usize = 100;

#[tokio::main]
async fn main() {
    let pool = common::fresh_db("concierge_bench_studio", 20).await;
    let state = common::state(pool.clone());
    let knowledge = state.knowledge.clone();
    let runner = Arc::new(
        concierge::jobs::Runner::new(knowledge, Default::default())
            .with_models(state.chat.clone())
            .with_agents(Arc::new(state.chat.clone())),
    );
    let (owner, venue): (i64, i64) = sqlx::query_as(
        "select u.id, m.venue_id from users u join memberships m on m.user_id = u.id where u.email = 'olivia@harborhall.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let actor = concierge::store::users::actor_for_member(&pool, owner, venue).await.unwrap().unwrap();
    let event: i64 = sqlx::query_scalar("select id from events where title = 'Emma & Daniel''s Wedding'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let timeline = concierge::store::studio::specialist_by_slug(&pool, &actor, "timeline-planner").await.unwrap();
    // Let the demo's own jobs (indexing) run first, so they are not counted.
    concierge::jobs::run_due(&pool, &runner, Utc::now()).await.unwrap();

    for workers in [1usize, 2] {
        for p in [Priority::Low, Priority::Normal, Priority::High] {
            for _ in 0..ORDERS_EACH {
                concierge::store::studio::place(&pool, &actor, &timeline, Some(event), "Bench.", p).await.unwrap();
            }
        }
        let started = Instant::now();
        let tasks: Vec<_> = (0..workers)
            .map(|_| {
                let (pool, runner) = (pool.clone(), runner.clone());
                tokio::spawn(async move { concierge::jobs::run_due(&pool, &runner, Utc::now()).await.unwrap() })
            })
            .collect();
        let mut ran = 0;
        for t in tasks {
            ran += t.await.unwrap();
        }
        let took = started.elapsed();
        // The order they were produced in: by the first version's id.
        let order: Vec<String> = sqlx::query_scalar(
            "select o.priority from studio_orders o join studio_versions v on v.order_id = o.id and v.number = 1
              where o.brief = 'Bench.' and o.status = 'ready' order by v.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let rank = |p: &str| match p {
            "high" => 0,
            "normal" => 1,
            _ => 2,
        };
        // With two workers the two in flight at a boundary may finish out of order: count
        // inversions further apart than that.
        let inversions = order.windows(workers + 1).filter(|w| rank(&w[0]) > rank(&w[workers])).count();
        println!(
            "studio orders, {workers} worker(s): {ran} jobs in {:.2} s = {:.1} jobs/s; produced {} of {}; priority inversions: {inversions}",
            took.as_secs_f64(),
            ran as f64 / took.as_secs_f64(),
            order.len(),
            3 * ORDERS_EACH,
        );
        sqlx::query("delete from studio_orders where brief = 'Bench.'").execute(&pool).await.unwrap();
    }

    // Automation runs: an agent turn each.
    let automation: i64 = sqlx::query_scalar(
        "insert into automations (venue_id, name, trigger, weekdays, at_time, action, agent_kind, instructions, created_by)
         values ($1, 'Bench', 'schedule', 127, '08:00', 'agent', 'venue_general', 'What is on this week?', $2) returning id",
    )
    .bind(venue)
    .bind(owner)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..RUNS {
        concierge::store::automations::fire(
            &mut tx,
            automation,
            venue,
            &format!("bench:{i}"),
            "Bench",
            &serde_json::json!({}),
            None,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let started = Instant::now();
    let ran = concierge::jobs::run_due(&pool, &runner, Utc::now()).await.unwrap();
    let took = started.elapsed();
    let done: i64 =
        sqlx::query_scalar("select count(*) from automation_runs where automation_id = $1 and status = 'done'")
            .bind(automation)
            .fetch_one(&pool)
            .await
            .unwrap();
    println!(
        "automation runs (venue agent, scripted instant model), 1 worker: {ran} jobs in {:.2} s = {:.1} runs/s; done {done} of {RUNS}",
        took.as_secs_f64(),
        ran as f64 / took.as_secs_f64(),
    );
    drop(state);
    pool.close().await;
    common::drop_db("concierge_bench_studio").await;
}
