//! The on-topic score on comments written for the purpose (data/on_topic_comments.csv):
//! replies to three stories, off-topic rants and spam under them.

use gavel::eval::metrics::roc_auc;
use gavel::model::file;
use gavel::topic::{Span, Topic};
use std::collections::HashMap;
use std::path::Path;

mod util;
use util::csv_maps;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rows(name: &str) -> Vec<HashMap<String, String>> {
    csv_maps(&std::fs::read(root().join("data").join(name)).unwrap())
}

/// The on-topic scores of every comment with `span`, and whether each is on topic.
fn scores(span: Span) -> (Vec<f64>, Vec<bool>, Vec<String>) {
    let m = file::load(&root().join("models/abuse.gavel")).unwrap();
    let topic = Topic::new(&m.vectorizer, span);
    let articles: HashMap<String, _> = rows("articles.csv")
        .into_iter()
        .map(|a| {
            (
                a["id"].clone(),
                topic.vector(&format!("{}\n{}", a["title"], a["text"])),
            )
        })
        .collect();
    let (mut s, mut y, mut kind) = (vec![], vec![], vec![]);
    for c in rows("on_topic_comments.csv") {
        s.push(
            topic
                .vector(&c["comment"])
                .similarity(&articles[&c["article"]]),
        );
        y.push(c["on_topic"] == "1");
        kind.push(c["kind"].clone());
    }
    (s, y, kind)
}

#[test]
fn on_topic_score_tells_replies_from_rants_and_spam() {
    let (s, y, kind) = scores(Span::ModelColumns);
    let auc = roc_auc(&s, &y).unwrap();
    let (s2, y2, _) = scores(Span::AllBuckets);
    let auc_all = roc_auc(&s2, &y2).unwrap();
    println!("on-topic ROC-AUC: model columns {auc:.4} (scoring), all buckets {auc_all:.4}");
    assert!(auc >= 0.9, "{auc}");
    // spam shares the least with any story
    let mean = |k: &str| {
        let v: Vec<f64> = (0..s.len())
            .filter(|&i| kind[i] == k)
            .map(|i| s[i])
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(mean("spam") < mean("rant") && mean("rant") < mean("reply"));
}
