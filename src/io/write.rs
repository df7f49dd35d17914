//! Writing rows as CSV, TSV or JSONL, to standard output or to a path through
//! [`Output`](super::output::Output) (atomic for files, in place for devices).

use super::decimal::push_fixed6;
use super::format::Format;
use super::jsonl::JsonRow;
use super::output::Output;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// A value appended to a row: a number (written as a JSON number in JSONL, with 6 decimals
/// in CSV and TSV), a whole number (a 0/1 flag), text, or empty.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Num(f64),
    Int(i64),
    Text(String),
    Empty,
}

enum Sink {
    Delimited(Box<csv::Writer<Output>>),
    Jsonl(Box<Output>),
}

/// Where rows go.
pub struct RecordWriter {
    sink: Sink,
    format: Format,
    headers: Vec<String>,
    /// per header: always written as a JSON string (never read as a number)
    text: Vec<bool>,
    /// reused to format numbers and JSON lines
    num: String,
    line: Vec<u8>,
}

impl RecordWriter {
    /// Writes to `path` (atomically for a file, see [`Output`]) or to standard output when
    /// `None` or `-`.
    pub fn create(path: Option<&Path>, format: Format) -> Result<RecordWriter> {
        Ok(Self::from_output(Output::create(path)?, format))
    }

    /// Writes to any byte sink (no rename at the end).
    pub fn to_writer(out: Box<dyn Write + Send>, format: Format) -> RecordWriter {
        Self::from_output(Output::to_writer(out, "<output>"), format)
    }

    fn from_output(out: Output, format: Format) -> RecordWriter {
        let sink = match format {
            Format::Csv => Sink::Delimited(Box::new(csv::WriterBuilder::new().from_writer(out))),
            Format::Tsv => Sink::Delimited(Box::new(
                csv::WriterBuilder::new()
                    .delimiter(b'\t')
                    .quote_style(csv::QuoteStyle::Never)
                    .from_writer(out),
            )),
            Format::Jsonl => Sink::Jsonl(Box::new(out)),
        };
        RecordWriter {
            sink,
            format,
            headers: Vec::new(),
            text: Vec::new(),
            num: String::new(),
            line: Vec::new(),
        }
    }

    fn name(&self) -> String {
        match &self.sink {
            Sink::Delimited(w) => w.get_ref().name().to_string(),
            Sink::Jsonl(o) => o.name().to_string(),
        }
    }

    /// Writes the header row (CSV/TSV) and remembers the column names (JSONL keys).
    pub fn write_header(&mut self, headers: &[String]) -> Result<()> {
        self.headers = headers.to_vec();
        self.text = vec![false; headers.len()];
        let name = self.name();
        if let Sink::Delimited(w) = &mut self.sink {
            let fields: Vec<Cow<str>> =
                headers.iter().map(|h| escape_tsv(self.format, h)).collect();
            w.write_record(fields.iter().map(|f| f.as_bytes()))
                .map_err(|e| write_error(&name, e))?;
        }
        Ok(())
    }

    /// Marks a column as text: in JSONL it is a string even when it reads as a number (a
    /// comment "1947" stays text). Other CSV/TSV fields that are JSON number literals are
    /// written as those numbers.
    pub fn mark_text(&mut self, column: &str) {
        for (h, t) in self.headers.iter().zip(&mut self.text) {
            *t |= h == column;
        }
    }

