//! The library's error type: every failure says what went wrong and where (file, line, column).

use std::path::PathBuf;

/// Where in an input file something was found. `line` is 1-based; `column` names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: u64,
    pub column: Option<String>,
}

impl Location {
    pub fn new(path: &str, line: u64, column: Option<&str>) -> Location {
        Location {
            path: path.to_string(),
            line,
            column: column.map(str::to_string),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column '{c}'")?;
        }
        Ok(())
    }
}

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// the cause is the error's `source()`, which reporters print after the path (`{:#}` in
    /// anyhow gives `path: cause`)
    #[error("{path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: {msg}")]
    Input { at: Location, msg: String },
    #[error("{path}: missing column '{column}' (columns present: {present})")]
    MissingColumn {
        path: String,
        column: String,
        present: String,
    },
    #[error("{path}: not a gavel model: {msg}")]
    BadModel { path: String, msg: String },
    #[error("invalid parameter: {0}")]
    Param(String),
    #[error("{0}")]
    Data(String),
    #[error("{at}: {problem}")]
    Target { at: Location, problem: TargetError },
    /// a record with another number of fields than the header (`found: None`: more than
    /// `expected`, the rest not read)
    #[error("{at}: expected {expected} fields (as in the header), found {}", found.map_or("more".to_string(), |n| n.to_string()))]
    FieldCount {
        at: Location,
        expected: usize,
        found: Option<usize>,
    },
    /// a label the model does not know (evaluating a model on a labelled file)
    #[error("{at}: unknown label '{}' (the model knows: {})", excerpt(.value, 60), known_list(.known))]
    UnknownLabel {
        at: Location,
        value: String,
        known: Vec<String>,
    },
}

/// Why a row's target cannot be scored by a per-target model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// a target the model was not trained on
    #[error(
        "unknown target '{}' (the model knows: {}; --any-target scores it with the mean of their heads)",
        excerpt(.value, 60),
        known_list(.known)
    )]
    Unknown { value: String, known: Vec<String> },
    /// no target given to a model that needs one
    #[error("the model needs a '{column}' column")]
    Missing { column: String },
}

/// At most 20 names, then an ellipsis.
fn known_list(known: &[String]) -> String {
    let mut v: Vec<&str> = known.iter().take(20).map(String::as_str).collect();
    if known.len() > 20 {
        v.push("…");
    }
    v.join(", ")
}

impl Error {
    /// Where in an input file the error is, when it is about one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Input { at, .. }
            | Error::Target { at, .. }
            | Error::FieldCount { at, .. }
            | Error::UnknownLabel { at, .. } => Some(at),
            _ => None,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub fn input(path: &str, line: u64, column: Option<&str>, msg: impl Into<String>) -> Self {
        Error::Input {
            at: Location::new(path, line, column),
            msg: msg.into(),
        }
    }
}

/// `s` for quoting in a message: whole when short, else its first `max` characters and how
/// long it was, so that an error never echoes a 50 MB field.
pub fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes)", &s[..cut], s.len()),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A target error carries the value and the known targets, and says both briefly; the
    /// error's location names file, line and column.
    #[test]
    fn target_errors_carry_their_values() {
        let known: Vec<String> = (0..30).map(|i| format!("t{i}")).collect();
        let e = Error::Target {
            at: Location {
                path: "d.csv".into(),
                line: 7,
                column: Some("target".into()),
            },
            problem: TargetError::Unknown {
                value: "x".repeat(1000),
                known: known.clone(),
            },
        };
        let msg = e.to_string();
        assert!(
            msg.starts_with("d.csv:7, column 'target': unknown target 'xxx"),
            "{msg}"
        );
        assert!(
            msg.contains("(1000 bytes)") && msg.contains("t19, …;"),
            "{msg}"
        );
        assert!(msg.len() < 400, "{msg}");
        assert_eq!(e.location().map(|l| l.line), Some(7));
        match e {
            Error::Target {
                problem: TargetError::Unknown { known: k, .. },
                ..
            } => assert_eq!(k, known),
            other => panic!("{other}"),
        }
        assert!(Error::Data("x".into()).location().is_none());
    }
}
