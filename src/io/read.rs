//! Reading labelled or unlabelled rows from CSV, TSV or JSONL, one record at a time, each
//! with its line number so that every error can say where it is.

use super::format::Format;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How to read a file.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    pub format: Format,
    /// Honour `"` quoting in TSV (CSV always does). Default false: TSV is read as plain
    /// tab-separated fields, as most TSV exports (OLID, SemEval) need.
    pub tsv_quoting: bool,
}

/// One input row: its first line in the file, its fields in header order, and for JSONL the
/// whole object (so output can keep every field).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
    pub json: Option<Map<String, Value>>,
}

enum Inner {
    Delimited(
        csv::Reader<Box<dyn Read + Send>>,
        csv::ByteRecord,
        Arc<Mutex<LineIndex>>,
    ),
    Jsonl {
        lines: Box<dyn BufRead + Send>,
        line: u64,
        first: Option<Record>,
    },
}

/// A streaming reader of [`Record`]s.
pub struct RecordReader {
    name: String,
    headers: Vec<String>,
    format: Format,
    inner: Inner,
    /// bytes taken from the source so far (read ahead by buffering), for progress
    consumed: Arc<AtomicU64>,
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl RecordReader {
    /// Opens `path` (or standard input when `None` or `-`).
    pub fn open(path: Option<&Path>, opts: ReadOptions) -> Result<RecordReader> {
        let (name, src): (String, Box<dyn Read + Send>) = match path {
            Some(p) if p.as_os_str() != "-" => {
                let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
                (p.display().to_string(), Box::new(f))
            }
            _ => ("<stdin>".to_string(), Box::new(std::io::stdin())),
        };
        Self::from_reader(name, src, opts)
    }

    /// Reads from any byte source; `name` is used in error messages.
    pub fn from_reader(
        name: String,
        src: Box<dyn Read + Send>,
        opts: ReadOptions,
    ) -> Result<RecordReader> {
        let consumed = Arc::new(AtomicU64::new(0));
        let src: Box<dyn Read + Send> = Box::new(Counting {
            inner: src,
            count: consumed.clone(),
        });
        match opts.format {
            Format::Csv | Format::Tsv => {
                let mut b = csv::ReaderBuilder::new();
                b.flexible(true).has_headers(true);
                if opts.format == Format::Tsv {
                    b.delimiter(b'\t').quoting(opts.tsv_quoting);
                }
                // CRLF is read as LF, and lines are counted from the bytes (see CrlfToLf)
                let lines = Arc::new(Mutex::new(LineIndex::default()));
                let adapter = CrlfToLf::new(src, lines.clone());
                let mut rdr = b.from_reader(Box::new(adapter) as Box<dyn Read + Send>);
                let headers = match rdr.byte_headers() {
                    Ok(h) => h.clone(),
                    Err(e) => return Err(csv_error(&name, e)),
                };
                if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
                    return Err(Error::input(&name, 1, None, "empty file: no header row"));
                }
                let mut names = Vec::with_capacity(headers.len());
                for (i, h) in headers.iter().enumerate() {
                    let s = std::str::from_utf8(h).map_err(|e| {
                        Error::input(
                            &name,
                            1,
                            None,
                            format!(
                                "header field {} is not valid UTF-8 (byte {})",
                                i + 1,
                                e.valid_up_to()
                            ),
                        )
                    })?;
                    names.push(s.trim().to_string());
                }
                Ok(RecordReader {
                    name,
                    headers: names,
                    format: opts.format,
                    inner: Inner::Delimited(rdr, csv::ByteRecord::new(), lines),
                    consumed,
                })
            }
            Format::Jsonl => {
                let mut r = RecordReader {
                    name,
                    headers: Vec::new(),
                    format: Format::Jsonl,
                    inner: Inner::Jsonl {
                        lines: Box::new(BufReader::new(src)),
                        line: 0,
                        first: None,
                    },
                    consumed,
                };
                // the first object's keys are the columns
                if let Some(first) = r.next_json_object()? {
                    r.headers = first.1.keys().cloned().collect();
                    let rec = r.json_record(first.0, first.1)?;
                    if let Inner::Jsonl { first: f, .. } = &mut r.inner {
                        *f = Some(rec);
                    }
                }
                Ok(r)
            }
        }
    }

