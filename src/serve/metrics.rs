//! Prometheus text metrics: requests by route and status, a latency histogram, decisions by
//! action, and the models loaded. Counters are atomics or one short lock per request.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in seconds.
const BOUNDS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// per bucket (and one past the last bound), requests that took at most its bound
    latency: [AtomicU64; BOUNDS.len() + 1],
    latency_sum_us: AtomicU64,
    latency_count: AtomicU64,
    /// approve, review, reject
    decisions: [AtomicU64; 3],
    pub reloads: AtomicU64,
    pub reload_failures: AtomicU64,
}

impl Metrics {
    /// Records one answered request.
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            match m.get_mut(&(route.to_string(), status)) {
                Some(n) => *n += 1,
                None => {
                    m.insert((route.to_string(), status), 1);
                }
            }
        }
        let b = BOUNDS
            .iter()
            .position(|&x| seconds <= x)
            .unwrap_or(BOUNDS.len());
        self.latency[b].fetch_add(1, Relaxed);
        self.latency_sum_us
            .fetch_add((seconds * 1e6) as u64, Relaxed);
        self.latency_count.fetch_add(1, Relaxed);
    }

    /// Records `n` policy decisions of an action (`approve`, `review` or `reject`).
    pub fn decisions(&self, action: &str, n: u64) {
        let i = match action {
            "approve" => 0,
            "review" => 1,
            _ => 2,
        };
        self.decisions[i].fetch_add(n, Relaxed);
    }

    /// The metrics in Prometheus' text format; `models` are (name, version, sha256).
    pub fn render(&self, models: &[(String, String, String)]) -> String {
        let mut s = String::new();
        s += "# HELP gavel_requests_total Requests answered, by route and HTTP status.\n";
        s += "# TYPE gavel_requests_total counter\n";
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                let _ = writeln!(
                    s,
                    "gavel_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        s += "# HELP gavel_request_seconds Time from request to answer.\n";
        s += "# TYPE gavel_request_seconds histogram\n";
        let mut cum = 0;
        for (i, b) in BOUNDS.iter().enumerate() {
            cum += self.latency[i].load(Relaxed);
            let _ = writeln!(s, "gavel_request_seconds_bucket{{le=\"{b}\"}} {cum}");
        }
        cum += self.latency[BOUNDS.len()].load(Relaxed);
        let _ = writeln!(s, "gavel_request_seconds_bucket{{le=\"+Inf\"}} {cum}");
        let sum = self.latency_sum_us.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(s, "gavel_request_seconds_sum {sum}");
        let _ = writeln!(
            s,
            "gavel_request_seconds_count {}",
            self.latency_count.load(Relaxed)
        );
        s += "# HELP gavel_decisions_total Policy decisions of /v1/score, by action.\n";
        s += "# TYPE gavel_decisions_total counter\n";
        for (i, a) in ["approve", "review", "reject"].iter().enumerate() {
            let n = self.decisions[i].load(Relaxed);
            let _ = writeln!(s, "gavel_decisions_total{{action=\"{a}\"}} {n}");
        }
        s += "# HELP gavel_reloads_total Reloads of models and policy, by outcome.\n";
        s += "# TYPE gavel_reloads_total counter\n";
        let _ = writeln!(
            s,
            "gavel_reloads_total{{outcome=\"ok\"}} {}",
            self.reloads.load(Relaxed)
        );
        let _ = writeln!(
            s,
            "gavel_reloads_total{{outcome=\"failed\"}} {}",
            self.reload_failures.load(Relaxed)
        );
        s += "# HELP gavel_model_info The models being served.\n";
        s += "# TYPE gavel_model_info gauge\n";
        for (name, version, sha) in models {
            let _ = writeln!(
                s,
                "gavel_model_info{{name=\"{}\",version=\"{}\",sha256=\"{sha}\"}} 1",
                escape(name),
                escape(version)
            );
        }
        s
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let m = Metrics::default();
        m.request("/a", 200, 0.0002);
        m.request("/a", 200, 0.003);
        m.request("/b", 429, 9.0);
        let s = m.render(&[]);
        assert!(s.contains("gavel_requests_total{route=\"/a\",status=\"200\"} 2"));
        assert!(s.contains("gavel_request_seconds_bucket{le=\"0.00025\"} 1"));
        assert!(s.contains("gavel_request_seconds_bucket{le=\"0.005\"} 2"));
        assert!(s.contains("gavel_request_seconds_bucket{le=\"+Inf\"} 3"));
    }
}
