//! The library's error type: every failure says what went wrong and where (file, line, column).

use std::path::PathBuf;

/// Where in an input file something was found. `line` is 1-based; `column` names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: u64,
    pub column: Option<String>,
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
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub fn input(path: &str, line: u64, column: Option<&str>, msg: impl Into<String>) -> Self {
        Error::Input {
            at: Location {
                path: path.to_string(),
                line,
                column: column.map(str::to_string),
            },
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
