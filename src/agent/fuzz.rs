//! Property tests for every parser of outside text: server-sent events from providers, CSV
//! imports, Markdown from models, written dates, phone numbers, money, and tool arguments from
//! models. Each runs 10,000 cases in `make test`; `make fuzz` runs them (and the parsers' own
//! property tests, which use `domain::fuzz_config` too) with `FUZZ_CASES` cases, a million by
//! default. They live here, in `agent`, because it sits above every module they reach.
//!
//! What they hold: nothing panics, whatever the input; chunking does not change what a stream
//! means; what is written reads back; rendered Markdown carries no markup of the input's own; and
//! tool arguments that pass a tool's schema always decode into its argument type.

use proptest::prelude::*;

/// Cases per property: `FUZZ_CASES`, else 10,000.
fn config() -> ProptestConfig {
    crate::domain::fuzz_config()
}

/// Text the way outside input comes: mostly printable, with the characters parsers care about.
fn messy(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => "[a-zA-Z0-9 ]{1,6}",
            1 => "[\\\\\"',;:|*_`#<>\\[\\]()!$.+/-]",
            1 => "[\\n\\r\\t\\u{0}\\u{7f}]",
            1 => "\\PC",
            1 => Just("é".to_string()),
            1 => Just("\u{feff}".to_string()),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

mod text {
    use super::*;
    use crate::domain::parse::{money_cents, phone, written_date};
    use chrono::NaiveDate;

    proptest! {
        #![proptest_config(config())]

        /// Any text: no panic; an amount is never negative; a date is a real day near today.
        #[test]
        fn fuzz_dates_phones_money_take_anything(s in messy(40)) {
            let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
            if let Ok(d) = written_date(&s, today) {
                prop_assert!((1900..=2300).contains(&chrono::Datelike::year(&d)), "{s:?} -> {d}");
            }
            if let Ok(c) = money_cents(&s) {
                prop_assert!(c >= 0, "{s:?} -> {c}");
            }
            if let Ok(p) = phone(&s) {
                prop_assert!(p.chars().all(|c| c.is_ascii_digit() || "()+- ".contains(c)), "{s:?} -> {p}");
            }
        }
    }
}

mod csv {
    use super::*;
    use crate::domain::csv::parse;

    proptest! {
        #![proptest_config(config())]

        /// Any text: no panic; every row's line number is within the text.
        #[test]
        fn fuzz_csv_takes_anything(s in messy(200)) {
            if let Ok(rows) = parse(&s) {
                let lines = s.split(['\n', '\r']).count().max(1);
                for (line, _) in rows {
                    prop_assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}");
                }
            }
        }
    }
}

mod markdown {
    use super::*;
    use crate::domain::markdown::render;

    /// Tags the renderer may write; anything else in the output came from the input.
    const TAGS: &[&str] = &[
        "p",
        "a",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "hr",
        "br",
        "div",
        "span",
        "button",
        "input",
    ];

    fn hostile() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("<script>alert(1)</script>".to_string()),
                Just("<img src=x onerror=alert(1)>".to_string()),
                Just("[x](javascript:alert(1))".to_string()),
                Just("[x](JaVaScRiPt:alert(1) \"t\")".to_string()),
                Just("![i](http://evil.example/x.png)".to_string()),
                Just("<a href=\"javascript:x\" onclick=\"y\">z</a>".to_string()),
                Just("[y](data:text/html;base64,PHNjcmlwdD4=)".to_string()),
                Just("<iframe src=//evil>".to_string()),
                Just("```js\n".to_string()),
                Just("`".to_string()),
                Just("\n\n".to_string()),
                Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
                Just("- [x] done\n".to_string()),
                Just("> quote\n".to_string()),
                Just("[ref]: javascript:alert(1)\n[ref]\n".to_string()),
                Just("<svg/onload=alert(1)>".to_string()),
                Just("&lt;b&gt;".to_string()),
                messy(12),
            ],
            0..16,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(config())]

        /// Whatever a model writes, the HTML holds only the renderer's own tags (no images, no
        /// frames, no scripts), no event handlers or sources, and links only to http(s), mailto
        /// or in-page targets.
        #[test]
        fn fuzz_markdown_is_safe(s in hostile()) {
            let html = render(&s);
            let lower = html.to_ascii_lowercase();
            // Every '<' in the output opens a tag the renderer wrote: text has its '<' escaped.
            for (i, _) in lower.match_indices('<') {
                let rest = &lower[i + 1..];
                let name: String = rest.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                prop_assert!(TAGS.contains(&name.as_str()), "tag <{name}> in {html}");
                let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
                prop_assert!(!tag.split_whitespace().any(|a| a.starts_with("on") || a.starts_with("src=")), "attribute in <{tag}>");
                if let Some(at) = tag.find("href=\"") {
                    let url = &tag[at + 6..];
                    prop_assert!(
                        url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:") || url.starts_with('#'),
                        "href to {}", &url[..url.len().min(40)]
                    );
                }
            }
        }
    }
}

