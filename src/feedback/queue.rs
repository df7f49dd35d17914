//! The review queue: comments waiting for a moderator's decision, each with the scores it was
//! given, the output that made it doubtful and how far that output's score is from its
//! threshold (`margin`: the smallest is the most uncertain). Deciding an item writes the
//! decision to the `feedback` table, where `gavel feedback export` finds it, and notes its row
//! in the item; undoing deletes that row again.

use rusqlite::{params, Connection, OptionalExtension};

/// A comment to put in the queue.
#[derive(Clone, Debug, PartialEq)]
pub struct NewItem {
    /// where it came from: `FILE:LINE`, or `api`
    pub source: String,
    pub comment_id: Option<String>,
    pub text: String,
    pub target: Option<String>,
    pub story: Option<String>,
    pub lang: Option<String>,
    /// output → probability, in the model's order
    pub scores: Vec<(String, f64)>,
    /// the policy's reason for sending it to review
    pub reason: Option<String>,
}

/// A comment in the queue, waiting or decided.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: i64,
    pub added_at: String,
    pub source: String,
    pub comment_id: Option<String>,
    pub text: String,
    pub target: Option<String>,
    pub story: Option<String>,
    pub lang: Option<String>,
    pub scores: Vec<(String, f64)>,
    /// the output nearest its threshold
    pub output: Option<String>,
    pub margin: f64,
    pub reason: Option<String>,
    /// (approve/reject/review, labels JSON, who, when) once decided
    pub decision: Option<Decided>,
}

/// A moderator's decision on a queued comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Decided {
    pub decision: Option<String>,
    pub labels: Option<String>,
    pub by: Option<String>,
    pub at: String,
}

/// Which queued comments to list, and in which order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub story: Option<String>,
    pub target: Option<String>,
    pub lang: Option<String>,
    pub output: Option<String>,
    /// newest first, instead of most uncertain first
    pub newest: bool,
    /// decided ones instead of waiting ones (latest decision first)
    pub decided: bool,
    pub limit: usize,
}

/// The output that makes a comment doubtful, and how far its score is from its threshold
/// (`threshold(output)`): among the outputs the policy's `reason` names (`p_x 0.43 >= 0.31;
/// …`), else among all, the one nearest its threshold.
pub fn doubt(
    scores: &[(String, f64)],
    reason: Option<&str>,
    threshold: &dyn Fn(&str) -> f64,
) -> (Option<String>, f64) {
    let named: Vec<&str> = reason
        .unwrap_or("")
        .split("; ")
        .filter_map(|c| c.split_whitespace().next())
        .collect();
    let pick = |only_named: bool| {
        scores
            .iter()
            .filter(|(o, _)| !only_named || named.contains(&o.as_str()))
            .map(|(o, p)| (o, (p - threshold(o)).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    pick(true)
        .or_else(|| pick(false))
        .map_or((None, 1.0), |(o, m)| (Some(o.clone()), m))
}

/// The model's threshold per output name (0.5 for a softmax head's classes, and for a name
/// it lacks), for the margins of comments queued with its scores; owned, so that the
/// database's writer can take it.
pub fn thresholds(model: &crate::model::Model) -> impl Fn(&str) -> f64 + Send + 'static {
    let k = model.spec.link().k();
    let table: Vec<(String, f64)> = model
        .output_names()
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let t = match k {
                1 => model.heads.get(i).map_or(0.5, |h| h.threshold()),
                _ => 0.5,
            };
            (o, t)
        })
        .collect();
    move |o: &str| table.iter().find(|x| x.0 == o).map_or(0.5, |x| x.1)
}

/// Adds `items` in one transaction; each item's doubtful output and margin come from
/// `threshold`. Returns their ids.
pub fn add(
    conn: &mut Connection,
    items: &[NewItem],
    threshold: &dyn Fn(&str) -> f64,
) -> rusqlite::Result<Vec<i64>> {
    let t = conn.transaction()?;
    let ids = add_in(&t, items, threshold)?;
    t.commit()?;
    Ok(ids)
}

