//! The scoring tables of models with one to three sigmoid heads per target (the abuse
//! models): per target, each feature's IDF and the heads' weights side by side,
//! `[idf, w_1, …]`, so that scoring reads one cache line per feature, not two. Derived when
//! a model is made or read. A model of one table sums a comment word by word from the word
//! memo (`features::sums`); others, and texts too long for that, feature by feature. Either
//! way the scores are those of the heads' own weights, up to the order of the additions.

use super::{Head, Spec};
use crate::features::{new_owner_id, VecScratch, Vectorizer};

/// A model's scoring tables (empty for softmax and many-head models, which score from the
/// heads).
pub struct Tables {
    /// per target, `[idf, w]`: one sigmoid head per target, the common case
    pairs: Vec<Vec<[f32; 2]>>,
    /// per target, `[idf, w_1, w_2, w_3]` (unused weights 0): two or three sigmoid heads
    quads: Vec<Vec<[f32; 4]>>,
    /// names the tables' rows to the word memo, which holds per-word sums of one table
    id: u64,
}

/// Per-thread buffers: the table rows of a comment's features, gathered before the sums.
#[derive(Default)]
pub struct TableRows {
    pairs: Vec<[f32; 2]>,
    quads: Vec<[f32; 4]>,
}

impl Tables {
    pub fn new(vectorizer: &Vectorizer, spec: &Spec, heads: &[Head]) -> Tables {
        let per = spec.heads_per_target();
        let mut t = Tables {
            pairs: Vec::new(),
            quads: Vec::new(),
            id: new_owner_id(),
        };
        if spec.link().k() == 1 {
            match per {
                1 => t.pairs = side_by_side(vectorizer, heads, per),
                2 | 3 => t.quads = side_by_side(vectorizer, heads, per),
                _ => {}
            }
        }
        t
    }

    /// The scoring sums of head group `target` of `text` into `sums` (`sums[f * n + g]`:
    /// family `f`, head `g` of `n`, `sums` of length `2n`), and the two families' norms; `None`
    /// for a model without tables.
    pub fn sums(
        &self,
        vz: &Vectorizer,
        target: usize,
        text: &str,
        vec: &mut VecScratch,
        rows: &mut TableRows,
        sums: &mut [f64],
    ) -> Option<[f64; 2]> {
        // with one table, the word memo holds its per-word sums; several would take turns
        let id = (self.pairs.len() + self.quads.len() == 1).then_some(self.id);
        Some(match self.pairs.get(target) {
            Some(t) => table_sums(vz, t, id, text, vec, &mut rows.pairs, sums),
            None => {
                let t = self.quads.get(target)?;
                table_sums(vz, t, id, text, vec, &mut rows.quads, sums)
            }
        })
    }
}

/// The sums of [`Tables::sums`] from one target's table: word by word when the word memo
/// may hold them (`id`, the table's), else (or for a text too long for that) feature by
/// feature.
fn table_sums<const W: usize>(
    vz: &Vectorizer,
    table: &[[f32; W]],
    id: Option<u64>,
    text: &str,
    vec: &mut VecScratch,
    rows: &mut Vec<[f32; W]>,
    sums: &mut [f64],
) -> [f64; 2] {
    id.and_then(|id| word_sums(vz, table, id, text, vec, sums))
        .unwrap_or_else(|| side_by_side_sums(vz, table, text, vec, rows, sums))
}

/// The sums of [`Tables::sums`] from one target's table, word by word
/// ([`Vectorizer::table_sums`]); `None` for a text too long for that.
fn word_sums<const W: usize>(
    vz: &Vectorizer,
    table: &[[f32; W]],
    id: u64,
    text: &str,
    vec: &mut VecScratch,
    sums: &mut [f64],
) -> Option<[f64; 2]> {
    let n = sums.len() / 2;
    let s = vz.table_sums(text, vec, id, |c| table[c as usize])?;
    sums[..n].copy_from_slice(&s[0][1..=n]);
    sums[n..2 * n].copy_from_slice(&s[1][1..=n]);
    Some([s[0][0].sqrt(), s[1][0].sqrt()])
}

