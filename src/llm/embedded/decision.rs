//! Tool decisions on the small model: which tools to offer for a request (ranked by its words),
//! the prompt and the JSON schema of a decision (the grammar the model samples under), reading a
//! decision back, and schemas with their keys in the order the grammar must write them.

use crate::llm::ToolSpec;

/// The JSON schema of a decision: one of the tools with its arguments, or (with `none`) none. The keys sort
/// alphabetically in the order they must be written ("name" before "parameters"): the grammar
/// converter follows the key order of the schema, and the model must choose the tool first.
pub fn decision_schema(tools: &[ToolSpec], none: bool) -> serde_json::Value {
    let mut branches: Vec<serde_json::Value> = tools
        .iter()
        .map(|t| {
            serde_json::json!({
                "type": "object",
                "properties": {"name": {"const": t.name}, "parameters": capped(&t.parameters)},
                "required": ["name", "parameters"],
                "additionalProperties": false,
            })
        })
        .collect();
    if none {
        branches.push(serde_json::json!({
            "type": "object",
            "properties": {"name": {"const": "none"}},
            "required": ["name"],
            "additionalProperties": false,
        }));
    }
    serde_json::json!({"oneOf": branches})
}

/// The longest free text a decision writes in one argument, in characters. A 135M model
/// writing a message body can repeat itself until its token budget ends, leaving JSON that does
/// not parse: a cap makes the grammar close the string (the engine then checks the text against
/// the person's words, `agent::ground`).
pub const TEXT_MAX: u64 = 200;

/// `parameters` with at most [`TEXT_MAX`] characters in each free-text string property (no enum
/// or format).
fn capped(parameters: &serde_json::Value) -> serde_json::Value {
    let mut out = parameters.clone();
    if let Some(props) = out.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for prop in props.values_mut() {
            let Some(p) = prop.as_object_mut() else { continue };
            let string = match p.get("type") {
                Some(serde_json::Value::String(t)) => t == "string",
                Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            let longer = p.get("maxLength").and_then(|m| m.as_u64()).is_none_or(|m| m > TEXT_MAX);
            if string && longer && !["enum", "format", "const"].iter().any(|k| p.contains_key(*k)) {
                p.insert("maxLength".into(), TEXT_MAX.into());
            }
        }
    }
    out
}

/// The instructions that show a small model its tools (appended to the system prompt); with
/// `none`, it may also answer without one.
pub fn tool_prompt(tools: &[ToolSpec], none: bool) -> String {
    let mut out = String::from("\n\nTools: pick the one whose description matches the request.\n");
    for t in tools {
        let props = t.parameters.get("properties").and_then(|p| p.as_object());
        let args: Vec<String> = props.map(|p| p.keys().cloned().collect()).unwrap_or_default();
        out.push_str(&format!(
            "- {}: {} ({})\n",
            t.name,
            t.description,
            if args.is_empty() { "no parameters".into() } else { args.join(", ") }
        ));
    }
    let example = tools.first().map(|t| t.name.as_str()).unwrap_or("tool_name");
    out.push_str(&format!(
        "Reply with JSON only, for example {{\"name\": \"{example}\", \"parameters\": {{}}}}. \
         Take ids from the facts above and names, numbers and dates from the request; leave out what it does not say."
    ));
    if none {
        out.push_str(
            " Questions about events, guests, vendors, tasks, messages, prices or the venue always need a tool. \
             Only for a greeting or thanks reply {\"name\": \"none\"}.",
        );
    }
    out
}

/// Word stems for matching a request to tools: lowercase letters and digits, at most 5 long
/// ("vendors" and "vendor" meet at "vendo").
fn stems(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(|w| w.to_lowercase().chars().take(5).collect())
        .filter(|w: &String| {
            !matches!(
                w.as_str(),
                "the"
                    | "and"
                    | "for"
                    | "with"
                    | "what"
                    | "who"
                    | "our"
                    | "you"
                    | "can"
                    | "this"
                    | "that"
                    | "are"
                    | "from"
                    | "about"
                    | "event"
                    | "please"
            )
        })
        .collect()
}

/// How many of the request's words each tool's name (counted twice), description and
/// parameters hold, in the order of `tools`.
pub fn word_scores(request: &str, tools: &[ToolSpec]) -> Vec<usize> {
    let words = stems(request);
    tools
        .iter()
        .map(|t| {
            let name = stems(&t.name.replace('_', " "));
            let mut doc = stems(&t.description);
            if let Some(props) = t.parameters.get("properties").and_then(|p| p.as_object()) {
                for (k, v) in props {
                    doc.extend(stems(&k.replace('_', " ")));
                    if let Some(e) = v.get("enum").and_then(|e| e.as_array()) {
                        doc.extend(e.iter().filter_map(|x| x.as_str()).flat_map(stems));
                    }
                }
            }
            words.iter().map(|w| 2 * usize::from(name.contains(w)) + usize::from(doc.contains(w))).sum()
        })
        .collect()
}

