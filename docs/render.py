#!/usr/bin/env python3
"""Renders the measured figures and tool output in the docs from what the project commits, so
that they cannot drift.

    python3 docs/render.py           # rewrite every marked block
    python3 docs/render.py --check   # exit 1, with a diff, if a block differs (CI runs this)

A block is the text between `<!-- render:NAME -->` and `<!-- end -->` in README.md and docs/*.md.
Its sources: bench/results.json (the last full `bench/run.sh`), bench/serve_results.json
(`bench/serve.sh`), bench/sources_results.json (`bench/sources.sh`), bench/attack_results*.json
(`bench/attack.py`), bench/attack_shipped.json (`bench/attack_shipped.py`),
bench/attack_foreign_results.json (`bench/attack_foreign.py`), models/reports/
and models/policy.toml (`models/build.sh`), and the release binary run on the shipped models
and the project's own data (build it first: `cargo build --release`). Standard library only.
"""
import difflib
import json
import re
import subprocess
import sys

from render_common import ROOT, load, signed, table  # docs/, beside this file

GAVEL = ROOT / "target" / "release" / "gavel"
FILES = [ROOT / "README.md", ROOT / "models/README.md", *sorted((ROOT / "docs").glob("*.md"))]
import render_attack  # noqa: E402
import render_stance  # noqa: E402

BLOCK = re.compile(r"(<!-- render:([a-z0-9-]+) -->\n)(.*?)(<!-- end -->)", re.S)


