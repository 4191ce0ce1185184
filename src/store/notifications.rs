//! Short notes for one member (appointment reminders, deliverables ready, approvals waiting,
//! automations' results), shown under the bell in the header until read, and emailed too for the
//! kinds the member chose ([`prefs`], [`set_pref`]; the `notification.email` job sends them).

use super::{Actor, StoreError, StoreResult};
use crate::domain::scheduling::{NoteKind, NotePref, NotificationList, NotificationView};
use sqlx::{PgConnection, PgPool};

/// The job kind that emails a note.
pub const EMAIL_JOB: &str = "notification.email";

/// Adds a note of `kind` for `user_id`; returns its id. When the member chose email for that
/// kind, a job that emails it is queued in the same transaction.
pub async fn add(
    conn: &mut PgConnection,
    venue_id: i64,
    user_id: i64,
    kind: NoteKind,
    body: &str,
    link: &str,
) -> StoreResult<i64> {
    let (id, email): (i64, bool) = sqlx::query_as(
        "with n as (insert into notifications (venue_id, user_id, body, link, kind)
                    values ($1, $2, $3, $4, $5) returning id)
         select n.id, exists (select 1 from notification_prefs p
                               where p.user_id = $2 and p.venue_id = $1 and p.kind = $5 and p.email)
           from n",
    )
    .bind(venue_id)
    .bind(user_id)
    .bind(body)
    .bind(link)
    .bind(kind.as_str())
    .fetch_one(&mut *conn)
    .await?;
    if email {
        let payload = serde_json::json!({ "notification_id": id });
        super::jobs::enqueue_now(conn, EMAIL_JOB, &payload, super::jobs::Priority::Background, 3).await?;
    }
    Ok(id)
}

/// Adds a note of `kind` for each owner and staff member of the venue (an approval waiting in the
/// venue's queue). Returns how many.
pub async fn add_for_team(
    conn: &mut PgConnection,
    venue_id: i64,
    kind: NoteKind,
    body: &str,
    link: &str,
) -> StoreResult<usize> {
    let team: Vec<i64> = sqlx::query_scalar(
        "select user_id from memberships where venue_id = $1 and role in ('owner', 'staff') order by user_id",
    )
    .bind(venue_id)
    .fetch_all(&mut *conn)
    .await?;
    for &user in &team {
        add(conn, venue_id, user, kind, body, link).await?;
    }
    Ok(team.len())
}

/// A note to email: its text and link, and who it is for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ToEmail {
    pub venue_id: i64,
    pub venue_name: String,
    pub email: String,
    pub name: String,
    pub body: String,
    pub link: String,
}

/// Note `id` for its email, while its member still wants that kind by email.
pub async fn to_email(pool: &PgPool, id: i64) -> StoreResult<Option<ToEmail>> {
    Ok(sqlx::query_as(
        "select n.venue_id, v.name as venue_name, u.email, u.name, n.body, n.link
           from notifications n join users u on u.id = n.user_id join venues v on v.id = n.venue_id
          where n.id = $1
            and exists (select 1 from notification_prefs p
                         where p.user_id = n.user_id and p.venue_id = n.venue_id and p.kind = n.kind and p.email)",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// The actor's choice, per kind their role gets, of email besides the bell.
pub async fn prefs(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<NotePref>> {
    let on: Vec<String> =
        sqlx::query_scalar("select kind from notification_prefs where user_id = $1 and venue_id = $2 and email")
            .bind(actor.user_id)
            .bind(actor.venue_id)
            .fetch_all(pool)
            .await?;
    Ok(NoteKind::for_role(actor.role)
        .iter()
        .map(|&kind| NotePref { kind, email: on.iter().any(|k| k == kind.as_str()) })
        .collect())
}

/// Sets whether notes of `kind` also come to the actor by email (a kind their role gets).
pub async fn set_pref(pool: &PgPool, actor: &Actor, kind: NoteKind, email: bool) -> StoreResult<()> {
    if !NoteKind::for_role(actor.role).contains(&kind) {
        return Err(StoreError::field("kind", "You do not get notes of this kind."));
    }
    sqlx::query(
        "insert into notification_prefs (user_id, venue_id, kind, email) values ($1, $2, $3, $4)
         on conflict (user_id, venue_id, kind) do update set email = excluded.email, updated_at = now()",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(kind.as_str())
    .bind(email)
    .execute(pool)
    .await?;
    Ok(())
}

/// The actor's latest notes in this venue, and how many are unread.
pub async fn recent(pool: &PgPool, actor: &Actor, limit: i64) -> StoreResult<NotificationList> {
    let items: Vec<NotificationView> = sqlx::query_as(
        "select id, body, link, created_at, read_at is not null as read
           from notifications where user_id = $1 and venue_id = $2
          order by created_at desc, id desc limit $3",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let unread: i64 = sqlx::query_scalar(
        "select count(*) from notifications where user_id = $1 and venue_id = $2 and read_at is null",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_one(pool)
    .await?;
    Ok(NotificationList { items, unread })
}

/// Marks all of the actor's notes read.
pub async fn mark_read(pool: &PgPool, actor: &Actor) -> StoreResult<u64> {
    Ok(sqlx::query("update notifications set read_at = now() where user_id = $1 and venue_id = $2 and read_at is null")
        .bind(actor.user_id)
        .bind(actor.venue_id)
        .execute(pool)
        .await?
        .rows_affected())
}