    /// The file name used in messages.
    /// Bytes read from the source so far (a little ahead of the records returned).
    pub fn bytes_read(&self) -> u64 {
        self.consumed.load(Ordering::Relaxed)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn format(&self) -> Format {
        self.format
    }
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Index of column `name`, or an error listing the columns present.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::MissingColumn {
                path: self.name.clone(),
                column: name.to_string(),
                present: self.headers.join(", "),
            })
    }

    /// The next record, `Ok(None)` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        match &mut self.inner {
            Inner::Delimited(rdr, buf, lines) => {
                match rdr.read_byte_record(buf) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {}
                    Err(e) => return Err(csv_error(&self.name, e)),
                }
                let end = rdr.position().byte();
                let inner = buf.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
                let line = lines.lock().map_or(0, |mut l| l.record_line(end, inner));
                // (blank lines never get here: the csv reader skips them)
                if buf.len() != self.headers.len() {
                    return Err(Error::input(
                        &self.name,
                        line,
                        None,
                        format!(
                            "expected {} fields (as in the header), found {}",
                            self.headers.len(),
                            buf.len()
                        ),
                    ));
                }
                let mut fields = Vec::with_capacity(buf.len());
                for (i, f) in buf.iter().enumerate() {
                    match std::str::from_utf8(f) {
                        Ok(s) => fields.push(s.to_string()),
                        Err(e) => {
                            return Err(Error::input(
                                &self.name,
                                line,
                                Some(&self.headers[i]),
                                format!(
                                    "invalid UTF-8 at byte {} of the field; re-encode the file as UTF-8",
                                    e.valid_up_to()
                                ),
                            ))
                        }
                    }
                }
                Ok(Some(Record {
                    line,
                    fields,
                    json: None,
                }))
            }
            Inner::Jsonl { first, .. } => {
                if let Some(r) = first.take() {
                    return Ok(Some(r));
                }
                match self.next_json_object()? {
                    Some((line, obj)) => self.json_record(line, obj).map(Some),
                    None => Ok(None),
                }
            }
        }
    }

    fn next_json_object(&mut self) -> Result<Option<(u64, Map<String, Value>)>> {
        let Inner::Jsonl { lines, line, .. } = &mut self.inner else {
            return Ok(None);
        };
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = lines
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::io(&self.name, e))?;
            if n == 0 {
                return Ok(None);
            }
            *line += 1;
            let text = std::str::from_utf8(&buf).map_err(|e| {
                Error::input(
                    &self.name,
                    *line,
                    None,
                    format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                )
            })?;
            let text = text.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            return match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) => Ok(Some((*line, m))),
                Ok(_) => Err(Error::input(
                    &self.name,
                    *line,
                    None,
                    "expected a JSON object on each line",
                )),
                Err(e) => Err(Error::input(
                    &self.name,
                    *line,
                    None,
                    format!("invalid JSON at character {}: {e}", e.column()),
                )),
            };
        }
    }

    fn json_record(&self, line: u64, obj: Map<String, Value>) -> Result<Record> {
        let mut fields = Vec::with_capacity(self.headers.len());
        for h in &self.headers {
            fields.push(match obj.get(h) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            });
        }
        Ok(Record {
            line,
            fields,
            json: Some(obj),
        })
    }
}

/// Byte offsets of the newlines handed to the csv reader but not yet behind a record, and
/// how many newlines are behind. Bounded by the csv reader's read-ahead.
#[derive(Default)]
pub struct LineIndex {
    ahead: VecDeque<u64>,
    behind: u64,
}

impl LineIndex {
    /// The 1-based first line of a record that ends at byte `end` (exclusive) and holds
    /// `inner` newlines in its fields. Counting from the end is exact even when the csv reader
    /// skipped blank lines before the record. `end` must not decrease between calls.
    pub fn record_line(&mut self, end: u64, inner: u64) -> u64 {
        let mut terminated = false;
        while let Some(&nl) = self.ahead.front().filter(|&&nl| nl < end) {
            self.ahead.pop_front();
            self.behind += 1;
            terminated = nl + 1 == end;
        }
        (self.behind + 1).saturating_sub(inner + terminated as u64)
    }
}

/// Turns every `\r\n` into `\n` (a lone `\r` stays), streaming, and notes where each
/// newline falls: the csv crate's own line count misses CRLF and skipped blank lines.
pub struct CrlfToLf<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    held_cr: bool,
    emitted: u64,
    lines: Arc<Mutex<LineIndex>>,
}

