//! Architecture fitness test: the crate's top-level modules depend on each other in one direction
//! only, and the UI names no server-only module outside code gated by `#[cfg(feature = "ssr")]`.
//!
//! It reads every `src/**/*.rs` as text: comments and string literals are blanked, then every path
//! that starts with `crate::` (including each branch of a `use crate::{a, b::c}` group) is an edge
//! from the file's top-level module to the module it names. Plain `std` only, so it builds and
//! runs in a second (`cargo test --test architecture`).
//!
//! The layers, top to bottom (a module may import only modules of a lower layer):
//!
//! ```text
//! web → app → api → state → {chat, jobs} → {agent, cluster, studio} → {scheduling, knowledge} → {llm, store} → security → domain
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and its layer (higher imports lower, never the other way or sideways).
const LAYERS: &[(&str, u8)] = &[
    ("web", 10),
    ("app", 9),
    ("api", 8),
    ("state", 7),
    ("chat", 6),
    ("jobs", 6),
    ("agent", 5),
    ("cluster", 5),
    ("studio", 5),
    ("scheduling", 4),
    ("knowledge", 4),
    ("llm", 3),
    ("store", 3),
    ("security", 2),
    ("domain", 1),
];

/// Modules compiled only for the server (`#[cfg(feature = "ssr")] pub mod …` in `lib.rs`).
const SSR_ONLY: &[&str] = &[
    "web",
    "state",
    "chat",
    "jobs",
    "cluster",
    "agent",
    "studio",
    "scheduling",
    "knowledge",
    "llm",
    "store",
    "security",
];

/// The rules the issue states in words, checked on their own as well (they also follow from
/// `LAYERS`), so that a change to the layer table cannot quietly drop one.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "domain",
        &["web", "app", "api", "state", "chat", "jobs", "agent", "scheduling", "knowledge", "llm", "store", "security"],
    ),
    ("security", &["web", "app", "api", "state", "chat", "jobs", "agent", "scheduling", "knowledge", "llm", "store"]),
    ("store", &["app", "api", "web", "chat", "jobs", "cluster", "agent", "llm", "scheduling", "knowledge", "state"]),
    ("llm", &["chat", "store", "web", "api", "app", "state", "agent", "scheduling", "knowledge", "jobs"]),
    ("knowledge", &["web", "app", "api", "state", "chat", "jobs", "agent", "scheduling", "llm"]),
];

/// One reference from a file to a top-level module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: String,
    file: String,
    line: usize,
    /// Inside code compiled only with `ssr` (a gated item, or a gated module file).
    ssr_gated: bool,
}

