//! Files from the browser and their upload. A file is sent as the whole body of
//! `POST /knowledge/upload` (its describing fields in the query), straight from the browser's
//! `File`: it is never read into the wasm memory. Only the browser build has files; the server
//! build compiles the same calls, which never run there.

use crate::domain::knowledge::{DocFormat, ACCEPTED, ATTACH_ACCEPTED, MAX_IMAGE_BYTES, MAX_UPLOAD_BYTES};

/// The plain route that takes uploads (not a server function: the body is the file).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const UPLOAD_URL: &str = "/knowledge/upload";

/// A file someone chose or dropped (only the browser makes them).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct Picked {
    pub name: String,
    /// Bytes (a JavaScript number).
    pub size: f64,
    #[cfg(feature = "hydrate")]
    file: web_sys::File,
}

/// What describes an upload: for a new document its title and audience; for a new version of
/// one, the document (`replace`), and the rest is ignored.
#[derive(Clone, Debug, Default)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct UploadParams {
    pub title: String,
    pub audience: String,
    pub event_id: String,
    pub replace: Option<i64>,
    /// A chat attachment (the rest is ignored).
    pub attach: bool,
}

/// Why an upload failed, in words for people (the server's own message when it sent one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadError(pub String);

/// The instant check before sending: a type the server reads, and not too large.
pub fn check_file(name: &str, size: f64) -> Result<(), String> {
    check_against(name, size, ACCEPTED)
}

/// The same check for a file attached in a chat, which may also be an image (up to
/// [`MAX_IMAGE_BYTES`]).
pub fn check_attachment(name: &str, size: f64) -> Result<(), String> {
    check_against(name, size, ATTACH_ACCEPTED)?;
    if DocFormat::from_filename(name) == Some(DocFormat::Image) && size > MAX_IMAGE_BYTES as f64 {
        return Err(format!(
            "The image is too large ({:.1} MB); the most is {} MB.",
            size / (1024.0 * 1024.0),
            MAX_IMAGE_BYTES / (1024 * 1024)
        ));
    }
    Ok(())
}

fn check_against(name: &str, size: f64, accepted: &str) -> Result<(), String> {
    let ext = name.rsplit_once('.').map(|(_, e)| format!(".{}", e.to_ascii_lowercase()));
    let known = ext.as_deref().is_some_and(|e| accepted.split(',').any(|a| a == e));
    if DocFormat::from_filename(name).is_none() || !known {
        return Err(format!("This type of file is not supported. Choose one of: {}.", accepted.replace(',', ", ")));
    }
    if size > MAX_UPLOAD_BYTES as f64 {
        return Err(format!(
            "The file is too large ({:.1} MB); the most is {} MB.",
            size / (1024.0 * 1024.0),
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ));
    }
    if size <= 0.0 {
        return Err("The file is empty.".into());
    }
    Ok(())
}

