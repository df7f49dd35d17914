//! Reading labelled or unlabelled rows from CSV, TSV or JSONL, one record at a time, each
//! with its line number so that every error can say where it is. Structural damage (an
//! unclosed quote, a field past `max_field_bytes`, a wrong field count, invalid UTF-8) is an
//! error naming file, line and column: no row is ever silently merged into another.

use super::delimited::{Delimited, ParseError, RawRecord};
use super::format::Format;
use super::jsonl::{read_line_bounded, JsonRow, Line, ValueKind};
use crate::error::{Error, Location, Result};
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Default bound on one field (CSV/TSV) or one line (JSONL): 16 MiB.
pub const DEFAULT_MAX_FIELD_BYTES: usize = 16 << 20;

/// Most columns a header may have.
pub const MAX_COLUMNS: usize = 100_000;

/// How to read a file.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    pub format: Format,
    /// Honour `"` quoting in TSV (CSV always does). Default false: TSV is read as plain
    /// tab-separated fields, as most TSV exports (OLID, SemEval) need.
    pub tsv_quoting: bool,
    /// Longest field (CSV/TSV) or line (JSONL) in bytes; longer is an error naming where it
    /// starts. Default [`DEFAULT_MAX_FIELD_BYTES`].
    pub max_field_bytes: usize,
}

impl ReadOptions {
    /// `format` with the defaults.
    pub fn new(format: Format) -> ReadOptions {
        ReadOptions {
            format,
            tsv_quoting: false,
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
        }
    }
}

/// One input row: its first line in the file, its fields in header order, and for JSONL the
/// whole object (so output can keep every field as written).
#[derive(Clone, Debug)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
    pub json: Option<JsonRow>,
    /// JSONL: what each field's value was (empty for CSV and TSV, whose fields are all text)
    pub kinds: Vec<ValueKind>,
}

impl Record {
    /// Field `i` of a column that must hold text; for JSONL, a number, boolean, array or
    /// object there is refused with what it is.
    pub fn text(&self, i: usize) -> std::result::Result<&str, String> {
        match self.kinds.get(i) {
            Some(ValueKind::Other) => Err(format!(
                "expected text, found the JSON value '{}'",
                crate::error::excerpt(&self.fields[i], 40)
            )),
            _ => Ok(&self.fields[i]),
        }
    }
}

enum Inner {
    Delimited(Box<Delimited<Box<dyn Read + Send>>>, RawRecord),
    Jsonl {
        lines: BufReader<Box<dyn Read + Send>>,
        line: u64,
        buf: Vec<u8>,
        first: Option<Record>,
    },
}

