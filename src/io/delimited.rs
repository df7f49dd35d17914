//! A streaming CSV/TSV record parser that knows where it is: every record and field carries
//! the line it starts on, a quoted field that never closes is an error at the line where it
//! opened (not a silent swallow of the rest of the file), and no field may grow past a bound.
//!
//! Dialect (that of the csv crate gavel used before, and of spreadsheet exports):
//! - records end at `\n`, `\r\n` or a lone `\r`; each counts as one line; blank lines are
//!   skipped; a UTF-8 byte-order mark at the start is ignored;
//! - with quoting on, a field that starts with `"` is quoted: `""` inside is one `"`, line
//!   breaks inside are kept (`\r\n` read as `\n`), and the field ends at the next lone `"`;
//!   anything between that quote and the next delimiter is kept as written (`"ab"c` is
//!   `abc`). A `"` elsewhere in a field is an ordinary character.
//!
//! Time and memory are linear in the input; memory per record is bounded by
//! `max_fields × max_field_bytes`.

use std::io::Read;

/// Why a record could not be read.
#[derive(Debug)]
pub enum ParseError {
    /// a quoted field opened at `line` (field `field`, 0-based) and the input ended before its
    /// closing quote
    Unterminated {
        line: u64,
        field: usize,
    },
    /// field `field` starting at `line` grew past the bound
    TooLong {
        line: u64,
        field: usize,
        quoted: bool,
    },
    /// the record starting at `line` has more than `max` fields
    TooManyFields {
        line: u64,
        max: usize,
    },
    Io(std::io::Error),
}

/// One record: its fields' bytes back to back, field `i` ending at `ends[i]`, starting at
/// line `starts[i]`.
#[derive(Default, Debug, Clone)]
pub struct RawRecord {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
    pub starts: Vec<u64>,
}

impl RawRecord {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.starts.clear();
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// The first line of the record.
    pub fn line(&self) -> u64 {
        self.starts.first().copied().unwrap_or(0)
    }
    /// Field `i`'s bytes.
    pub fn field(&self, i: usize) -> &[u8] {
        let s = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[s..self.ends[i]]
    }
}

const CHUNK: usize = 1 << 16;

/// The parser over a byte source.
pub struct Delimited<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    started: bool,
    delim: u8,
    quoting: bool,
    /// line of the next unread byte, 1-based
    line: u64,
    max_field: usize,
}

/// Where a run of ordinary bytes stops.
enum Stop {
    Delim,
    Newline,
    Cr,
    Quote,
    Eof,
    /// the output grew past the bound
    Full,
}

impl<R: Read> Delimited<R> {
    /// `delim` is `,` or a tab; `quoting` turns `"` handling on; fields longer than
    /// `max_field_bytes` are an error.
    pub fn new(src: R, delim: u8, quoting: bool, max_field_bytes: usize) -> Self {
        Delimited {
            src,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            started: false,
            delim,
            quoting,
            line: 1,
            max_field: max_field_bytes,
        }
    }

    /// Makes sure an unread byte is buffered unless the source is exhausted; false at its end.
    fn fill(&mut self) -> Result<bool, ParseError> {
        while self.pos >= self.buf.len() {
            if self.eof {
                return Ok(false);
            }
            self.buf.clear();
            self.pos = 0;
            // the first fill reads at least 3 bytes (or all there is) to see a byte-order mark
            let want = if self.started { 1 } else { 3 };
            while self.buf.len() < want && !self.eof {
                let have = self.buf.len();
                self.buf.resize(CHUNK, 0);
                let n = loop {
                    match self.src.read(&mut self.buf[have..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            self.buf.clear();
                            return Err(ParseError::Io(e));
                        }
                    }
                };
                self.buf.truncate(have + n);
                self.eof = n == 0;
            }
            if !self.started {
                self.started = true;
                if self.buf.starts_with(b"\xef\xbb\xbf") {
                    self.pos = 3;
                }
            }
        }
        Ok(true)
    }

    fn peek(&mut self) -> Result<Option<u8>, ParseError> {
        Ok(if self.fill()? {
            Some(self.buf[self.pos])
        } else {
            None
        })
    }