/// [`add`] inside a transaction the caller commits.
pub fn add_in(
    conn: &Connection,
    items: &[NewItem],
    threshold: &dyn Fn(&str) -> f64,
) -> rusqlite::Result<Vec<i64>> {
    let now = super::now();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO queue (added_at, source, comment_id, text, target, story, lang, scores, \
         output, margin, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut ids = Vec::with_capacity(items.len());
    for it in items {
        let (output, margin) = doubt(&it.scores, it.reason.as_deref(), threshold);
        let scores: serde_json::Map<String, serde_json::Value> = it
            .scores
            .iter()
            .map(|(o, p)| (o.clone(), serde_json::json!(p)))
            .collect();
        stmt.execute(params![
            now,
            it.source,
            it.comment_id,
            it.text,
            it.target,
            it.story,
            it.lang,
            serde_json::Value::Object(scores).to_string(),
            output,
            margin,
            it.reason
        ])?;
        ids.push(conn.last_insert_rowid());
    }
    Ok(ids)
}

const COLUMNS: &str = "q.rowid, q.added_at, q.source, q.comment_id, q.text, q.target, q.story, \
    q.lang, q.scores, q.output, q.margin, q.reason, f.decision, f.labels, f.decided_by, \
    f.decided_at";

fn item(r: &rusqlite::Row) -> rusqlite::Result<Item> {
    let scores: String = r.get(8)?;
    let scores = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&scores)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.as_f64().map(|p| (k, p)))
        .collect();
    let at: Option<String> = r.get(15)?;
    Ok(Item {
        id: r.get(0)?,
        added_at: r.get(1)?,
        source: r.get(2)?,
        comment_id: r.get(3)?,
        text: r.get(4)?,
        target: r.get(5)?,
        story: r.get(6)?,
        lang: r.get(7)?,
        scores,
        output: r.get(9)?,
        margin: r.get(10)?,
        reason: r.get(11)?,
        decision: match at {
            Some(at) => Some(Decided {
                decision: r.get(12)?,
                labels: r.get(13)?,
                by: r.get(14)?,
                at,
            }),
            None => None,
        },
    })
}

/// The queued comments `filter` asks for.
pub fn list(conn: &Connection, filter: &Filter) -> rusqlite::Result<Vec<Item>> {
    let order = match (filter.decided, filter.newest) {
        (true, _) => "f.rowid DESC",
        (false, true) => "q.rowid DESC",
        (false, false) => "q.margin, q.rowid",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM queue q LEFT JOIN feedback f ON f.rowid = q.decision_row \
         WHERE (q.decision_row IS NOT NULL) = ?1 AND (?2 IS NULL OR q.story = ?2) \
         AND (?3 IS NULL OR q.target = ?3) AND (?4 IS NULL OR q.lang = ?4) \
         AND (?5 IS NULL OR q.output = ?5) ORDER BY {order} LIMIT ?6"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![
            filter.decided,
            filter.story,
            filter.target,
            filter.lang,
            filter.output,
            filter.limit as i64
        ],
        item,
    )?;
    rows.collect()
}

/// One queued comment.
pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Item>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM queue q LEFT JOIN feedback f ON f.rowid = q.decision_row \
         WHERE q.rowid = ?1"
    );
    conn.query_row(&sql, [id], item).optional()
}

/// How many comments wait, and how many are decided.
pub fn counts(conn: &Connection) -> rusqlite::Result<(usize, usize)> {
    conn.query_row(
        "SELECT count(*) - count(decision_row), count(decision_row) FROM queue",
        [],
        |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
    )
}

