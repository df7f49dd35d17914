//! Reports as one self-contained HTML file: inline CSS and SVG charts, no script, nothing
//! fetched. Every chart sits in a `<figure class="chart" data-chart="…">`.

use super::compare::CompareReport;
use super::curves::Series;
use super::cv::CvReport;
use super::plots;
use super::report::{EvalReport, HeadReport};
use super::tables::{self, esc, opt};
use crate::error::Result;
use std::fmt::Write;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1400px;
 padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:right;vertical-align:top}
th{background:#f4f4f4}td.text,th.text{text-align:left;max-width:44rem;white-space:pre-wrap;
 word-break:break-word}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure.chart{margin:0;border:1px solid #e4e4e4;border-radius:4px;background:#fff}
.pos{color:#b00}.neg{color:#06c}.muted{color:#777;font-size:.9rem}
code{background:#f4f4f4;padding:0 .2rem;border-radius:3px}
";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n\
         <p class=\"muted\">Written by gavel {}.</p>\n</body>\n</html>\n",
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn figure(kind: &str, svg: &str) -> String {
    format!("<figure class=\"chart\" data-chart=\"{kind}\">{svg}</figure>\n")
}

/// The charts of one head: ROC, precision–recall, reliability, histogram, confusion.
fn charts(h: &HeadReport) -> Result<String> {
    let c = &h.curves;
    let mut s = String::from("<div class=\"charts\">\n");
    s += &figure(
        "roc",
        &plots::lines(
            &format!("ROC (AUC {})", opt(h.roc_auc)),
            "false positive rate",
            "true positive rate",
            &c.roc,
            Some(((0.0, 0.0), (1.0, 1.0))),
        )?,
    );
    s += &figure(
        "pr",
        &plots::lines(
            &format!("Precision–recall (AP {})", opt(h.pr_auc)),
            "recall",
            "precision",
            &c.pr,
            None,
        )?,
    );
    let before = h.calibration.as_ref().map(|k| &k.before);
    s += &figure("reliability", &plots::reliability(&c.reliability, before)?);
    s += &figure("histogram", &plots::histogram(&c.histogram, &h.name)?);
    s += &figure("confusion", &plots::confusion(&h.classes, &h.confusion)?);
    s += "</div>\n";
    Ok(s)
}

/// Number of charts each head section shows (the browser test counts them).
pub const CHARTS_PER_HEAD: usize = 5;

fn head_section(h: &HeadReport) -> Result<String> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<section class=\"head\" id=\"head-{0}\">\n<h2>{0} <span class=\"muted\">({1}, {2} rows)</span></h2>",
        esc(&h.name),
        esc(&h.kind),
        h.rows
    );
    s += &tables::metrics(h).html();
    s += &charts(h)?;
    s += "<h3>Per class</h3>\n";
    s += &tables::per_class(h).html();
    if let Some(t) = tables::thresholds(h) {
        let _ = writeln!(
            s,
            "<h3>Thresholds</h3>\n<p>Flagging comments whose P({} = {}) is at least the threshold.</p>",
            esc(&h.name),
            esc(h.positive.as_deref().unwrap_or(""))
        );
        s += &t.html();
        for line in tables::precision_targets(h) {
            let _ = writeln!(s, "<p>{}</p>", esc(&line));
        }
    }
    if let Some(t) = tables::by_target(h) {
        s += "<h3>By target</h3>\n";
        s += &t.html();
    }
    if let Some((column, t)) = tables::by_group(h) {
        let _ = writeln!(s, "<h3>By {}</h3>", esc(&column));
        s += &t.html();
    }
    s += &errors(h);
    s += "</section>\n";
    Ok(s)
}

fn errors(h: &HeadReport) -> String {
    match tables::errors(h) {
        None => String::new(),
        Some(t) => format!(
            "<h3>Worst errors</h3>\n<p class=\"muted\">Each n-gram column's contribution to the logit \
             (weight × TF-IDF value); n-grams sharing a column are listed together. Word n-grams are of stems.</p>\n{}",
            t.html()
        ),
    }
}

/// HTML of one evaluation.
pub fn eval_html(r: &EvalReport, model_name: &str) -> Result<String> {
    let mut body = format!(
        "<h1>Evaluation of <code>{}</code></h1>\n<p>Data: <code>{}</code>, {} rows.</p>\n",
        esc(model_name),
        esc(&r.data_file),
        r.rows
    );
    for h in &r.heads {
        body += &head_section(h)?;
    }
    Ok(page(&format!("gavel: {model_name}"), &body))
}

/// HTML of an attack run.
pub fn attack_html(r: &super::attack_suite::AttackReport) -> String {
    let body = format!(
        "<h1>Attack suite</h1>\n<p>{}</p>\n{}",
        esc(&super::attack_suite::summary(r)),
        super::attack_suite::table(r).html()
    );
    page("gavel: attack suite", &body)
}

/// HTML of an identity bias audit.
pub fn bias_html(r: &super::bias::BiasReport) -> String {
    let body = format!(
        "<h1>Identity bias audit</h1>\n<p>{}</p>\n{}",
        esc(&super::bias::summary(r)),
        super::bias::table(r).html()
    );
    page("gavel: identity bias audit", &body)
}

/// HTML of a cross-validation: fold spread, then the pooled out-of-fold report.
pub fn cv_html(r: &CvReport) -> Result<String> {
    let mut body = format!(
        "<h1>{}-fold cross-validation</h1>\n<p>Data: <code>{}</code>, seed {}. Charts and tables below \
         pool every row's out-of-fold prediction.</p>\n",
        r.folds,
        esc(&r.data_file),
        r.seed
    );
    for h in &r.heads {
        let _ = writeln!(body, "<h2>{} across folds</h2>", esc(&h.name));
        body += &tables::spread(&h.metrics).html();
    }
    for h in &r.pooled.heads {
        body += &head_section(h)?;
    }
    Ok(page("gavel: cross-validation", &body))
}

/// HTML of a comparison of two models on the same data.
pub fn compare_html(r: &CompareReport) -> Result<String> {
    let mut body = format!(
        "<h1>Comparison: <code>{}</code> (A) against <code>{}</code> (B)</h1>\n\
         <p>Data: <code>{}</code>, {} rows. Intervals: paired bootstrap, {} resamples of the rows, \
         seed {}, {:.0}%.</p>\n",
        esc(&r.models[0]),
        esc(&r.models[1]),
        esc(&r.data_file),
        r.rows,
        r.bootstrap.resamples,
        r.bootstrap.seed,
        r.bootstrap.confidence * 100.0
    );
    for h in &r.heads {
        let _ = writeln!(body, "<section class=\"head\"><h2>{}</h2>", esc(&h.name));
        body += &tables::differences(&h.metrics).html();
        body += "<div class=\"charts\">\n";
        let both = |f: &dyn Fn(&HeadReport) -> &Vec<Series>| -> Vec<Series> {
            [("A", &h.a), ("B", &h.b)]
                .iter()
                .flat_map(|(tag, hr)| {
                    f(hr).iter().map(move |s| Series {
                        label: format!("{tag}: {}", s.label),
                        points: s.points.clone(),
                    })
                })
                .collect()
        };
        body += &figure(
            "roc",
            &plots::lines(
                "ROC",
                "false positive rate",
                "true positive rate",
                &both(&|x| &x.curves.roc),
                Some(((0.0, 0.0), (1.0, 1.0))),
            )?,
        );
        body += &figure(
            "pr",
            &plots::lines(
                "Precision–recall",
                "recall",
                "precision",
                &both(&|x| &x.curves.pr),
                None,
            )?,
        );
        body += &figure(
            "confusion",
            &plots::confusion(&h.a.classes, &h.a.confusion)?,
        );
        body += &figure(
            "confusion",
            &plots::confusion(&h.b.classes, &h.b.confusion)?,
        );
        body += "</div>\n<p class=\"muted\">Confusion matrices: A, then B.</p>\n</section>\n";
    }
    Ok(page("gavel: comparison", &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
