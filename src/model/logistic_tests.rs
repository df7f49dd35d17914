//! Tests of the logistic loss: derivatives against finite differences, the fused Hessian
//! pass, steps, warm starts.
use super::*;

fn data() -> (Csr, Vec<u32>) {
    let mut x = Csr::new(3);
    x.push_row(&[0, 2], &[1.0, 0.5]);
    x.push_row(&[1], &[2.0]);
    x.push_row(&[0, 1], &[-1.0, 1.0]);
    x.push_row(&[2], &[-0.5]);
    (x, vec![1, 0, 2, 1])
}

/// Gradient and Hessian-vector product agree with finite differences.
fn check(link: Link, y: &[u32]) {
    check_with(link, y, None);
}

/// [`check`], with a prior model's logits as offsets when given (intercepts penalised).
fn check_with(link: Link, y: &[u32], offset: Option<Vec<f64>>) {
    let (x, _) = data();
    let mut f = Logistic::new(&x, y, vec![1.0, 2.0, 0.5, 1.0], link);
    if let Some(o) = offset {
        f = f.with_offset(o);
    }
    let n = f.dim();
    let w: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.3).collect();
    let v: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64 * 0.2 - 0.4).collect();
    f.value(&w);
    let mut g = vec![0.0; n];
    f.gradient(&w, &mut g);
    let mut hv = vec![0.0; n];
    f.hess_vec(&v, &mut hv);
    let eps = 1e-6;
    for i in 0..n {
        let mut wp = w.clone();
        wp[i] += eps;
        let mut wm = w.clone();
        wm[i] -= eps;
        let num = (f.value(&wp) - f.value(&wm)) / (2.0 * eps);
        assert!((num - g[i]).abs() < 1e-5, "grad {i}: {num} vs {}", g[i]);
    }
    let wp: Vec<f64> = w.iter().zip(&v).map(|(a, b)| a + eps * b).collect();
    let wm: Vec<f64> = w.iter().zip(&v).map(|(a, b)| a - eps * b).collect();
    let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
    f.value(&wp);
    f.gradient(&wp, &mut gp);
    f.value(&wm);
    f.gradient(&wm, &mut gm);
    for i in 0..n {
        let num = (gp[i] - gm[i]) / (2.0 * eps);
        assert!((num - hv[i]).abs() < 1e-5, "hv {i}: {num} vs {}", hv[i]);
    }
}

#[test]
fn sigmoid_derivatives() {
    check(Link::Sigmoid, &[1, 0, 0, 1]);
}

#[test]
fn derivatives_of_a_warm_start_from_a_prior() {
    let o: Vec<f64> = (0..12).map(|i| 0.3 * (i % 5) as f64 - 0.6).collect();
    check_with(Link::Softmax(3), &[1, 0, 2, 1], Some(o));
    check_with(
        Link::Sigmoid,
        &[1, 0, 0, 1],
        Some(vec![0.5, -1.0, 2.0, 0.0]),
    );
}

#[test]
fn softmax_derivatives() {
    check(Link::Softmax(3), &data().1);
}

/// Two and four classes take unrolled kernels, five the general loop.
#[test]
fn softmax_derivatives_for_every_kernel() {
    check(Link::Softmax(2), &[1, 0, 0, 1]);
    check(Link::Softmax(4), &[3, 0, 2, 1]);
    check(Link::Softmax(5), &[4, 0, 2, 1]);
}

