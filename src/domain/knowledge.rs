//! The knowledge base as both sides see it: documents, their audience and indexing status,
//! passages found by a search, and the citations a reply keeps.

use super::parse::{FieldErrors, Parser};
use super::UnknownValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum!(
    /// Who may read a document (and so find it through search or an agent).
    Audience { Staff => ("staff", "Staff only"), Clients => ("clients", "All clients"), Vendors => ("vendors", "All vendors"), Event => ("event", "One event"), Thread => ("thread", "One conversation") }
);

string_enum!(
    /// Where a document is in its indexing: queued → extracting → embedding → ready, or failed.
    DocStatus { Queued => ("queued", "Queued"), Extracting => ("extracting", "Extracting text"), Embedding => ("embedding", "Embedding"), Ready => ("ready", "Ready"), Failed => ("failed", "Failed") }
);

string_enum!(
    /// What a file holds, as far as text extraction is concerned.
    DocFormat { Markdown => ("markdown", "Markdown"), Text => ("text", "Plain text"), Html => ("html", "HTML"), Pdf => ("pdf", "PDF"), Docx => ("docx", "Word"), Csv => ("csv", "CSV"), Image => ("image", "Image") }
);

impl DocFormat {
    /// The format a file name claims ("menu.PDF" → PDF). The content is checked against it.
    pub fn from_filename(name: &str) -> Option<DocFormat> {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        Some(match ext.as_str() {
            "md" | "markdown" => DocFormat::Markdown,
            "txt" | "text" => DocFormat::Text,
            "html" | "htm" => DocFormat::Html,
            "pdf" => DocFormat::Pdf,
            "docx" => DocFormat::Docx,
            "csv" => DocFormat::Csv,
            "png" | "jpg" | "jpeg" | "gif" | "webp" => DocFormat::Image,
            _ => return None,
        })
    }

    /// The media type an original is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            DocFormat::Markdown => "text/markdown; charset=utf-8",
            DocFormat::Text => "text/plain; charset=utf-8",
            DocFormat::Html => "text/plain; charset=utf-8", // never served as HTML
            DocFormat::Pdf => "application/pdf",
            DocFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocFormat::Csv => "text/csv; charset=utf-8",
            DocFormat::Image => "application/octet-stream", // the stored media type is used instead
        }
    }
}

/// Largest file accepted (bytes).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Longest document title.
pub const MAX_DOC_TITLE: usize = 200;
/// Longest search query.
pub const MAX_QUERY: usize = 300;
/// The file types the upload accepts, for the file picker and error messages.
pub const ACCEPTED: &str = ".md,.markdown,.txt,.html,.htm,.pdf,.docx,.csv";
/// What a chat attachment may be: the documents above, and images (shown, and sent to models
/// that see images).
pub const ATTACH_ACCEPTED: &str = ".md,.markdown,.txt,.html,.htm,.pdf,.docx,.csv,.png,.jpg,.jpeg,.gif,.webp";
/// Largest image attached in a chat (bytes): what the hosted models' image inputs take.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Files attached to one message at most.
pub const MAX_ATTACHMENTS: usize = 5;

/// The media type of an image by its first bytes (PNG, JPEG, GIF, WebP), whatever its name says.
/// SVG is not an image here: it can carry scripts.
pub fn image_media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// A file attached to a chat message, as the message keeps it (in its item's data) and shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The document it is (audience `thread`).
    pub id: i64,
    pub filename: String,
    pub format: DocFormat,
    pub media_type: String,
    pub byte_size: i64,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        self.format == DocFormat::Image
    }
}

/// The files a message carries, as the composer sends them: distinct ids, at most
/// [`MAX_ATTACHMENTS`].
pub fn attachment_ids(raw: &[i64]) -> Result<Vec<i64>, FieldErrors> {
    let mut p = Parser::new();
    let mut ids: Vec<i64> = Vec::with_capacity(raw.len());
    for id in raw {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let value = if ids.iter().any(|id| *id <= 0) {
        p.fail("attachments", "An attached file is not valid. Remove it and attach it again.")
    } else if ids.len() > MAX_ATTACHMENTS {
        p.fail("attachments", format!("Attach at most {MAX_ATTACHMENTS} files to one message."))
    } else {
        ids
    };
    p.finish(|| value)
}

/// A user message's data: its attachments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFiles {
    pub attachments: Vec<Attachment>,
}