impl<R: Read> CrlfToLf<R> {
    pub fn new(inner: R, lines: Arc<Mutex<LineIndex>>) -> Self {
        CrlfToLf {
            inner,
            buf: Vec::new(),
            pos: 0,
            held_cr: false,
            emitted: 0,
            lines,
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.pos >= self.buf.len() {
            let mut raw = [0u8; 1 << 16];
            let n = self.inner.read(&mut raw)?;
            self.buf.clear();
            self.pos = 0;
            if n == 0 {
                if self.held_cr {
                    self.held_cr = false;
                    self.buf.push(b'\r');
                    break;
                }
                return Ok(0);
            }
            if !self.held_cr && !raw[..n].contains(&b'\r') {
                // the common case, a chunk without CR: copied whole
                self.buf.extend_from_slice(&raw[..n]);
                continue;
            }
            for &b in &raw[..n] {
                if self.held_cr {
                    self.held_cr = false;
                    if b != b'\n' {
                        self.buf.push(b'\r');
                    }
                }
                if b == b'\r' {
                    self.held_cr = true;
                } else {
                    self.buf.push(b);
                }
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if let Ok(mut idx) = self.lines.lock() {
            for (i, _) in out[..n].iter().enumerate().filter(|(_, &b)| b == b'\n') {
                idx.ahead.push_back(self.emitted + i as u64);
            }
        }
        self.emitted += n as u64;
        Ok(n)
    }
}

fn csv_error(name: &str, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        csv::ErrorKind::Utf8 { err, .. } => Error::input(
            name,
            line,
            None,
            format!("invalid UTF-8 in field {}", err.field() + 1),
        ),
        other => Error::input(name, line, None, format!("malformed row: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn reader(fmt: Format, text: &'static [u8]) -> Result<RecordReader> {
        RecordReader::from_reader(
            "t".into(),
            Box::new(text),
            ReadOptions {
                format: fmt,
                tsv_quoting: false,
            },
        )
    }

    fn all(mut r: RecordReader) -> Result<Vec<Record>> {
        let mut v = vec![];
        while let Some(x) = r.next_record()? {
            v.push(x);
        }
        Ok(v)
    }

    #[test]
    fn csv_with_bom_crlf_and_multiline_quotes() {
        let r = reader(
            Format::Csv,
            b"\xef\xbb\xbfid,text\r\n1,\"hello\r\nthere, \"\"you\"\"\"\r\n2,bye\r\n",
        )
        .unwrap();
        assert_eq!(r.headers(), ["id", "text"]);
        let recs = all(r).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].fields[1], "hello\nthere, \"you\"");
        assert_eq!((recs[0].line, recs[1].line), (2, 4));
    }

    #[test]
    fn crlf_adapter_keeps_lone_cr() {
        let mut out = String::new();
        CrlfToLf::new(&b"a\r\nb\rc\r"[..], Default::default())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\nb\rc\r");
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_still_count() {
        let recs = all(reader(Format::Csv, b"a,b\n1,2\n\n\n3,4\n").unwrap()).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].line, 5);
    }

    #[test]
    fn tsv_keeps_quotes_literally() {
        let recs = all(reader(Format::Tsv, b"a\tb\n\"x\ty\"z\n").unwrap()).unwrap();
        assert_eq!(recs[0].fields, ["\"x", "y\"z"]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = all(reader(Format::Csv, b"id,text\n1,ok\n2,bad\xff\n").unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t:3, column 'text': invalid UTF-8 at byte 3 of the field; re-encode the file as UTF-8"
        );
        let e = all(reader(Format::Csv, b"id,text\n1,ok,extra\n").unwrap()).unwrap_err();
        assert!(e.to_string().starts_with("t:2: expected 2 fields"), "{e}");
        let r = reader(Format::Csv, b"id,text\n").unwrap();
        assert!(r
            .column("comment")
            .unwrap_err()
            .to_string()
            .contains("present: id, text"));
    }

    #[test]
    fn jsonl_fields_and_errors() {
        let r = reader(
            Format::Jsonl,
            b"{\"text\":\"hi\",\"n\":3}\n\n{\"text\":null}\n",
        )
        .unwrap();
        assert_eq!(r.headers(), ["text", "n"]);
        let recs = all(r).unwrap();
        assert_eq!(recs[0].fields, ["hi", "3"]);
        assert_eq!(recs[1].fields, ["", ""]);
        assert_eq!(recs[1].line, 3);
        let e = all(reader(Format::Jsonl, b"{\"text\":1}\n{oops}\n").unwrap()).unwrap_err();
        assert!(e.to_string().starts_with("t:2: invalid JSON"), "{e}");
    }
}