/// The message for a failed upload whose answer carried none.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn status_message(status: u16) -> String {
    match status {
        401 => "Please log in again, then upload the file.".into(),
        403 => "You do not have access to this.".into(),
        404 => "That document no longer exists.".into(),
        413 => format!("The file is too large; the most is {} MB.", MAX_UPLOAD_BYTES / (1024 * 1024)),
        415 => "This type of file is not supported.".into(),
        422 => "The file could not be read.".into(),
        s => format!("The upload failed (HTTP {s}). Please try again."),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{status_message, Picked, UploadError, UploadParams, UPLOAD_URL};
    use serde::Deserialize;
    use wasm_bindgen::JsCast;

    fn picked(files: Option<web_sys::FileList>) -> Vec<Picked> {
        let Some(list) = files else { return Vec::new() };
        (0..list.length())
            .filter_map(|i| list.get(i))
            .map(|file| Picked { name: file.name(), size: file.size(), file })
            .collect()
    }

    /// The files of a file input's `change`; the input is emptied so that the same file can be
    /// chosen again.
    pub fn chosen_files(ev: &leptos::ev::Event) -> Vec<Picked> {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return Vec::new();
        };
        let files = picked(input.files());
        input.set_value("");
        files
    }

    pub fn dropped_files(ev: &leptos::ev::DragEvent) -> Vec<Picked> {
        picked(ev.data_transfer().and_then(|d| d.files()))
    }

    /// Files pasted (a screenshot, a copied image): none when the paste is only text.
    pub fn pasted_files(ev: &leptos::ev::ClipboardEvent) -> Vec<Picked> {
        picked(ev.clipboard_data().and_then(|d| d.files()))
    }

    #[derive(Deserialize)]
    struct Created {
        id: i64,
    }

    #[derive(Deserialize)]
    struct Refused {
        error: String,
    }

    pub async fn upload(file: &Picked, p: &UploadParams) -> Result<i64, UploadError> {
        let mut query = vec![("filename", file.name.clone())];
        if p.attach {
            query.push(("attach", "true".into()));
        } else {
            query.push(("title", p.title.clone()));
            query.push(("audience", p.audience.clone()));
            query.push(("event_id", p.event_id.clone()));
        }
        if let Some(id) = p.replace {
            query.push(("replace", id.to_string()));
        }
        let unreachable = |e: gloo_net::Error| UploadError(format!("Could not reach the server: {e}"));
        let response = gloo_net::http::Request::post(UPLOAD_URL)
            .query(query.iter().map(|(k, v)| (*k, v.as_str())))
            .header("Accept", "application/json")
            .body(wasm_bindgen::JsValue::from(file.file.clone()))
            .map_err(unreachable)?
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if response.ok() {
            return response
                .json::<Created>()
                .await
                .map(|c| c.id)
                .map_err(|_| UploadError("The file was sent, but the server's answer was not understood.".into()));
        }
        match response.json::<Refused>().await {
            Ok(r) if !r.error.trim().is_empty() => Err(UploadError(r.error)),
            _ => Err(UploadError(status_message(status))),
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{chosen_files, dropped_files, pasted_files, upload};

#[cfg(not(feature = "hydrate"))]
pub fn chosen_files(_: &leptos::ev::Event) -> Vec<Picked> {
    Vec::new()
}

#[cfg(not(feature = "hydrate"))]
pub fn dropped_files(_: &leptos::ev::DragEvent) -> Vec<Picked> {
    Vec::new()
}

#[cfg(not(feature = "hydrate"))]
pub fn pasted_files(_: &leptos::ev::ClipboardEvent) -> Vec<Picked> {
    Vec::new()
}

#[cfg(not(feature = "hydrate"))]
pub async fn upload(_: &Picked, _: &UploadParams) -> Result<i64, UploadError> {
    Err(UploadError("Uploading needs JavaScript.".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_type_and_size() {
        assert!(check_file("Menu.PDF", 2048.0).is_ok());
        assert!(check_file("notes.md", 10.0).is_ok());
        assert!(check_file("photo.png", 10.0).unwrap_err().contains("not supported"));
        assert!(check_file("setup.exe", 10.0).is_err());
        assert!(check_file("noext", 10.0).is_err());
        assert!(check_file("big.pdf", (MAX_UPLOAD_BYTES + 1) as f64).unwrap_err().contains("too large"));
        assert!(check_file("empty.txt", 0.0).is_err());
    }

    #[test]
    fn attachments_may_be_images_up_to_their_limit() {
        assert!(check_attachment("photo.png", 10.0).is_ok());
        assert!(check_attachment("notes.txt", 10.0).is_ok());
        assert!(check_attachment("drawing.svg", 10.0).unwrap_err().contains("not supported"));
        assert!(check_attachment("big.jpg", (MAX_IMAGE_BYTES + 1) as f64).unwrap_err().contains("image is too large"));
        assert!(check_attachment("big.pdf", (MAX_IMAGE_BYTES + 1) as f64).is_ok());
    }

    #[test]
    fn messages_by_status() {
        assert!(status_message(413).contains("10 MB"));
        assert!(status_message(500).contains("500"));
    }
}
