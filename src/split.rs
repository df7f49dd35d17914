//! Seeded, stratified train/test splits and k-fold assignments. The same keys and seed give
//! the same split on every machine (ChaCha8 generator, order-independent of threads).

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// Row indices grouped by stratum key, each group shuffled with `seed`.
fn shuffled_strata(keys: &[String], seed: u64) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        groups.entry(k).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    groups
        .into_values()
        .map(|mut g| {
            g.shuffle(&mut rng);
            g
        })
        .collect()
}

/// Splits rows into (train, test), each sorted by row index: from every stratum
/// `round(test_fraction · size)` rows go to test.
pub fn train_test(keys: &[String], test_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut train = Vec::new();
    let mut test = Vec::new();
    for g in shuffled_strata(keys, seed) {
        let n_test = (g.len() as f64 * test_fraction).round() as usize;
        test.extend_from_slice(&g[..n_test]);
        train.extend_from_slice(&g[n_test..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// Fold number (`0..k`) of every row: each stratum is dealt round-robin over the folds.
pub fn k_fold(keys: &[String], k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; keys.len()];
    let mut next = 0;
    for g in shuffled_strata(keys, seed) {
        for i in g {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_and_deterministic() {
        let keys: Vec<String> = (0..100)
            .map(|i| if i % 4 == 0 { "a" } else { "b" }.to_string())
            .collect();
        let (tr, te) = train_test(&keys, 0.2, 42);
        assert_eq!(tr.len() + te.len(), 100);
        assert_eq!(te.iter().filter(|&&i| keys[i] == "a").count(), 5);
        assert_eq!(train_test(&keys, 0.2, 42), (tr.clone(), te.clone()));
        assert_ne!(train_test(&keys, 0.2, 43).1, te);
        let f = k_fold(&keys, 5, 1);
        for k in 0..5 {
            assert_eq!(f.iter().filter(|&&x| x == k).count(), 20);
        }
    }
}
