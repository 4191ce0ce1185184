//! A person's own data, for the download on their account page: who they are, what they wrote
//! and what is kept about them, in this venue. Each part is one query that returns JSON rows,
//! scoped to the actor (their id, their venue, their client record); their chats are read by
//! the caller through `chat` (the same scoping as the chat page).

use super::{Actor, StoreResult};
use serde_json::Value;
use sqlx::PgPool;

/// The parts, by file name (without `.json`), each a JSON array (`profile`: one object).
pub async fn personal_data(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<(&'static str, Value)>> {
    let mut parts = Vec::new();
    let profile: Value = sqlx::query_scalar(
        "select json_build_object(
                'id', u.id, 'name', u.name, 'email', u.email, 'created_at', u.created_at,
                'venue', v.name, 'role', m.role, 'member_since', m.created_at)
           from users u join memberships m on m.user_id = u.id join venues v on v.id = m.venue_id
          where u.id = $1 and m.venue_id = $2",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_one(pool)
    .await?;
    parts.push(("profile", profile));
    let queries: [(&'static str, &str); 8] = [
        (
            "chat_threads",
            "select id, title, model, agent_kind, event_id, pinned, archived, created_at, last_activity_at
               from chat_threads where owner_id = $1 and venue_id = $2 order by id",
        ),
        (
            "messages",
            "select m.id, t.subject, t.event_id, m.body, m.created_at, m.updated_at
               from messages m join message_threads t on t.id = m.thread_id
              where m.author_id = $1 and t.venue_id = $2 order by m.id",
        ),
        (
            "appointments",
            "select a.id, ty.name as type, a.starts_at, a.ends_at, a.status, a.notes, a.cancellation_reason,
                    a.event_id, a.created_at
               from appointments a join appointment_types ty on ty.id = a.type_id
              where a.venue_id = $2 and (a.booked_by = $1 or a.client_id = $3) order by a.starts_at",
        ),
        (
            "events",
            "select e.id, e.title, e.event_date, e.start_time, e.end_time, e.guest_count, e.budget_cents,
                    e.status, e.notes, e.created_at,
                    (select coalesce(json_agg(json_build_object('name', g.name, 'email', g.email,
                        'party_size', g.party_size, 'rsvp', g.rsvp, 'dietary', g.dietary, 'notes', g.notes)
                        order by g.id), '[]') from guests g where g.event_id = e.id) as guests
               from events e where e.venue_id = $2 and e.client_id = $3 order by e.event_date",
        ),
        (
            "notifications",
            "select id, body, link, created_at, read_at from notifications
              where user_id = $1 and venue_id = $2 order by id",
        ),
        (
            "documents",
            "select id, title, filename, format, audience, event_id, byte_size, status, created_at
               from documents where uploaded_by = $1 and venue_id = $2 order by id",
        ),
        (
            "model_usage",
            "select (created_at at time zone 'UTC')::date as day, model, purpose,
                    count(*) as calls, sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens
               from llm_usage where user_id = $1 and venue_id = $2 group by 1, 2, 3 order by 1, 2, 3",
        ),
        (
            "activity_log",
            "select at, action, category, target from audit_log
              where actor_id = $1 and venue_id = $2 order by id",
        ),
    ];
    for (name, sql) in queries {
        let rows: Value = sqlx::query_scalar(&format!("select coalesce(json_agg(r), '[]') from ({sql}) r"))
            .bind(actor.user_id)
            .bind(actor.venue_id)
            .bind(actor.client_id)
            .fetch_one(pool)
            .await?;
        parts.push((name, rows));
    }
    Ok(parts)
}
