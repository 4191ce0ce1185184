//! Small text helpers used on both sides, each written once: clipping, HTML escaping,
//! percent-encoding, and reading a cookie out of a `Cookie` header. Written here rather than taken
//! from crates: each is a few lines, and the browser build stays small.

/// The first `max_chars` characters of `s` (all of it when shorter).
pub fn clip(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// At most `max_bytes` bytes of `s`, cut at a character boundary.
pub fn clip_bytes(s: &str, max_bytes: usize) -> &str {
    if s.len() <= max_bytes {
        return s;
    }
    let mut end = max_bytes;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// [`clip`], followed by `marker` when something was cut (e.g. `"…"`).
pub fn clip_marked(s: &str, max_chars: usize, marker: &str) -> String {
    let kept = clip(s, max_chars);
    if kept.len() == s.len() {
        s.to_string()
    } else {
        format!("{kept}{marker}")
    }
}

/// `text` in a code fence that no line of it can close (longer than any run of backticks in it):
/// how text people wrote is quoted to a model, as data.
pub fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{}\n{fence}", text.trim_end())
}

/// Escapes text for an HTML attribute value or element body.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a query value).
pub fn percent_encode(s: &str) -> String {
    encode(s, b"-_.~")
}

/// Like [`percent_encode`], but keeps `/` (a path given as a query value stays readable).
pub fn percent_encode_path(s: &str) -> String {
    encode(s, b"-_.~/")
}

/// Decodes percent-encoding as forms write it (`%5B` is `[`, `+` is a space); a `%` not followed
/// by two hex digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(raw: &[u8]) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1).and_then(|b| hex(*b)), raw.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The value of cookie `name` in one `Cookie` header value (`a=1; b=2`).
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|pair| pair.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Words people say before a request's verb ("could you please just delete …", "ok now tell
/// …", "I need to message …"): skipped to find what is asked. One list for every reader of a
/// request's verb (the router, the grounding of what was said, the out-of-reach check).
pub const LEAD_INS: &[&str] = &[
    "please", "pls", "plz", "can", "could", "would", "will", "you", "just", "kindly", "go", "ahead", "and", "also",
    "hey", "hi", "ok", "okay", "now", "then", "so", "i", "want", "need", "to",
];

/// Verbs that pass something on to whoever comes next ("tell Dan …", "let the florist know …",
/// "message Emma …"): the addressee follows the verb. A subset of what asks for a message at all
/// (`agent::ground`'s list adds "ask", "send", "write", …, which also ask for other things:
/// "write a haiku", "remind me").
pub const ADDRESS_VERBS: &[&str] = &["tell", "let", "message", "msg", "inform", "notify"];

/// The first word of `request` after [`LEAD_INS`], lower-cased and without punctuation.
pub fn verb_of(request: &str) -> Option<String> {
    request
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .find(|w| !LEAD_INS.contains(&w.as_str()))
}

/// Chat shorthand and the words it stands for: what a terse request writes ("can u check msgs",
/// "my appt tmrw") that the router's example requests and its embedding model read best spelled
/// out. Only forms with one meaning in a venue's chat.
const SHORTHAND: &[(&str, &str)] = &[
    ("msg", "message"),
    ("msgs", "messages"),
    ("appt", "appointment"),
    ("appts", "appointments"),
    ("u", "you"),
    ("ur", "your"),
    ("pls", "please"),
    ("plz", "please"),
    ("thx", "thanks"),
    ("tmrw", "tomorrow"),
    ("tmr", "tomorrow"),
    ("convo", "conversation"),
    ("mins", "minutes"),
    ("hrs", "hours"),
];

/// `text` with its chat shorthand spelled out ([`SHORTHAND`]), each word by itself, whatever its
/// case; the rest of the text as it was.
pub fn spelled_out(text: &str) -> std::borrow::Cow<'_, str> {
    let long = |w: &str| SHORTHAND.iter().find(|(s, _)| w.eq_ignore_ascii_case(s)).map(|(_, l)| *l);
    let words = text.split(|c: char| !c.is_alphanumeric());
    if !words.clone().any(|w| long(w).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        out.push_str(long(&word).unwrap_or(&word));
        word.clear();
        out.push(c);
    }
    out.pop();
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_is_spelled_out_word_by_word() {
        assert_eq!(
            spelled_out("what did they say re the timeline, can u check msgs?"),
            "what did they say re the timeline, can you check messages?"
        );
        assert_eq!(spelled_out("Appt tmrw?"), "appointment tomorrow?");
        // Inside a word, or a word that only starts so, it stays.
        assert_eq!(spelled_out("our menu, plus umbrellas"), "our menu, plus umbrellas");
        assert!(matches!(spelled_out("nothing to do"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(spelled_out(""), "");
    }

    #[test]
    fn a_requests_verb_comes_after_its_lead_ins() {
        assert_eq!(verb_of("Could you please just DELETE it?").as_deref(), Some("delete"));
        assert_eq!(verb_of("ok, now tell Dan the invoice is late").as_deref(), Some("tell"));
        assert_eq!(verb_of("I need to message the florist").as_deref(), Some("message"));
        assert_eq!(verb_of("please please"), None);
    }

    #[test]
    fn clipping() {
        assert_eq!(clip("héllo", 2), "hé");
        assert_eq!(clip("hi", 5), "hi");
        assert_eq!(clip_bytes("héllo", 2), "h");
        assert_eq!(clip_bytes("hi", 5), "hi");
        assert_eq!(clip_marked("hello", 3, "…"), "hel…");
        assert_eq!(clip_marked("hel", 3, "…"), "hel");
    }

    #[test]
    fn escaping_and_encoding() {
        assert_eq!(escape_html(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(percent_encode("/events/3?tab=guests"), "%2Fevents%2F3%3Ftab%3Dguests");
        assert_eq!(percent_encode_path("/events/3?tab=guests"), "/events/3%3Ftab%3Dguests");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_decode(percent_encode("a b/é%").as_bytes()), "a b/é%");
        assert_eq!(percent_decode(b"form%5Bname%5D+x%zz"), "form[name] x%zz");
    }

    #[test]
    fn cookies() {
        assert_eq!(cookie_value("theme=dark; concierge_session=abc123", "concierge_session"), Some("abc123"));
        assert_eq!(cookie_value("theme=dark", "missing"), None);
    }
}
