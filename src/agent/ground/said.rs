//! What a person said, read for grounding: their words, numbers, times, names, the choices
//! they stated (an RSVP, an action) and what a search is for.

use crate::domain::text::{verb_of, ADDRESS_VERBS, LEAD_INS};

/// Words that state a choice, for the values a person must say themselves: whole words or
/// phrases, or (ending in `*`) word stems.
pub(super) const STATED: &[(&str, &[&str])] = &[
    (
        "yes",
        &[
            "yes",
            "attending",
            "attend",
            "coming",
            "accept*",
            "will come",
            "can come",
            "will be there",
            "confirm*",
            "rsvp'd yes",
            "is in",
            "are in",
        ],
    ),
    (
        "no",
        &[
            "no",
            "not coming",
            "can't",
            "cannot",
            "can not",
            "won't",
            "declin*",
            "isn't coming",
            "aren't coming",
            "not attend*",
            "not make it",
            "can't make",
        ],
    ),
    ("maybe", &["maybe", "might", "not sure", "unsure", "tentative*"]),
    (
        "pending",
        &[
            "pending",
            "hasn't replied",
            "haven't replied",
            "not replied",
            "no answer",
            "no reply",
            "waiting",
            "hasn't rsvp*",
            "hasnt rsvp*",
            "haven't rsvp*",
            "havent rsvp*",
            "not rsvp*",
        ],
    ),
];

/// Whether `said` (lowercased, its words in `words`) states a cue of [`STATED`].
pub(super) fn says(cue: &str, said: &str, words: &[String]) -> bool {
    if let Some(stem) = cue.strip_suffix('*') {
        if stem.contains([' ', '\'']) {
            said.contains(stem)
        } else {
            words.iter().any(|w| w.starts_with(stem))
        }
    } else if cue.contains([' ', '\'']) {
        said.contains(cue)
    } else {
        words.iter().any(|w| w == cue)
    }
}

/// Whether the person stated `value` (one of [`STATED`]'s): one of its cues, and no cue of a
/// choice that contradicts it ("isn't coming" holds "coming", and means no).
pub(super) fn stated(value: &str, said: &str, words: &[String]) -> bool {
    let hit = |v: &str| {
        STATED.iter().find(|(x, _)| *x == v).is_some_and(|(_, cues)| cues.iter().any(|c| says(c, said, words)))
    };
    let negative = STATED[1].1.iter().filter(|c| c.contains(' ') || c.contains('\'')).any(|c| said.contains(c));
    hit(value) && !(value == "yes" && negative)
}

/// Number words a request may use for a number.
pub(super) const NUMBER_WORDS: &[(&str, i64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("dozen", 12),
    ("fifteen", 15),
    ("twenty", 20),
    ("thirty", 30),
    ("fifty", 50),
    ("hundred", 100),
    ("couple", 2),
    ("pair", 2),
    ("plus one", 2),
    ("plus-one", 2),
];

/// Multipliers written after a number ("25k", "25 thousand").
pub(super) const SCALES: &[(&str, f64)] = &[("k", 1e3), ("thousand", 1e3), ("m", 1e6), ("million", 1e6)];

pub(super) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .map(|w| w.strip_suffix("'s").unwrap_or(w)) // "the DJ's set": the DJ
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The numbers written in `text` as digits ("$1,200.50" → 1200.5, "25k" → 25000) or words.
pub(super) fn numbers_in(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            i += 1;
        }
        let raw: String = chars[start..i].iter().filter(|c| **c != ',').collect();
        if let Ok(n) = raw.parse::<f64>() {
            out.push(n);
            // A scale right after it ("25k", "25 thousand").
            let rest: String = chars[i..chars.len().min(i + 10)].iter().collect::<String>().to_lowercase();
            let rest = rest.trim_start();
            for (word, scale) in SCALES {
                if rest.strip_prefix(word).is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric())) {
                    out.push(n * scale);
                }
            }
        }
    }
    let lower = text.to_lowercase();
    let ws = words(&lower);
    for (w, n) in NUMBER_WORDS {
        let hit = if w.contains([' ', '-']) { lower.contains(w) } else { ws.iter().any(|x| x == w) };
        if hit {
            out.push(*n as f64);
        }
    }
    out
}

