//! Markdown from a model, rendered to HTML that is safe to put in the page.
//!
//! Model output is untrusted. pulldown-cmark parses it (tables, strikethrough, task lists), and
//! before HTML is written every event that could carry markup of the model's own is rewritten:
//! raw HTML (block or inline) becomes escaped text, links keep only `http(s):`, `mailto:` and
//! in-page targets and open in a new tab without an opener, images become links (nothing is
//! fetched from an address a model chose), and code blocks get a header with a copy button.
//! The same function runs on the server (the page) and in the browser (text still streaming).

use super::text::escape_html;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders `source` to sanitised HTML.
pub fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut events: Vec<Event<'_>> = Vec::new();
    // Link/image nesting: whether each open link was kept as a link (else it is plain text).
    let mut links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(source, options) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Link { dest_url, title, .. }) | Event::Start(Tag::Image { dest_url, title, .. }) => {
                match safe_url(&dest_url) {
                    Some(url) => {
                        let mut a = format!(
                            r#"<a href="{}" target="_blank" rel="noopener noreferrer nofollow""#,
                            escape_html(url)
                        );
                        if !title.is_empty() {
                            a.push_str(&format!(r#" title="{}""#, escape_html(&title)));
                        }
                        a.push('>');
                        events.push(Event::Html(CowStr::from(a)));
                        links.push(true);
                    }
                    None => links.push(false),
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if links.pop().unwrap_or(false) {
                    events.push(Event::Html(CowStr::Borrowed("</a>")));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let lang: String =
                    lang.chars().filter(|c| c.is_ascii_alphanumeric() || "+-#_.".contains(*c)).take(20).collect();
                let label = if lang.is_empty() { "code".to_string() } else { lang.clone() };
                let class = if lang.is_empty() {
                    String::new()
                } else {
                    format!(r#" class="language-{}""#, escape_html(&lang))
                };
                events.push(Event::Html(CowStr::from(format!(
                    r#"<div class="code-block"><div class="code-head"><span>{}</span><button type="button" class="copy-code" data-copy-code="" aria-label="Copy code">Copy</button></div><pre><code{class}>"#,
                    escape_html(&label)
                ))));
            }
            Event::End(TagEnd::CodeBlock) => events.push(Event::Html(CowStr::Borrowed("</code></pre></div>"))),
            Event::Start(Tag::Table(alignments)) => {
                events.push(Event::Html(CowStr::Borrowed(r#"<div class="table-wrap">"#)));
                events.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::Borrowed("</div>")));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(source.len() * 3 / 2 + 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The URL when it is safe to link to: http, https, mailto, or a fragment.
fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (u.starts_with('#') && u.len() > 1);
    ok.then_some(u)
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn raw_html_and_scripts_are_text() {
        let html = render("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> <b>bold</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn links_are_filtered_and_open_safely() {
        let html =
            render("[ok](https://example.com/a?b=1&c=\"2\") [bad](javascript:alert(1)) [data](data:text/html,x)");
        assert!(
            html.contains(r#"href="https://example.com/a?b=1&amp;c=%222%22""#)
                || html.contains("href=\"https://example.com/a?b=1&amp;c="),
            "{html}"
        );
        assert!(html.contains(r#"rel="noopener noreferrer nofollow""#));
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(html.contains("bad") && html.contains("data"));
    }

    #[test]
    fn images_become_links() {
        let html = render("![a cat](https://example.com/cat.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(r#"<a href="https://example.com/cat.png""#), "{html}");
    }

    #[test]
    fn tables_and_code_blocks() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() { let x = 1 < 2; }\n```\n");
        assert!(html.contains(r#"<div class="table-wrap"><table>"#), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
        assert!(html.contains("1 &lt; 2"), "{html}");
        assert!(html.contains("data-copy-code"), "{html}");
    }

    #[test]
    fn unfinished_markdown_renders() {
        // Streaming text stops anywhere: an open fence or table must still render.
        let html = render("Here:\n```py\nprint(1)");
        assert!(html.contains("print(1)"), "{html}");
    }
}
