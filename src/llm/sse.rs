//! Server-sent events framing (the WHATWG rules that matter to model APIs): events end at a blank
//! line, `data:` lines join with newlines, `event:` names the event, lines starting with `:` are
//! comments (keep-alive pings), and `\r\n`, `\r` or `\n` end a line. Bytes arrive in arbitrary
//! chunks, split anywhere, even inside a UTF-8 character.

/// A line may hold at most this many bytes, and an event's data at most [`MAX_EVENT`]: no model
/// API sends anything near that, and without a bound a peer streaming without newlines would grow
/// the buffer without end. Past either, the parser stops ([`SseParser::overflowed`]).
pub const MAX_LINE: usize = 1 << 20;
pub const MAX_EVENT: usize = 4 << 20;

/// One complete event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, empty when absent (the default "message").
    pub event: String,
    pub data: String,
}

/// Accumulates bytes and yields complete events.
#[derive(Default)]
pub struct SseParser {
    buf: Vec<u8>,
    event: String,
    data: Vec<String>,
    has_data: bool,
    data_len: usize,
    overflow: bool,
    /// How far the pending bytes have been searched for a line end (so that a long line arriving
    /// in many chunks is scanned once, not once per chunk).
    scanned: usize,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a line or an event went past its limit: the stream is to be given up.
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// Feeds a chunk; returns the events it completed (none once it has overflowed).
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        if self.overflow {
            return Vec::new();
        }
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = self.scanned;
        while i < self.buf.len() {
            let b = self.buf[i];
            if b == b'\n' || b == b'\r' {
                // A '\r' at the very end may be the first half of "\r\n": wait for more.
                if b == b'\r' && i + 1 == self.buf.len() {
                    break;
                }
                let line = String::from_utf8_lossy(&self.buf[start..i]).into_owned();
                let next = if b == b'\r' && self.buf.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
                if let Some(ev) = self.line(&line) {
                    out.push(ev);
                }
                start = next;
                i = next;
            } else {
                i += 1;
            }
        }
        self.buf.drain(..start);
        self.scanned = i - start;
        if self.buf.len() > MAX_LINE || self.data_len > MAX_EVENT {
            self.overflow = true;
            self.buf = Vec::new();
            self.data.clear();
            self.scanned = 0;
        }
        out
    }

    /// The event still open when the stream ends without a final blank line, if any.
    pub fn finish(&mut self) -> Option<SseEvent> {
        self.scanned = 0;
        if self.overflow {
            return None;
        }
        if !self.buf.is_empty() {
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.buf)).into_owned();
            if let Some(ev) = self.line(&line) {
                return Some(ev);
            }
        }
        self.dispatch()
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                self.data_len += value.len() + 1;
                self.data.push(value.to_string());
                self.has_data = true;
            }
            _ => {} // id, retry and unknown fields do not matter here.
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        self.data_len = 0;
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        let data = std::mem::take(&mut self.data).join("\n");
        Some(SseEvent { event, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out: Vec<SseEvent> = chunks.iter().flat_map(|c| p.push(c)).collect();
        out.extend(p.finish());
        out
    }

    #[test]
    fn frames_split_anywhere() {
        let whole = "event: a\ndata: {\"x\":1}\n\n: ping\n\ndata: two\ndata: lines\r\n\r\ndata:nospace\n\n";
        let expected = vec![
            SseEvent { event: "a".into(), data: "{\"x\":1}".into() },
            SseEvent { event: "".into(), data: "two\nlines".into() },
            SseEvent { event: "".into(), data: "nospace".into() },
        ];
        assert_eq!(all(&[whole.as_bytes()]), expected);
        // Every split point, including inside "\r\n".
        for cut in 0..whole.len() {
            let (a, b) = whole.as_bytes().split_at(cut);
            assert_eq!(all(&[a, b]), expected, "cut at {cut}");
        }
        // Byte by byte.
        let bytes: Vec<&[u8]> = whole.as_bytes().chunks(1).collect();
        assert_eq!(all(&bytes), expected);
    }

    #[test]
    fn utf8_split_inside_a_character() {
        let whole = "data: héllo 🎉\n\n".as_bytes();
        let cut = whole.iter().position(|&b| b == 0xF0).unwrap() + 2;
        let (a, b) = whole.split_at(cut);
        assert_eq!(all(&[a, b]), vec![SseEvent { event: "".into(), data: "héllo 🎉".into() }]);
    }

    #[test]
    fn unterminated_last_event_is_kept() {
        assert_eq!(all(&[b"data: end"]), vec![SseEvent { event: "".into(), data: "end".into() }]);
        assert_eq!(all(&[b": only a comment\n"]), vec![]);
    }

    #[test]
    fn a_line_without_end_stops_the_parser_at_its_limit() {
        let mut p = SseParser::new();
        let chunk = vec![b'x'; 64 * 1024];
        let mut events = p.push(b"data: ok\n\n");
        for _ in 0..(MAX_LINE / chunk.len()) {
            events.extend(p.push(&chunk));
            assert!(!p.overflowed());
        }
        events.extend(p.push(&chunk));
        assert!(p.overflowed(), "past MAX_LINE without a newline");
        assert_eq!(events, vec![SseEvent { event: String::new(), data: "ok".into() }]);
        assert!(p.push(b"\n\ndata: more\n\n").is_empty(), "nothing after the overflow");
        assert_eq!(p.finish(), None);
    }

    #[test]
    fn an_event_too_large_stops_the_parser() {
        let mut p = SseParser::new();
        let line = format!("data: {}\n", "y".repeat(1000));
        for _ in 0..(MAX_EVENT / 1000 + 10) {
            let _ = p.push(line.as_bytes());
        }
        assert!(p.overflowed(), "data lines without a blank line past MAX_EVENT");
    }
}