/// The number a change goes to, when the person says it after "to" ("from 10 up to 12", "bump
/// it to 140", "make it 90"): the last such number. `None` when no number follows those words.
pub(super) fn target_number(said: &str) -> Option<f64> {
    let ws = words(said);
    let mut found = None;
    for (i, w) in ws.iter().enumerate() {
        let after_to = matches!(w.as_str(), "to" | "into")
            || (w == "it" && i > 0 && matches!(ws[i - 1].as_str(), "make" | "making"));
        if !after_to {
            continue;
        }
        if let Some(n) = ws.get(i + 1).and_then(|n| n.parse::<f64>().ok()) {
            found = Some(n);
        }
    }
    found
}

/// Whether the words of `value` are in `text` (half of them at least; a word matches one that
/// starts the same way for four letters or more, so "vegetarians" grounds "vegetarian" and "roof"
/// grounds "rooftop").
pub(super) fn words_grounded(value: &str, text: &[String]) -> bool {
    let near = |a: &str, b: &str| {
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        short == long || (short.len() >= 4 && long.starts_with(short))
    };
    let wanted: Vec<String> = words(value).into_iter().filter(|w| w.chars().count() >= 3).collect();
    if wanted.is_empty() {
        return true;
    }
    let found = wanted.iter().filter(|w| text.iter().any(|t| near(w, t))).count();
    found * 2 >= wanted.len()
}

/// Whether text the model wrote is the person's: more than half of its words, numbers included
/// (a run of numbers nobody said is not), are in `text`, as for [`words_grounded`] ("create_task"
/// for "make a task for Marco …" is not).
pub(super) fn text_grounded(value: &str, text: &[String]) -> bool {
    let wanted: Vec<String> =
        words(value).into_iter().filter(|w| w.chars().count() >= 3 || w.chars().all(|c| c.is_ascii_digit())).collect();
    wanted.is_empty() || {
        let found = wanted
            .iter()
            .filter(|w| {
                text.iter().any(|t| {
                    t == *w
                        || (w.len() >= 4 && t.len() >= 4 && (t.starts_with(w.as_str()) || w.starts_with(t.as_str())))
                })
            })
            .count();
        found * 2 > wanted.len()
    }
}

/// Whether word `w` says value `v` ("confirm" says confirmed, "declining" declined).
pub(super) fn stem_says(v: &str, w: &str) -> bool {
    let stem: String = v.chars().take(6).collect();
    w.starts_with(&stem) || (w.len() >= 5 && stem.starts_with(w))
}

/// The value a person chose among an action's few values by their words ("drop the DJ" →
/// remove), when exactly one value's cues are said.
pub(super) const ACTIONS: &[(&str, &[&str])] = &[
    ("add", &["add", "include", "get", "want", "love", "book", "order", "upgrade"]),
    ("remove", &["remove", "drop", "delete", "cancel", "scrap", "off", "rid", "without", "nix"]),
    (
        "change_quantity",
        &[
            "change", "bump", "increase", "reduce", "lower", "raise", "make", "up", "down", "more", "fewer", "less",
            "instead",
        ],
    ),
];