impl MessageFiles {
    /// The attachments listed in an item's data (none when it lists none).
    pub fn of(data: Option<&serde_json::Value>) -> Vec<Attachment> {
        data.and_then(|d| d.get("attachments"))
            .and_then(|a| serde_json::from_value::<Vec<Attachment>>(a.clone()).ok())
            .unwrap_or_default()
    }
}

/// The describing fields of a document, as the upload and edit forms send them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentForm {
    pub title: String,
    pub audience: String,
    /// The event, for audience `event`.
    #[serde(default)]
    pub event_id: String,
}

/// A [`DocumentForm`] that parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentMeta {
    pub title: String,
    pub audience: Audience,
    pub event_id: Option<i64>,
}

impl DocumentForm {
    /// Title 1–200 characters; an audience people may choose (not `thread`, which only chat
    /// attachments get); an event exactly when the audience is one event.
    pub fn parse(&self) -> Result<DocumentMeta, FieldErrors> {
        let mut p = Parser::new();
        let title = p.text("title", &self.title, MAX_DOC_TITLE);
        let audience = match self.audience.trim().parse::<Audience>() {
            Ok(a) if a != Audience::Thread => Some(a),
            _ => {
                p.fail::<()>("audience", "Choose who may read it: staff, clients, vendors or one event.");
                None
            }
        };
        let event_id = p.optional_id("event_id", &self.event_id);
        if audience == Some(Audience::Event) && event_id.is_none() {
            p.fail::<()>("event_id", "Choose the event.");
        }
        let event_id = if audience == Some(Audience::Event) { event_id } else { None };
        let audience = audience.unwrap_or(Audience::Staff);
        p.finish(|| DocumentMeta { title, audience, event_id })
    }
}

/// A title from a file name: "deposit_policy-2026.pdf" → "deposit policy 2026".
pub fn title_from_filename(name: &str) -> String {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.rsplit_once('.').map(|(s, _)| s).unwrap_or(stem);
    let t: String = stem.chars().map(|c| if c == '_' || c == '-' { ' ' } else { c }).collect();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t: String = t.chars().take(MAX_DOC_TITLE).collect();
    if t.is_empty() {
        "Untitled".into()
    } else {
        t
    }
}

/// A document as the knowledge page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DocumentSummary {
    pub id: i64,
    pub title: String,
    pub filename: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub format: DocFormat,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub audience: Audience,
    pub event_id: Option<i64>,
    /// The event's name, for documents of one event.
    pub event_name: Option<String>,
    pub version: i32,
    pub byte_size: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: DocStatus,
    /// Why indexing failed.
    pub error: Option<String>,
    pub enabled: bool,
    pub chunk_count: i32,
    pub page_count: Option<i32>,
    pub updated_at: DateTime<Utc>,
}

/// One passage of a document, as stored and shown ("Policies › Deposits", page 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ChunkView {
    pub id: i64,
    pub ordinal: i32,
    pub heading: String,
    pub page: Option<i32>,
    pub char_start: i32,
    pub char_end: i32,
    pub content: String,
}

/// A document with its passages (the document page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub document: DocumentSummary,
    pub chunks: Vec<ChunkView>,
}

/// A passage a search found, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub chunk_id: i64,
    pub document_id: i64,
    pub title: String,
    /// The heading path of the passage ("Deposits and payments › Deposit").
    pub heading: String,
    pub page: Option<i32>,
    pub content: String,
    /// The fused score (reciprocal rank fusion).
    pub score: f32,
    /// Rank in the full-text list and in the vector list (1-based), where it was found.
    pub text_rank: Option<u32>,
    pub vector_rank: Option<u32>,
    /// Cosine similarity of the passage to the query (when vectors were used).
    pub similarity: Option<f32>,
}