/// The offered tools, best match for the request first, at most three: a 135M model picks among
/// a few likely tools far better than among many (tool retrieval before the decision). A tool
/// whose name shares a word with the request counts double. None when no tool matches at all.
pub fn rank_tools(request: &str, tools: &[ToolSpec]) -> Vec<ToolSpec> {
    let mut scored: Vec<(usize, usize, &ToolSpec)> =
        word_scores(request, tools).into_iter().zip(tools).enumerate().map(|(i, (score, t))| (score, i, t)).collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    if scored.first().is_none_or(|(score, _, _)| *score == 0) {
        // Nothing in the request is about any tool ("three ideas for table decorations"): no
        // decision step, the model just answers.
        return Vec::new();
    }
    scored.into_iter().take(super::MAX_OFFERED).map(|(_, _, t)| t.clone()).collect()
}

/// A decision as the grammar allows it: the tool and its arguments, or `None` for "none".
pub fn parse_decision(text: &str) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    let name = v.get("name")?.as_str()?;
    if name == "none" {
        return None;
    }
    let args = v.get("parameters").cloned().unwrap_or_else(|| serde_json::json!({}));
    Some((name.to_string(), args.to_string()))
}

/// A JSON schema as text with each object's `properties` in the order of its `required` list.
/// The grammar converter writes properties in the order it reads them, and serde_json sorts
/// keys: this puts them back in the order the caller meant (a form's fields, top to bottom).
pub fn ordered_schema(schema: &serde_json::Value) -> String {
    use serde_json::Value;
    fn write(v: &Value, order: Option<&[Value]>, out: &mut String) {
        match v {
            Value::Object(o) => {
                let mut keys: Vec<&String> = Vec::with_capacity(o.len());
                if let Some(order) = order {
                    keys.extend(
                        order.iter().filter_map(Value::as_str).filter_map(|k| o.get_key_value(k).map(|(k, _)| k)),
                    );
                }
                keys.extend(o.keys().filter(|k| !keys.contains(k)).collect::<Vec<_>>());
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    // An object's `properties` follow its `required`.
                    let inner = (k == "properties").then(|| o.get("required").and_then(Value::as_array)).flatten();
                    write(&o[k], inner.map(Vec::as_slice), out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, None, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(schema, None, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_ranked_by_the_words_of_the_request() {
        let spec = |name: &str, description: &str| ToolSpec {
            name: name.into(),
            description: description.into(),
            parameters: serde_json::json!({"type": "object", "properties": {}}),
        };
        let tools = [
            spec("list_events", "List the venue's events between two dates."),
            spec("list_vendors", "List the venue's vendors (florists, caterers, photographers)."),
            spec("list_pending_tasks", "List tasks that are not done yet."),
            spec("search_messages", "Full-text search over the messages."),
        ];
        let names = |request: &str| rank_tools(request, &tools).into_iter().map(|t| t.name).collect::<Vec<_>>();
        assert_eq!(names("Which vendors are florists?")[0], "list_vendors");
        assert_eq!(names("Any open tasks left?")[0], "list_pending_tasks");
        assert_eq!(names("search the messages about parking")[0], "search_messages");
        assert!(names("three ideas for table decorations").is_empty(), "no tool when nothing matches");
        assert_eq!(names("list everything").len(), 3, "at most three");
        let decision = decision_schema(&tools[..1], true);
        assert_eq!(decision["oneOf"].as_array().map(Vec::len), Some(2), "the tool, or none");
        let required = decision_schema(&tools[..2], false);
        let names: Vec<&str> = required["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["properties"]["name"]["const"].as_str())
            .collect();
        assert_eq!(names, ["list_events", "list_vendors"], "a tool must be called: no none");
        assert_eq!(
            parse_decision(r#"{"name": "list_events", "parameters": {"from": "2026-01-01"}}"#),
            Some(("list_events".into(), r#"{"from":"2026-01-01"}"#.into()))
        );
        assert_eq!(parse_decision(r#"{"name": "none"}"#), None);
    }

    #[test]
    fn free_text_is_capped_and_choices_are_not() {
        let parameters = serde_json::json!({"type": "object", "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 4000},
            "note": {"type": ["string", "null"]},
            "code": {"type": "string", "maxLength": 8},
            "rsvp": {"type": "string", "enum": ["yes", "no"]},
            "date": {"type": "string", "format": "date"},
            "count": {"type": "integer"},
        }});
        let c = capped(&parameters);
        assert_eq!(c["properties"]["body"]["maxLength"], TEXT_MAX);
        assert_eq!(c["properties"]["note"]["maxLength"], TEXT_MAX);
        assert_eq!(c["properties"]["code"]["maxLength"], 8, "a shorter cap of its own stays");
        for k in ["rsvp", "date", "count"] {
            assert!(c["properties"][k].get("maxLength").is_none(), "{k}");
        }
        let spec = ToolSpec { name: "send".into(), description: "Send".into(), parameters };
        let grammar = llama_cpp_2::json_schema_to_grammar(&decision_schema(&[spec], false).to_string());
        assert!(grammar.is_ok(), "llama.cpp reads the capped schema: {grammar:?}");
    }
}