#[cfg(feature = "ssr")]
mod sse {
    use super::*;
    use crate::llm::sse::{SseEvent, SseParser};

    fn parse(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out: Vec<SseEvent> = chunks.iter().flat_map(|c| p.push(c)).collect();
        out.extend(p.finish());
        out
    }

    /// A stream as providers write it: events of one or more `data:` lines, optional names,
    /// comments, any of the three line ends.
    fn stream() -> impl Strategy<Value = (String, Vec<SseEvent>)> {
        let event = (
            proptest::option::of("[a-z_.]{1,12}"),
            proptest::collection::vec("[ a-zA-Z0-9{}\":,é\\[\\]]{0,24}", 1..4),
            0usize..3,
            any::<bool>(),
        );
        proptest::collection::vec(event, 0..8).prop_map(|events| {
            let mut text = String::new();
            let mut expected = Vec::new();
            for (name, lines, end, ping) in events {
                let nl = ["\n", "\r\n", "\r"][end];
                if ping {
                    text.push_str(&format!(": keep-alive{nl}{nl}"));
                }
                if let Some(n) = &name {
                    text.push_str(&format!("event: {n}{nl}"));
                }
                for l in &lines {
                    text.push_str(&format!("data: {l}{nl}"));
                }
                text.push_str(nl);
                expected.push(SseEvent { event: name.unwrap_or_default(), data: lines.join("\n") });
            }
            (text, expected)
        })
    }

    proptest! {
        #![proptest_config(config())]

        /// However the bytes are cut (inside a line end, inside a UTF-8 character), the events
        /// are the ones written.
        #[test]
        fn fuzz_sse_reads_back_however_split((text, expected) in stream(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12)) {
            let bytes = text.as_bytes();
            let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
            at.sort_unstable();
            at.dedup();
            let mut chunks = Vec::new();
            let mut start = 0;
            for &i in &at {
                chunks.push(&bytes[start..i]);
                start = i;
            }
            chunks.push(&bytes[start..]);
            prop_assert_eq!(parse(&chunks), expected);
        }

        /// Any bytes at all: no panic, and the cut does not change the events.
        #[test]
        fn fuzz_sse_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600), cut in any::<prop::sample::Index>()) {
            let i = cut.index(bytes.len() + 1);
            prop_assert_eq!(parse(&[&bytes[..i], &bytes[i..]]), parse(&[&bytes]));
        }
    }
}

#[cfg(feature = "ssr")]
mod tool_arguments {
    use super::*;
    use serde_json::{Map, Value};

    /// Argument names the tools use, and others.
    const KEYS: &[&str] = &[
        "event_id",
        "element_id",
        "name",
        "party_size",
        "dietary",
        "rsvp",
        "status",
        "title",
        "due_date",
        "assignee",
        "body",
        "vendor_id",
        "query",
        "category",
        "type_id",
        "type_name",
        "date",
        "starts_at",
        "appointment_id",
        "reason",
        "client_id",
        "action",
        "quantity",
        "note",
        "guest_count",
        "budget_dollars",
        "event_date",
        "notes",
        "form",
        "text",
        "extra",
    ];

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-3i64..200).prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
            prop_oneof![
                Just("2030-01-10".to_string()),
                Just("2030-02-30".to_string()),
                Just("2030-01-10T14:00:00Z".to_string()),
                Just("2030-01-10T14:00:00".to_string()),
                Just("confirmed".to_string()),
                Just("remove".to_string()),
                Just("yes".to_string()),
                Just("guest".to_string()),
                messy(20),
            ]
            .prop_map(Value::from),
        ]
    }

    fn arguments() -> impl Strategy<Value = Value> {
        let value = leaf().prop_recursive(2, 12, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..4).prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>()
                )),
            ]
        });
        proptest::collection::vec((proptest::sample::select(KEYS), value), 0..6)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    }

    static TOOLS: std::sync::LazyLock<Vec<crate::agent::ToolEntry>> =
        std::sync::LazyLock::new(crate::agent::tools::all);

    proptest! {
        #![proptest_config(config())]

        /// Whatever a model sends: checking never panics, and what a tool's schema accepts, its
        /// argument type decodes (a tool never fails on arguments it said were fine).
        #[test]
        fn fuzz_tool_arguments_schema_and_type_agree(args in arguments()) {
            for tool in TOOLS.iter() {
                if tool.check(&args).is_ok() {
                    prop_assert!(tool.decodes(&args).is_ok(), "{}: {} passed the schema but not the type: {:?}", tool.name, args, tool.decodes(&args).err());
                }
            }
        }
    }
}
