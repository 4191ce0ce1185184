//! `/account/export.zip`: everything this venue keeps about the signed-in person, as one zip:
//! their profile, each of their chats (Markdown and JSON), the messages they wrote, their events
//! and guests (clients), appointments, notifications, uploads, model usage and their own entries
//! in the audit log. Built in memory; the download is written to the audit log.

use super::actor::resolve_actor;
use super::chat_export::active_branch;
use crate::domain::audit::AuditAction;
use crate::domain::chat_export::{to_markdown, ChatExport};
use crate::state::AppState;
use crate::store::{audit, Actor};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::Write;

const README: &str = "Your data from Concierge\n\n\
profile.json        your account and your role at the venue\n\
chats/              each of your chats: <id>.md to read, <id>.json with every detail\n\
messages.json       messages you wrote in event conversations\n\
events.json         your events and their guest lists (clients)\n\
appointments.json   appointments you booked or that are booked for you\n\
notifications.json  notifications sent to you\n\
documents.json      documents you uploaded (their details; the files stay on the knowledge page)\n\
model_usage.json    model calls made for you, by day and model\n\
activity_log.json   your own entries in the venue's audit log\n";

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("write: {0}")]
    Io(#[from] std::io::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

pub async fn zip(State(state): State<AppState>, req: Request) -> Response {
    let Some(actor) = resolve_actor(&state, req.headers()).await.0 else {
        return (StatusCode::UNAUTHORIZED, "Please log in to download your data.").into_response();
    };
    match build(&state, &actor).await {
        Ok(bytes) => {
            let entry = audit::Record::by(&actor, AuditAction::Exported, "Their own data (zip)");
            if let Err(e) = audit::record(&state.pool, &entry).await {
                tracing::warn!(error = %e, "data export not logged");
            }
            let filename =
                format!("attachment; filename=\"concierge-my-data-{}.zip\"", chrono::Utc::now().format("%Y-%m-%d"));
            ([(header::CONTENT_TYPE, "application/zip".to_string()), (header::CONTENT_DISPOSITION, filename)], bytes)
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "personal data export");
            (StatusCode::INTERNAL_SERVER_ERROR, "Your data could not be gathered; please try again.").into_response()
        }
    }
}

async fn build(state: &AppState, actor: &Actor) -> Result<Vec<u8>, ExportError> {
    let parts = crate::store::personal::personal_data(&state.pool, actor).await?;
    let now = chrono::Utc::now();
    let mut chats = Vec::new();
    if let Some((_, threads)) = parts.iter().find(|(name, _)| *name == "chat_threads") {
        for id in threads.as_array().into_iter().flatten().filter_map(|t| t["id"].as_i64()) {
            let (thread, items) = active_branch(&state.pool, actor, id).await?;
            let json = serde_json::to_vec_pretty(&ChatExport::new(&thread, &items, now))?;
            chats.push((id, to_markdown(&thread, &items, now), json));
        }
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("README.txt", options)?;
    zip.write_all(README.as_bytes())?;
    for (name, value) in &parts {
        if *name == "chat_threads" {
            continue;
        }
        zip.start_file(format!("{name}.json"), options)?;
        zip.write_all(&serde_json::to_vec_pretty(value)?)?;
    }
    for (id, md, json) in chats {
        zip.start_file(format!("chats/{id}.md"), options)?;
        zip.write_all(md.as_bytes())?;
        zip.start_file(format!("chats/{id}.json"), options)?;
        zip.write_all(&json)?;
    }
    Ok(zip.finish()?.into_inner())
}