/// A streaming reader of [`Record`]s.
pub struct RecordReader {
    name: String,
    headers: Vec<String>,
    format: Format,
    max_field: usize,
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
        if opts.max_field_bytes == 0 {
            return Err(Error::Param(
                "the field size bound must be at least 1 byte".into(),
            ));
        }
        let consumed = Arc::new(AtomicU64::new(0));
        let src: Box<dyn Read + Send> = Box::new(Counting {
            inner: src,
            count: consumed.clone(),
        });
        let inner = match opts.format {
            Format::Csv | Format::Tsv => {
                let (delim, quoting) = match opts.format {
                    Format::Tsv => (b'\t', opts.tsv_quoting),
                    _ => (b',', true),
                };
                let p = Delimited::new(src, delim, quoting, opts.max_field_bytes);
                Inner::Delimited(Box::new(p), RawRecord::default())
            }
            Format::Jsonl => Inner::Jsonl {
                lines: BufReader::with_capacity(1 << 16, src),
                line: 0,
                buf: Vec::new(),
                first: None,
            },
        };
        let mut r = RecordReader {
            name,
            headers: Vec::new(),
            format: opts.format,
            max_field: opts.max_field_bytes,
            inner,
            consumed,
        };
        match r.format {
            Format::Csv | Format::Tsv => r.read_header()?,
            Format::Jsonl => {
                // the first object's keys are the columns
                if let Some((line, obj)) = r.next_json_object()? {
                    r.headers = obj.keys().map(str::to_string).collect();
                    let rec = r.json_record(line, obj);
                    if let Inner::Jsonl { first, .. } = &mut r.inner {
                        *first = Some(rec);
                    }
                }
            }
        }
        Ok(r)
    }

    /// Reads a CSV or TSV header row.
    fn read_header(&mut self) -> Result<()> {
        let Inner::Delimited(p, rec) = &mut self.inner else {
            return Ok(());
        };
        let found = p.read_record(rec, MAX_COLUMNS);
        let found = found.map_err(|e| self.parse_error(e))?;
        let Inner::Delimited(_, rec) = &self.inner else {
            return Ok(());
        };
        if !found || (rec.len() == 1 && rec.field(0).is_empty()) {
            return Err(Error::input(
                &self.name,
                1,
                None,
                "empty file: no header row",
            ));
        }
        let mut headers = Vec::with_capacity(rec.len());
        for i in 0..rec.len() {
            let s = std::str::from_utf8(rec.field(i)).map_err(|e| {
                Error::input(
                    &self.name,
                    rec.starts[i],
                    None,
                    format!(
                        "header field {} is not valid UTF-8 (byte {})",
                        i + 1,
                        e.valid_up_to()
                    ),
                )
            })?;
            headers.push(s.trim().to_string());
        }
        self.headers = headers;
        Ok(())
    }

    /// Bytes read from the source so far (a little ahead of the records returned).
    pub fn bytes_read(&self) -> u64 {
        self.consumed.load(Ordering::Relaxed)
    }

    /// The file name used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn format(&self) -> Format {
        self.format
    }
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Header names that appear more than once, each once, in order.
    pub fn duplicate_headers(&self) -> Vec<&str> {
        let mut dup: Vec<&str> = Vec::new();
        for (i, h) in self.headers.iter().enumerate() {
            if self.headers[..i].contains(h) && !dup.contains(&h.as_str()) {
                dup.push(h);
            }
        }
        dup
    }

    /// Index of column `name`, or an error listing the columns present (or saying that the
    /// name is ambiguous, appearing twice).
    pub fn column(&self, name: &str) -> Result<usize> {
        let mut at = self.headers.iter().enumerate().filter(|(_, h)| *h == name);
        match (at.next(), at.next()) {
            (Some((i, _)), None) => Ok(i),
            (Some((i, _)), Some((j, _))) => Err(Error::input(
                &self.name,
                1,
                Some(name),
                format!(
                    "the header names this column twice (fields {} and {}); rename one",
                    i + 1,
                    j + 1
                ),
            )),
            _ => Err(Error::MissingColumn {
                path: self.name.clone(),
                column: name.to_string(),
                present: crate::error::excerpt(&self.headers.join(", "), 400),
            }),
        }
    }

    fn parse_error(&self, e: ParseError) -> Error {
        let col = |f: usize| self.headers.get(f).map(String::as_str);
        let bound = self.max_field;
        match e {
            ParseError::Io(io) => Error::io(&self.name, io),
            ParseError::Unterminated { line, field } => Error::input(
                &self.name,
                line,
                col(field),
                "a quoted field opens here and is never closed: the input ends inside it \
                 (a stray '\"'?)",
            ),
            ParseError::TooLong {
                line,
                field,
                quoted,
            } => {
                Error::input(
                    &self.name,
                    line,
                    col(field),
                    if quoted {
                        format!(
                        "a quoted field opens here and runs past {bound} bytes without closing \
                         (a stray '\"'?); if fields really are that long, raise --max-field-bytes"
                    )
                    } else {
                        format!("a field longer than {bound} bytes; raise --max-field-bytes if it is meant")
                    },
                )
            }
            ParseError::TooManyFields { line, max } if self.headers.is_empty() => Error::input(
                &self.name,
                line,
                None,
                format!("the header has more than {max} columns"),
            ),
            ParseError::TooManyFields { line, max } => Error::FieldCount {
                at: Location::new(&self.name, line, None),
                expected: max,
                found: None,
            },
        }
    }

    /// The next record, `Ok(None)` at the end.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        let n_headers = self.headers.len();
        match &mut self.inner {
            Inner::Delimited(p, rec) => {
                let found = p.read_record(rec, n_headers);
                let rec = match found {
                    Ok(false) => return Ok(None),
                    Ok(true) => &*rec,
                    Err(e) => return Err(self.parse_error(e)),
                };
                let line = rec.line();
                if rec.len() != n_headers {
                    return Err(Error::FieldCount {
                        at: Location::new(&self.name, line, None),
                        expected: n_headers,
                        found: Some(rec.len()),
                    });
                }
                let mut fields = Vec::with_capacity(n_headers);
                for i in 0..rec.len() {
                    match std::str::from_utf8(rec.field(i)) {
                        Ok(s) => fields.push(s.to_string()),
                        Err(e) => {
                            return Err(Error::input(
                                &self.name,
                                rec.starts[i],
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
                    kinds: Vec::new(),
                }))
            }
            Inner::Jsonl { first, .. } => {
                if let Some(r) = first.take() {
                    return Ok(Some(r));
                }
                match self.next_json_object()? {
                    Some((line, obj)) => Ok(Some(self.json_record(line, obj))),
                    None => Ok(None),
                }
            }
        }
    }

    fn next_json_object(&mut self) -> Result<Option<(u64, JsonRow)>> {
        let Inner::Jsonl {
            lines, line, buf, ..
        } = &mut self.inner
        else {
            return Ok(None);
        };
        loop {
            let got = read_line_bounded(lines, buf, self.max_field)
                .map_err(|e| Error::io(&self.name, e))?;
            *line += 1;
            match got {
                Line::End => return Ok(None),
                Line::TooLong => {
                    return Err(Error::input(
                        &self.name,
                        *line,
                        None,
                        format!(
                            "a line longer than {} bytes; raise --max-field-bytes if it is meant",
                            self.max_field
                        ),
                    ))
                }
                Line::Read => {}
            }
            let text = std::str::from_utf8(buf).map_err(|e| {
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
            if !text.starts_with('{') {
                return Err(Error::input(
                    &self.name,
                    *line,
                    None,
                    "expected a JSON object on each line",
                ));
            }
            return match JsonRow::parse(text) {
                Ok(obj) => Ok(Some((*line, obj))),
                Err(msg) => Err(Error::input(&self.name, *line, None, msg)),
            };
        }
    }

    fn json_record(&self, line: u64, obj: JsonRow) -> Record {
        let (fields, kinds) = obj.fields(&self.headers);
        Record {
            line,
            fields,
            json: Some(obj),
            kinds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(fmt: Format, text: &'static [u8]) -> Result<RecordReader> {
        RecordReader::from_reader("t".into(), Box::new(text), ReadOptions::new(fmt))
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
