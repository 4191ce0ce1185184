//! `make eval` (second part): how well each configured model fills in the inquiry form from
//! `eval/inquiries.json` (22 inquiries written for it: emails, call notes, a voicemail, a
//! forwarded message, terse and long ones, one that tries to instruct the model).
//!
//! For every case the model answers under the form's JSON schema, exactly as the assist asks it
//! (`agent::extract::answer`); the answer is then grounded (`domain::assist::ground`). Scored:
//! - JSON validity: the raw answer parses and has every field as `{source, value}` strings;
//! - per field (9 fields × cases): correct (the expected value), wrong, missed (expected, not
//!   suggested), spurious (suggested where the text says nothing), and correctly empty;
//! - what grounding dropped.
//!
//! The venue's date is fixed (2026-11-22) so dates without a year are stable. Models come from
//! the environment as for the server; `EVAL_MODELS=a,b` picks some. Writes `target/eval-assist.json`.

use concierge::agent::extract;
use concierge::domain::assist::{self, AssistContext, FormKind};
use concierge::llm::catalog::LlmConfig;
use concierge::llm::Llm;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Instant;

#[derive(Deserialize)]
struct Case {
    id: String,
    text: String,
    expected: BTreeMap<String, String>,
}

#[derive(Default)]
struct Score {
    cases: usize,
    valid_json: usize,
    correct: usize,
    empty_ok: usize,
    wrong: usize,
    missed: usize,
    spurious: usize,
    dropped: usize,
    ms: Vec<u128>,
    notes: Vec<String>,
}

/// Whether the raw answer is the schema's JSON: an object with every field and nothing else, each
/// a string (the embedded model's plain answer) or `{source, value}` strings (hosted models).
fn valid(answer: &str, kind: FormKind) -> bool {
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(answer.trim()) else { return false };
    let field = |v: &Value| match v {
        Value::String(_) => true,
        Value::Object(e) => {
            e.len() == 2
                && e.get("source").is_some_and(Value::is_string)
                && e.get("value").is_some_and(Value::is_string)
        }
        _ => false,
    };
    kind.fields().iter().all(|f| o.get(f.name).is_some_and(field)) && o.len() == kind.fields().len()
}

#[tokio::main]
async fn main() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string("eval/inquiries.json").expect("eval/inquiries.json"))
            .expect("valid cases");
    let config = LlmConfig::from_lookup(|k| std::env::var(k).ok()).expect("model configuration");
    let llm = Llm::new(config);
    let catalog = llm.catalog(0, &[]);
    let wanted: Option<Vec<String>> =
        std::env::var("EVAL_MODELS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let models: Vec<_> = catalog
        .view()
        .models
        .into_iter()
        .filter(|m| m.provider != "scripted")
        .filter(|m| wanted.as_ref().is_none_or(|w| w.contains(&m.id)))
        .collect();
    if models.is_empty() {
        eprintln!("no model to evaluate: run `make setup` for the embedded model, or configure a hosted one");
        std::process::exit(1);
    }
    let kind = FormKind::Inquiry;
    let cx = AssistContext {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date"),
        spaces: vec!["Garden Terrace".into(), "Grand Ballroom".into(), "Library Lounge".into(), "Rooftop".into()],
    };
    println!(
        "\nform filling: {} inquiries; models: {}",
        cases.len(),
        models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
    );
    let mut report = Vec::new();
    for info in &models {
        let model = catalog.resolve(&info.id).expect("resolved");
        let mut s = Score::default();
        for case in &cases {
            s.cases += 1;
            let started = Instant::now();
            let answer = match extract::answer(&model, kind, &case.text, &cx, "eval").await {
                Ok(a) => a,
                Err(e) => {
                    s.notes.push(format!("{}: error {e}", case.id));
                    String::new()
                }
            };
            s.ms.push(started.elapsed().as_millis());
            if valid(&answer, kind) {
                s.valid_json += 1;
            } else {
                s.notes.push(format!("{}: invalid JSON {}", case.id, answer.chars().take(120).collect::<String>()));
            }
            let found = assist::ground(kind, &cx, &case.text, &answer).unwrap_or_default();
            s.dropped += found.dropped.len();
            for d in &found.dropped {
                s.notes.push(format!("{}: dropped {} = {:?} ({})", case.id, d.field, d.value, d.reason));
            }
            for field in kind.fields() {
                let want = case.expected.get(field.name);
                let got = found.get(field.name).map(|x| x.value.as_str());
                match (want, got) {
                    (Some(w), Some(g)) if w.eq_ignore_ascii_case(g) => s.correct += 1,
                    (Some(w), Some(g)) => {
                        s.wrong += 1;
                        s.notes.push(format!("{}: {} = {g:?}, expected {w:?}", case.id, field.name));
                    }
                    (Some(w), None) => {
                        s.missed += 1;
                        s.notes.push(format!("{}: {} missed (expected {w:?})", case.id, field.name));
                    }
                    (None, Some(g)) => {
                        s.spurious += 1;
                        s.notes.push(format!("{}: {} = {g:?}, the text does not say", case.id, field.name));
                    }
                    (None, None) => s.empty_ok += 1,
                }
            }
        }
        let fields = s.cases * kind.fields().len();
        let expected = s.correct + s.wrong + s.missed;
        let suggested = s.correct + s.wrong + s.spurious;
        let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
        let mut ms = s.ms.clone();
        ms.sort_unstable();
        let p50 = ms.get(ms.len() / 2).copied().unwrap_or(0);
        println!(
            "\n{:<40} JSON valid {}/{}  field accuracy {:>5.1}%  precision {:>5.1}%  recall {:>5.1}%  dropped by grounding {}  p50 {} ms",
            info.id,
            s.valid_json,
            s.cases,
            pct(s.correct + s.empty_ok, fields),
            pct(s.correct, suggested),
            pct(s.correct, expected),
            s.dropped,
            p50
        );
        println!(
            "    {} fields: {} correct, {} correctly empty, {} wrong, {} missed, {} spurious",
            fields, s.correct, s.empty_ok, s.wrong, s.missed, s.spurious
        );
        for n in &s.notes {
            println!("    {n}");
        }
        report.push(json!({
            "model": info.id, "cases": s.cases, "valid_json": s.valid_json, "fields": fields,
            "correct": s.correct, "correctly_empty": s.empty_ok, "wrong": s.wrong, "missed": s.missed,
            "spurious": s.spurious, "dropped_by_grounding": s.dropped, "p50_ms": p50, "notes": s.notes,
        }));
    }
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/eval-assist.json", serde_json::to_string_pretty(&report).unwrap_or_default());
}
