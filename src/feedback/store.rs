//! The service's writer: one thread owns the database connection; requests hand it rows and
//! wait (feedback) or not (analyzed comments). It commits whatever has queued up as one
//! transaction, so a burst costs one sync, and answers each feedback request only after the
//! commit: an acknowledged decision survives the process being killed.

use crate::error::Result;
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// A moderator's decision on a comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub comment_id: Option<String>,
    pub text: String,
    pub target: Option<String>,
    /// approve, review or reject
    pub decision: Option<String>,
    /// label column → value, as a JSON object
    pub labels: Option<String>,
    pub decided_by: Option<String>,
}

/// An analyzed comment and its scores (a JSON object of attribute → score).
#[derive(Clone, Debug, PartialEq)]
pub struct Analyzed {
    pub text: String,
    pub target: Option<String>,
    pub client_token: Option<String>,
    pub session_id: Option<String>,
    pub community_id: Option<String>,
    pub scores: String,
}

/// A row id, or why the job could not be done.
type Answer = std::result::Result<i64, String>;

/// Work on the database that answers: a row id, or why the request cannot be done (the
/// outer error is the database's and fails the transaction).
pub type Call = Box<dyn FnOnce(&Connection) -> rusqlite::Result<Answer> + Send>;

enum Job {
    Decision(Decision, oneshot::Sender<Answer>),
    Analyzed(Analyzed),
    Call(Call, oneshot::Sender<Answer>),
}

/// Most rows in one transaction.
const GROUP: usize = 4096;

/// The handle requests write through; cheap to clone.
#[derive(Clone)]
pub struct Store {
    tx: mpsc::Sender<Job>,
    pub path: PathBuf,
}

impl Store {
    /// Opens the database and starts its writer thread.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = super::open(path, true)?;
        let (tx, rx) = mpsc::channel();
        let name = path.display().to_string();
        std::thread::Builder::new()
            .name("gavel-db".into())
            .spawn(move || writer(conn, rx, name))
            .map_err(|e| crate::error::Error::Data(format!("starting the database writer: {e}")))?;
        Ok(Store {
            tx,
            path: path.to_path_buf(),
        })
    }

    /// Stores a decision; answers with its row id once committed.
    pub async fn decision(&self, d: Decision) -> std::result::Result<i64, String> {
        let (ack, done) = oneshot::channel();
        self.tx
            .send(Job::Decision(d, ack))
            .map_err(|_| "the database writer has stopped".to_string())?;
        done.await
            .map_err(|_| "the database writer has stopped".to_string())?
    }

    /// Runs `f` in the writer's next transaction; answers once it is committed.
    pub async fn call(&self, f: Call) -> Answer {
        let (ack, done) = oneshot::channel();
        self.tx
            .send(Job::Call(f, ack))
            .map_err(|_| "the database writer has stopped".to_string())?;
        done.await
            .map_err(|_| "the database writer has stopped".to_string())?
    }

    /// Runs `f` in the writer's next transaction, not waited for.
    pub fn call_detached(&self, f: Call) {
        let (ack, _) = oneshot::channel();
        let _ = self.tx.send(Job::Call(f, ack));
    }

    /// Queues an analyzed comment; not waited for.
    pub fn analyzed(&self, a: Analyzed) {
        let _ = self.tx.send(Job::Analyzed(a));
    }
}

fn writer(mut conn: Connection, rx: mpsc::Receiver<Job>, name: String) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut acks = Vec::with_capacity(jobs.len());
        match commit(&mut conn, jobs, &mut acks) {
            Ok(answers) => {
                for (ack, a) in acks.into_iter().zip(answers) {
                    if let Some(ack) = ack {
                        let _ = ack.send(a);
                    }
                }
            }
            Err(e) => {
                let msg = format!("{name}: {e}");
                super::log(&format!("database write failed: {msg}"));
                for ack in acks.into_iter().flatten() {
                    let _ = ack.send(Err(msg.clone()));
                }
            }
        }
    }
}

/// Writes a decision into the `feedback` table; its row id.
pub(super) fn insert_decision(conn: &Connection, d: &Decision, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO feedback (comment_id, text, target, decision, labels, decided_by, \
         decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            d.comment_id,
            d.text,
            d.target,
            d.decision,
            d.labels,
            d.decided_by,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Writes every job in one transaction; the answer of each. Each job's acknowledgement (if
/// it waits for one) goes to `acks`, in order, whether or not the transaction commits.
fn commit(
    conn: &mut Connection,
    jobs: Vec<Job>,
    acks: &mut Vec<Option<oneshot::Sender<Answer>>>,
) -> rusqlite::Result<Vec<Answer>> {
    let now = super::now();
    let t = conn.transaction()?;
    let mut answers = Vec::with_capacity(jobs.len());
    let mut failed = None;
    for j in jobs {
        if failed.is_some() {
            // the transaction is lost: the rest only need their acknowledgements
            acks.push(match j {
                Job::Decision(_, ack) | Job::Call(_, ack) => Some(ack),
                Job::Analyzed(_) => None,
            });
            continue;
        }
        let answer = match j {
            Job::Call(f, ack) => {
                acks.push(Some(ack));
                f(&t)
            }
            Job::Decision(d, ack) => {
                acks.push(Some(ack));
                insert_decision(&t, &d, &now).map(Ok)
            }
            Job::Analyzed(a) => {
                acks.push(None);
                t.execute(
                    "INSERT INTO analyzed (received_at, text, target, client_token, session_id, \
                     community_id, scores) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        now,
                        a.text,
                        a.target,
                        a.client_token,
                        a.session_id,
                        a.community_id,
                        a.scores
                    ],
                )
                .map(|_| Ok(t.last_insert_rowid()))
            }
        };
        match answer {
            Ok(a) => answers.push(a),
            Err(e) => failed = Some(e),
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    t.commit()?;
    Ok(answers)
}
