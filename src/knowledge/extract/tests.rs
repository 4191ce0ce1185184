//! Extraction per format, the limits, and inputs that must never panic.

use super::markup::decode_entities;
use super::*;
use proptest::prelude::*;
use std::io::Cursor;
use std::io::Write;
use std::time::{Duration, Instant};

fn text_of(bytes: &[u8], filename: &str) -> String {
    let format = detect(bytes, filename).unwrap();
    let extracted = extract(bytes, format).unwrap();
    assert_eq!(extracted.format, format);
    assert!(extracted.pages.is_empty() || format == DocFormat::Pdf);
    assert_normalised(&extracted.text);
    extracted.text
}

/// No control characters but `\n` and `\t`, no runs of more than two line breaks, no blank
/// at either end, no trailing spaces.
fn assert_normalised(text: &str) {
    assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{text:?}");
    assert!(!text.contains("\n\n\n"), "{text:?}");
    assert!(!text.starts_with('\n') && !text.ends_with(char::is_whitespace), "{text:?}");
    assert!(text.lines().all(|l| l == l.trim_end()), "{text:?}");
}

// --- Markdown and text

#[test]
fn markdown_is_kept_and_normalised() {
    let md = "\u{feff}# Deposits\r\n\r\n\r\n\r\nThe deposit is 30%.  \r\n- one\x07\n- two\t(tab)\x00\n\n\n\n## Refunds\rNone.\n\n";
    // The NUL makes it binary; without it the text is kept, normalised.
    assert_eq!(detect(md.as_bytes(), "policy.md"), Err(ExtractError::NotText));
    let md = md.replace('\0', "");
    assert_eq!(
        text_of(md.as_bytes(), "policy.MD"),
        "# Deposits\n\nThe deposit is 30%.\n- one\n- two\t(tab)\n\n## Refunds\nNone."
    );
}

#[test]
fn plain_text_lines_are_not_turned_into_headings() {
    let text = "IMPORTANT NOTICE\nParking:\nThe garage closes at midnight.\n";
    assert_eq!(text_of(text.as_bytes(), "notes.txt"), "IMPORTANT NOTICE\nParking:\nThe garage closes at midnight.");
}

#[test]
fn utf16_with_a_bom_is_text() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("Café ☕ open".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(text_of(&bytes, "menu.txt"), "Café ☕ open");
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend("Café".encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(text_of(&bytes, "menu.txt"), "Café");
    // Odd length or a lone surrogate: not text.
    assert_eq!(detect(&[0xFF, 0xFE, 0x41], "a.txt"), Err(ExtractError::NotText));
    assert_eq!(detect(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], "a.txt"), Err(ExtractError::NotText));
}

// --- Detection

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";

#[test]
fn renamed_binaries_are_refused() {
    assert_eq!(detect(PNG, "menu.txt"), Err(ExtractError::NotText));
    assert_eq!(detect(PNG, "menu.md"), Err(ExtractError::NotText));
    assert_eq!(detect(PNG, "menu.csv"), Err(ExtractError::NotText));
    assert_eq!(detect(ELF, "contract.pdf"), Err(ExtractError::Mismatch(DocFormat::Pdf)));
    assert_eq!(detect(ELF, "contract.docx"), Err(ExtractError::Mismatch(DocFormat::Docx)));
    assert_eq!(detect(ELF, "page.html"), Err(ExtractError::NotText));
    // extract checks the content too, whatever it is told.
    assert_eq!(extract(ELF, DocFormat::Pdf), Err(ExtractError::Mismatch(DocFormat::Pdf)));
    // Valid UTF-8 that is mostly control characters is not text either.
    assert_eq!(detect(&[0x01, 0x02, 0x03, b'a', 0x04, 0x05], "a.txt"), Err(ExtractError::NotText));
    assert_eq!(ExtractError::Mismatch(DocFormat::Pdf).to_string(), "The file says it is a PDF but is not one.");
    assert_eq!(ExtractError::NotText.to_string(), "The file is not text (it looks like a binary file).");
}

