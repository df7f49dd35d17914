#!/usr/bin/env python3
"""Speed and memory bench: gavel against scikit-learn, fastText and Vowpal Wabbit, in one run.

    bench/run.sh            # full: every labelled set, 1M-comment scoring, 50k..500k training
    bench/run.sh --quick    # a few minutes: smaller scoring corpus and training sizes

Every peer runs in its own process, so peak RSS is its own (from wait4). Fit times include
vectorizing (gavel: the whole `gavel train` process, reading the CSV and writing the model).
Scoring: gavel is the whole `gavel score` process, file in and file out; the peers predict on
a Python list already in memory (their fastest path, reading excluded). Medians of --runs runs.
Prints the tables and writes bench/results.json (a full run), bench/results-quick.json
(--quick) or bench/results-only.json (--only with fewer parts).
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from datasets import DATASETS, MORE, data_dir, split_files  # noqa: E402

GAVEL = ROOT / "target" / "release" / "gavel"
OUT = HERE / "out" / "bench"
PEERS = ["sklearn", "fasttext", "vw"]
FULL = "datasets,scoring,cold,scale"
csv.field_size_limit(10**9)


# ---------------------------------------------------------------- data

def read_rows(path: Path, ext: str, text: str, label: str, target=None):
    """(text, label, target) rows of a CSV/TSV/JSONL file, as gavel reads them."""
    out = []
    if ext == "jsonl":
        for line in open(path, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                out.append((str(r[text]), str(r[label]), str(r[target]) if target else None))
        return out
    delim, quoting = ("\t", csv.QUOTE_NONE) if ext == "tsv" else (",", csv.QUOTE_MINIMAL)
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f, delimiter=delim, quoting=quoting):
            out.append((r[text], r[label], r[target] if target else None))
    return out


def one_line(t: str) -> str:
    return " ".join(t.split())


# ---------------------------------------------------------------- peers (worker side)

class Peer:
    """One peer's model per target group: fit(texts, labels), proba(texts) -> (classes, rows)."""

    def __init__(self, name, workdir: Path):
        self.name, self.dir = name, workdir

    def fit(self, texts, labels):
        self.classes = sorted(set(labels))
        if self.name == "sklearn":
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline, make_union
            vec = make_union(
                TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
            self.m = make_pipeline(vec, LogisticRegression(C=4.0, max_iter=2000)).fit(texts, labels)
        elif self.name == "fasttext":
            import fasttext
            path = self.dir / "ft_train.txt"
            with open(path, "w", encoding="utf-8") as f:
                for t, y in zip(texts, labels):
                    f.write(f"__label__{y} {one_line(t)}\n")
            self.m = fasttext.train_supervised(str(path), wordNgrams=2, verbose=0)
        else:
            from vowpalwabbit import Workspace
            k = len(self.classes)
            args = "--loss_function logistic --ngram 2 -b 24 --quiet"
            args += f" --oaa {k} --probabilities" if k > 2 else " --link logistic"
            self.m = Workspace(args)
            for t, y in zip(texts, labels):
                i = self.classes.index(y)
                lab = (i + 1) if k > 2 else (1 if i == 1 else -1)
                self.m.learn(f"{lab} | {vw_text(t)}")
        return self

    def proba(self, texts):
        k = len(self.classes)
        if self.name == "sklearn":
            p = self.m.predict_proba(texts)
            order = [list(self.m.classes_).index(c) for c in self.classes]
            return [[row[j] for j in order] for row in p]
        if self.name == "fasttext":
            labs, probs = self.m.predict([one_line(t) for t in texts], k=k)
            out = []
            for ls, ps in zip(labs, probs):
                d = {lab[len("__label__"):]: float(p) for lab, p in zip(ls, ps)}
                out.append([d.get(c, 0.0) for c in self.classes])
            return out
        out = []
        for t in texts:
            p = self.m.predict(f"| {vw_text(t)}")
            out.append(list(p) if k > 2 else [1 - p, p])
        return out

    def save(self):
        if self.name == "sklearn":
            import pickle
            path = self.dir / "sk.pkl"
            path.write_bytes(pickle.dumps(self.m))
        elif self.name == "fasttext":
            path = self.dir / "ft.bin"
            self.m.save_model(str(path))
        else:
            path = self.dir / "vw.model"
            self.m.save(str(path))
        return path.stat().st_size


def vw_text(t: str) -> str:
    return re.sub(r"[|:\s]+", " ", t.lower())


def worker(spec):
    """Runs one peer task; prints a JSON line. Timed parts are timed here."""
    wd = Path(spec["workdir"])
    wd.mkdir(parents=True, exist_ok=True)
    if spec["task"] == "fit_eval":
        ds = spec["ds"]
        tr = read_rows(Path(spec["train"]), ds["ext"], ds["text"], ds["label"], ds.get("target"))
        te = read_rows(Path(spec["test"]), ds["ext"], ds["text"], ds["label"], ds.get("target"))
        groups = sorted({g for _, _, g in tr})
        t0 = time.perf_counter()
        models = {g: Peer(spec["peer"], wd).fit([t for t, _, h in tr if h == g], [y for _, y, h in tr if h == g])
                  for g in groups}
        fit = time.perf_counter() - t0
        size = sum(m.save() for m in models.values()) if len(groups) == 1 else None
        classes = sorted({y for _, y, _ in tr})
        truth, probs = [], []
        for g in groups:
            rows = [(t, y) for t, y, h in te if h == g]
            p = models[g].proba([t for t, _ in rows])
            cl = models[g].classes
            probs += [[r[cl.index(c)] if c in cl else 0.0 for c in classes] for r in p]
            truth += [y for _, y in rows]
        print(json.dumps({"fit_seconds": fit, "model_bytes": size, **metrics(truth, probs, classes)}))
    elif spec["task"] == "train_only":
        rows = read_rows(Path(spec["train"]), "csv", "text", "abusive")
        t0 = time.perf_counter()
        Peer(spec["peer"], wd).fit([t for t, _, _ in rows], [y for _, y, _ in rows])
        print(json.dumps({"fit_seconds": time.perf_counter() - t0}))
    elif spec["task"] == "score":
        rows = read_rows(Path(spec["train"]), "csv", "text", "abusive")
        m = Peer(spec["peer"], wd).fit([t for t, _, _ in rows], [y for _, y, _ in rows])
        size = m.save()
        with open(spec["corpus"], encoding="utf-8", newline="") as f:
            texts = [r["text"] for r in csv.DictReader(f)]
        bytes_ = sum(len(t.encode()) for t in texts)
        t0 = time.perf_counter()
        m.proba(texts)
        secs = time.perf_counter() - t0
        # cold start: load the saved model and score one comment
        t0 = time.perf_counter()
        load_and_score_one(spec["peer"], wd, m)
        cold = time.perf_counter() - t0
        print(json.dumps({"seconds": secs, "rows": len(texts), "text_bytes": bytes_, "model_bytes": size,
                          "cold_start_seconds": cold}))


def load_and_score_one(peer, wd, m):
    text = "you are a complete idiot"
    if peer == "sklearn":
        import pickle
        pickle.loads((wd / "sk.pkl").read_bytes()).predict_proba([text])
    elif peer == "fasttext":
        import fasttext
        fasttext.load_model(str(wd / "ft.bin")).predict([text], k=2)
    else:
        from vowpalwabbit import Workspace
        Workspace(f"-i {wd / 'vw.model'} -t --quiet").predict(f"| {vw_text(text)}")


def metrics(truth, probs, classes):
    from sklearn.metrics import f1_score, roc_auc_score
    pred = [classes[max(range(len(classes)), key=lambda j: p[j])] for p in probs]
    out = {"macro_f1": f1_score(truth, pred, average="macro"),
           "weighted_f1": f1_score(truth, pred, average="weighted"),
           "accuracy": sum(a == b for a, b in zip(truth, pred)) / len(truth)}
    if len(classes) == 2:
        out["roc_auc"] = roc_auc_score([t == classes[1] for t in truth], [p[1] for p in probs])
    if "FAVOR" in classes and "AGAINST" in classes:
        out["f_avg"] = float(sum(f1_score(truth, pred, labels=["FAVOR", "AGAINST"], average=None)) / 2)
    return out


# ---------------------------------------------------------------- parent side

def run(cmd):
    """Runs a command; returns (wall seconds, peak RSS bytes, stdout, stderr). stderr goes to a
    file, so a chatty child cannot block on a full pipe while stdout is read."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf)
        out = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(map(str, cmd))}\n{err[-2000:]}")
    return wall, ru.ru_maxrss * 1024, out.decode(), err


def peer_task(spec):
    _, rss, out, _ = run([sys.executable, __file__, "worker", json.dumps(spec)])
    r = json.loads(out.strip().splitlines()[-1])
    r["peak_rss_bytes"] = rss
    return r


def median(rs):
    keys = [k for k, v in rs[0].items() if isinstance(v, (int, float))]
    med = dict(rs[0])
    for k in keys:
        med[k] = statistics.median(r[k] for r in rs if r.get(k) is not None)
    med["runs"] = len(rs)
    return med


def interleaved(runs, fns):
    """Medians of `runs` runs of every tool in `fns` (name -> function), taken in turn: run 1 of
    each tool, then run 2 of each, ... so a slow spell of this noisy machine hits every tool,
    not only the one that happened to run during it."""
    rs = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            rs[name].append(fn())
    return {name: median(r) for name, r in rs.items()}


def gavel_fit_eval(name, ds, tr, te):
    model, rep = OUT / f"{name}.gavel", OUT / f"{name}.report"
    # like for like: no peer calibrates its scores, so gavel fits without calibration here
    # (calibration refits each head on every fold: docs/design.md, "Calibration by cross-fitting")
    cmd = [str(GAVEL), "-q", "train", "--data", str(tr), "--data-format", ds["ext"], "--text", ds["text"],
           "--label", ds["label"], "--calibration-folds", "0", "-o", str(model)]
    if ds.get("target"):
        cmd += ["--target", ds["target"]]
    wall, rss, _, _ = run(cmd)
    run([str(GAVEL), "-q", "eval", "--model", str(model), "--data", str(te), "--data-format", ds["ext"], "--out", str(rep)])
    h = json.loads((rep / "report.json").read_text())["heads"][0]
    r = {k: h[k] for k in ("macro_f1", "weighted_f1", "accuracy", "roc_auc", "f_avg") if h.get(k) is not None}
    return {**r, "fit_seconds": wall, "peak_rss_bytes": rss, "model_bytes": model.stat().st_size}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a few minutes: 200k scoring rows, 50k/100k training")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--only", default=FULL, help="parts to run")
    args = ap.parse_args()
    if not data_dir().is_dir():
        print(f"skipped: no data at {data_dir()}")
        return 1 if os.environ.get("CI") == "true" else 0
    peers = [p for p in args.peers.split(",") if p]
    OUT.mkdir(parents=True, exist_ok=True)
    n_score = 200_000 if args.quick else 1_000_000
    sizes = [50_000, 100_000] if args.quick else [50_000, 100_000, 200_000, 500_000]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    res = {"quick": args.quick, "runs": args.runs, "cores": os.cpu_count(), "commit": commit,
           "date": time.strftime("%Y-%m-%d"), "datasets": {}, "scoring": {}, "scale": {}, "cold_start": {}}

    parts = set(args.only.split(","))
    # `--only cold`: the shipped models' cold start alone, a record of its own (the models
    # change more often than the full run is repeated)
    cold_only = parts == {"cold"}
    # 1. quality and fit time on every labelled set
    for name, ds in ({**DATASETS, **MORE} if "datasets" in parts else {}).items():
        tr, te = split_files(name, ds, GAVEL, OUT / "splits")
        fns = {"gavel": lambda: gavel_fit_eval(name, ds, tr, te)}
        for p in peers:
            spec = {"task": "fit_eval", "peer": p, "ds": ds, "train": str(tr), "test": str(te),
                    "workdir": str(OUT / "work" / p)}
            fns[p] = lambda spec=spec: peer_task(spec)
        row = {"metric": ds["metric"], **interleaved(args.runs, fns)}
        res["datasets"][name] = row
        print_dataset(name, row, peers)

    # 2. scoring throughput, memory and cold start: models trained on the abuse sets
    if not cold_only:
        abuse = OUT / "abuse.csv"
        subprocess.check_call([sys.executable, str(ROOT / "models" / "prepare.py"), "abuse", str(abuse)])
        corpus = OUT / f"score{n_score}.csv"
        subprocess.check_call([sys.executable, str(HERE / "corpus.py"), "score", str(n_score), str(corpus)])
        with open(corpus, encoding="utf-8", newline="") as f:
            text_bytes = sum(len(r["text"].encode()) for r in csv.DictReader(f))
        model = ROOT / "models" / "abuse.gavel"  # the shipped default, trained on the same rows

        def gavel_score():
            wall, rss, _, _ = run([str(GAVEL), "-q", "score", "--model", str(model), "--text", "text", str(corpus),
                                   "-o", str(OUT / "scored.csv")])
            return {"seconds": wall, "rows": n_score, "text_bytes": text_bytes, "peak_rss_bytes": rss,
                    "model_bytes": model.stat().st_size}
        fns = {"gavel": gavel_score}
        for p in (peers if "scoring" in parts else []):
            spec = {"task": "score", "peer": p, "train": str(abuse), "corpus": str(corpus), "workdir": str(OUT / "work" / p)}
            fns[p] = lambda spec=spec: peer_task(spec)
        res["scoring"] = interleaved(args.runs, fns)
        for r in res["scoring"].values():
            r["comments_per_second"] = r["rows"] / r["seconds"]
            r["text_mb_per_second"] = r["text_bytes"] / r["seconds"] / 1e6
        print_scoring(res["scoring"])

    # 3. cold start of every shipped model: a process that loads it and scores one comment
    one = OUT / "one.csv"
    one.write_text("text\nyou are a complete idiot\n", encoding="utf-8")
    for m in sorted((ROOT / "models").glob("*.gavel")) if "cold" in parts else []:
        # --any-target: the per-target stance model scores a row without a target column
        walls = [run([str(GAVEL), "-q", "score", "--model", str(m), "--any-target", "--text", "text", str(one),
                      "-o", str(OUT / "one.out.csv")])[0] for _ in range(max(5, args.runs))]
        res["cold_start"][m.name] = {"seconds": statistics.median(walls), "model_bytes": m.stat().st_size}
        print(f"cold start {m.name}: {statistics.median(walls) * 1000:.1f} ms (process start, load, score one)")

    # 4. fit time and memory against training rows
    for n in sizes if "scale" in parts else []:
        train = OUT / f"train{n}.csv"
        subprocess.check_call([sys.executable, str(HERE / "corpus.py"), "train", str(n), str(train)])

        def gavel_fit():
            wall, rss, _, err = run([str(GAVEL), "-v", "train", "--data", str(train), "--text", "text",
                                     "--labels", "abusive", "--calibration-folds", "0",
                                     "-o", str(OUT / "scale.gavel")])
            m = re.search(r"matrix: \d+ entries, (\d+) bytes", err)
            return {"fit_seconds": wall, "peak_rss_bytes": rss, "matrix_bytes": int(m.group(1))}
        fns = {"gavel": gavel_fit}
        for p in peers:
            spec = {"task": "train_only", "peer": p, "train": str(train), "workdir": str(OUT / "work" / p)}
            fns[p] = lambda spec=spec: peer_task(spec)
        row = interleaved(args.runs, fns)
        res["scale"][n] = row
        print_scale(n, row, peers)

    res["floors"] = floors(res, peers)
    # the full run's record stays put: quick and partial runs write files of their own
    name = "results-quick.json" if args.quick else (
        "results.json" if parts == set(FULL.split(",")) else
        "cold_results.json" if cold_only else "results-only.json")
    (HERE / name).write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    print(f"\nwrote bench/{name}")
    return 0


def fmt_mb(b):
    return f"{b / 1e6:.0f} MB" if b else "-"


def print_dataset(name, row, peers):
    m = row["metric"]
    print(f"\n{name} ({m})")
    print(f"  {'tool':9} {'quality':>8} {'fit s':>8} {'peak RSS':>10} {'model':>10}")
    for t in ["gavel"] + peers:
        r = row[t]
        print(f"  {t:9} {r[m]:8.4f} {r['fit_seconds']:8.2f} {fmt_mb(r['peak_rss_bytes']):>10} {fmt_mb(r.get('model_bytes')):>10}")


def print_scoring(sc):
    print("\nscoring (abuse model)")
    for t, r in sc.items():
        print(f"  {t:9} {r['comments_per_second']:>10,.0f} comments/s {r['text_mb_per_second']:6.1f} MB/s "
              f"peak RSS {fmt_mb(r['peak_rss_bytes'])}, model {fmt_mb(r['model_bytes'])}")


def print_scale(n, row, peers):
    print(f"\ntraining on {n:,} rows")
    for t in ["gavel"] + peers:
        r = row[t]
        extra = f", matrix {fmt_mb(r['matrix_bytes'])}" if r.get("matrix_bytes") else ""
        print(f"  {t:9} fit {r['fit_seconds']:7.2f} s ({r['fit_seconds'] / n * 1e6:5.1f} us/row), "
              f"peak RSS {fmt_mb(r['peak_rss_bytes'])}{extra}")


def floors(res, peers):
    """Checks issue 3's floors, prints them, and returns them for results.json."""
    print("\nfloors (issue 3)")
    checks = []
    for name, row in res["datasets"].items():
        m, g = row["metric"], row["gavel"]
        if "sklearn" in row:
            checks.append((f"{name}: quality >= scikit-learn", g[m] >= row["sklearn"][m], f"{g[m]:.4f} vs {row['sklearn'][m]:.4f}"))
            ratio = row["sklearn"]["fit_seconds"] / g["fit_seconds"]
            checks.append((f"{name}: fit >= 10x scikit-learn", ratio >= 10, f"{ratio:.1f}x"))
        if "fasttext" in row:
            checks.append((f"{name}: fit <= fastText", g["fit_seconds"] <= row["fasttext"]["fit_seconds"],
                           f"{g['fit_seconds']:.2f} s vs {row['fasttext']['fit_seconds']:.2f} s"))
    sc = res["scoring"]
    best = max([(sc[p]["comments_per_second"], p) for p in peers if p in sc] or [(0, "-")])
    if best[0] and "gavel" in sc:
        ratio = sc["gavel"]["comments_per_second"] / best[0]
        checks.append(("scoring >= 3x fastest peer", ratio >= 3, f"{ratio:.2f}x {best[1]}"))
    if "gavel" in sc:
        g = sc["gavel"]
        checks.append(("scoring RSS <= model + 100 MB", g["peak_rss_bytes"] <= g["model_bytes"] + 100e6,
                       f"{fmt_mb(g['peak_rss_bytes'])} for {g['rows']:,} rows"))
    for n, row in res["scale"].items():
        r = row["gavel"]
        if r.get("matrix_bytes"):
            checks.append((f"train {n:,}: RSS <= 2x matrix", r["peak_rss_bytes"] <= 2 * r["matrix_bytes"],
                           f"{fmt_mb(r['peak_rss_bytes'])} vs matrix {fmt_mb(r['matrix_bytes'])}"))
        if "sklearn" in row:
            ratio = row["sklearn"]["fit_seconds"] / r["fit_seconds"]
            checks.append((f"train {n:,}: fit >= 10x scikit-learn", ratio >= 10, f"{ratio:.1f}x"))
        if "fasttext" in row:
            checks.append((f"train {n:,}: fit <= fastText", r["fit_seconds"] <= row["fasttext"]["fit_seconds"],
                           f"{r['fit_seconds']:.2f} s vs {row['fasttext']['fit_seconds']:.2f} s"))
    for m, r in res["cold_start"].items():
        checks.append((f"cold start {m} < 50 ms", r["seconds"] < 0.05, f"{r['seconds'] * 1000:.1f} ms"))
    for what, ok, fig in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}: {fig}")
    return [{"check": w, "ok": ok, "figure": f} for w, ok, f in checks]


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "worker":
        worker(json.loads(sys.argv[2]))
    else:
        sys.exit(main())