    /// Consumes a `\n`, or a `\r` with the `\n` after it; one line either way.
    fn take_line_end(&mut self) -> Result<(), ParseError> {
        let b = self.buf[self.pos];
        self.pos += 1;
        if b == b'\r' && self.peek()? == Some(b'\n') {
            self.pos += 1;
        }
        self.line += 1;
        Ok(())
    }

    /// Copies bytes into `out` up to the next byte that matters (inside quotes: a quote or a
    /// line break; outside: a delimiter or a line break), leaving that byte unread; or stops
    /// once `out` is longer than `limit`.
    fn run(&mut self, out: &mut Vec<u8>, quoted: bool, limit: usize) -> Result<Stop, ParseError> {
        loop {
            if out.len() > limit {
                return Ok(Stop::Full);
            }
            if !self.fill()? {
                return Ok(Stop::Eof);
            }
            let chunk = &self.buf[self.pos..];
            let d = self.delim;
            let hit = if quoted {
                chunk
                    .iter()
                    .position(|&b| b == b'"' || b == b'\n' || b == b'\r')
            } else {
                chunk
                    .iter()
                    .position(|&b| b == d || b == b'\n' || b == b'\r')
            };
            let n = hit.unwrap_or(chunk.len());
            out.extend_from_slice(&chunk[..n]);
            self.pos += n;
            if let Some(i) = hit {
                return Ok(match chunk[i] {
                    b'\n' => Stop::Newline,
                    b'\r' => Stop::Cr,
                    b'"' if quoted => Stop::Quote,
                    _ => Stop::Delim,
                });
            }
        }
    }