#[test]
fn unsupported_and_empty_files() {
    assert_eq!(detect(b"MZ", "setup.exe"), Err(ExtractError::Unsupported));
    assert_eq!(detect(b"x", "README"), Err(ExtractError::Unsupported));
    assert_eq!(detect(PNG, "floor-plan.png"), Err(ExtractError::Unsupported));
    assert_eq!(extract(PNG, DocFormat::Image), Err(ExtractError::Unsupported));
    assert_eq!(
        ExtractError::Unsupported.to_string(),
        "This file type is not supported (accepted: Markdown, text, HTML, PDF, Word .docx, CSV)."
    );
    for name in ["a.txt", "a.md", "a.html", "a.csv", "a.pdf", "a.docx"] {
        assert_eq!(detect(b"", name), Err(ExtractError::Empty), "{name}");
    }
    assert_eq!(ExtractError::Empty.to_string(), "The file is empty.");
    // Only whitespace (or markup) is empty too, once extracted.
    assert_eq!(extract(b" \r\n\t\n", DocFormat::Text), Err(ExtractError::Empty));
    assert_eq!(extract(b"\xEF\xBB\xBF", DocFormat::Markdown), Err(ExtractError::Empty));
    assert_eq!(extract(b"<html><script>x()</script></html>", DocFormat::Html), Err(ExtractError::Empty));
}

#[test]
fn more_than_two_megabytes_of_text_is_refused() {
    let text = "All work and no play. ".repeat(100_000);
    assert_eq!(extract(text.as_bytes(), DocFormat::Text), Err(ExtractError::TooMuchText));
    assert_eq!(ExtractError::TooMuchText.to_string(), "The document has more than 2 MB of text.");
    let csv = "a,b\n".to_string() + &"x,y\n".repeat(250_000);
    assert_eq!(extract(csv.as_bytes(), DocFormat::Csv), Err(ExtractError::TooMuchText));
}

// --- HTML

#[test]
fn html_to_markdown() {
    let html = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ignored title</title>
<style>p { color: red; } </style>
<script>var s = "<p>not text</p>"; if (a < b) {}</script></head>
<body class="page" onload="alert('x')">
<!-- a comment <p>hidden</p> -->
<h1 id="top">Deposits &amp; Payments</h1>
<p>Pay   by <b>ACH</b>&nbsp;or
   card.<br>Fees: &lt;3%&gt; &#8364;5 &#x41;&#X42; &unknown; AT&T</p>
<ul><li>First</li><li>Second <a href="http://x/?a=1&amp;b=2" title="attr > text">link</a>
  <ul><li>Nested</li></ul></li></ul>
<table class="rates"><thead><tr><th>Room</th><th>Guests</th></tr></thead>
<tbody><tr><td>Ball<br>room</td><td><p>300</p><p>seated | max</p></td></tr>
<tr><td></td><td></td></tr></tbody></table>
<div>After <SPAN>table</SPAN></div><h3>Small</h3>Loose text
<SCRIPT type="x">document.write("<h1>no</h1>")</SCRIPT><noscript>Enable JS</noscript>
</body></html>"#;
    assert_eq!(
        text_of(html.as_bytes(), "page.html"),
        "# Deposits & Payments\n\n\
         Pay by ACH or card.\nFees: <3%> €5 AB &unknown; AT&T\n\n\
         - First\n- Second link\n  - Nested\n\n\
         | Room | Guests |\n| --- | --- |\n| Ball room | 300 seated \\| max |\n\n\
         After table\n\n### Small\n\nLoose text"
    );
}