pub(super) fn action_said(values: &[&str], said: &[String]) -> Option<&'static str> {
    // "get rid of" removes: its "get" is not an add's.
    let cue_words: Vec<&String> = said
        .iter()
        .enumerate()
        .filter(|(i, w)| !(*w == "get" && said.get(i + 1).is_some_and(|n| n == "rid")))
        .map(|(_, w)| w)
        .collect();
    let hits: Vec<&'static str> = ACTIONS
        .iter()
        .filter(|(v, _)| values.contains(v))
        .filter(|(_, cues)| cues.iter().any(|c| cue_words.iter().any(|w| *w == c)))
        .map(|(v, _)| *v)
        .collect();
    match hits.as_slice() {
        [one] => Some(one),
        // "cut the canapés to 45": a number with a change word is a quantity change.
        [..] if hits.contains(&"change_quantity") => Some("change_quantity"),
        // No cue, and a number the change goes to ("cut passed canapes to 45"): a quantity.
        [] if values.contains(&"change_quantity") && target_number(&said.join(" ")).is_some() => {
            Some("change_quantity")
        }
        _ => None,
    }
}

/// Words that ask for a search rather than name what to search for.
pub(super) const ASKING: &[&str] = &[
    "find",
    "look",
    "up",
    "search",
    "show",
    "get",
    "message",
    "messages",
    "msg",
    "email",
    "emails",
    "mail",
    "contact",
    "details",
    "client",
    "clients",
    "phone",
    "number",
    "the",
    "for",
    "our",
    "me",
    "a",
    "an",
    "what",
    "what's",
    "whats",
    "who",
    "did",
    "does",
    "any",
    "anything",
    "about",
    "mentioning",
    "mentioned",
    "where",
    "said",
    "say",
    "says",
    "is",
    "of",
    "with",
    "in",
    "to",
    "please",
    "can",
    "you",
    "their",
    "his",
    "her",
    "family",
    "people",
    "info",
    "address",
    "which",
    "that",
    "this",
    "word",
    "words",
    "from",
    "by",
];

/// Whether a capitalised word is a day or a month rather than a name.
pub(super) fn calendar_word(w: &str) -> bool {
    crate::domain::parse::MONTHS.contains(&w) || crate::domain::when::WEEKDAYS.iter().any(|(d, _)| *d == w)
}

/// Words that start a request with a capital without being a name.
pub(super) const STARTERS: &[&str] = &[
    "please", "can", "could", "would", "add", "mark", "show", "take", "remove", "drop", "put", "change", "set",
    "update", "let", "tell", "send", "ask", "book", "move", "cancel", "find", "look", "search", "list", "who", "what",
    "when", "where", "how", "is", "are", "do", "does", "did", "my", "our", "the", "we", "hi", "hey", "ok", "okay",
    "yes", "no", "thanks", "and", "also", "just", "for", "in", "on", "make", "give", "get", "delete", "invite", "oh",
    "so", "actually", "i", "i'm", "i'll", "i've", "i'd",
];

/// The names a person wrote: capitalised words that are not days, months or a request's
/// opening word ("Tom is bringing three" → "Tom"; "Please add Dana Lee" → "Dana Lee").
pub(super) fn names_said(said: &str) -> Option<String> {
    let first_line = said.lines().next().unwrap_or("");
    let clean = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w).to_string()
    };
    let names: Vec<String> = first_line
        .split_whitespace()
        .map(clean)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter(|w| {
            let l = w.to_lowercase();
            !ASKING.contains(&l.as_str()) && !calendar_word(&l) && !STARTERS.contains(&l.as_str())
        })
        .collect();
    (!names.is_empty()).then(|| names.join(" "))
}

/// What a search is for, in the person's words: the names they wrote, else what is left once
/// the words that ask for a search are gone ("Look up Dan Okoye's contact details" → "Dan Okoye").
pub(super) fn salient(said: &str) -> Option<String> {
    if let Some(names) = names_said(said) {
        return Some(names);
    }
    let first_line = said.lines().next().unwrap_or("");
    let rest: Vec<String> = first_line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty() && !ASKING.contains(&w.as_str()) && !STARTERS.contains(&w.as_str()))
        .collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// Whether text the model wrote is its own machinery rather than anyone's words: a tool's or an