/// The values a waiting comment has in `column` (story, target, lang or output), for the
/// filters, most common first.
pub fn values(conn: &Connection, column: &str) -> rusqlite::Result<Vec<String>> {
    if !["story", "target", "lang", "output"].contains(&column) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {column} FROM queue WHERE decision_row IS NULL AND {column} IS NOT NULL \
         GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 200"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Decides queued comment `id`, recorded as `by`: the decision goes to the `feedback` table.
/// Returns its row there, or why it could not be decided (no such comment, decided already).
pub fn decide(
    conn: &Connection,
    id: i64,
    decision: &str,
    labels: Option<&str>,
    by: Option<&str>,
) -> rusqlite::Result<Result<i64, String>> {
    let Some(it) = get(conn, id)? else {
        return Ok(Err(format!("no comment {id} in the queue")));
    };
    if it.decision.is_some() {
        return Ok(Err(format!(
            "comment {id} is decided already: undo that first"
        )));
    }
    let d = super::store::Decision {
        comment_id: it.comment_id,
        text: it.text,
        target: it.target,
        decision: Some(decision.to_string()),
        labels: labels.map(str::to_string),
        decided_by: by.map(str::to_string),
    };
    let row = super::store::insert_decision(conn, &d, &super::now())?;
    conn.execute(
        "UPDATE queue SET decision_row = ?1 WHERE rowid = ?2",
        params![row, id],
    )?;
    Ok(Ok(row))
}

/// Takes back the decision on queued comment `id`: its row leaves the `feedback` table and
/// the comment waits again.
pub fn undo(conn: &Connection, id: i64) -> rusqlite::Result<Result<i64, String>> {
    let row: Option<Option<i64>> = conn
        .query_row(
            "SELECT decision_row FROM queue WHERE rowid = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let row = match row {
        None => return Ok(Err(format!("no comment {id} in the queue"))),
        Some(None) => return Ok(Err(format!("comment {id} is not decided"))),
        Some(Some(r)) => r,
    };
    conn.execute("DELETE FROM feedback WHERE rowid = ?1", [row])?;
    conn.execute(
        "UPDATE queue SET decision_row = NULL WHERE rowid = ?1",
        [id],
    )?;
    Ok(Ok(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str, p: f64) -> NewItem {
        NewItem {
            source: "t.csv:2".into(),
            comment_id: Some(text.len().to_string()),
            text: text.into(),
            target: None,
            story: Some("haqqani".into()),
            lang: Some("en".into()),
            scores: vec![("p_abusive".into(), p), ("p_hate".into(), 0.01)],
            reason: Some("p_abusive 0.45 >= 0.31".into()),
        }
    }

    #[test]
    fn decide_and_undo_move_rows_between_queue_and_feedback() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = super::super::open(&dir.path().join("q.db"), true).unwrap();
        let th = |o: &str| if o == "p_abusive" { 0.5 } else { 0.2 };
        let ids = add(&mut c, &[item("far", 0.9), item("near", 0.45)], &th).unwrap();
        let waiting = list(
            &c,
            &Filter {
                limit: 10,
                ..Filter::default()
            },
        )
        .unwrap();
        // most uncertain first: 0.45 is 0.05 from its threshold
        assert_eq!(waiting[0].text, "near");
        assert_eq!(waiting[0].output.as_deref(), Some("p_abusive"));
        assert!((waiting[0].margin - 0.05).abs() < 1e-12);
        // p_hate is nearer its threshold (0.19 away), but the reason names p_abusive
        assert_eq!(waiting[1].output.as_deref(), Some("p_abusive"));
        let row = decide(&c, ids[0], "reject", None, Some("amna"))
            .unwrap()
            .unwrap();
        assert!(decide(&c, ids[0], "approve", None, None).unwrap().is_err());
        assert_eq!(counts(&c).unwrap(), (1, 1));
        let done = list(
            &c,
            &Filter {
                decided: true,
                limit: 10,
                ..Filter::default()
            },
        )
        .unwrap();
        assert_eq!(
            done[0].decision.as_ref().unwrap().by.as_deref(),
            Some("amna")
        );
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM feedback WHERE rowid = ?1",
                [row],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(undo(&c, ids[0]).unwrap(), Ok(row));
        assert!(undo(&c, ids[0]).unwrap().is_err());
        assert!(decide(&c, 99, "approve", None, None).unwrap().is_err());
        assert_eq!(counts(&c).unwrap(), (2, 0));
        let n: i64 = c
            .query_row("SELECT count(*) FROM feedback", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(values(&c, "story").unwrap(), vec!["haqqani".to_string()]);
        assert!(values(&c, "text; DROP TABLE queue").unwrap().is_empty());
    }

    #[test]
    fn a_version_1_database_gains_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v1.db");
        let c = Connection::open(&p).unwrap();
        c.execute_batch(
            "CREATE TABLE feedback (rowid INTEGER PRIMARY KEY, comment_id TEXT, text TEXT NOT \
             NULL, target TEXT, decision TEXT, labels TEXT, decided_by TEXT, decided_at TEXT \
             NOT NULL); PRAGMA user_version = 1;",
        )
        .unwrap();
        drop(c);
        let mut c = super::super::open(&p, false).unwrap();
        add(&mut c, &[item("x", 0.4)], &|_| 0.5).unwrap();
        assert_eq!(counts(&c).unwrap(), (1, 0));
    }
}
