//! PDF → text, page by page, through `pdf-extract` (whose panics are caught).

use super::*;

pub(super) fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(PDF_HEADER_WINDOW)].windows(5).any(|w| w == b"%PDF-")
}

/// The text of every page, joined by blank lines, with where each page starts.
pub(super) fn pdf_text(bytes: &[u8]) -> Result<(String, Vec<usize>), ExtractError> {
    let read = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    let pages = match read {
        Err(_) => return Err(ExtractError::PdfUnreadable { detail: "the PDF reader panicked".into() }),
        Ok(Err(pdf_extract::OutputError::PdfError(pdf_extract::Error::Decryption(_)))) => {
            return Err(ExtractError::PdfEncrypted)
        }
        Ok(Err(e)) => return Err(ExtractError::PdfUnreadable { detail: e.to_string() }),
        Ok(Ok(pages)) => pages,
    };
    if pages.is_empty() {
        return Err(ExtractError::PdfUnreadable { detail: "no page could be read".into() });
    }
    let mut text = String::new();
    let mut starts = Vec::with_capacity(pages.len());
    for page in &pages {
        let page = normalise(page);
        if !page.is_empty() && !text.is_empty() {
            text.push_str("\n\n");
        }
        starts.push(text.len());
        text.push_str(&page);
        if text.len() > MAX_TEXT_BYTES {
            return Err(ExtractError::TooMuchText);
        }
    }
    Ok((text, starts))
}
