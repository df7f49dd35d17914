"""Turns bench/serve.sh's raw wrk outputs into bench/serve_results.json."""
import json
import os
import platform
import re
import sys

work, cli_times = sys.argv[1], [float(x) for x in sys.argv[2:]]


def wrk(name):
    text = open(os.path.join(work, name)).read()
    ms = lambda v, unit: float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    pct = {p: ms(v, u) for p, v, u in re.findall(r"(50|75|90|99)%\s+([\d.]+)(us|ms|s)\b", text)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {"requests_per_s": round(rps, 1), "requests": total,
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else "",
            "p50_ms": pct.get("50"), "p99_ms": pct.get("99")}


rss = [int(x) for x in open(os.path.join(work, "rss.txt")).read().split()]
corpus = open(os.path.join(work, "corpus.txt")).read().strip()
batches = wrk("batches.txt")
cli_rows = 200_000
cli_best = min(cli_times)
out = {
    "machine": f"{os.cpu_count()} cores, {platform.machine()}; server and wrk on the same cores",
    "corpus": f"Fox News comments: {corpus}",
    "saturation": wrk("saturate.txt"),
    "fixed_rate_2000": wrk("fixed.txt"),
    "batches_1000": dict(batches, comments_per_s=round(batches["requests_per_s"] * 1000)),
    "cli_score": {"rows": cli_rows, "seconds": [round(t, 3) for t in cli_times],
                  "comments_per_s": round(cli_rows / cli_best)},
    "soak": dict(wrk("soak.txt"), rss_kb=rss, rss_first_kb=rss[0], rss_last_kb=rss[-1],
                 rss_max_kb=max(rss)),
}
out["batch_vs_cli"] = round(out["batches_1000"]["comments_per_s"] / out["cli_score"]["comments_per_s"], 3)
print(json.dumps(out, indent=2))
