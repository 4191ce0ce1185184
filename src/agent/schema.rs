//! JSON schemas of tool arguments: derived from the Rust type by schemars, cleaned into the
//! subset every provider accepts (OpenAI, Anthropic, Gemini, and llama.cpp's grammar converter),
//! and a validator for that subset, so a model's arguments are checked against exactly the schema
//! it was shown before they are deserialised.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// The schema of `T`, with sub-schemas inlined and without what some providers reject
/// (`$schema`, `title`, type lists, `format` other than `date`, nullable unions).
pub fn for_type<T: schemars::JsonSchema>() -> Value {
    let generator = SchemaSettings::draft07()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut v = serde_json::to_value(schema).unwrap_or_else(|_| Value::Object(Map::new()));
    clean(&mut v);
    if let Value::Object(m) = &mut v {
        m.entry("type").or_insert_with(|| Value::String("object".into()));
        m.entry("properties").or_insert_with(|| Value::Object(Map::new()));
    }
    v
}

fn clean(v: &mut Value) {
    let Value::Object(m) = v else { return };
    for key in ["$schema", "title", "definitions", "$defs", "examples"] {
        m.remove(key);
    }
    // `Option<T>` comes out as `"type": ["integer", "null"]`: the argument is optional anyway
    // (not in `required`), so keep the one real type.
    if let Some(Value::Array(types)) = m.get("type") {
        let first = types.iter().find(|t| t.as_str() != Some("null")).cloned();
        match first {
            Some(t) => {
                m.insert("type".into(), t);
            }
            None => {
                m.remove("type");
            }
        }
    }
    // …or as `anyOf: [{…}, {"type": "null"}]` for a nested type: keep the first real branch.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = m.get(key) {
            let real: Vec<Value> =
                branches.iter().filter(|b| b.get("type").and_then(Value::as_str) != Some("null")).cloned().collect();
            if real.len() == 1 {
                m.remove(key);
                if let Value::Object(inner) = &real[0] {
                    for (k, val) in inner {
                        m.entry(k.clone()).or_insert_with(|| val.clone());
                    }
                }
            }
        }
    }
    if m.get("format").and_then(Value::as_str).is_some_and(|f| f != "date") {
        m.remove("format");
    }
    // Integer formats (int32, int64, uint) are implied by min/max; numbers only.
    if let Some(Value::Null) = m.get("default") {
        m.remove("default");
    }
    for (key, child) in m.iter_mut() {
        match child {
            // A map of argument names to schemas: the names are not keywords ("title" is a
            // fine argument name), only their schemas are cleaned.
            Value::Object(props) if key == "properties" => props.values_mut().for_each(clean),
            Value::Object(_) => clean(child),
            Value::Array(items) => items.iter_mut().for_each(clean),
            _ => {}
        }
    }
}

/// An outside tool's schema (an MCP server's, full JSON Schema) as the models are shown it: local
/// `$ref`s inlined (a reference too deep, remote or unknown becomes "anything"), then cleaned
/// like ours and cut to the keywords every provider and llama.cpp's grammar converter read.
/// Arguments are checked against the server's whole schema (`agent::remote`), not this.
pub fn for_outside(schema: &Value) -> Value {
    let mut v = inline_refs(schema, schema, 0);
    keep_known(&mut v);
    clean(&mut v);
    if let Value::Object(m) = &mut v {
        m.insert("type".into(), Value::String("object".into()));
        m.entry("properties").or_insert_with(|| Value::Object(Map::new()));
    }
    v
}

/// How deep references are followed (a schema that refers to itself stops here).
const REF_DEPTH: usize = 8;

fn inline_refs(node: &Value, root: &Value, depth: usize) -> Value {
    match node {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let target = r.strip_prefix('#').filter(|_| depth < REF_DEPTH).and_then(|p| root.pointer(p));
                let mut out = match target {
                    Some(t) => inline_refs(t, root, depth + 1),
                    None => Value::Object(Map::new()),
                };
                // Keywords beside the reference (a description) add to what it refers to.
                if let Value::Object(o) = &mut out {
                    for (k, v) in m.iter().filter(|(k, _)| *k != "$ref") {
                        o.entry(k.clone()).or_insert_with(|| inline_refs(v, root, depth + 1));
                    }
                }
                return out;
            }
            Value::Object(m.iter().map(|(k, v)| (k.clone(), inline_refs(v, root, depth))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| inline_refs(v, root, depth)).collect()),
        other => other.clone(),
    }
}

