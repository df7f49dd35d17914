//! Writing rows as CSV, TSV or JSONL, to standard output or atomically to a path (a
//! temporary file beside it, renamed into place when every row is written).

use super::format::Format;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A value appended to a row: a number (written as a JSON number in JSONL), text, or empty.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Num(f64),
    Text(String),
    Empty,
}

impl Cell {
    fn to_json(&self) -> Value {
        match self {
            Cell::Num(v) => serde_json::Number::from_f64((v * 1e6).round() / 1e6)
                .map_or(Value::Null, Value::Number),
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Empty => Value::Null,
        }
    }
}

enum Sink {
    Delimited(Box<csv::Writer<Box<dyn Write + Send>>>),
    Jsonl(Box<dyn Write + Send>),
}

/// Where rows go, and the temporary file to rename at the end when writing to a path.
pub struct RecordWriter {
    sink: Sink,
    format: Format,
    pending: Option<(tempfile::TempPath, PathBuf)>,
    headers: Vec<String>,
    /// reused to format numbers
    num: String,
}

impl RecordWriter {
    /// Writes to `path` (atomically) or to standard output when `None` or `-`.
    pub fn create(path: Option<&Path>, format: Format) -> Result<RecordWriter> {
        let (out, pending): (Box<dyn Write + Send>, _) = match path {
            Some(p) if p.as_os_str() != "-" => {
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
                crate::model::file::set_public(tmp.as_file(), p)?;
                let (file, tpath) = tmp.into_parts();
                (
                    Box::new(BufWriter::with_capacity(1 << 16, file)),
                    Some((tpath, p.to_path_buf())),
                )
            }
            _ => (
                Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout())),
                None,
            ),
        };
        Ok(Self::from_writer(out, format, pending))
    }

    /// Writes to any byte sink (no rename at the end).
    pub fn to_writer(out: Box<dyn Write + Send>, format: Format) -> RecordWriter {
        Self::from_writer(out, format, None)
    }

    fn from_writer(
        out: Box<dyn Write + Send>,
        format: Format,
        pending: Option<(tempfile::TempPath, PathBuf)>,
    ) -> RecordWriter {
        let sink = match format {
            Format::Csv => Sink::Delimited(Box::new(csv::WriterBuilder::new().from_writer(out))),
            Format::Tsv => Sink::Delimited(Box::new(
                csv::WriterBuilder::new()
                    .delimiter(b'\t')
                    .quote_style(csv::QuoteStyle::Never)
                    .from_writer(out),
            )),
            Format::Jsonl => Sink::Jsonl(out),
        };
        RecordWriter {
            sink,
            format,
            pending,
            headers: Vec::new(),
            num: String::new(),
        }
    }

    fn name(&self) -> String {
        self.pending
            .as_ref()
            .map_or("<stdout>".into(), |p| p.1.display().to_string())
    }

    /// Writes the header row (CSV/TSV) and remembers the column names (JSONL keys).
    pub fn write_header(&mut self, headers: &[String]) -> Result<()> {
        self.headers = headers.to_vec();
        let name = self.name();
        if let Sink::Delimited(w) = &mut self.sink {
            let fields: Vec<Cow<str>> =
                headers.iter().map(|h| escape_tsv(self.format, h)).collect();
            w.write_record(fields.iter().map(|f| f.as_bytes()))
                .map_err(|e| write_error(&name, e))?;
        }
        Ok(())
    }

    /// Writes one row: `fields` (the kept input columns, in header order) then `extra`.
    /// For JSONL, `json` is the input object, written whole with `extra` keys added.
    pub fn write_row(
        &mut self,
        fields: &[&str],
        json: Option<&Map<String, Value>>,
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
                                let _ = write!(num, "{v:.6}");
                                w.write_field(num.as_bytes())?;
                            }
                            Cell::Text(t) => w.write_field(t.as_bytes())?,
                            Cell::Empty => w.write_field(b"")?,
                        }
                    }
                    w.write_record(None::<&[u8]>)
                };
                if let Err(e) = write() {
                    return Err(write_error(&self.name(), e));
                }
            }
            Sink::Jsonl(w) => {
                let mut obj = match json {
                    Some(o) => o.clone(),
                    None => self
                        .headers
                        .iter()
                        .zip(fields)
                        .map(|(h, f)| (h.clone(), Value::String(f.to_string())))
                        .collect(),
                };
                for (k, c) in extra {
                    obj.insert(k.to_string(), c.to_json());
                }
                serde_json::to_writer(&mut *w, &obj).map_err(|e| Error::Data(e.to_string()))?;
                if let Err(e) = w.write_all(b"\n") {
                    return Err(Error::io(self.name(), e));
                }
            }
        }
        Ok(())
    }

    /// Flushes, and when writing to a path renames the finished file into place.
    pub fn finish(self) -> Result<()> {
        let name = self.name();
        match self.sink {
            Sink::Delimited(mut w) => w.flush().map_err(|e| Error::io(&name, e))?,
            Sink::Jsonl(mut w) => w.flush().map_err(|e| Error::io(&name, e))?,
        }
        if let Some((tmp, dest)) = self.pending {
            tmp.persist(&dest).map_err(|e| Error::io(&dest, e.error))?;
        }
        Ok(())
    }
}

/// TSV has no quoting: tabs and line breaks inside a field are written as `\t`, `\n`, `\r`.
fn escape_tsv(format: Format, s: &str) -> Cow<'_, str> {
    if format == Format::Tsv && s.contains(['\t', '\n', '\r']) {
        Cow::Owned(
            s.replace('\t', "\\t")
                .replace('\n', "\\n")
                .replace('\r', "\\r"),
        )
    } else {
        Cow::Borrowed(s)
    }
}

fn write_error(name: &str, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        other => Error::Data(format!("{name}: {other:?}")),
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
