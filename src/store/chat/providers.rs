//! The hosted model providers a venue's owner configured (keys included: server only).

use crate::security::Secret;
use crate::store::{Actor, StoreError, StoreResult};
use sqlx::PgPool;

/// A hosted provider a venue's owner configured (the key included: server only).
#[derive(Clone, Debug)]
pub struct ProviderRow {
    pub id: i64,
    pub name: String,
    /// `openai`, `anthropic` or `gemini`.
    pub kind: String,
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub models: Vec<String>,
}

/// Hosted providers the venue's owner configured, by name.
pub async fn venue_providers(pool: &PgPool, venue_id: i64) -> StoreResult<Vec<ProviderRow>> {
    let rows: Vec<(i64, String, String, String, String, Vec<String>)> = sqlx::query_as(
        "select id, name, kind, base_url, api_key, models from llm_providers where venue_id = $1 order by name",
    )
    .bind(venue_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, kind, base_url, key, models)| ProviderRow {
            id,
            name,
            kind,
            base_url,
            api_key: (!key.is_empty()).then(|| Secret::new(key)),
            models,
        })
        .collect())
}

/// Adds a provider from its parsed draft (an empty key stores none).
pub async fn add_provider(pool: &PgPool, actor: &Actor, p: &crate::domain::chat::ProviderInput) -> StoreResult<i64> {
    if actor.role != crate::domain::Role::Owner {
        return Err(StoreError::Forbidden);
    }
    sqlx::query_scalar(
        "insert into llm_providers (venue_id, name, kind, base_url, api_key, models) values ($1, $2, $3, $4, $5, $6)
         returning id",
    )
    .bind(actor.venue_id)
    .bind(&p.name)
    .bind(&p.kind)
    .bind(&p.base_url)
    .bind(&p.api_key)
    .bind(&p.models)
    .fetch_one(pool)
    .await
    .map_err(crate::store::on_constraint)
}

pub async fn delete_provider(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<()> {
    if actor.role != crate::domain::Role::Owner {
        return Err(StoreError::Forbidden);
    }
    let n = sqlx::query("delete from llm_providers where id = $1 and venue_id = $2")
        .bind(id)
        .bind(actor.venue_id)
        .execute(pool)
        .await?
        .rows_affected();
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
