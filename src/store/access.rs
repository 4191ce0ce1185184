//! The one place that decides whether an actor may reach an event, and what they may do there.

use super::{Actor, StoreError, StoreResult};
use crate::domain::Role;
use sqlx::PgConnection;

/// What the caller intends to do with the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Look at it (anyone who can see the event).
    Read,
    /// Read the plan (guests, elements, prices): staff and the event's client, not vendors.
    Plan,
    /// Edit guests: staff, or the event's own client.
    Guests,
    /// Run it: edit details, elements, tasks, vendors, contract (staff only).
    Manage,
}

/// SQL predicate over an `events e` row that is true when the actor can see the event.
/// Binds: $1 venue, $2 role, $3 client id, $4 vendor id (see [`bind_actor`]).
pub const VISIBLE_EVENT: &str = "(e.venue_id = $1 and ($2 in ('owner', 'staff') \
    or ($2 = 'client' and e.client_id = $3) \
    or ($2 = 'vendor' and exists (select 1 from event_vendors ev where ev.event_id = e.id and ev.vendor_id = $4))))";

/// Binds the four actor parameters that [`VISIBLE_EVENT`] expects, in order.
pub fn bind_actor<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    actor: &Actor,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    q.bind(actor.venue_id)
        .bind(actor.role.as_str())
        .bind(actor.client_id.unwrap_or(-1))
        .bind(actor.vendor_id.unwrap_or(-1))
}

/// Checks that `actor` may do `need` on event `event_id`.
/// Unseeable events are `NotFound`; seeable ones the role may not change are `Forbidden`.
pub async fn event(conn: &mut PgConnection, actor: &Actor, event_id: i64, need: Need) -> StoreResult<()> {
    let sql = format!("select e.id from events e where e.id = $5 and {VISIBLE_EVENT}");
    let found: Option<(i64,)> = bind_actor(sqlx::query_as(&sql), actor).bind(event_id).fetch_optional(conn).await?;
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    let allowed = match need {
        Need::Read => true,
        Need::Plan | Need::Guests => actor.is_staff() || actor.role == Role::Client,
        Need::Manage => actor.is_staff(),
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}
