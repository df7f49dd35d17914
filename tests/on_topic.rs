//! The on-topic score on comments written for the purpose (data/on_topic_comments.csv):
//! replies to three stories, off-topic rants and spam under them; and the alternative
//! weighting measured against the model's space (docs/design.md, on-topic): every hash
//! bucket, unseen ones at the largest training IDF.

use gavel::eval::metrics::roc_auc;
use gavel::features::Vectorizer;
use gavel::model::file;
use gavel::topic::Topic;
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

/// Which buckets topic vectors span.
#[derive(Clone, Copy)]
enum Span {
    /// the columns kept at training: scoring's choice
    ModelColumns,
    /// every bucket, unseen ones at the largest training IDF
    AllBuckets,
}

fn topic(v: &Vectorizer, span: Span) -> Topic<'_> {
    match span {
        Span::ModelColumns => Topic::new(v),
        Span::AllBuckets => {
            let unseen = v.idf().iter().cloned().fold(1.0f32, f32::max);
            let idf = move |b: u32| Some(v.column_of(b).map_or(unseen, |c| v.idf()[c as usize]));
            Topic::with_idf(v, Box::new(idf))
        }
    }
}

/// The on-topic scores of every comment with `span`, and whether each is on topic.
fn scores(span: Span) -> (Vec<f64>, Vec<bool>, Vec<String>) {
    let m = file::load(&root().join("models/abuse.gavel")).unwrap();
    let topic = topic(&m.vectorizer, span);
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
