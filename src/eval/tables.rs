//! The tables of a head's report, built once and rendered as Markdown or HTML, so both
//! formats always show the same figures.

use super::compare::MetricDiff;
use super::cv::Spread;
use super::report::HeadReport;

/// A table of cells, built once and rendered as Markdown or HTML.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// which columns hold text (left-aligned), not figures
    pub text: Vec<bool>,
}

/// One cell: preformatted text, or n-grams with their contributions to a logit (rendered as
/// code with signed figures, in the style of each format).
pub enum Cell {
    Plain(String),
    Grams(Vec<(String, f64)>),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Plain(s)
    }
}

impl Table {
    /// A table of preformatted cells whose first `text_cols` columns hold text.
    pub fn new(header: Vec<String>, rows: Vec<Vec<String>>, text_cols: usize) -> Table {
        let n = header.len();
        Table {
            header,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::from).collect())
                .collect(),
            text: (0..n).map(|i| i < text_cols).collect(),
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A figure with four decimals, or a dash when undefined.
pub fn opt(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.4}"))
}

fn table(header: &[&str], rows: Vec<Vec<String>>, text_cols: usize) -> Table {
    Table::new(
        header.iter().map(|h| h.to_string()).collect(),
        rows,
        text_cols,
    )
}

/// The worst errors of a head, with the n-gram columns that drove each, if it has any.
pub fn errors(h: &HeadReport) -> Option<Table> {
    if h.errors.is_empty() {
        return None;
    }
    let header = [
        "kind",
        "line",
        "truth",
        "predicted",
        "score",
        "comment",
        "driven by",
    ];
    let rows = h
        .errors
        .iter()
        .map(|e| {
            vec![
                Cell::Plain(e.kind.clone()),
                Cell::Plain(e.line.to_string()),
                Cell::Plain(e.truth.clone()),
                Cell::Plain(e.predicted.clone()),
                Cell::Plain(format!("{:.3}", e.score)),
                Cell::Plain(e.text.clone()),
                Cell::Grams(e.drivers.clone()),
            ]
        })
        .collect();
    Some(Table {
        header: header.map(String::from).to_vec(),
        rows,
        text: vec![true, false, false, false, false, true, true],
    })
}

/// Headline metrics and the expected calibration error.
pub fn metrics(h: &HeadReport) -> Table {
    let mut rows: Vec<Vec<String>> = h
        .headline()
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, v)| vec![k.to_string(), opt(v)])
        .collect();
    let r = &h.curves.reliability;
    rows.push(vec![
        format!("expected calibration error ({})", r.of),
        format!("{:.4}", r.ece),
    ]);
    if let Some(c) = &h.calibration {
        rows.push(vec![
            "expected calibration error before calibration".into(),
            format!("{:.4}", c.before.ece),
        ]);
        rows.push(vec![
            "log_loss before calibration".into(),
            format!("{:.4}", c.log_loss_before),
        ]);
        rows.push(vec![
            "brier before calibration".into(),
            format!("{:.4}", c.brier_before),
        ]);
    }
    table(&["metric", "value"], rows, 1)
}

/// Precision, recall, F1, support and one-vs-rest AUCs per class.
pub fn per_class(h: &HeadReport) -> Table {
    let rows = h
        .per_class
        .iter()
        .map(|c| {
            vec![
                c.class.clone(),
                format!("{:.4}", c.precision),
                format!("{:.4}", c.recall),
                format!("{:.4}", c.f1),
                c.support.to_string(),
                opt(c.roc_auc),
                opt(c.pr_auc),
            ]
        })
        .collect();
    let header = [
        "class",
        "precision",
        "recall",
        "F1",
        "support",
        "ROC-AUC",
        "PR-AUC",
    ];
    table(&header, rows, 1)
}

/// Figures per target value (per-target models), if any.
pub fn by_target(h: &HeadReport) -> Option<Table> {
    if h.by_target.is_empty() {
        return None;
    }
    let rows = h
        .by_target
        .iter()
        .map(|t| {
            vec![
                t.target.clone(),
                t.rows.to_string(),
                format!("{:.4}", t.accuracy),
                format!("{:.4}", t.macro_f1),
                opt(t.f_avg),
            ]
        })
        .collect();
    let header = ["target", "rows", "accuracy", "macro-F1", "F_avg"];
    Some(table(&header, rows, 1))
}

