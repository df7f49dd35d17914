//! What the solver needs of an objective (value, gradient, Hessian-vector products), and the
//! links a head can have. The objective knows nothing of the optimizer; the logistic loss
//! that implements it is in [`super::logistic`].

/// What the solver needs of a twice-differentiable objective.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// `f(w)` at a trial point.
    fn value(&mut self, w: &[f64]) -> f64;
    /// `∇f` at `w`, which must be the `w` last given to `value`; `w` becomes the point at
    /// which `hess_vec` works (a rejected trial point never does).
    fn gradient(&mut self, w: &[f64], g: &mut [f64]);
    /// `∇²f · v` at the `w` last given to `gradient`.
    fn hess_vec(&mut self, v: &[f64], out: &mut [f64]);
    /// A new trial step `s = 0` from the `w` last given to `gradient`.
    fn start_step(&mut self) {}
    /// The trial step grew by `alpha` times the `v` last given to `hess_vec`.
    fn extend_step(&mut self, _alpha: f64) {}
    /// `f(w)` at `w` = the `w` last given to `gradient` plus the step built by `start_step`
    /// and `extend_step`; as [`Objective::value`], which it may compute more cheaply.
    fn value_of_step(&mut self, w: &[f64]) -> f64 {
        self.value(w)
    }
    /// Moves the unpenalised coordinates of `w`, the `w` last given to `value`, to their
    /// minimum with the others held, until their gradient is at most `tol`; returns `f` at
    /// the new `w`, which becomes the trial point. `None`: the objective has none.
    fn refine_intercepts(&mut self, _w: &mut [f64], _tol: f64) -> Option<f64> {
        None
    }
}

/// Which link the head uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// one output, `y ∈ {0, 1}`
    Sigmoid,
    /// `k` outputs, `y ∈ 0..k`
    Softmax(usize),
}

impl Link {
    pub fn k(self) -> usize {
        match self {
            Link::Sigmoid => 1,
            Link::Softmax(k) => k,
        }
    }
}
