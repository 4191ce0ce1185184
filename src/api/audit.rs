//! The venue's audit log for owners (`/settings/audit`); the CSV download is `web::audit`.

use super::AppError;
use crate::domain::audit::{AuditEntry, AuditFilter};
use leptos::prelude::*;

/// A page of the log, newest first ([`crate::domain::audit::AUDIT_PAGE`] entries; `before` pages back).
#[server(prefix = "/api", endpoint = "audit_log", input = leptos::server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn audit_log(filter: AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if let Some((field, message)) = filter.problem() {
        return Err(AppError::invalid(field, message));
    }
    Ok(crate::store::audit::list(&pool, &actor, &filter, crate::domain::audit::AUDIT_PAGE).await?)
}

/// The people in the log, by name, for its filter.
#[server(prefix = "/api", endpoint = "audit_people")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn audit_people() -> Result<Vec<(i64, String)>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let mut people = crate::store::audit::people(&pool, &actor).await?;
    people.sort_by_key(|p| p.1.to_lowercase());
    Ok(people)
}