/// The keywords an outside schema keeps for the models.
const KEPT: &[&str] = &[
    "type",
    "properties",
    "required",
    "items",
    "enum",
    "const",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "description",
    "additionalProperties",
    "format",
    "default",
    "anyOf",
    "oneOf",
];

fn keep_known(v: &mut Value) {
    let Value::Object(m) = v else { return };
    m.retain(|k, _| KEPT.contains(&k.as_str()));
    if let Some(Value::Array(types)) = m.get("type") {
        if types.iter().any(|t| !t.is_string()) {
            m.remove("type");
        }
    }
    for (key, child) in m.iter_mut() {
        match (key.as_str(), child) {
            ("properties", Value::Object(props)) => props.values_mut().for_each(keep_known),
            ("items" | "additionalProperties", c @ Value::Object(_)) => keep_known(c),
            ("anyOf" | "oneOf", Value::Array(branches)) => branches.iter_mut().for_each(keep_known),
            _ => {}
        }
    }
    if m.get("required").is_some_and(|r| !r.is_array()) {
        m.remove("required");
    }
}

/// Checks `value` against `schema` (the subset [`for_type`] produces): type, properties,
/// required, additionalProperties, enum, const, minimum/maximum, minLength/maxLength,
/// minItems/maxItems, items, and `format: date`. The error names the offending path.
pub fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    check(schema, value, "arguments")
}