    /// Reads the next record into `rec`; false at the end of the input. `max_fields` bounds
    /// the field count.
    pub fn read_record(
        &mut self,
        rec: &mut RawRecord,
        max_fields: usize,
    ) -> Result<bool, ParseError> {
        rec.clear();
        // blank lines before the record
        loop {
            match self.peek()? {
                None => return Ok(false),
                Some(b'\n' | b'\r') => self.take_line_end()?,
                Some(_) => break,
            }
        }
        let record_line = self.line;
        loop {
            let field = rec.ends.len();
            if field >= max_fields {
                return Err(ParseError::TooManyFields {
                    line: record_line,
                    max: max_fields,
                });
            }
            rec.starts.push(self.line);
            let start = rec.bytes.len();
            let limit = start.saturating_add(self.max_field);
            let too_long = |rec: &RawRecord, quoted| {
                (rec.bytes.len() > limit).then(|| ParseError::TooLong {
                    line: rec.starts[field],
                    field,
                    quoted,
                })
            };
            if self.quoting && self.peek()? == Some(b'"') {
                self.pos += 1;
                loop {
                    let stop = self.run(&mut rec.bytes, true, limit)?;
                    if let Some(e) = too_long(rec, true) {
                        return Err(e);
                    }
                    match stop {
                        Stop::Eof => {
                            return Err(ParseError::Unterminated {
                                line: rec.starts[field],
                                field,
                            })
                        }
                        Stop::Newline => {
                            self.pos += 1;
                            self.line += 1;
                            rec.bytes.push(b'\n');
                        }
                        Stop::Cr => {
                            self.pos += 1;
                            if self.peek()? == Some(b'\n') {
                                self.pos += 1;
                                rec.bytes.push(b'\n');
                            } else {
                                rec.bytes.push(b'\r');
                            }
                            self.line += 1;
                        }
                        _ => {
                            // a quote: doubled, or the end of the quoted part
                            self.pos += 1;
                            if self.peek()? == Some(b'"') {
                                self.pos += 1;
                                rec.bytes.push(b'"');
                            } else {
                                break;
                            }
                        }
                    }
                }
            }
            let stop = self.run(&mut rec.bytes, false, limit)?;
            if let Some(e) = too_long(rec, false) {
                return Err(e);
            }
            rec.ends.push(rec.bytes.len());
            match stop {
                Stop::Delim => self.pos += 1,
                Stop::Newline | Stop::Cr => {
                    self.take_line_end()?;
                    return Ok(true);
                }
                _ => return Ok(true),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as (line, fields) until the end or the first error.
    fn parse(
        input: &[u8],
        quoting: bool,
        max: usize,
    ) -> (Vec<(u64, Vec<String>)>, Option<ParseError>) {
        // the same input read whole and one byte at a time: a refill at every position
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || b.is_empty() {
                    return Ok(0);
                }
                b[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let mut whole = Delimited::new(input, b',', quoting, max);
        let mut bytewise = Delimited::new(OneByte(input), b',', quoting, max);
        let (mut a, mut b) = (RawRecord::default(), RawRecord::default());
        let mut out = vec![];
        loop {
            let (ra, rb) = (
                whole.read_record(&mut a, 1000),
                bytewise.read_record(&mut b, 1000),
            );
            assert_eq!(
                format!("{ra:?}"),
                format!("{rb:?}"),
                "chunking changed the result"
            );
            match ra {
                Ok(true) => {
                    assert_eq!(
                        (&a.bytes, &a.ends, &a.starts),
                        (&b.bytes, &b.ends, &b.starts)
                    );
                    let f = (0..a.len())
                        .map(|i| String::from_utf8_lossy(a.field(i)).into_owned())
                        .collect();
                    out.push((a.line(), f));
                }
                Ok(false) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn ok(input: &str) -> Vec<(u64, Vec<String>)> {
        let (r, e) = parse(input.as_bytes(), true, 1 << 20);
        assert!(e.is_none(), "{e:?}");
        r
    }

    fn fields(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn quoting_line_ends_and_blank_lines() {
        let r = ok("\u{feff}a,b\r\n1,\"x\r\ny, \"\"z\"\"\"\r\n\r\n\n2,\"ab\"c\n3,d\"e\n4,\n");
        assert_eq!(r[0], (1, fields(&["a", "b"])));
        assert_eq!(r[1], (2, fields(&["1", "x\ny, \"z\""])));
        assert_eq!(r[2], (6, fields(&["2", "abc"])));
        assert_eq!(r[3], (7, fields(&["3", "d\"e"])));
        assert_eq!(r[4], (8, fields(&["4", ""])));
        assert_eq!(r.len(), 5);
    }

    #[test]
    fn cr_only_files_count_lines() {
        let r = ok("a,b\r1,x\r2,y\r\r3,z");
        let lines: Vec<u64> = r.iter().map(|x| x.0).collect();
        assert_eq!(lines, [1, 2, 3, 5]);
        assert_eq!(r[3].1, fields(&["3", "z"]));
    }

    #[test]
    fn an_unclosed_quote_is_an_error_where_it_opened() {
        let (r, e) = parse(b"id,text\n1,a\n2,\"b\n3,c\n4,d\n", true, 1 << 20);
        assert_eq!(r.len(), 2);
        match e {
            Some(ParseError::Unterminated { line: 3, field: 1 }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_field_past_the_bound_is_an_error_at_its_start() {
        let mut s = b"id,text\n1,\"b\n".to_vec();
        for i in 0..100 {
            s.extend_from_slice(format!("{i},row {i}\n").as_bytes());
        }
        s.extend_from_slice(b"x,\"\n");
        let (r, e) = parse(&s, true, 200);
        assert_eq!(r.len(), 1);
        match e {
            Some(ParseError::TooLong {
                line: 2,
                field: 1,
                quoted: true,
            }) => {}
            other => panic!("{other:?}"),
        }
        // an unquoted field too
        let (_, e) = parse(b"a\nxxxxxxxxxx\n", true, 4);
        assert!(matches!(
            e,
            Some(ParseError::TooLong {
                line: 2,
                quoted: false,
                ..
            })
        ));
    }

    #[test]
    fn quotes_are_literal_without_quoting() {
        let (r, e) = parse(b"a,b\n\"x,y\"z\n", false, 100);
        assert!(e.is_none());
        assert_eq!(r[1].1, fields(&["\"x", "y\"z"]));
    }

    #[test]
    fn too_many_fields_stop_early() {
        let mut p = Delimited::new(&b"a,b,c,d\n"[..], b',', true, 100);
        let mut rec = RawRecord::default();
        assert!(matches!(
            p.read_record(&mut rec, 2),
            Err(ParseError::TooManyFields { line: 1, max: 2 })
        ));
    }
}