#[test]
fn malformed_html_does_not_break_the_extractor() {
    let cases = [
        ("<p>one<p>two < three <!-- never closed <p>gone", "one\n\ntwo < three"),
        ("a <b>bold <i>both</b> italic", "a bold both italic"),
        ("text <a href='x", "text"),
        ("<div>x</span></div></p></li></table></ul>y", "x\n\ny"),
        ("<td>cell</td><td>two</td> after", "cell two after"),
        ("1 <2 and 3> 2 </ and <", "1 <2 and 3> 2 </ and <"),
        ("<h7>not a heading</h7><h2>yes", "not a heading\n\n## yes"),
        ("<ul><li>a<li>b</ul>c", "- a\n- b\n\nc"),
        ("<head><title>t</title><p>no body tag</p>", "no body tag"),
        ("<style>never closed", ""),
        ("<p title=\"a>b\">ok</p><br/><img src=x alt=y/>z", "ok\n\nz"),
        ("<![CDATA[raw <b>]]>text", "raw <b>text"),
        ("<pre>line 1\nline 2</pre>", "line 1\nline 2"),
        (
            "<table><tr><td><table><tr><td>in</td></tr></table></td><td>out</td></tr></table>",
            "| in | out |\n| --- | --- |",
        ),
    ];
    for (html, expected) in cases {
        assert_eq!(html_to_text(html), expected, "{html}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any soup of tags, quotes, entities and text: no panic, normalised output, no markup
    /// characters from attributes.
    #[test]
    fn html_soup_never_panics(html in "(<|>|/|!|--|\"|'|=|&|;|#|x|p|h1|li|td|tr|table|script|head| |\n|é|中|a|amp)*") {
        let text = html_to_text(&html);
        assert_normalised(&text);
    }

    #[test]
    fn docx_soup_never_panics(xml in "(<|>|/|w:p|w:t|w:tab|w:tbl|w:tr|w:tc|w:pStyle w:val=\"Heading1\"|mc:Fallback|\"| |x|é|&amp;)*") {
        let text = docx_xml_to_text(&xml);
        assert_normalised(&text);
    }
}

#[test]
fn entities() {
    assert_eq!(
        decode_entities("a &amp; b &#169; &#xa9; &#0; &#xD800; &#99999999; &#99999999999; &;&"),
        "a & b © © \u{fffd} \u{fffd} \u{fffd} &#99999999999; &;&"
    );
    assert_eq!(decode_entities("no entities"), "no entities");
    assert_eq!(decode_entities("&ampamp; &AMP; é&eacute;"), "&ampamp; &AMP; éé");
}

// --- CSV

#[test]
fn csv_becomes_one_markdown_table() {
    let csv = "name,notes,price\r\n\"Wu, James\",\"said \"\"hi\"\"\",10\nAnn,\"two\nlines | more\",\nShort\n";
    assert_eq!(
        text_of(csv.as_bytes(), "guests.csv"),
        "| name | notes | price |\n| --- | --- | --- |\n| Wu, James | said \"hi\" | 10 |\n\
         | Ann | two lines \\| more |  |\n| Short |  |  |"
    );
    let semicolons = "Raum;Gäste\nSaal;300\n";
    assert_eq!(text_of(semicolons.as_bytes(), "r.csv"), "| Raum | Gäste |\n| --- | --- |\n| Saal | 300 |");
    let err = extract(b"a,b\n\"open,c\n", DocFormat::Csv).unwrap_err();
    assert_eq!(err.to_string(), "The CSV file could not be read. Line 2: a quoted field is never closed.");
}

// --- DOCX

/// A zip of `entries`, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"12240\"/></w:sectPr></w:body></w:document>"
    );
    zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", xml.as_bytes()),
        ("word/styles.xml", b"<w:styles/>"),
    ])
}

fn para(style: Option<&str>, runs: &str) -> String {
    let ppr = style.map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")).unwrap_or_default();
    format!("<w:p>{ppr}{runs}</w:p>")
}

fn run(text: &str) -> String {
    format!("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn cell(paragraphs: &[&str]) -> String {
    let ps: String = paragraphs.iter().map(|t| para(None, &run(t))).collect();
    format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\"/></w:tcPr>{ps}</w:tc>")
}

