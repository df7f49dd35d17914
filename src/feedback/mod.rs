//! Moderators' decisions, and the comments the service analyzed, kept in SQLite (WAL mode,
//! full sync): [`store`] writes them from the service, one transaction per group of requests,
//! answering each only once its rows are committed; [`export`] turns decisions back into a
//! training file; [`queue`] holds the comments waiting for a moderator's decision.

pub mod export;
pub mod queue;
pub mod queue_file;
pub mod store;

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;

/// The schema's version, in SQLite's `user_version`. Version 1 (no queue) is upgraded in
/// place: the queue's table is added.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS feedback (
    rowid INTEGER PRIMARY KEY,
    comment_id TEXT,
    text TEXT NOT NULL,
    target TEXT,
    decision TEXT,
    labels TEXT,
    decided_by TEXT,
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS analyzed (
    rowid INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    text TEXT NOT NULL,
    target TEXT,
    client_token TEXT,
    session_id TEXT,
    community_id TEXT,
    scores TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS queue (
    rowid INTEGER PRIMARY KEY,
    added_at TEXT NOT NULL,
    source TEXT NOT NULL,
    comment_id TEXT,
    text TEXT NOT NULL,
    target TEXT,
    story TEXT,
    lang TEXT,
    scores TEXT NOT NULL,
    output TEXT,
    margin REAL NOT NULL,
    reason TEXT,
    decision_row INTEGER
);
CREATE INDEX IF NOT EXISTS queue_waiting ON queue (decision_row, margin);";

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Data(format!("{}: {e}", path.display()))
}

/// Opens (creating if needed) a feedback database, refusing a file that is not one.
pub fn open(path: &Path, create: bool) -> Result<Connection> {
    if !create && !path.exists() {
        return Err(Error::Data(format!("{}: no such database", path.display())));
    }
    let c = Connection::open(path).map_err(|e| db_error(path, e))?;
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| db_error(path, e))?;
    let tables: i64 = c
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| db_error(path, e))?;
    if !(1..=SCHEMA_VERSION).contains(&version) && (version != 0 || tables != 0) {
        return Err(Error::Data(format!(
            "{}: not a gavel feedback database (schema version {version}, {tables} tables)",
            path.display()
        )));
    }
    c.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
         {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION};"
    ))
    .map_err(|e| db_error(path, e))?;
    Ok(c)
}

/// Opens a feedback database to read, writing nothing (the review pages, on every request:
/// the service's writer opened it, and upgraded it, at start).
pub fn open_read(path: &Path) -> Result<Connection> {
    let c = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| db_error(path, e))?;
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| db_error(path, e))?;
    if version != SCHEMA_VERSION {
        return Err(Error::Data(format!(
            "{}: not a gavel feedback database of schema version {SCHEMA_VERSION}",
            path.display()
        )));
    }
    Ok(c)
}

/// Seconds since the Unix epoch as RFC 3339.
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    crate::model::meta::rfc3339(secs)
}

/// A line on stderr for the operator; a closed stderr is ignored.
pub fn log(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "gavel: {msg}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db");
        std::fs::write(
            &p,
            b"this is not a database, just some text that is long enough..",
        )
        .unwrap();
        assert!(open(&p, true).is_err());
        let q = dir.path().join("other.db");
        let c = Connection::open(&q).unwrap();
        c.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 7;")
            .unwrap();
        drop(c);
        let e = open(&q, true).unwrap_err().to_string();
        assert!(e.contains("not a gavel feedback database"), "{e}");
        assert!(open(&dir.path().join("missing.db"), false).is_err());
        let n = dir.path().join("new.db");
        open(&n, true).unwrap();
        open(&n, false).unwrap();
    }
}
