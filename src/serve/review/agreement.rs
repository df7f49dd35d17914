//! How the model agrees with the moderators so far: over the decided comments of the queue,
//! the model "rejects" a comment when the score of its doubtful output is at or above the
//! model's threshold for it. The page gives the agreement rate, the decisions that most
//! disagreed with the score, and the commands that retrain from the decisions.

use super::page::marked_text;
use super::thresholds;
use crate::eval::tables::esc;
use crate::feedback::queue::Item;
use crate::serve::registry::Served;
use std::path::Path;

/// One decided comment against the model's call on it.
pub struct Compared<'a> {
    pub item: &'a Item,
    pub output: String,
    pub score: f64,
    pub threshold: f64,
    /// the moderator rejected it
    pub rejected: bool,
}

impl Compared<'_> {
    pub fn agrees(&self) -> bool {
        (self.score >= self.threshold) == self.rejected
    }

    /// How far the score is from the moderator's answer (1 for reject, 0 for approve).
    pub fn disagreement(&self) -> f64 {
        (self.score - self.rejected as u8 as f64).abs()
    }
}

/// The decided comments with an approve or reject decision, against the model's calls.
pub fn compare<'a>(served: &Served, items: &'a [Item]) -> Vec<Compared<'a>> {
    let th = thresholds(&served.model);
    items
        .iter()
        .filter_map(|it| {
            let d = it.decision.as_ref()?.decision.as_deref()?;
            let rejected = match d {
                "reject" => true,
                "approve" => false,
                _ => return None,
            };
            let output = it
                .output
                .clone()
                .or_else(|| it.scores.first().map(|s| s.0.clone()))?;
            let score = it.scores.iter().find(|s| s.0 == output)?.1;
            Some(Compared {
                item: it,
                threshold: th(&output),
                output,
                score,
                rejected,
            })
        })
        .collect()
}

/// The agreement section and the retraining commands.
pub fn render(served: &Served, items: &[Item], db: &Path) -> String {
    let cmp = compare(served, items);
    let mut h = String::new();
    if cmp.is_empty() {
        h.push_str(
            "<p class=\"empty\">No comment of the queue has been approved or rejected yet.</p>\n",
        );
    } else {
        let agree = cmp.iter().filter(|c| c.agrees()).count();
        let rejected = cmp.iter().filter(|c| c.rejected).count();
        h.push_str(&format!(
            "<p class=\"rate\">The model (<b>{}</b>, at its thresholds) agrees with <b>{agree} of \
             {n}</b> decisions ({:.0}%). Moderators rejected {rejected} and approved {}.</p>\n",
            esc(&served.name),
            100.0 * agree as f64 / cmp.len() as f64,
            cmp.len() - rejected,
            n = cmp.len()
        ));
        let mut worst: Vec<&Compared> = cmp.iter().filter(|c| !c.agrees()).collect();
        worst.sort_by(|a, b| b.disagreement().total_cmp(&a.disagreement()));
        worst.truncate(20);
        if !worst.is_empty() {
            h.push_str(
                "<h2>The decisions that most disagreed with the score</h2>\n<table class=\"worst\">\
                 <thead><tr><th scope=\"col\">comment</th><th scope=\"col\">output</th>\
                 <th scope=\"col\">score</th><th scope=\"col\">threshold</th>\
                 <th scope=\"col\">decision</th><th scope=\"col\">by</th></tr></thead><tbody>\n",
            );
            for c in worst {
                let d = c.item.decision.as_ref();
                h.push_str(&format!(
                    "<tr><td dir=\"auto\"><bdi>{}</bdi></td><td>{}</td><td>{:.3}</td><td>{:.3}</td>\
                     <td>{}</td><td>{}</td></tr>\n",
                    marked_text(&c.item.text, &[]),
                    esc(&c.output),
                    c.score,
                    c.threshold,
                    if c.rejected { "reject" } else { "approve" },
                    esc(d.and_then(|d| d.by.as_deref()).unwrap_or("—"))
                ));
            }
            h.push_str("</tbody></table>\n");
        }
    }
    let dbs = db.display().to_string();
    let model = &served.path;
    h.push_str(&format!(
        "<h2>Retrain from the decisions</h2>\n<p>Export the decisions, fold them into the \
         model (or add them to its training data and train again), and compare old and new on \
         labelled comments neither was tuned on; then load the new model with \
         <code>POST /v1/admin/reload</code> (or SIGHUP).</p>\n<pre><code>gavel feedback export --db {db} -o decisions.csv\n\
         gavel train --init {model} --data decisions.csv -o new.gavel\n\
         gavel eval --compare {model} new.gavel --data held_out.csv --out compare/</code></pre>\n\
         <p><code>compare/report.html</code> is the comparison. To fill the queue with the \
         comments most worth a label: <code>gavel suggest --model {model} --data \
         new_comments.csv -o suggested.csv</code> and <code>gavel queue add --db {db} --all \
         suggested.csv</code>.</p>\n",
        db = esc(&dbs),
        model = esc(model)
    ));
    h
}

/// Where the comparison report is: a link when it has been written, else what to run.
pub fn report_link(key: &str, path: Option<&Path>, written: bool) -> String {
    match (path, written) {
        (Some(p), true) => format!(
            "<p class=\"report\"><a href=\"/review/report?key={}\">The comparison report</a> \
             ({}).</p>\n",
            esc(&super::page::url_escape(key)),
            esc(&p.display().to_string())
        ),
        (Some(p), false) => format!(
            "<p class=\"report\">No comparison report at {} yet: the commands above write it; \
             this page links it once it is there.</p>\n",
            esc(&p.display().to_string())
        ),
        (None, _) => "<p class=\"report\">Start the service with <code>--compare-report \
             compare/report.html</code> to link the comparison from here.</p>\n"
            .to_string(),
    }
}