#[test]
fn docx_headings_lists_tables() {
    let list = |level: usize, text: &str| {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>{}</w:p>",
            run(text)
        )
    };
    let body = [
        para(Some("Title"), &run("Harbor Hall")),
        "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>\
         <w:r><w:t>Deposits &amp; payments</w:t></w:r></w:p>"
            .to_string(),
        para(
            None,
            "<w:r><w:t xml:space=\"preserve\">The deposit is </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>30%</w:t></w:r>\
             <w:r><w:t xml:space=\"preserve\"> of the total.</w:t><w:br/><w:t>Due</w:t><w:tab/><w:t>at signing.</w:t></w:r>",
        ),
        para(None, ""),
        list(0, "ACH transfer"),
        list(1, "No fee"),
        format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"0\"/></w:tblPr><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell(&["Room"]),
            cell(&["Guests"]),
            cell(&["Ballroom", "(main floor)"]),
            cell(&["300 | seated"])
        ),
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>\
         <w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>\
         <w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>\
         </mc:AlternateContent></w:r></w:p>"
            .to_string(),
        "<w:p><w:r><w:delText>deleted</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>".to_string(),
        para(Some("heading 3"), &run("Outline &lt;3&gt;")),
        "<w:p><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr><w:r><w:t>By outline</w:t></w:r></w:p>".to_string(),
        para(None, &run("Last line")),
    ]
    .concat();
    let bytes = docx(&body);
    assert_eq!(
        text_of(&bytes, "policies.docx"),
        "# Harbor Hall\n\n## Deposits & payments\n\nThe deposit is 30% of the total.\nDue\tat signing.\n\n\
         - ACH transfer\n  - No fee\n\n\
         | Room | Guests |\n| --- | --- |\n| Ballroom (main floor) | 300 \\| seated |\n\n\
         Box text\n\n### Outline <3>\n\n## By outline\n\nLast line"
    );
}

#[test]
fn docx_without_text_or_main_part() {
    assert_eq!(extract(&docx(&para(None, "")), DocFormat::Docx), Err(ExtractError::DocxNoText));
    let not_word = zip_of(&[("content.xml", b"<office:document/>"), ("mimetype", b"x")]);
    assert_eq!(detect(&not_word, "minutes.docx"), Err(ExtractError::Mismatch(DocFormat::Docx)));
    assert_eq!(
        ExtractError::Mismatch(DocFormat::Docx).to_string(),
        "The file says it is a Word document but is not one."
    );
    // Cut short: the central directory is missing.
    let bytes = docx(&para(None, &run("text")));
    let err = detect(&bytes[..bytes.len() / 2], "cut.docx").unwrap_err();
    assert_eq!(err, ExtractError::DocxDamaged("it is not a complete zip archive"));
    assert_eq!(err.to_string(), "The Word file is damaged: it is not a complete zip archive.");
}

