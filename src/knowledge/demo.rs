//! Harbor Hall's documents (policies, packages, FAQ, floor plans, vendor rules, a staff
//! handbook, one event's run of show), loaded with the demo data and indexed at first start.
//! They are compiled in (`demo/`), described by `demo/manifest.json`, and go through the same
//! [`super::ingest`] as an upload.

use super::{ingest, Knowledge, KnowledgeError, Upload};
use crate::domain::knowledge::{Audience, DocumentMeta};
use crate::store::knowledge as store;
use sqlx::PgPool;

/// The demo venue's name (src/store/demo.sql).
pub const VENUE: &str = "Harbor Hall";

const MANIFEST: &str = include_str!("demo/manifest.json");

/// The files, by name.
const FILES: &[(&str, &[u8])] = &[
    ("deposits-and-payments.md", include_bytes!("demo/deposits-and-payments.md")),
    ("cancellation-and-changes.md", include_bytes!("demo/cancellation-and-changes.md")),
    ("house-rules.md", include_bytes!("demo/house-rules.md")),
    ("package-classic.md", include_bytes!("demo/package-classic.md")),
    ("package-signature.md", include_bytes!("demo/package-signature.md")),
    ("package-grand.md", include_bytes!("demo/package-grand.md")),
    ("faq.md", include_bytes!("demo/faq.md")),
    ("floor-plans.html", include_bytes!("demo/floor-plans.html")),
    ("vendor-rules.md", include_bytes!("demo/vendor-rules.md")),
    ("staff-handbook.md", include_bytes!("demo/staff-handbook.md")),
    ("package-price-list.csv", include_bytes!("demo/package-price-list.csv")),
    ("event-emma-daniel-wedding-run-of-show.md", include_bytes!("demo/event-emma-daniel-wedding-run-of-show.md")),
];

/// One manifest entry.
#[derive(Debug, serde::Deserialize)]
pub struct DemoDoc {
    pub file: String,
    pub title: String,
    pub audience: Audience,
    /// The event's title, for audience `event`.
    pub event: Option<String>,
}

/// The manifest (panics only if the compiled-in file is broken, which a test checks).
pub fn manifest() -> Vec<DemoDoc> {
    serde_json::from_str(MANIFEST).expect("demo/manifest.json parses")
}

/// The bytes of a demo file.
pub fn file(name: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// Loads the demo documents into the demo venue once (queued for indexing); returns how many.
pub async fn load_if_missing(pool: &PgPool, k: &Knowledge) -> Result<usize, KnowledgeError> {
    let mut conn = pool.acquire().await?;
    let Some((venue_id, owner_id)) = store::claim_demo_load(&mut conn, VENUE).await? else {
        return Ok(0);
    };
    let Some(actor) = crate::store::users::actor_for_member(pool, owner_id, venue_id).await? else {
        return Ok(0);
    };
    let mut loaded = 0;
    for doc in manifest() {
        let Some(bytes) = file(&doc.file) else {
            tracing::warn!(file = doc.file, "demo document missing from the build");
            continue;
        };
        let event_id = match &doc.event {
            Some(title) => store::event_by_title(&mut conn, venue_id, title).await?,
            None => None,
        };
        if doc.audience == Audience::Event && event_id.is_none() {
            tracing::warn!(file = doc.file, "the demo document's event is not in the demo data");
            continue;
        }
        let meta = DocumentMeta { title: doc.title.clone(), audience: doc.audience, event_id };
        let upload = Upload { meta: &meta, filename: &doc.file, bytes, replace: None, attachment: false };
        ingest(pool, k, &actor, upload).await?;
        loaded += 1;
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{chunk, extract};

    #[test]
    fn every_demo_document_is_built_in_and_reads_into_passages() {
        let manifest = manifest();
        assert!(manifest.len() >= 8);
        assert_eq!(manifest.len(), FILES.len(), "the manifest and the built-in files agree");
        assert!(manifest.iter().any(|d| d.audience == Audience::Staff));
        assert!(manifest.iter().any(|d| d.audience == Audience::Vendors));
        assert!(manifest.iter().any(|d| d.audience == Audience::Event && d.event.is_some()));
        for doc in &manifest {
            let bytes = file(&doc.file).unwrap_or_else(|| panic!("{} is not built in", doc.file));
            let format = extract::detect(bytes, &doc.file).unwrap_or_else(|e| panic!("{}: {e}", doc.file));
            let text = extract::extract(bytes, format).unwrap_or_else(|e| panic!("{}: {e}", doc.file));
            let chunks = chunk::chunk(&text.text, &text.pages, &chunk::ChunkOptions::default());
            assert!(chunks.len() >= 2, "{}: {} passages", doc.file, chunks.len());
        }
    }
}