    /// Writes one row: `fields` (the kept input columns, in header order) then `extra`.
    /// For JSONL, `json` is the input object (the kept keys only), written as it was read
    /// with the `extra` keys added.
    pub fn write_row(
        &mut self,
        fields: &[&str],
        json: Option<&JsonRow>,
        extra: &[(&str, Cell)],
    ) -> Result<()> {
        let format = self.format;
        match &mut self.sink {
            Sink::Delimited(w) => {
                let num = &mut self.num;
                let mut write = || -> csv::Result<()> {
                    for f in fields {
                        w.write_field(escape_tsv(format, f).as_bytes())?;
                    }
                    for (_, c) in extra {
                        match c {
                            Cell::Num(v) => {
                                num.clear();
                                push_fixed6(num, *v);
                                w.write_field(num.as_bytes())?;
                            }
                            // most are 0/1 flags: written without the formatter
                            Cell::Int(v @ 0..=9) => w.write_field([b'0' + *v as u8])?,
                            Cell::Int(v) => {
                                num.clear();
                                let _ = write!(num, "{v}");
                                w.write_field(num.as_bytes())?;
                            }
                            Cell::Text(t) => w.write_field(escape_tsv(format, t).as_bytes())?,
                            Cell::Empty => w.write_field(b"")?,
                        }
                    }
                    w.write_record(None::<&[u8]>)
                };
                if let Err(e) = write() {
                    return Err(write_error(w.get_ref().name(), e));
                }
            }
            Sink::Jsonl(out) => {
                let line = &mut self.line;
                line.clear();
                line.push(b'{');
                let mut first = true;
                let mut key = |line: &mut Vec<u8>, k: &str| {
                    if !first {
                        line.push(b',');
                    }
                    first = false;
                    json_string(line, k);
                    line.push(b':');
                };
                match json {
                    Some(obj) => {
                        for (k, raw) in obj.pairs() {
                            key(line, k);
                            line.extend_from_slice(raw.as_bytes());
                        }
                    }
                    None => {
                        for ((h, f), &text) in self.headers.iter().zip(fields).zip(&self.text) {
                            key(line, h);
                            if !text && is_json_number(f) {
                                line.extend_from_slice(f.as_bytes());
                            } else {
                                json_string(line, f);
                            }
                        }
                    }
                }
                for (k, c) in extra {
                    key(line, k);
                    match c {
                        Cell::Num(v) => {
                            let v = (v * 1e6).round() / 1e6;
                            match serde_json::Number::from_f64(v) {
                                Some(n) => {
                                    let _ = serde_json::to_writer(&mut *line, &n);
                                }
                                None => line.extend_from_slice(b"null"),
                            }
                        }
                        Cell::Int(v) => {
                            let _ = serde_json::to_writer(&mut *line, v);
                        }
                        Cell::Text(t) => json_string(line, t),
                        Cell::Empty => line.extend_from_slice(b"null"),
                    }
                }
                line.extend_from_slice(b"}\n");
                if let Err(e) = out.write_all(line) {
                    return Err(Error::io(out.name(), e));
                }
            }
        }
        Ok(())
    }

    /// Flushes, and when writing to a file renames it into place.
    pub fn finish(self) -> Result<()> {
        let name = self.name();
        let out = match self.sink {
            Sink::Delimited(w) => w
                .into_inner()
                .map_err(|e| Error::io(&name, e.into_error()))?,
            Sink::Jsonl(o) => *o,
        };
        out.finish()
    }
}

/// Appends `s` as a JSON string.
fn json_string(out: &mut Vec<u8>, s: &str) {
    // writing to a Vec cannot fail
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Whether `s` is a JSON number literal exactly (`-12`, `3.5`, `1e2`; not `007`, `+1`, `.5`,
/// `NaN` or ` 1`).
pub fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// TSV has no quoting: a tab, line break or backslash inside a field is written as `\t`,
/// `\n`, `\r` or `\\`, so that a literal `\n` and a line break stay distinct.
fn escape_tsv(format: Format, s: &str) -> Cow<'_, str> {
    if format == Format::Tsv && s.contains(['\t', '\n', '\r', '\\']) {
        let mut o = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            match c {
                '\t' => o.push_str("\\t"),
                '\n' => o.push_str("\\n"),
                '\r' => o.push_str("\\r"),
                '\\' => o.push_str("\\\\"),
                c => o.push(c),
            }
        }
        Cow::Owned(o)
    } else {
        Cow::Borrowed(s)
    }
}

fn write_error(name: &str, e: csv::Error) -> Error {
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        _ => Error::Data(format!("{name}: {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn written(format: Format) -> String {
        let buf = Buf::default();
        let mut w = RecordWriter::to_writer(Box::new(buf.clone()), format);
        w.write_header(&["text".into(), "p_x".into()]).unwrap();
        w.write_row(&["a, \"b\"\tc"], None, &[("p_x", Cell::Num(0.25))])
            .unwrap();
        w.finish().unwrap();
        let v = buf.0.lock().unwrap().clone();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn formats_round_trip_text() {
        assert_eq!(
            written(Format::Csv),
            "text,p_x\n\"a, \"\"b\"\"\tc\",0.250000\n"
        );
        assert_eq!(written(Format::Tsv), "text\tp_x\na, \"b\"\\tc\t0.250000\n");
        assert_eq!(
            written(Format::Jsonl),
            "{\"text\":\"a, \\\"b\\\"\\tc\",\"p_x\":0.25}\n"
        );
    }

    #[test]
    fn path_output_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        let mut w = RecordWriter::create(Some(&p), Format::Csv).unwrap();
        w.write_header(&["a".into()]).unwrap();
        w.write_row(&["1"], None, &[]).unwrap();
        assert!(!p.exists());
        w.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a\n1\n");
    }
}