#[test]
fn docx_with_too_many_parts_is_refused() {
    let names: Vec<String> = (0..=MAX_DOCX_ENTRIES).map(|i| format!("word/media/{i}.bin")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    entries.push(("word/document.xml", b"<w:document/>"));
    assert_eq!(detect(&zip_of(&entries), "many.docx"), Err(ExtractError::DocxTooManyParts));
}

/// A DOCX whose document.xml is 30 MB of spaces (about 30 KB deflated).
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..30 {
        zip.write_all(&spaces).unwrap();
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>").unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn docx_zip_bomb_is_refused_quickly() {
    let bomb = zip_bomb();
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    let started = Instant::now();
    assert_eq!(detect(&bomb, "bomb.docx"), Ok(DocFormat::Docx));
    assert_eq!(extract(&bomb, DocFormat::Docx), Err(ExtractError::DocxTooLarge));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(ExtractError::DocxTooLarge.to_string(), "The Word file expands to more than 20 MB of text (refused).");
}

#[test]
fn docx_zip_bomb_with_lying_sizes_is_refused_too() {
    // The sizes in both headers say 1,000 bytes: the read is capped regardless of them.
    let mut bomb = zip_bomb();
    let patch = |bytes: &mut Vec<u8>, signature: &[u8], field: usize| {
        let at = bytes.windows(4).position(|w| w == signature).unwrap();
        bytes[at + field..at + field + 4].copy_from_slice(&1000u32.to_le_bytes());
    };
    patch(&mut bomb, b"PK\x03\x04", 22);
    patch(&mut bomb, b"PK\x01\x02", 24);
    let started = Instant::now();
    let err = extract(&bomb, DocFormat::Docx).unwrap_err();
    assert!(matches!(err, ExtractError::DocxTooLarge | ExtractError::DocxDamaged(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

// --- PDF

/// A PDF with one page per entry: `Some(lines)` draws the lines in Helvetica, `None` draws
/// only a rectangle (a page without text, like a scan).
fn pdf(pages: &[Option<&[&str]>]) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            (0..pages.len()).map(|i| format!("{} 0 R", 4 + 2 * i)).collect::<Vec<_>>().join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    for (i, page) in pages.iter().enumerate() {
        let content = match page {
            Some(lines) => {
                let shown: Vec<String> = lines.iter().map(|l| format!("({l}) Tj 0 -20 Td")).collect();
                format!("BT /F1 12 Tf 72 720 Td {} ET", shown.join(" "))
            }
            None => "0 0 1 RG 72 72 200 200 re S".to_string(),
        };
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let trailer = format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    out.extend_from_slice(trailer.as_bytes());
    out
}

#[test]
fn pdf_pages_and_offsets() {
    let bytes = pdf(&[
        Some(&["Deposits are due in 14 days.", "Cards cost 3% more."]),
        None,
        Some(&["Page three: refunds (rare)."]),
    ]);
    let format = detect(&bytes, "policy.pdf").unwrap();
    assert_eq!(format, DocFormat::Pdf);
    let extracted = extract(&bytes, format).unwrap();
    assert_normalised(&extracted.text);
    assert_eq!(extracted.pages.len(), 3);
    assert_eq!(extracted.pages[0], 0);
    let text = &extracted.text;
    assert!(text.starts_with("Deposits are due in 14 days."), "{text:?}");
    assert!(text.contains("Cards cost 3% more."), "{text:?}");
    // The empty page 2 starts where page 3 does (its text is empty).
    let third = text.find("Page three").unwrap();
    assert_eq!(text[extracted.pages[2]..].trim_start().find("Page three"), Some(0), "{text:?}");
    assert!(extracted.pages[1] <= extracted.pages[2] && extracted.pages[2] <= third);
    assert!(text[..extracted.pages[2]].contains("3% more"));
}

#[test]
fn pdf_with_two_pages_has_two_offsets() {
    let extracted = extract(&pdf(&[Some(&["First page."]), Some(&["Second page."])]), DocFormat::Pdf).unwrap();
    assert_eq!(extracted.text, "First page.\n\nSecond page.");
    assert_eq!(extracted.pages, [0, "First page.\n\n".len()]);
}

#[test]
fn pdf_without_text_is_a_scan() {
    let err = extract(&pdf(&[None, None]), DocFormat::Pdf).unwrap_err();
    assert_eq!(err, ExtractError::NoText);
    assert_eq!(err.to_string(), "No text found: the PDF may be a scanned image. Upload a PDF with selectable text.");
}

#[test]
fn broken_pdfs_are_errors_not_panics() {
    // A header and nothing else; a header then junk; a valid file cut in half.
    let valid = pdf(&[Some(&["Text."])]);
    let cases: [&[u8]; 4] = [
        b"%PDF-1.7\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        &valid[..valid.len() / 2],
        b"junk before %PDF-1.4 and after",
    ];
    for bytes in cases {
        assert_eq!(detect(bytes, "x.pdf"), Ok(DocFormat::Pdf));
        match extract(bytes, DocFormat::Pdf) {
            Err(ExtractError::PdfUnreadable { .. } | ExtractError::NoText) => {}
            other => panic!("{other:?}"),
        }
    }
    // The header must be in the first 1,024 bytes.
    let mut late = vec![b' '; 2000];
    late.extend_from_slice(&valid);
    assert_eq!(detect(&late, "late.pdf"), Err(ExtractError::Mismatch(DocFormat::Pdf)));
}

// --- Speed

#[test]
fn one_megabyte_is_extracted_quickly() {
    let paragraph = "The deposit is 30% of the contract total, due when you sign. It is credited in full toward your final bill.\n\n";
    let md = format!("# Policies\n\n{}", paragraph.repeat(1_000_000 / paragraph.len()));
    let started = Instant::now();
    let text = extract(md.as_bytes(), DocFormat::Markdown).unwrap().text;
    let markdown = started.elapsed();
    let html =
        format!("<h1>Policies</h1>{}", format!("<p>{}</p>", paragraph.trim()).repeat(1_000_000 / paragraph.len()));
    let started = Instant::now();
    let from_html = extract(html.as_bytes(), DocFormat::Html).unwrap().text;
    let html_time = started.elapsed();
    assert_eq!(text, from_html);
    eprintln!("1 MB: markdown {markdown:?}, HTML {html_time:?}");
    assert!(markdown + html_time < Duration::from_secs(2));
}

#[test]
fn one_megabyte_of_word_is_extracted_quickly() {
    let line = "The deposit is 30% of the contract total, due when you sign &amp; credited in full.";
    let body: String =
        (0..12_500).map(|i| para(if i % 50 == 0 { Some("Heading2") } else { None }, &run(line))).collect();
    let bytes = docx(&body);
    let started = Instant::now();
    let text = extract(&bytes, DocFormat::Docx).unwrap().text;
    let elapsed = started.elapsed();
    eprintln!("1 MB of Word text ({} bytes of docx, {} of text): {elapsed:?}", bytes.len(), text.len());
    assert!(text.len() > 1_000_000);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

/// Slow in a debug build (pdf-extract itself is not optimised): run with `--ignored`.
#[test]
#[ignore]
fn one_megabyte_of_pdf_text() {
    let line = "The deposit is 30 percent of the contract total, due when you sign and credited in full.";
    let lines = [line; 45];
    let pages: Vec<Option<&[&str]>> = (0..250).map(|_| Some(&lines[..])).collect();
    let bytes = pdf(&pages);
    let started = Instant::now();
    let extracted = extract(&bytes, DocFormat::Pdf).unwrap();
    eprintln!("{} pages, {} bytes of PDF text: {:?}", extracted.pages.len(), extracted.text.len(), started.elapsed());
    assert_eq!(extracted.pages.len(), 250);
}

#[test]
fn a_web_page_keeps_its_reading_matter_and_title() {
    let html = r#"<html><head><title> Harbor &amp; Garden
        News </title><script>x()</script></head><body>
        <nav><a href="/">Home</a></nav><header><h1>Ferry stop</h1></header>
        <main><p>The ferry <b>now</b> stops here.</p><aside>Related: ads</aside></main>
        <form><input name="q"><button>Go</button></form><footer>© 2026</footer></body></html>"#;
    let (title, text) = web_page(html);
    assert_eq!(title.as_deref(), Some("Harbor & Garden News"));
    assert!(text.contains("# Ferry stop") && text.contains("The ferry now stops here."), "{text}");
    for chrome in ["Home", "Related", "Go", "©", "x()"] {
        assert!(!text.contains(chrome), "{chrome} in {text}");
    }
    assert_eq!(web_page("<p>no title</p>").0, None);
    // A document upload keeps its navigation and footer (they may be the content).
    assert!(html_to_text(html).contains("© 2026"));
}