impl Passage {
    /// Where it is, for people: "Deposits policy › Refunds, page 2".
    pub fn place(&self) -> String {
        let mut out = self.title.clone();
        if !self.heading.is_empty() && self.heading != self.title {
            out.push_str(" › ");
            out.push_str(&self.heading);
        }
        if let Some(p) = self.page {
            out.push_str(&format!(", page {p}"));
        }
        out
    }
}

/// A search's answer: the passages, and which ranking methods ran.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub passages: Vec<Passage>,
    /// False when the embedding model is not loaded (full text only).
    pub used_vectors: bool,
}

/// A numbered source of a reply ("[1]"), stored on the reply item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub n: u32,
    pub document_id: i64,
    pub chunk_id: i64,
    pub title: String,
    #[serde(default)]
    pub heading: String,
    #[serde(default)]
    pub page: Option<i32>,
    /// The passage's text (what the chip opens), capped.
    pub quote: String,
}

/// What an assistant item's `data` holds when its reply cites documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplySources {
    pub citations: Vec<Citation>,
}

/// Finds the words of `query` in `text` for highlighting: byte ranges of whole-word,
/// case-insensitive matches of query words of three letters or more (a crude stemmer lets
/// "deposits" match "deposit").
pub fn highlights(text: &str, query: &str) -> Vec<(usize, usize)> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.to_lowercase().as_str()))
        .map(|w| stem(&w.to_lowercase()))
        .collect();
    if terms.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = stem(&text[s..i].to_lowercase());
                if terms.contains(&word) {
                    out.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

const STOP: &[&str] = &[
    "the", "and", "for", "are", "was", "what", "when", "where", "which", "who", "how", "can", "our", "you", "your",
    "with", "does", "did", "this", "that", "there", "have", "has", "any", "from", "about", "into", "will",
];

/// A light stemmer for highlighting: drops a plural or common verb ending.
fn stem(w: &str) -> String {
    for suffix in ["ing", "ies", "es", "ed", "s"] {
        if w.len() > suffix.len() + 2 {
            if let Some(base) = w.strip_suffix(suffix) {
                return base.to_string();
            }
        }
    }
    w.to_string()
}

/// Splits `text` into (piece, highlighted) runs for rendering.
pub fn highlight_runs(text: &str, query: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e) in highlights(text, query) {
        if s > at {
            out.push((text[at..s].to_string(), false));
        }
        out.push((text[s..e].to_string(), true));
        at = e;
    }
    if at < text.len() {
        out.push((text[at..].to_string(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(DocFormat::from_filename("Menu.PDF"), Some(DocFormat::Pdf));
        assert_eq!(DocFormat::from_filename("a.b.md"), Some(DocFormat::Markdown));
        assert_eq!(DocFormat::from_filename("noext"), None);
        assert_eq!(DocFormat::from_filename("x.exe"), None);
    }

    #[test]
    fn forms_parse() {
        let f = DocumentForm { title: " Deposits ".into(), audience: "clients".into(), event_id: "7".into() };
        assert_eq!(
            f.parse().unwrap(),
            DocumentMeta { title: "Deposits".into(), audience: Audience::Clients, event_id: None }
        );
        let f = DocumentForm { title: "".into(), audience: "thread".into(), event_id: "".into() };
        let e = f.parse().unwrap_err();
        assert!(e.get("title").is_some() && e.get("audience").is_some());
        let f = DocumentForm { title: "Run of show".into(), audience: "event".into(), event_id: "".into() };
        assert!(f.parse().unwrap_err().get("event_id").is_some());
        assert_eq!(title_from_filename("dir/deposit_policy-2026.pdf"), "deposit policy 2026");
        assert_eq!(title_from_filename(".pdf"), "Untitled");
    }

    #[test]
    fn highlights_whole_words_with_plurals() {
        let text = "Deposits are due at signing. A deposit of 30%.";
        let runs = highlight_runs(text, "deposit due?");
        let marked: Vec<&str> = runs.iter().filter(|r| r.1).map(|r| r.0.as_str()).collect();
        assert_eq!(marked, ["Deposits", "due", "deposit"]);
        assert_eq!(runs.iter().map(|r| r.0.as_str()).collect::<String>(), text);
        assert!(highlights(text, "the a").is_empty());
    }
}