/// Every headline metric per value of a grouping column (`eval --by`, `cv --group`), if any;
/// and the column's name.
pub fn by_group(h: &HeadReport) -> Option<(String, Table)> {
    let g = h.by_group.as_ref()?;
    let names: Vec<String> = g
        .groups
        .first()
        .map(|x| x.metrics.iter().map(|m| m.0.clone()).collect())
        .unwrap_or_default();
    // a metric no group has (F_avg of a binary head) is left out
    let shown: Vec<usize> = (0..names.len())
        .filter(|&m| g.groups.iter().any(|x| x.metrics[m].1.is_some()))
        .collect();
    let rows = g
        .groups
        .iter()
        .map(|x| {
            let mut r = vec![
                x.value.clone(),
                x.rows.to_string(),
                x.positives
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(" / "),
            ];
            r.extend(shown.iter().map(|&m| opt(x.metrics[m].1)));
            r
        })
        .collect();
    let positives = match h.positive.as_deref() {
        Some(p) => format!("rows {p}"),
        None => "rows per class".to_string(),
    };
    let mut header: Vec<&str> = vec![g.column.as_str(), "rows", positives.as_str()];
    header.extend(shown.iter().map(|&m| names[m].as_str()));
    Some((g.column.clone(), table(&header, rows, 1)))
}

/// Precision, recall, F1 and flag rate by threshold (binary heads), if any.
pub fn thresholds(h: &HeadReport) -> Option<Table> {
    if h.thresholds.is_empty() {
        return None;
    }
    let rows = h
        .thresholds
        .iter()
        .map(|t| {
            vec![
                format!("{:.2}", t.threshold),
                format!("{:.4}", t.precision),
                format!("{:.4}", t.recall),
                format!("{:.4}", t.f1),
                format!("{:.1}", t.flagged_per_1000),
            ]
        })
        .collect();
    let header = [
        "threshold",
        "precision",
        "recall",
        "F1",
        "flagged per 1,000",
    ];
    Some(table(&header, rows, 0))
}

/// One sentence per precision target: the threshold that reaches it and the recall there.
pub fn precision_targets(h: &HeadReport) -> Vec<String> {
    h.precision_targets
        .iter()
        .map(|p| {
            format!(
                "Precision ≥ {:.0}%: threshold {}, recall {}.",
                p.target_precision * 100.0,
                opt(p.threshold),
                opt(p.recall)
            )
        })
        .collect()
}

/// Mean ± std of every metric over cross-validation folds, with each fold's value.
pub fn spread(metrics: &[Spread]) -> Table {
    let rows = metrics
        .iter()
        .map(|sp| {
            let folds: Vec<String> = sp.folds.iter().map(|v| format!("{v:.4}")).collect();
            vec![
                sp.metric.clone(),
                format!("{:.4} ± {:.4}", sp.mean, sp.std),
                folds.join(", "),
            ]
        })
        .collect();
    table(&["metric", "mean ± std", "folds"], rows, 1)
}

/// Two models' metrics, their difference and its bootstrap interval.
pub fn differences(metrics: &[MetricDiff]) -> Table {
    let rows = metrics
        .iter()
        .map(|m| {
            vec![
                m.metric.clone(),
                opt(m.a),
                opt(m.b),
                m.diff.map_or("–".into(), |d| format!("{d:+.4}")),
                m.interval
                    .map_or(String::new(), |(lo, hi)| format!("[{lo:+.4}, {hi:+.4}]")),
            ]
        })
        .collect();
    table(&["metric", "A", "B", "B − A", "interval of B − A"], rows, 1)
}

/// Text made safe for one Markdown table cell.
pub fn md_cell(t: &str) -> String {
    t.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

impl Table {
    /// A Markdown table (text cells escaped; n-grams as code).
    pub fn markdown(&self) -> String {
        let mut s = format!("| {} |\n|", self.header.join(" | "));
        s += &"---|".repeat(self.header.len());
        s.push('\n');
        for r in &self.rows {
            let cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Cell::Plain(t) => md_cell(t),
                    Cell::Grams(g) => {
                        let parts: Vec<String> = g
                            .iter()
                            .map(|(g, c)| format!("`{}` {c:+.3}", g.replace('`', "'")))
                            .collect();
                        md_cell(&parts.join(", "))
                    }
                })
                .collect();
            s += &format!("| {} |\n", cells.join(" | "));
        }
        s
    }

    /// An HTML table (cells escaped; text columns left-aligned; n-grams as code with their
    /// contributions coloured by sign).
    pub fn html(&self) -> String {
        let cell = |tag: &str, i: usize, inner: &str| {
            let class = if self.text.get(i).copied().unwrap_or(false) {
                " class=\"text\""
            } else {
                ""
            };
            format!("<{tag}{class}>{inner}</{tag}>")
        };
        let mut s = String::from("<table><tr>");
        for (i, h) in self.header.iter().enumerate() {
            s += &cell("th", i, &esc(h));
        }
        s += "</tr>\n";
        for r in &self.rows {
            s += "<tr>";
            for (i, c) in r.iter().enumerate() {
                let inner = match c {
                    Cell::Plain(t) => esc(t),
                    Cell::Grams(g) => g
                        .iter()
                        .map(|(g, c)| {
                            let cls = if *c > 0.0 { "pos" } else { "neg" };
                            format!(
                                "<code>{}</code> <span class=\"{cls}\">{c:+.3}</span>",
                                esc(g)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br>"),
                };
                s += &cell("td", i, &inner);
            }
            s += "</tr>\n";
        }
        s += "</table>\n";
        s
    }
}