/// The sums of [`Tables::sums`] from one target's table; returns the family norms. The rows are
/// gathered into `rows` in a loop of their own, whose independent loads overlap their cache
/// misses; the sums then read them in order.
fn side_by_side_sums<const W: usize>(
    vz: &Vectorizer,
    table: &[[f32; W]],
    text: &str,
    vec: &mut VecScratch,
    rows: &mut Vec<[f32; W]>,
    sums: &mut [f64],
) -> [f64; 2] {
    let n = sums.len() / 2;
    let counts = vz.counts(text, vec);
    rows.clear();
    rows.extend(counts.iter().map(|&(col, _)| table[col as usize]));
    // both families' sums are updated for every feature, the other family's by exactly zero,
    // so they stay in registers and no branch depends on the family
    let (mut word, mut char) = ([0.0f64; W], [0.0f64; W]);
    let entries = counts
        .iter()
        .zip(rows.iter())
        .map(|(&(col, c), r)| (col, c, r[0], r));
    let norms = vz.weigh_entries(entries, |_, fam, v, r| {
        let (v, is_char) = (v as f64, fam as f64);
        let (vc, vw) = (v * is_char, v * (1.0 - is_char));
        for i in 1..W {
            let w = r[i] as f64;
            word[i] += vw * w;
            char[i] += vc * w;
        }
    });
    sums[..n].copy_from_slice(&word[1..=n]);
    sums[n..2 * n].copy_from_slice(&char[1..=n]);
    norms
}

/// Per head group of `per` heads (one group per target), the row of each column:
/// `[idf, w_1, …, w_per]`, unused weights 0.
fn side_by_side<const W: usize>(
    vectorizer: &Vectorizer,
    heads: &[Head],
    per: usize,
) -> Vec<Vec<[f32; W]>> {
    let idf = vectorizer.idf();
    heads
        .chunks(per)
        .map(|group| {
            let mut rows = Vec::with_capacity(idf.len());
            crate::huge::advise(&mut rows);
            rows.extend((0..idf.len()).map(|c| {
                let mut r = [0.0; W];
                r[0] = idf[c];
                for (g, h) in group.iter().enumerate() {
                    r[1 + g] = h.weights[c];
                }
                r
            }));
            rows
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{train, Labels, ScoreScratch, TrainConfig, TrainingData};
    use crate::features::VecScratch;

    /// The scoring path (dot products taken while the features are visited) gives the
    /// probabilities of the vectorized row, for one sigmoid head, for softmax heads and for
    /// two or three sigmoid heads (the interleaved tables).
    #[test]
    fn fused_scoring_matches_the_vectorized_row() {
        let words = [
            "idiot", "lovely", "shut", "up", "great", "day", "awful", "#proud",
        ];
        let texts: Vec<String> = (0..60)
            .map(|i| {
                format!(
                    "{} {} {} you {i}",
                    words[i % 8],
                    words[(i * 3) % 8],
                    words[(i * 5) % 8]
                )
            })
            .collect();
        // 2 and 3 classes: one sigmoid head, softmax; 12 and 13: two and three sigmoid heads
        for classes in [2, 3, 12, 13] {
            let labels = if classes < 10 {
                Labels::Classes {
                    column: "label".into(),
                    values: (0..60).map(|i| format!("c{}", i % classes)).collect(),
                }
            } else {
                let n = classes - 10;
                Labels::Multi {
                    columns: (0..n).map(|j| format!("y{j}")).collect(),
                    // every head labelled on some rows only, as pooled sources are
                    values: (0..60)
                        .map(|i| {
                            (0..n)
                                .map(|j| (i % 4 != j).then_some((i + j) % 3 == 0))
                                .collect()
                        })
                        .collect(),
                }
            };
            let data = TrainingData {
                text_column: "text".into(),
                lines: (2..62).collect(),
                texts: texts.clone(),
                labels,
                targets: None,
                source: ("mem".into(), String::new()),
                skipped: Vec::new(),
                groups: None,
                joint: None,
                sources: None,
            };
            let m = train(&data, &TrainConfig::default()).unwrap();
            assert_eq!(m.tables.quads.is_empty(), classes < 10);
            assert_eq!(m.tables.pairs.is_empty(), classes != 2);
            let (mut idx, mut val) = (vec![], vec![]);
            for t in ["you idiot, shut up", "lovely great day #proud", "qqq"] {
                let mut fused = vec![0.0; m.n_outputs()];
                m.score_into(t, 0, &mut ScoreScratch::default(), &mut fused);
                m.vectorizer
                    .transform_into(t, &mut VecScratch::default(), &mut idx, &mut val);
                let mut row = vec![0.0; m.n_outputs()];
                m.score_row(&idx, &val, 0, &mut row);
                for (a, b) in fused.iter().zip(&row) {
                    assert!((a - b).abs() < 1e-6, "{classes} classes, {t}: {a} vs {b}");
                }
            }
        }
    }
}
