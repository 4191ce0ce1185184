//! The Postgres store (server only). One file per aggregate; every function takes the acting
//! user ([`Actor`]) and returns only what that user's venue and role allow.
//!
//! Scoping rule, enforced in SQL: owners and staff reach every event of their venue; a client only
//! the events of their own client record; a vendor only the events it is assigned to. An event
//! the actor may not see answers [`StoreError::NotFound`], so its existence is not revealed.

pub mod access;
pub mod api_keys;
pub mod approvals;
pub mod audit;
pub mod automations;
pub mod chat;
pub mod clients;
pub mod contracts;
pub mod dashboard;
pub mod elements;
pub mod embed;
pub mod events;
pub mod feeds;
pub mod guests;
pub mod insights;
pub mod instances;
pub mod jobs;
pub mod knowledge;
pub mod mcp_servers;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod personal;
pub mod queue;
pub mod resets;
pub mod scheduling;
pub mod scheduling_settings;
pub mod services;
pub mod studio;
pub mod tasks;
pub mod users;
pub mod vendors;
pub mod webhooks;

use crate::domain::{parse::FieldErrors, Role};
use sqlx::PgPool;

/// Who is acting: resolved from the session on every request, never from client input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub venue_id: i64,
    pub role: Role,
    pub name: String,
    pub email: String,
    pub venue_name: String,
    /// The client record this account speaks for (role client).
    pub client_id: Option<i64>,
    /// The vendor record this account speaks for (role vendor).
    pub vendor_id: Option<i64>,
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    /// One field's error, for checks only the database can make (uniqueness, references).
    pub fn field(field: &str, message: &str) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        StoreError::Invalid(errors)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A `like`/`ilike` pattern that finds `s` anywhere, with `s`'s own `%`, `_` and `\\` taken
/// literally (use with `escape '\\'`).
pub(crate) fn like_pattern(s: &str) -> String {
    format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// What breaking a named constraint means to the person whose write broke it: one table for the
/// whole store (as realworld-axum-sqlx's `on_constraint`), so a new unique rule gets its message
/// here and every write that can break it answers the same way.
const CONSTRAINTS: &[(&str, Violation)] = &[
    ("users_email_key", Violation::Field("email", "An account with this email already exists. Log in instead.")),
    ("memberships_user_id_venue_id_key", Violation::Conflict("This account is already a member of the venue.")),
    ("llm_providers_venue_id_name_key", Violation::Field("name", "A provider with this name exists already.")),
    ("appointment_types_venue_id_name_key", Violation::Field("name", "That name is already used.")),
    ("resources_venue_id_name_key", Violation::Field("name", "That name is already used.")),
    ("mcp_servers_venue_id_name_key", Violation::Field("name", "A server with this name is connected already.")),
    ("chat_items_one_streaming", Violation::Conflict(chat::BUSY)),
];

enum Violation {
    /// A form field's error (422).
    Field(&'static str, &'static str),
    /// The request conflicts with what is stored (409).
    Conflict(&'static str),
}

/// What only the venue's team (owners and staff) may do: anyone else is refused.
fn staff(actor: &Actor) -> StoreResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// What only a venue's owner may do (its settings): anyone else is refused.
fn owner(actor: &Actor) -> StoreResult<()> {
    if actor.role == Role::Owner {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// A database error as the store reports it: a violation of a constraint in [`CONSTRAINTS`]
/// becomes its field error or conflict; anything else stays a database error (an opaque 500).
pub fn on_constraint(e: sqlx::Error) -> StoreError {
    let named = match &e {
        sqlx::Error::Database(db) => db.constraint().and_then(|c| CONSTRAINTS.iter().find(|(n, _)| *n == c)),
        _ => None,
    };
    match named {
        Some((_, Violation::Field(field, message))) => StoreError::field(field, message),
        Some((_, Violation::Conflict(message))) => StoreError::Conflict((*message).to_string()),
        None => StoreError::Db(e),
    }
}

/// Applies the migrations embedded from `migrations/`.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}

/// The demo venue, loaded into an empty database (see README: demo logins).
pub const DEMO_SQL: &str = include_str!("demo.sql");

/// Loads the demo data when no venue exists yet. Returns whether it did.
pub async fn seed_demo_if_empty(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // Serialise concurrent start-ups on the same database.
    sqlx::query("select pg_advisory_xact_lock(7243001)").execute(&mut *tx).await?;
    let venues: i64 = sqlx::query_scalar("select count(*) from venues").fetch_one(&mut *tx).await?;
    if venues > 0 {
        return Ok(false);
    }
    sqlx::raw_sql(DEMO_SQL).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}