fn check(schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let Value::Object(s) = schema else { return Ok(()) };
    if let Some(Value::Array(branches)) = s.get("anyOf").or_else(|| s.get("oneOf")) {
        if !branches.iter().any(|b| check(b, value, path).is_ok()) {
            return Err(format!("`{path}` does not match any allowed form"));
        }
    }
    if let Some(t) = s.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => true,
        };
        if !ok {
            let got = match value {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(n) if n.is_f64() => "a decimal number",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "a list",
                Value::Object(_) => "an object",
            };
            let want = match t {
                "object" => "an object",
                "array" => "a list",
                "string" => "a string",
                "integer" => "a whole number",
                "number" => "a number",
                "boolean" => "true or false",
                other => other,
            };
            return Err(format!("`{path}` must be {want}, not {got}"));
        }
    }
    if let Some(Value::Array(allowed)) = s.get("enum") {
        if !allowed.contains(value) {
            let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
            return Err(format!("`{path}` must be one of {}", list.join(", ")));
        }
    }
    if let Some(c) = s.get("const") {
        if c != value {
            return Err(format!("`{path}` must be {c}"));
        }
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
            if n < min {
                return Err(format!("`{path}` must be at least {min}"));
            }
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
            if n > max {
                return Err(format!("`{path}` must be at most {max}"));
            }
        }
    }
    if let Some(text) = value.as_str() {
        let len = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
            if len < min {
                return Err(if min == 1 {
                    format!("`{path}` must not be empty")
                } else {
                    format!("`{path}` must have at least {min} characters")
                });
            }
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
            if len > max {
                return Err(format!("`{path}` must have at most {max} characters"));
            }
        }
        if s.get("format").and_then(Value::as_str) == Some("date")
            && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err()
        {
            return Err(format!("`{path}` must be a date written YYYY-MM-DD"));
        }
    }
    if let Value::Array(items) = value {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                return Err(format!("`{path}` must have at least {min} entries"));
            }
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
            if items.len() as u64 > max {
                return Err(format!("`{path}` must have at most {max} entries"));
            }
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{path}[{i}]"))?;
            }
        }
    }
    if let Value::Object(fields) = value {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = s.get("required") {
            for r in required.iter().filter_map(Value::as_str) {
                if fields.get(r).is_none_or(Value::is_null) {
                    return Err(format!("`{r}` is required"));
                }
            }
        }
        for (k, v) in fields {
            match props.and_then(|p| p.get(k)) {
                // An optional argument given as null means "not given".
                Some(_) if v.is_null() => {}
                Some(field_schema) => check(field_schema, v, k)?,
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    let known: Vec<&str> = props.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                    return Err(if known.is_empty() {
                        format!("`{k}` is not an argument of this tool (it takes none)")
                    } else {
                        format!("`{k}` is not an argument of this tool (it takes {})", known.join(", "))
                    });
                }
                None => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[allow(dead_code)]
    #[derive(schemars::JsonSchema, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Args {
        /// A field named like a schema keyword stays.
        title: Option<String>,
        /// The guest's name.
        #[schemars(length(min = 1, max = 20))]
        name: String,
        #[schemars(range(min = 1, max = 20))]
        party_size: Option<i32>,
        day: Option<chrono::NaiveDate>,
        rsvp: Option<crate::domain::Rsvp>,
    }

    #[test]
    fn derived_schema_is_clean_and_checks() {
        let s = for_type::<Args>();
        assert_eq!(s["type"], "object");
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["required"], json!(["name"]));
        assert_eq!(s["properties"]["party_size"]["type"], "integer");
        assert_eq!(s["properties"]["name"]["description"], "The guest's name.");
        assert_eq!(s["properties"]["day"]["format"], "date");
        assert!(s["properties"]["rsvp"]["enum"].as_array().is_some_and(|e| e.contains(&json!("maybe"))), "{s}");
        assert!(s.get("$schema").is_none() && s.get("title").is_none());
        assert_eq!(s["properties"]["title"]["type"], "string");

        assert!(validate(&s, &json!({"name": "Ann", "party_size": 2, "day": "2026-05-01", "rsvp": "yes"})).is_ok());
        assert!(validate(&s, &json!({"name": "Ann", "party_size": null})).is_ok());
        let err = |v: Value| validate(&s, &v).unwrap_err();
        assert_eq!(err(json!({})), "`name` is required");
        assert_eq!(err(json!({"name": ""})), "`name` must not be empty");
        assert_eq!(err(json!({"name": "Ann", "party_size": 30})), "`party_size` must be at most 20");
        assert_eq!(err(json!({"name": "Ann", "party_size": "2"})), "`party_size` must be a whole number, not a string");
        assert_eq!(err(json!({"name": "Ann", "day": "May 1"})), "`day` must be a date written YYYY-MM-DD");
        assert!(err(json!({"name": "Ann", "rsvp": "perhaps"})).starts_with("`rsvp` must be one of"));
        assert!(err(json!({"name": "Ann", "vip": true})).starts_with("`vip` is not an argument"));
        assert_eq!(err(json!([1])), "`arguments` must be an object, not a list");
    }

    #[test]
    fn outside_schemas_are_inlined_and_cut_to_what_models_read() {
        let server = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "title": "Args",
            "properties": {
                "city": {"type": "string", "pattern": "^[A-Z]", "description": "The city."},
                "when": {"$ref": "#/$defs/day", "description": "Which day."},
                "loop": {"$ref": "#/$defs/node"},
                "far": {"$ref": "https://evil.example/x.json"},
                "tags": {"type": "array", "items": {"type": "string", "not": {"const": "x"}}},
            },
            "required": ["city"],
            "allOf": [{"required": ["when"]}],
            "$defs": {
                "day": {"type": "string", "enum": ["today", "tomorrow"]},
                "node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}},
            },
        });
        let shown = for_outside(&server);
        assert_eq!(shown["type"], "object");
        for gone in ["$schema", "title", "allOf", "$defs"] {
            assert!(shown.get(gone).is_none(), "{gone}");
        }
        assert!(shown["properties"]["city"].get("pattern").is_none());
        assert_eq!(shown["properties"]["when"]["enum"], json!(["today", "tomorrow"]));
        assert_eq!(shown["properties"]["when"]["description"], "Which day.");
        assert_eq!(shown["properties"]["far"], json!({}));
        assert!(shown["properties"]["tags"]["items"].get("not").is_none());
        assert!(!shown.to_string().contains("$ref"), "{shown}");
        // Ours accepts what the models were shown.
        assert!(validate(&shown, &json!({"city": "Boston", "when": "today"})).is_ok());
    }
}