/// argument's name ("add_guest", "search_clients.name = "), or code.
pub(super) fn machinery(value: &str) -> bool {
    value.contains(['=', '{', '}', '<', '>'])
        || !value.contains(['@', '/'])
            && value
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w.contains('_') && w.split('_').all(|p| !p.is_empty()))
}

/// Whether a search's words are the person's: those that are not asking words ("search",
/// "messages": a small model writes its tool's name) must be there, and there must be some.
pub(super) fn query_grounded(query: &str, said: &[String]) -> bool {
    if machinery(query) {
        return false;
    }
    let content: Vec<String> =
        words(&query.replace('_', " ")).into_iter().filter(|w| !ASKING.contains(&w.as_str()) && w.len() >= 3).collect();
    !content.is_empty() && words_grounded(&content.join(" "), said)
}

/// Times said, as (hour 0–23, minute): "1pm", "4 o'clock", "at 2", "10:30", "noon".
pub(super) fn times_said(said: &str) -> Vec<(u32, u32)> {
    let lower = said.to_lowercase();
    let mut out = Vec::new();
    // "noon", not the one in "afternoons".
    if words(&lower).iter().any(|w| w == "noon" || w == "midday") {
        out.push((12, 0));
    }
    let ws: Vec<&str> = lower.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    for (i, w) in ws.iter().enumerate() {
        let next = ws.get(i + 1).copied().unwrap_or("");
        let (num, suffix) = match w.find(|c: char| !c.is_ascii_digit() && c != ':') {
            Some(p) => (&w[..p], &w[p..]),
            None => (*w, ""),
        };
        if num.is_empty() || !num.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let (h, m) = match num.split_once(':') {
            Some((h, m)) => (h.parse::<u32>().ok(), m.parse::<u32>().ok()),
            None => (num.parse::<u32>().ok(), Some(0)),
        };
        let (Some(h), Some(m)) = (h, m) else { continue };
        let marker = if suffix.is_empty() { next } else { suffix };
        let prev = if i > 0 { ws[i - 1] } else { "" };
        let hour = if marker.starts_with("pm") || marker.starts_with("p.m") {
            (h % 12) + 12
        } else if marker.starts_with("am") || marker.starts_with("a.m") {
            h % 12
        } else if marker.starts_with("o'clock")
            || num.contains(':')
            || matches!(prev, "at" | "the" | "do" | "to" | "for")
        {
            // Without am/pm, a venue's hours: 1 to 7 are afternoon.
            if (1..=7).contains(&h) {
                h + 12
            } else {
                h
            }
        } else {
            continue;
        };
        if hour < 24 && m < 60 {
            out.push((hour, m));
        }
    }
    out
}

/// Verbs that pass a message on ("tell Dan …", "let the florist know …"): those that name the
/// addressee next (`domain::text::ADDRESS_VERBS`) and these.
const PASS_ON_ALSO: &[&str] = &["ask", "email", "text", "remind", "send", "write", "ping", "say", "pass"];

fn passes_on_verb(w: &str) -> bool {
    ADDRESS_VERBS.contains(&w) || PASS_ON_ALSO.contains(&w)
}

/// Whether `said` asks for something to be passed on ("tell the venue …", "msg the DJ …",
/// "Message Bloom & Branch: …"), so that [`message_of`] is the message itself.
pub(super) fn passes_on(said: &str) -> bool {
    let Some(line) = said.lines().map(str::trim).find(|l| !l.is_empty()) else { return false };
    verb_of(line).is_some_and(|w| passes_on_verb(&w))
}