/// The fused Hessian pass equals a forward pass, the Hessian's row blocks and a backward
/// pass done one after the other.
#[test]
fn fused_hessian_pass_matches_two_passes() {
    let mut x = Csr::new(7);
    for i in 0..40u32 {
        let cols: Vec<u32> = (0..7).filter(|c| (i * 3 + c * 5) % 4 != 0).collect();
        let vals: Vec<f32> = cols
            .iter()
            .map(|&c| ((i + c) % 5) as f32 * 0.3 - 0.5)
            .collect();
        x.push_row(&cols, &vals);
    }
    let y: Vec<u32> = (0..40).map(|i| i % 3).collect();
    for link in [Link::Sigmoid, Link::Softmax(3)] {
        let y: Vec<u32> = y.iter().map(|&c| c % link.k().max(2) as u32).collect();
        let k = link.k();
        let mut f = Logistic::new(&x, &y, vec![1.5; 40], link);
        let n = f.dim();
        let w: Vec<f64> = (0..n).map(|i| (i % 7) as f64 * 0.1 - 0.3).collect();
        let v: Vec<f64> = (0..n).map(|i| (i % 5) as f64 * 0.2 - 0.4).collect();
        f.value(&w);
        let mut g = vec![0.0; n];
        f.gradient(&w, &mut g);
        let mut fused = vec![0.0; n];
        f.hess_vec(&v, &mut fused);
        let mut u = vec![0.0; 40 * k];
        Logistic::forward(&x, k, &v, &mut u);
        for i in 0..40 {
            let p = &f.p[i * k..i * k + k];
            let ui = &mut u[i * k..i * k + k];
            let pu: f64 = p.iter().zip(ui.iter()).map(|(a, b)| a * b).sum();
            for (uk, &pk) in ui.iter_mut().zip(p) {
                *uk = if k == 1 {
                    1.5 * pk * (1.0 - pk) * *uk
                } else {
                    1.5 * pk * (*uk - pu)
                };
            }
        }
        let mut two = v.clone();
        two[7 * k..].iter_mut().for_each(|b| *b = 0.0);
        f.backward(&u, &mut two);
        for (a, b) in fused.iter().zip(&two) {
            assert!((a - b).abs() < 1e-12, "{link:?}: {a} vs {b}");
        }
    }
}

/// The value of a trial step built from the CG's own products equals the value computed
/// afresh at `w + s`, for a step that also moves the intercepts, after a rejected trial
/// point in between; and at weights all zero the logits are the intercepts.
#[test]
fn value_of_a_step_equals_the_value_at_its_point() {
    let (x, y3) = data();
    for (link, y) in [(Link::Sigmoid, vec![1, 0, 0, 1]), (Link::Softmax(3), y3)] {
        let k = link.k();
        let mut f = Logistic::new(&x, &y, vec![1.0, 2.0, 0.5, 1.0], link);
        let n = f.dim();
        let mut w = vec![0.0; n];
        w[3 * k..]
            .iter_mut()
            .enumerate()
            .for_each(|(c, b)| *b = 0.4 - 0.3 * c as f64);
        let at_zero = f.value(&w);
        let mut fresh = Logistic::new(&x, &y, vec![1.0, 2.0, 0.5, 1.0], link);
        let mut z = vec![0.0; 4 * k];
        Logistic::forward(&x, k, &w, &mut z);
        fresh.z = z;
        assert_eq!(at_zero, fresh.loss_at_logits(), "{link:?}: zero weights");
        let w: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.3).collect();
        f.value(&w);
        let mut g = vec![0.0; n];
        f.gradient(&w, &mut g);
        let d1: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64 * 0.2 - 0.4).collect();
        let d2: Vec<f64> = (0..n).map(|i| ((i * 3) % 4) as f64 * 0.3 - 0.5).collect();
        let (a1, a2) = (0.7, -1.3);
        let mut hd = vec![0.0; n];
        f.start_step();
        f.hess_vec(&d1, &mut hd);
        f.extend_step(a1);
        f.hess_vec(&d2, &mut hd);
        f.extend_step(a2);
        let w_new: Vec<f64> = (0..n).map(|i| w[i] + a1 * d1[i] + a2 * d2[i]).collect();
        let tracked = f.value_of_step(&w_new);
        let direct = f.value(&w_new);
        assert!(
            (tracked - direct).abs() <= 1e-12 * direct.abs(),
            "{link:?}: {tracked} vs {direct}"
        );
        // a rejected trial leaves the Hessian point's logits for the next step
        f.start_step();
        f.hess_vec(&d2, &mut hd);
        f.extend_step(0.5);
        let w_half: Vec<f64> = (0..n).map(|i| w[i] + 0.5 * d2[i]).collect();
        let tracked = f.value_of_step(&w_half);
        let direct = f.value(&w_half);
        assert!(
            (tracked - direct).abs() <= 1e-12 * direct.abs(),
            "{link:?}: {tracked} vs {direct}"
        );
    }
}