/// Source text with comments, string and character literals replaced by spaces (newlines kept,
/// so line numbers stay right).
fn blank_comments_and_strings(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == b'/' && next == Some(b'/') {
            while i < b.len() && b[i] != b'\n' {
                blank(&mut out, b[i]);
                i += 1;
            }
        } else if c == b'/' && next == Some(b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == b'r' && (next == Some(b'"') || next == Some(b'#')) && !prev_is_ident(b, i) {
            // Raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            let mut k = j + 1;
            while k < b.len() && !b[k..].starts_with(&close) {
                k += 1;
            }
            let end = (k + close.len()).min(b.len());
            for &ch in &b[i..end] {
                blank(&mut out, ch);
            }
            i = end;
        } else if c == b'"' {
            blank(&mut out, c);
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                blank(&mut out, b[i]);
                i += 1;
            }
            if i < b.len() {
                blank(&mut out, b[i]);
                i += 1;
            }
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): only literals are blanked.
            let lit_end = if next == Some(b'\\') {
                b[i + 2..].iter().position(|&ch| ch == b'\'').map(|p| i + 2 + p)
            } else {
                let ch_len = std::str::from_utf8(&b[i + 1..]).ok().and_then(|s| s.chars().next()).map(char::len_utf8);
                ch_len.filter(|l| b.get(i + 1 + l) == Some(&b'\'')).map(|l| i + 1 + l)
            };
            match lit_end {
                Some(end) => {
                    for &ch in &b[i..=end] {
                        blank(&mut out, ch);
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn prev_is_ident(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Byte ranges of items gated by `#[cfg(feature = "ssr")]` (the attribute up to the end of the
/// item it is on: its closing brace at the same depth, or its `;`). A file-wide `#![cfg(...)]`
/// gates everything. `code` is the blanked text, `original` the same bytes before blanking (the
/// attribute's `"ssr"` is a string literal, blanked in `code`).
fn ssr_gated_ranges(code: &str, original: &str) -> Vec<(usize, usize)> {
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let b = code.as_bytes();
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(p) = code[i..].find("#") {
        let start = i + p;
        let Some(close) = code[start..].find(']') else { break };
        let attr = compact(original.get(start..start + close + 1).unwrap_or_default());
        i = start + 1;
        let gated = attr == "#[cfg(feature=\"ssr\")]" || attr == "#![cfg(feature=\"ssr\")]";
        if !gated {
            continue;
        }
        if attr.starts_with("#!") {
            ranges.push((0, code.len()));
            continue;
        }
        // The item: up to the first `;` or `{` at depth 0, and then to its matching `}`.
        let mut j = start + close + 1;
        let mut depth = 0i32;
        let mut end = code.len();
        while j < b.len() {
            match b[j] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                b'{' if depth == 0 => {
                    let mut braces = 0;
                    while j < b.len() {
                        match b[j] {
                            b'{' => braces += 1,
                            b'}' => {
                                braces -= 1;
                                if braces == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    end = j + 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        ranges.push((start, end.min(code.len())));
    }
    ranges
}

/// The top-level modules a piece of code names through `crate::`, with each reference's offset.
fn crate_refs(code: &str) -> Vec<(usize, String)> {
    let b = code.as_bytes();
    let mut refs = Vec::new();
    let mut from = 0;
    while let Some(p) = code[from..].find("crate::") {
        let at = from + p;
        from = at + 7;
        if prev_is_ident(b, at) {
            continue; // e.g. `mycrate::`
        }
        let rest = &code[at + 7..];
        let rest_trim = rest.trim_start();
        if let Some(group) = rest_trim.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each top-level branch.
            let mut depth = 0;
            let mut segment_start = true;
            let mut ident = String::new();
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => segment_start = true,
                    c if (c.is_alphanumeric() || c == '_') && segment_start => ident.push(c),
                    _ => {
                        if !ident.is_empty() {
                            refs.push((at, std::mem::take(&mut ident)));
                            segment_start = false;
                        }
                    }
                }
            }
            if !ident.is_empty() {
                refs.push((at, ident));
            }
        } else {
            let ident: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !ident.is_empty() {
                refs.push((at, ident));
            }
        }
    }
    refs
}

/// The module declarations in a file that are gated by `ssr` (`#[cfg(feature = "ssr")] mod x;`).
fn gated_mod_decls(code: &str, original: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (start, end) in ssr_gated_ranges(code, original) {
        let item = &code[start..end];
        let words: Vec<&str> =
            item.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        // `# [ cfg ( feature = "ssr" ) ] pub(crate) mod name ;`: the word after `mod`, if the item is a
        // module declaration without a body (a body is scanned as a gated range already).
        if item.trim_end().ends_with(';') {
            if let Some(pos) = words.iter().position(|w| *w == "mod") {
                if let Some(name) = words.get(pos + 1) {
                    out.insert(name.to_string());
                }
            }
        }
    }
    out
}

/// The top-level module of a file under `src/` (`src/store/chat.rs` → `store`); `None` for the
/// crate root files.
fn top_module(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every `.rs` file under `dir`, relative to it.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("reading {}: {e}", d.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The module file(s) a declaration `mod name;` in `file` refers to.
fn child_module_files(file: &Path, name: &str) -> Vec<PathBuf> {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let dir = file.parent().unwrap_or(Path::new(""));
    let base = if matches!(stem, "mod" | "lib" | "main") { dir.to_path_buf() } else { dir.join(stem) };
    vec![base.join(format!("{name}.rs")), base.join(name).join("mod.rs")]
}

/// All edges of a source tree given as (path relative to `src/`, text).
fn edges(files: &[(PathBuf, String)]) -> Vec<Edge> {
    let originals: BTreeMap<&Path, &str> = files.iter().map(|(p, text)| (p.as_path(), text.as_str())).collect();
    let codes: BTreeMap<&Path, String> =
        files.iter().map(|(p, text)| (p.as_path(), blank_comments_and_strings(text))).collect();
    // Files gated as a whole because their `mod` declaration is gated (transitively).
    let mut gated_files: BTreeSet<PathBuf> = BTreeSet::new();
    let mut changed = true;
    while changed {
        changed = false;
        for (path, code) in &codes {
            let parent_gated = gated_files.contains(*path);
            let gated_children = gated_mod_decls(code, originals[path]);
            let all_children: Vec<String> = if parent_gated {
                code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .collect::<Vec<_>>()
                    .windows(2)
                    .filter(|w| w[0] == "mod")
                    .map(|w| w[1].to_string())
                    .collect()
            } else {
                Vec::new()
            };
            for child in gated_children.iter().chain(all_children.iter()) {
                for f in child_module_files(path, child) {
                    if codes.contains_key(f.as_path()) && gated_files.insert(f) {
                        changed = true;
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for (path, code) in &codes {
        let Some(from) = top_module(path) else { continue };
        let ranges = ssr_gated_ranges(code, originals[path]);
        let file_gated = gated_files.contains(*path);
        for (at, to) in crate_refs(code) {
            if to == from {
                continue;
            }
            let line = code[..at].matches('\n').count() + 1;
            let ssr_gated = file_gated || ranges.iter().any(|(s, e)| (*s..*e).contains(&at));
            out.push(Edge { from: from.clone(), to, file: format!("src/{}", path.display()), line, ssr_gated });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every broken rule, as a line for the failure message.
fn violations(edges: &[Edge]) -> Vec<String> {
    let layer = |m: &str| LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l);
    let mut out = Vec::new();
    for e in edges {
        let at = format!("{}:{}", e.file, e.line);
        let (Some(from), Some(to)) = (layer(&e.from), layer(&e.to)) else {
            if layer(&e.from).is_none() {
                out.push(format!("{at}: module `{}` is not in the layer table (tests/architecture.rs)", e.from));
            }
            continue; // `crate::` followed by a macro or item of the root, e.g. `crate::hydrate`.
        };
        if let Some((_, banned)) = FORBIDDEN.iter().find(|(m, _)| *m == e.from) {
            if banned.contains(&e.to.as_str()) {
                out.push(format!("{at}: `{}` must never import `{}`", e.from, e.to));
                continue;
            }
        }
        if e.from == "app" && SSR_ONLY.contains(&e.to.as_str()) {
            if !e.ssr_gated {
                out.push(format!("{at}: the UI names server-only `{}` outside `#[cfg(feature = \"ssr\")]` code", e.to));
            }
            if e.to == "web" {
                out.push(format!("{at}: `app` must not import the composition root `web`"));
            }
            continue;
        }
        if to >= from {
            out.push(format!("{at}: `{}` imports `{}`, which is not below it (see LAYERS)", e.from, e.to));
        }
    }
    out
}

/// Cycles between top-level modules, each as `a → b → … → a`.
fn cycles(edges: &[Edge]) -> Vec<String> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        graph.entry(e.from.as_str()).or_default().insert(e.to.as_str());
    }
    let mut found = BTreeSet::new();
    for &start in graph.keys() {
        // Depth-first from `start`, reporting paths that come back to it.
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, vec![start])];
        while let Some((node, path)) = stack.pop() {
            for &next in graph.get(node).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    // Report each cycle once, from its smallest module.
                    let min = cycle.iter().enumerate().min_by_key(|(_, m)| **m).map(|(i, _)| i).unwrap_or(0);
                    cycle.rotate_left(min);
                    let first = cycle[0];
                    cycle.push(first);
                    found.insert(cycle.join(" → "));
                } else if !path.contains(&next) && path.len() < graph.len() {
                    let mut p = path.clone();
                    p.push(next);
                    stack.push((next, p));
                }
            }
        }
    }
    found.into_iter().collect()
}

fn load_src() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rust_files(&root)
        .into_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(&rel)).expect("readable source");
            (rel, text)
        })
        .collect()
}

/// The graph as `from → to (count)` lines, printed with `--nocapture` for a look at the structure.
fn describe(edges: &[Edge]) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for e in edges {
        *counts.entry((e.from.as_str(), e.to.as_str())).or_default() += 1;
    }
    counts.iter().map(|((f, t), n)| format!("  {f} → {t} ({n})\n")).collect()
}

#[test]
fn imports_flow_one_way() {
    let edges = edges(&load_src());
    assert!(edges.len() > 100, "the scan found only {} imports: is it reading src/?", edges.len());
    println!("module graph:\n{}", describe(&edges));
    let bad = violations(&edges);
    assert!(bad.is_empty(), "imports that run the wrong way:\n{}", bad.join("\n"));
}

#[test]
fn no_cycles_between_top_level_modules() {
    let found = cycles(&edges(&load_src()));
    assert!(found.is_empty(), "import cycles between top-level modules:\n{}", found.join("\n"));
}

#[test]
fn only_the_composition_root_imports_the_ui() {
    let edges = edges(&load_src());
    let bad: Vec<String> = edges
        .iter()
        .filter(|e| e.to == "app" && e.from != "web")
        .map(|e| format!("{}:{}: `{}` imports `app`", e.file, e.line, e.from))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

// ---- the checker itself: it must see what it is meant to see ----------------------------------------

fn tree(files: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
    files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect()
}

#[test]
fn a_mutated_import_fails() {
    // The store importing the chat engine (one `use` line): refused.
    let src = tree(&[
        ("store/chat.rs", "use crate::domain::Role;\nuse crate::chat::Hub;\n"),
        ("chat/mod.rs", "use crate::store::chat;\n"),
    ]);
    let bad = violations(&edges(&src));
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("src/store/chat.rs:2: `store` must never import `chat`"), "{bad:?}");
    assert_eq!(cycles(&edges(&src)), vec!["chat → store → chat".to_string()]);
}

#[test]
fn groups_comments_strings_and_gates_are_read_right() {
    let src = tree(&[
        (
            "llm/mod.rs",
            "// use crate::store;\n/* crate::chat */\nconst S: &str = \"crate::web\";\nconst R: &str = r#\"crate::api\"#;\nfn f<'a>(c: char) -> bool { c == '\"' }\nuse crate::{domain::x, security::{a, b}};\n",
        ),
        ("app/theme.rs", "#[cfg(feature = \"ssr\")]\nfn read() { crate::state::session::cookie(); }\nfn f() { crate::store::x(); }\n"),
        ("app/mod.rs", "#[cfg(feature = \"ssr\")]\nmod server_side;\nmod both;\n"),
        ("app/server_side.rs", "use crate::store::Actor;\n"),
        ("app/both.rs", "use crate::api::x;\n"),
    ]);
    let e = edges(&src);
    let llm: Vec<&str> = e.iter().filter(|e| e.from == "llm").map(|e| e.to.as_str()).collect();
    assert_eq!(llm, vec!["domain", "security"], "comments and strings are not imports; groups are");
    let bad = violations(&e);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("src/app/theme.rs:3: the UI names server-only `store`"), "{bad:?}");
}