/// The message in what a person said, for a text they want sent or written down: a quoted part,
/// else what follows a colon, else the request without the words that ask for it to be passed on
/// ("Tell Dan the final invoice will be out by Thursday" → "The final invoice will be out by
/// Thursday."; "let the florist know that the arch can come at noon" → "The arch can come at
/// noon."). `None` when nothing is left.
pub(super) fn message_of(said: &str) -> Option<String> {
    let line = said.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line.replace(['\u{201C}', '\u{201D}'], "\"");
    let quoted = line.split('"').nth(1).map(str::trim).filter(|q| q.split_whitespace().count() >= 3);
    let after_colon = || {
        line.split_once(':').map(|(_, r)| r.trim()).filter(|r| r.split_whitespace().count() >= 2).map(str::to_string)
    };
    let text = match quoted.map(str::to_string).or_else(after_colon) {
        Some(t) => t,
        None => {
            let words: Vec<&str> = line.split_whitespace().collect();
            let plain = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            let mut i = words.iter().take_while(|w| LEAD_INS.contains(&plain(w).as_str())).count();
            // "make a task for Marco to set up the bar": what is to be done.
            let task = words.iter().take(6).position(|w| matches!(plain(w).as_str(), "task" | "todo" | "reminder"));
            let to =
                task.and_then(|t| words.iter().skip(t + 1).take(4).position(|w| plain(w) == "to").map(|p| t + 2 + p));
            if let Some(start) = to {
                i = start;
            } else if words.get(i).is_some_and(|w| passes_on_verb(&plain(w))) {
                // Up to "that"/"to"/"if" when one comes soon ("send Liam a gentle reminder that …"),
                // else past the addressee: "the florist", "our DJ", a name ("Bloom & Branch").
                let soon =
                    words.iter().skip(i + 1).take(6).position(|w| {
                        matches!(plain(w).as_str(), "that" | "if" | "whether" | "about" | "abt" | "know")
                    });
                // "ask the DJ if they can start later": a question.
                if let Some(p) = soon.filter(|p| matches!(plain(words[i + 1 + p]).as_str(), "if" | "whether")) {
                    let rest = words[i + 2 + p..].join(" ");
                    let rest = rest.trim_end_matches(['.', '?', '!']);
                    return (!rest.is_empty()).then(|| format!("Could you let us know whether {rest}?"));
                }
                i = match soon {
                    Some(p) => i + 2 + p,
                    None => {
                        let mut j = i + 1;
                        if words.get(j).is_some_and(|w| matches!(plain(w).as_str(), "the" | "our" | "my" | "them")) {
                            j += 1 + usize::from(plain(words[j]) != "them");
                        } else {
                            while words.get(j).is_some_and(|w| {
                                w.starts_with(|c: char| c.is_uppercase()) || *w == "&" || w.ends_with(',')
                            }) {
                                let comma = words[j].ends_with(',');
                                j += 1;
                                if comma {
                                    break;
                                }
                            }
                        }
                        j
                    }
                };
                // "let them know that …": past "know" and "that" too.
                while words.get(i).is_some_and(|w| matches!(plain(w).as_str(), "that" | "know" | "to")) {
                    i += 1;
                }
            } else {
                i = 0;
            }
            words[i.min(words.len())..].join(" ")
        }
    };
    let text = text.trim().trim_start_matches([',', '-', ':']).trim();
    let mut c = text.chars();
    let first = c.next()?;
    let mut out: String = first.to_uppercase().chain(c).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    (out.split_whitespace().count() >= 2).then_some(out)
}

/// The party a "+1" makes (`said` lower-cased): "jordan kim +1" or "Ana plus one" is 2, "+2" is 3.
pub(super) fn plus_ones(said: &str) -> Option<i64> {
    let compact = said.replace("+ ", "+");
    let plus = compact.split_whitespace().find_map(|w| {
        let n = w.strip_prefix('+')?.trim_end_matches(|c: char| !c.is_ascii_digit());
        n.parse::<i64>().ok().filter(|n| (1..=9).contains(n))
    });
    plus.or_else(|| ["plus one", "plus-one", "plus 1"].iter().any(|p| said.contains(p)).then_some(1)).map(|n| n + 1)
}
