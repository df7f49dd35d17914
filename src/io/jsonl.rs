//! JSON Lines: one object per line, each value kept exactly as written (a 30-digit id or
//! `1e2` is passed through as those characters, not as a float), and no line longer than a
//! bound.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::io::BufRead;

/// One JSON object: its keys in order, each with its value as written.
#[derive(Debug, Clone, Default)]
pub struct JsonRow {
    pairs: Vec<(String, Box<RawValue>)>,
}

/// What a value is, as far as reading a field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// a string, or `null` / absent (read as empty text)
    Text,
    /// a number, `true`/`false`, an array or an object (read as its JSON text)
    Other,
}

impl JsonRow {
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_str())
    }

    /// The pair of `key`, if present.
    fn find(&self, key: &str) -> Option<&(String, Box<RawValue>)> {
        self.pairs.iter().find(|(k, _)| k == key)
    }

    /// The value of `key` as written, if present.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.find(key).map(|(_, v)| v.get())
    }

    /// The pairs in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.get()))
    }

    /// The fields of `headers` as text: a string unescaped, `null` or an absent key empty,
    /// anything else its JSON text; and which were not strings.
    pub fn fields(&self, headers: &[String]) -> (Vec<String>, Vec<ValueKind>) {
        // a key → position index only pays off on wide objects
        let index: Option<std::collections::HashMap<&str, usize>> =
            (self.pairs.len() > 16).then(|| {
                self.pairs
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.as_str(), i))
                    .collect()
            });
        let mut fields = Vec::with_capacity(headers.len());
        let mut kinds = Vec::with_capacity(headers.len());
        for h in headers {
            let v = match &index {
                Some(ix) => ix.get(h.as_str()).map(|&i| self.pairs[i].1.get()),
                None => self.raw(h),
            };
            let (text, kind) = match v {
                None | Some("null") => (String::new(), ValueKind::Text),
                Some(s) if s.starts_with('"') => (
                    serde_json::from_str::<String>(s).unwrap_or_default(),
                    ValueKind::Text,
                ),
                Some(s) => (s.to_string(), ValueKind::Other),
            };
            fields.push(text);
            kinds.push(kind);
        }
        (fields, kinds)
    }

    /// Only the pairs whose key is in `keys`, in the order of `keys` (absent keys are left
    /// out).
    pub fn select(&self, keys: &[String]) -> JsonRow {
        JsonRow {
            pairs: keys.iter().filter_map(|k| self.find(k).cloned()).collect(),
        }
    }

    /// Parses one object; the error is serde_json's, or names a key given twice.
    pub fn parse(text: &str) -> Result<JsonRow, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let row = de
            .deserialize_map(RowVisitor)
            .map_err(|e| format!("invalid JSON at character {}: {e}", e.column()))?;
        de.end()
            .map_err(|e| format!("invalid JSON at character {}: {e}", e.column()))?;
        Ok(row)
    }
}

struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = JsonRow;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonRow, A::Error> {
        let mut pairs: Vec<(String, Box<RawValue>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
            if !seen.insert(k.clone()) {
                return Err(serde::de::Error::custom(format!("key '{k}' appears twice")));
            }
            pairs.push((k, v));
        }
        Ok(JsonRow { pairs })
    }
}

/// What [`read_line_bounded`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// a line, in the buffer without its `\n`
    Read,
    /// a line longer than the bound (the reader stops there: the rest is not read, so an
    /// endless line costs neither memory nor time)
    TooLong,
    /// the end of the input
    End,
}

/// Reads one line into `buf` (cleared first), holding at most `max` bytes of it.
pub fn read_line_bounded<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Line> {
    buf.clear();
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if any { Line::Read } else { Line::End });
        }
        any = true;
        let nl = chunk.iter().position(|&b| b == b'\n');
        let body = nl.unwrap_or(chunk.len());
        let over = buf.len() + body > max;
        if !over {
            buf.extend_from_slice(&chunk[..body]);
        }
        if over {
            return Ok(Line::TooLong);
        }
        r.consume(nl.map_or(body, |i| i + 1));
        if nl.is_some() {
            return Ok(Line::Read);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_form() {
        let r = JsonRow::parse(
            r#"{"id":123456789012345678901234567890,"x":1e2,"t":"a\"b","n":null,"o":{"k":[1, 2]}}"#,
        )
        .unwrap();
        let h: Vec<String> = ["id", "x", "t", "n", "o", "missing"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (f, k) = r.fields(&h);
        assert_eq!(
            f,
            [
                "123456789012345678901234567890",
                "1e2",
                "a\"b",
                "",
                "{\"k\":[1, 2]}",
                ""
            ]
        );
        use ValueKind::*;
        assert_eq!(k, [Other, Other, Text, Text, Other, Text]);
        assert_eq!(r.raw("x"), Some("1e2"));
    }

    #[test]
    fn bad_objects_are_refused() {
        assert!(JsonRow::parse("[1]").is_err());
        assert!(JsonRow::parse(r#"{"a":1} x"#).is_err());
        let e = JsonRow::parse(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(e.contains("'a' appears twice"), "{e}");
    }

    #[test]
    fn lines_are_bounded() {
        let mut r = std::io::BufReader::with_capacity(4, &b"abc\nabcdefgh\nxy"[..]);
        let mut buf = vec![];
        let mut next = |buf: &mut Vec<u8>| read_line_bounded(&mut r, buf, 5).unwrap();
        assert_eq!(next(&mut buf), Line::Read);
        assert_eq!(buf, b"abc");
        assert_eq!(next(&mut buf), Line::TooLong);
    }
}