def gavel(*args):
    if not GAVEL.exists():
        sys.exit(f"{GAVEL} is missing: run `cargo build --release` first")
    out = subprocess.run([str(GAVEL), *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"gavel {' '.join(args)} failed: {out.stderr}")
    return out.stdout


# --- README.md


def policy():
    rules = [l for l in (ROOT / "models/policy.toml").read_text().splitlines() if not l.startswith("#")]
    return "```toml\n" + "\n".join(rules).strip() + "\n```\n"


def explain():
    args = ["explain", "--model", "models/abuse.gavel", "--top", "3", "shut up you idiot"]
    return "```text\n$ gavel " + " ".join(args[:-1]) + f' "{args[-1]}"\n' + gavel(*args) + "```\n"


# --- docs/benchmarks.md

SETS = [
    ("semeval2016_stance", "SemEval-2016 stance", "F_avg"),
    ("olid_a", "OLID level A", "macro-F1"),
    ("kaggle_insults", "Kaggle insults", "ROC-AUC"),
    ("davidson2017", "Davidson", "weighted F1"),
    ("sst2", "SST-2", "accuracy"),
    ("fox_news", "Fox News", "macro-F1"),
]
PEERS = [("gavel", "gavel"), ("sklearn", "scikit-learn"), ("fasttext", "fastText"), ("vw", "Vowpal Wabbit")]


def datasets():
    r = load("bench/results.json")["datasets"]
    rows = []
    for key, name, metric in SETS:
        d = r[key]
        m = d["metric"]
        cells = []
        best = max(d[p][m] for p, _ in PEERS if p in d)
        for p, _ in PEERS:
            v = d[p][m]
            q = f"{v:.4f}"
            cells.append((f"**{q}**" if v == best else q) + f" / {d[p]['fit_seconds']:.2f} s")
        speed = d["sklearn"]["fit_seconds"] / d["gavel"]["fit_seconds"]
        rows.append([f"{name} ({metric})", *cells, f"{speed:.1f}×"])
    return table(["set (metric)", *(f"{n}: quality / fit" for _, n in PEERS), "gavel fit × scikit-learn"], rows)


def mb(b):
    return f"{b / 1e6:,.0f} MB"


def workloads():
    r = load("bench/results.json")
    s = r["scoring"]
    rows = [[f"scoring {s['gavel']['rows']:,} comments: comments/s (text MB/s, peak RSS)"] + [
        f"{s[p]['comments_per_second']:,.0f} ({s[p]['text_mb_per_second']:.1f} MB/s, {mb(s[p]['peak_rss_bytes'])})"
        for p, _ in PEERS
    ]]
    for n, v in sorted(r["scale"].items(), key=lambda x: int(x[0])):
        g = v["gavel"]
        first = f"{g['fit_seconds']:.2f} s ({mb(g['peak_rss_bytes'])}; matrix {mb(g['matrix_bytes'])})"
        rows.append([f"fit {int(n):,} rows: seconds (peak RSS)", first] + [
            f"{v[p]['fit_seconds']:.2f} s ({mb(v[p]['peak_rss_bytes'])})" for p, _ in PEERS[1:]
        ])
    return table(["workload", *(n for _, n in PEERS)], rows)


def cold_start():
    r = load("bench/cold_results.json")
    rows = [[f"`{m}`", f"{v['seconds'] * 1000:.1f} ms", f"{v['model_bytes'] / 1e6:.1f} MB"]
            for m, v in sorted(r["cold_start"].items())]
    head = (f"`bench/bench.py --only cold`, commit {r['commit']}, {r['date']}: median of "
            f"{max(5, r['runs'])} runs, {r['cores']} cores.\n\n")
    return head + table(["shipped model", "cold start (median)", "file"], rows)


def floors():
    """The full run's floors, its cold-start rows replaced by the later cold-start run's."""
    r, c = load("bench/results.json"), load("bench/cold_results.json")
    cold = [f for f in c["floors"] if f["check"].startswith("cold start")]
    kept = [f for f in r["floors"] if not f["check"].startswith("cold start")]
    rows = [[f["check"], f["figure"], "met" if f["ok"] else "**not met**"] for f in kept + cold]
    run = f"the run of {r['date']} (commit {r['commit']}), " if "commit" in r else ""
    head = (f"{run}{r['runs']} interleaved runs, medians, {r['cores']} cores{' (quick mode)' if r['quick'] else ''}; "
            f"the cold-start rows from the run of {c['date']} (commit {c['commit']}).\n\n")
    return head + table(["floor", "figure", ""], rows)


def serve():
    r = load("bench/serve_results.json")
    sat, fix, bat, cli, soak = (r[k] for k in ("saturation", "fixed_rate_2000", "batches_1000", "cli_score", "soak"))
    floors = [
        ("single-comment Perspective requests at saturation", f"{sat['requests_per_s']:,.0f} requests/s "
         f"(p50 {sat['p50_ms']:.2f} ms, p99 {sat['p99_ms']:.2f} ms)", ">= 20,000 requests/s", sat["requests_per_s"] >= 20000),
        ("latency at a fixed 2,000 requests/s", f"p99 {fix['p99_ms']:.2f} ms (p50 {fix['p50_ms']:.2f} ms; "
         f"{fix['requests_per_s']:,.0f} requests/s reached)", "p99 <= 5 ms", fix["p99_ms"] <= 5),
        ("`/v1/score` batches of 1,000", f"{bat['comments_per_s']:,.0f} comments/s, {r['batch_vs_cli']:.2f} of "
         f"`gavel score`'s {cli['comments_per_s']:,.0f} on the same rows", ">= 0.5 of `gavel score`", r["batch_vs_cli"] >= 0.5),
        (f"memory over {soak['requests']:,} requests at 2,000/s", f"RSS {soak['rss_first_kb'] / 1024:.1f} MB at the start, "
         f"{soak['rss_last_kb'] / 1024:.1f} MB at the end, {soak['rss_max_kb'] / 1024:.1f} MB at most",
         "flat", soak["rss_last_kb"] <= 1.1 * soak["rss_first_kb"] + 4096),
    ]
    errors = sum(x["non_2xx"] for x in (sat, fix, bat, soak))
    corpus = re.sub(r"\d+\.\d{3,}", lambda m: f"{float(m.group()):.0f}", r["corpus"])
    head = (f"{r['machine']}. {corpus}. Answers other than 200: {errors}. For context, Perspective "
            "allows 1 request per second per project unless a higher quota is granted.\n\n")
    return head + table(["measure", "figure", "floor", ""], [[a, b, c, "met" if ok else "**not met**"] for a, b, c, ok in floors])


def sources():
    r = load("bench/sources_results.json")
    auc = lambda v: "–" if v is None else f"{v:.3f}"
    rows = []
    for head in ("abusive", "hate", "aggressive"):
        k = r["kfold"].get(head, {})
        for src, v in sorted(k.items()):
            loso = r["loso"].get(head, {}).get(src, {})
            rows.append([f"`{head}`", src, f"{v['rows']:,} ({v['positives']:,})",
                         auc(loso.get("roc_auc")), auc(v.get("roc_auc"))])
    return table(["head", "source", "rows (positive)", "ROC-AUC, source left out", "ROC-AUC, 3-fold CV"], rows)


def cost():
    r = load("bench/cost_results.json")
    rows = [[name, f"{e['seconds_median']:.2f} s (min {e['seconds_min']:.2f} s)", f"{e['comments_per_s']:,}"]
            for name, e in r["engines"].items()]
    return (table([f"`gavel score`, {r['comments']:,} English comments, {r['cores']} cores",
                   f"median of {r['runs']} runs", "comments/s"], rows)
            + f"\nThe shipped model takes {r['ratio_of_medians']:.2f}× the time of the one before issue 21 "
              f"(commit {r['before_commit']}, its own release) by the medians"
            + (f", {r['ratio_of_minimums']:.2f}× by the fastest runs" if "ratio_of_minimums" in r else "")
            + (f", {r['ratio_paired_median']:.2f}× by the median of each run over the baseline's run "
               "just before it" if "ratio_paired_median" in r else "")
            + ".\n")


def inprocess():
    r = load("bench/inprocess_results.json")
    rows = [[name, f"{e['comments_per_second']:,.0f}", f"{e['seconds']:.2f} s",
             f"{e['peak_rss_bytes'] / 1e6:,.0f} MB"] for name, e in r["engines"].items()]
    mem = r["memory_1m_series"]
    f = r["floors"]
    return (table([f"{r['rows']:,} comments, {r['cores']} cores", "comments/s",
                   f"median of {r['runs']} runs", "peak RSS"], rows)
            + f"\nThe Python package scores {f['python >= 3x fastText predict']:.2f}× the comments per second "
              f"of fastText's `predict` and {f['python within 10% of the CLI']:.2f}× the CLI's. Scoring a "
              f"{mem['rows']:,}-row pandas Series added {mem['rss_added_bytes'] / 1e6:,.0f} MB to the "
              f"process for a result of {mem['output_bytes'] / 1e6:,.0f} MB.\n")


def spark():
    r = load("bench/spark_results.json")
    rows = []
    for t in r["training"]:
        g, s = t["gavel"], t["spark"]
        rows.append([t["set"], f"{t['train_rows']:,}", f"{g['roc_auc']:.4f}", f"{s['roc_auc']:.4f}",
                     signed(t["roc_auc_difference"], 4), f"{g['macro_f1']:.3f}", f"{s['macro_f1']:.3f}",
                     f"{g['seconds']:.1f} s", f"{s['seconds']:.0f} s", s["iterations"]])
    train = table(["set", "training rows", "ROC-AUC gavel train", "ROC-AUC gavel.spark.train",
                   "difference", "macro-F1 gavel", "macro-F1 Spark", "gavel train", "Spark local[2]",
                   "L-BFGS iterations"], rows)
    sc = r["scoring"]
    m = sc["masters"]
    cps = {k: v["comments_per_second"] for k, v in m.items()}
    score = table([f"{sc['rows']:,} comments, `gavel.spark.score`", "comments/s", f"median of {sc['runs']} runs"],
                  [[k, f"{v:,.0f}", f"{m[k]['seconds']:.2f} s"] for k, v in cps.items()])
    return (train + "\n" + score
            + f"\nTwo local cores score {cps['local[2]'] / cps['local[1]']:.2f}× the comments per second of one.\n")


# --- docs/robustness.md

def bias():
    rep = json.loads(gavel("eval", "--bias", "--model", "models/abuse.gavel", "--data", "data/identity_templates.csv",
                           "--policy", "models/policy.toml", "--format", "json"))
    f = lambda v: "–" if v is None else f"{v:.3f}"
    rows = [[i["identity"], f"{i['neutral_flagged']} of {i['neutral_rows']}", f(i["subgroup_auc"]), f(i["bpsn_auc"]),
             f(i["bnsp_auc"]), f(i["abusive_recall"])] for i in rep["identities"]]
    head = (f"`{rep['output']}` flagged at ≥ {rep['threshold']:.3f} ({rep['threshold_from']}); floor: neutral "
            f"false-positive rate ≤ {rep['max_fpr']:.0%}.\n\n")
    return head + table(["identity", "neutral flagged", "subgroup AUC", "BPSN AUC", "BNSP AUC", "abusive recall"], rows)


# --- models/README.md (the model cards)


def head(name):
    r = load(f"models/reports/{name}.json")
    return r, r["heads"][0]


def md_table(path, heading):
    """The first table under `## heading…` of a Markdown report, as rows of cells."""
    text = (ROOT / path).read_text(encoding="utf-8")
    lines = text[text.index("## " + heading):].splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    cells = [[c.strip() for c in l.strip("|").split("|")] for l in lines[start:end]]
    return cells[0], cells[2:]


def card_abuse_metrics():
    r, h = head("abuse")
    _, d = head("abuse-demo")
    abusive = next(c["support"] for c in d["per_class"] if c["class"] in ("1", "true"))
    lines = (ROOT / "models/policy.toml").read_text().splitlines()
    rule = next(l for l in lines if l.startswith("# p_abusive:"))
    m = re.search(r"reject at ([0-9.]+) \(precision ([0-9.]+), recall ([0-9.]+)\); review at ([0-9.]+) "
                  r"\(precision [0-9.]+, recall ([0-9.]+)\)", rule)
    return (f"**Metrics** (held-out 20%, {r['rows']:,} rows, `reports/abuse.md`): ROC-AUC {h['roc_auc']:.3f}, "
            f"PR-AUC {h['pr_auc']:.3f}, macro-F1 {h['macro_f1']:.3f}, accuracy {h['accuracy']:.3f}. On the "
            f"project's demo set ({d['rows']} comments under South Asian politics stories, written for this "
            f"project, {abusive} abusive; `reports/abuse-demo.md`): ROC-AUC {d['roc_auc']:.3f}, macro-F1 "
            f"{d['macro_f1']:.3f}, accuracy {d['accuracy']:.3f}. `policy.toml` at the held-out 20%: reject at "
            f"{m[1]} (precision {m[2]}, recall {m[3]}), review at {m[4]} (recall {m[5]}).\n")


def card_abuse_cross():
    names = {"olid": "OLID", "davidson": "Davidson", "kaggle": "Kaggle", "fox": "Fox News", "hasoc": "HASOC",
             "ruhsold": "RUHSOLD", "all": "every source (shipped recipe)", "demo set": "demo set"}
    header, rows = md_table("models/reports/cross-dataset.md", "abuse")
    out = []
    for r in rows:
        cells = []
        for j, c in enumerate(r[1:], 1):
            auc = c.split(" / ")[0]
            cells.append(f"**{auc}**" if header[j] == r[0] else auc)
        out.append([names.get(r[0], r[0]), *cells])
    return table(["trained on", *(names.get(h, h) for h in header[1:])], out)


def card_abuse_peers():
    r = load("bench/shipped_peers.json")
    f = lambda v: "–" if v is None else f"{v:.3f}"
    rows = []
    for head in ("abusive", "aggressive", "hate"):
        for src in sorted(r):
            c = r[src].get(head)
            if c is None or c["positives"] == 0:
                # no ROC-AUC on one class (the UCI Roman Urdu rows, all not abusive)
                continue
            # each engine's score for this head: gavel's own output, the peers' best
            engines = [c.get(f"gavel:p_{head}"), c.get("gavel_previous:p_abusive"), c.get(f"sklearn_best:p_{head}"),
                       c.get("alt_profanity_check:p_abusive")]
            best = max(v for v in engines if v is not None)
            cell = lambda v: f"**{f(v)}**" if v is not None and v == best else f(v)
            also = f(c.get("gavel:p_abusive")) if head != "abusive" else ""
            m = c.get("margin")
            margin = "–"
            if m:
                peer = "alt-profanity-check" if m["peer"] == "alt_profanity_check" else \
                    m["peer"].replace("sklearn_", "scikit-learn ")
                margin = f"{m['diff']:+.3f} [{m['lo']:+.3f}, {m['hi']:+.3f}] ({peer})"
            rows.append([f"`{head}`", src, f"{c['rows']:,} ({c['positives']:,})", cell(engines[0]), also,
                         *(cell(v) for v in engines[1:]), margin])
    return table(["head", "source", "held-out rows (positive)", "gavel", "gavel's p_abusive",
                  "gavel before (4 English sources)", "scikit-learn, same rows", "alt-profanity-check",
                  "gavel − best peer [95% interval]"], rows)


def card_lang():
    r, h = head("lang")
    per = ", ".join(f"{g['value']} {dict(g['metrics'])['accuracy']:.3f}" for g in h["by_group"]["groups"])
    _, rows = md_table("models/reports/cross-dataset.md", "lang")
    unseen = "; ".join(f"{r[0]}: {'accuracy' if r[1] == 'ur-Latn' else r[1]} {r[3]}" for r in rows)
    return (f"**Accuracy** (held-out 20%, {r['rows']:,} rows, stratified by source, `reports/lang.md`): "
            f"{h['accuracy']:.3f} (ROC-AUC {h['roc_auc']:.3f}); per source {per}. Sources it never saw "
            f"(`reports/cross-dataset.md`): {unseen}.\n")


def card_stance_metrics():
    r, h = head("stance-semeval")
    short = {"Climate Change is a Real Concern": "Climate", "Legalization of Abortion": "Abortion"}
    per = ", ".join(f"{short.get(t['target'], t['target'])} {t['f_avg']:.3f}" for t in h["by_target"])
    return (f"**Metrics** (held-out 20%, {r['rows']} rows, stratified by target and stance,\n"
            f"`reports/stance-semeval.md`): F_avg {h['f_avg']:.3f} (SemEval's official score, the mean F1 of "
            f"FAVOR and AGAINST), macro-F1 {h['macro_f1']:.3f}, accuracy {h['accuracy']:.3f}, ROC-AUC "
            f"{h['roc_auc']:.3f}. Per target F_avg: {per}.\n")


def card_stance_unseen():
    _, rows = md_table("models/reports/cross-dataset.md", "stance")
    span = lambda j: f"{min(float(r[j]) for r in rows):.3f}–{max(float(r[j]) for r in rows):.3f}"
    _, d = head("stance-demo")
    return table(["test", "F_avg", "macro-F1", "ROC-AUC"], [
        ["each SemEval target left out, trained on the other four (`reports/cross-dataset.md`)",
         span(2), span(3), span(4)],
        ["the demo set's two targets, shipped model (`reports/stance-demo.md`)",
         f"{d['f_avg']:.3f}", f"{d['macro_f1']:.3f}", f"{d['roc_auc']:.3f}"],
    ])


def card_sentiment_metrics():
    r, h = head("sentiment")
    se = load("models/reports/sentiment-sources.json")
    f = lambda v: "–" if v is None else f"{v:.3f}"
    names = {"sst2": "SST-2 (en, two classes)", "tweeteval_sentiment": "TweetEval (en tweets)",
             "roman_urdu_uci": "Roman Urdu (UCI)"}
    out = [f"**Metrics** (held-out 20%, stratified by source and class, {r['rows']:,} rows, "
           f"`reports/sentiment.md`): accuracy {h['accuracy']:.3f}, macro-F1 {h['macro_f1']:.3f}, ROC-AUC "
           f"{h['roc_auc']:.3f}. Per source, over the classes each labels (macro-recall is TweetEval's "
           "official score; two-way: positive against negative rows by the larger of p_positive and "
           "p_negative), against the previous recipe (SST-2 alone, two classes) on the same rows, and with "
           "the source left out of training (tested on all its rows; `reports/sentiment-sources.json`):",
           "",
           "| source | rows | accuracy | macro-F1 | macro-recall | two-way: this model | two-way: previous recipe | "
           "left out: accuracy | left out: two-way |",
           "|---|---|---|---|---|---|---|---|---|"]
    for s_, name in names.items():
        a, p, lo = se["held_out"][s_], se["previous_recipe"][s_], se["left_out"][s_]
        out.append(f"| {name} | {a['rows']:,} | {f(a['accuracy'])} | {f(a['macro_f1'])} | {f(a['macro_recall'])} | "
                   f"{f(a['two_way_accuracy'])} | {f(p['two_way_accuracy'])} | {f(lo['accuracy'])} | "
                   f"{f(lo['two_way_accuracy'])} |")
    t = se["semeval_tweets"]
    out += ["", f"**Cross-dataset** (`reports/sentiment-semeval-tweets.md`): on the {t['rows']:,} SemEval-2016 "
            f"tweets labelled POSITIVE or NEGATIVE, the shipped model's accuracy {f(t['accuracy'])} (a neutral "
            f"answer counts as wrong), two-way accuracy {f(t['two_way_accuracy'])}.", ""]
    return "\n".join(out)


RENDER = {
    "card-abuse-metrics": card_abuse_metrics,
    "card-abuse-cross": card_abuse_cross,
    "card-abuse-peers": card_abuse_peers,
    "card-lang": card_lang,
    "card-stance-metrics": card_stance_metrics,
    "card-stance-unseen": card_stance_unseen,
    "card-sentiment-metrics": card_sentiment_metrics,
    "policy": policy,
    "explain": explain,
    "datasets": datasets,
    "workloads": workloads,
    "cold-start": cold_start,
    "floors": floors,
    "serve": serve,
    "sources": sources,
    "cost": cost,
    "inprocess": inprocess,
    "spark": spark,
    "attack": render_attack.attack,
    "attack-all-words": render_attack.attack_all_words,
    "attack-all-words-all-rows": render_attack.attack_all_words_all_rows,
    "attack-shipped": render_attack.attack_shipped,
    "attack-foreign": render_attack.attack_foreign,
    "bias": bias,
    "stance-general": render_stance.stance_general,
    "card-stance-general": lambda: render_stance.card_stance_general(gavel),
    "stance-suggest": render_stance.stance_suggest,
    "card-stance-few-shot": render_stance.stance_suggest,
}


def main():
    check = "--check" in sys.argv[1:]
    cache = {}
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")

        def fill(m):
            name = m.group(2)
            if name not in RENDER:
                sys.exit(f"{path.relative_to(ROOT)}: unknown block '{name}'")
            if name not in cache:
                cache[name] = RENDER[name]()
            return m.group(1) + cache[name] + m.group(4)

        new = BLOCK.sub(fill, text)
        if new != text:
            stale.append(path)
            if check:
                diff = difflib.unified_diff(text.splitlines(), new.splitlines(), str(path.relative_to(ROOT)),
                                            "rendered", lineterm="")
                print("\n".join(diff))
            else:
                path.write_text(new, encoding="utf-8")
    if check and stale:
        sys.exit(f"rendered blocks differ in {', '.join(str(p.relative_to(ROOT)) for p in stale)}: "
                 "run python3 docs/render.py and commit")
    if not check:
        print(f"rendered {len(cache)} blocks; rewrote {len(stale)} files")


if __name__ == "__main__":
    main()
