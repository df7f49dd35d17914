#!/usr/bin/env python3
"""The reports and cross-dataset figures of the shipped models' cards (models/README.md).

    python3 models/evaluate.py        # run by models/build.sh, after the models are built

Reads the training CSVs that build.sh prepared in target/models-data, trains each model's
recipe on a fixed-seed 80% split (`gavel split --seed 42`, stratified; for abuse, the split
and held-out model build.sh made for the shipped policy) and evaluates it on the other 20%,
then runs the cross-dataset tests:

- abuse: the recipe (its p_abusive head) trained on one source's 80% and tested on every
  source's 20%, for the sources that label abuse;
- stance: leave one target out (trained on the other four targets, the held-out target scored
  with `--any-target`);
- sentiment: each source left out (trained on the others), the previous recipe (SST-2 alone)
  on the same held-out SST-2 rows, and the shipped model on the SemEval-2016 tweets that carry
  a POSITIVE or NEGATIVE sentiment label (a second domain);
- all three on the project's own demo set where it has labels (data/demo_comments.csv).

Writes models/reports/<name>.md and .json (`gavel eval`, without example comments for the
third-party data, whose terms forbid redistributing it) and models/reports/cross-dataset.md.
Deterministic: the same data gives the same bytes. Standard library only.
"""
import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
G = str(ROOT / "target/release/gavel")
TMP = ROOT / "target/models-data"
OUT = ROOT / "models/reports"
DEMO = ROOT / "data/demo_comments.csv"

ABUSE = ["-q", "train", "--text", "text", "--labels", "abusive", "--bits", "20", "--min-df", "2", "--c", "2"]
STANCE = ["-q", "train", "--text", "text", "--target", "target", "--label", "stance", "--bits", "20", "--min-df", "2"]
LANG = ["-q", "train", "--text", "text", "--label", "lang", "--positive", "ur-Latn", "--bits", "18", "--min-df", "2"]
SENTIMENT = ["-q", "train", "--text", "text", "--label", "sentiment", "--bits", "20", "--min-df", "2", "--c", "8"]


def gavel(*args):
    subprocess.run([G, *map(str, args)], check=True, cwd=ROOT)


def rel(p):
    """Paths as the reports record them: relative to the project, so the bytes do not depend on
    where it is checked out."""
    return Path(p).resolve().relative_to(ROOT)


def split(data, stratify, name):
    tr, te = TMP / f"{name}.train.csv", TMP / f"{name}.test.csv"
    gavel("-q", "split", "--data", rel(data), "--stratify", stratify, "--test", "0.2", "--seed", "42",
          "--train-out", rel(tr), "--test-out", rel(te))
    return tr, te


def train(recipe, data, model):
    gavel(*recipe, "--data", rel(data), "-o", rel(model))


def evaluate(model, data, *extra):
    """The report JSON of `model` on `data`."""
    out = TMP / "eval" / f"{Path(model).stem}--{Path(data).stem}"
    gavel("-q", "eval", "--model", rel(model), "--data", rel(data), "--format", "json", "--out", rel(out),
          "--no-examples", *extra)
    return json.loads((out / "report.json").read_text())


def publish(model, data, name, *extra):
    """`gavel eval` of model on data as models/reports/<name>.md and .json."""
    out = TMP / "eval" / name
    gavel("-q", "eval", "--model", rel(model), "--data", rel(data), "--format", "md,json", "--out", rel(out),
          *extra)
    OUT.mkdir(exist_ok=True)
    for ext in ("md", "json"):
        (OUT / f"{name}.{ext}").write_bytes((out / f"report.{ext}").read_bytes())
    return json.loads((out / "report.json").read_text())


def metric(rep, name, head=0):
    return rep["heads"][head][name]


def rows_where(src, dst, keep, mapping=None):
    with open(src, encoding="utf-8", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as o:
        r = csv.DictReader(f)
        # CRLF: a field holding a lone CR (the Roman Urdu sentiment set has some) is then quoted
        w = csv.DictWriter(o, fieldnames=r.fieldnames, lineterminator="\r\n")
        w.writeheader()
        for row in r:
            if keep(row):
                w.writerow(mapping(row) if mapping else row)
    return dst


def abuse():
    # build.sh made the split (the one the shipped policy was suggested on) and trained the
    # shipped recipe, identity-neutral rows included, on its 80%
    tr, te, model = TMP / "abuse.train.csv", TMP / "abuse.test.csv", TMP / "abuse.heldout.gavel"
    publish(model, te, "abuse", "--no-examples", "--by", "source")
    publish(ROOT / "models/abuse.gavel", DEMO, "abuse-demo", "--text", "comment")
    sources = ["olid", "davidson", "kaggle", "fox", "hasoc", "ruhsold"]
    tests = {s: rows_where(te, TMP / f"abuse.test.{s}.csv", lambda r, s=s: r["source"] == s) for s in sources}
    demo = DEMO
    table = []
    for a in sources + ["all"]:
        if a == "all":
            m = model
        else:
            m = TMP / f"abuse.only.{a}.gavel"
            train(ABUSE, rows_where(tr, TMP / f"abuse.train.{a}.csv", lambda r, a=a: r["source"] == a), m)
        cells = []
        for b in sources:
            rep = evaluate(m, tests[b])
            cells.append((metric(rep, "roc_auc"), metric(rep, "macro_f1")))
        rep = evaluate(m, demo, "--text", "comment")
        cells.append((metric(rep, "roc_auc"), metric(rep, "macro_f1")))
        table.append((a, cells))
    return sources, table


def stance():
    tr, te = split(TMP / "stance.csv", "target,stance", "stance")
    model = TMP / "stance.heldout.gavel"
    train(STANCE, tr, model)
    publish(model, te, "stance-semeval", "--no-examples")
    publish(ROOT / "models/stance-semeval.gavel", DEMO, "stance-demo", "--text", "comment", "--any-target")
    # the general model: the demo targets are targets it never saw
    publish(ROOT / "models/stance.gavel", DEMO, "stance-general-demo", "--text", "comment")
    targets = sorted({r["target"] for r in csv.DictReader(open(TMP / "stance.csv", encoding="utf-8"))})
    rows = []
    for t in targets:
        m = TMP / f"stance.without.{t.replace(' ', '_')}.gavel"
        train(STANCE, rows_where(TMP / "stance.csv", TMP / "stance.others.csv", lambda r: r["target"] != t), m)
        held = rows_where(TMP / "stance.csv", TMP / "stance.held.csv", lambda r: r["target"] == t)
        rep = evaluate(m, held, "--any-target")
        within = evaluate(model, rows_where(te, TMP / "stance.test.t.csv", lambda r: r["target"] == t))
        rows.append((t, metric(within, "f_avg"), metric(rep, "f_avg"), metric(rep, "macro_f1"), metric(rep, "roc_auc")))
    return rows


def sentiment_scores(model, data):
    """Per source of `data` (and over all rows): accuracy, macro-F1, macro-recall over the
    classes the source labels, and the two-way accuracy on its positive and negative rows
    (the larger of p_positive and p_negative: what a user who wants two classes reads)."""
    scored = TMP / f"{Path(model).stem}--{Path(data).stem}.scored.csv"
    gavel("-q", "score", "--model", rel(model), rel(data), "-o", rel(scored))
    by = {}
    for r in csv.DictReader(open(scored, encoding="utf-8", newline="")):
        for key in {r.get("source", "all"), "all"}:
            by.setdefault(key, []).append(r)
    out = {}
    for key, rows in by.items():
        classes = sorted({r["sentiment"] for r in rows})
        f1s, recalls = [], []
        for c in classes:
            tp = sum(r["sentiment"] == c and r["pred_sentiment"] == c for r in rows)
            pred = sum(r["pred_sentiment"] == c for r in rows)
            true = sum(r["sentiment"] == c for r in rows)
            p, rc = (tp / pred if pred else 0.0), tp / true
            recalls.append(rc)
            f1s.append(2 * p * rc / (p + rc) if p + rc else 0.0)
        polar = [r for r in rows if r["sentiment"] in ("positive", "negative")]
        # a two-class model has p_positive only
        neg = lambda r: float(r["p_negative"]) if "p_negative" in r else 1 - float(r["p_positive"])
        two = sum((float(r["p_positive"]) > neg(r)) == (r["sentiment"] == "positive") for r in polar)
        out[key] = {"rows": len(rows), "classes": classes,
                    "accuracy": sum(r["sentiment"] == r["pred_sentiment"] for r in rows) / len(rows),
                    "macro_f1": sum(f1s) / len(f1s), "macro_recall": sum(recalls) / len(recalls),
                    "two_way_accuracy": two / len(polar) if polar else None}
    return out


def sentiment():
    """The three-class model: held-out 20% by source; each source left out; the held-out rows
    by the previous recipe (SST-2 alone, two classes) on the same split; and a second domain
    (SemEval-2016 tweets with a POSITIVE or NEGATIVE label)."""
    data = TMP / "sentiment.csv"
    tr, te = split(data, "source,sentiment", "sentiment")
    model = TMP / "sentiment.heldout.gavel"
    train(SENTIMENT, tr, model)
    publish(model, te, "sentiment", "--no-examples", "--by", "source")
    held = sentiment_scores(model, te)
    sources = sorted(k for k in held if k != "all")
    left_out = {}
    for s in sources:
        m = TMP / f"sentiment.without.{s}.gavel"
        train(SENTIMENT, rows_where(data, TMP / "sentiment.others.csv", lambda r, s=s: r["source"] != s), m)
        left_out[s] = sentiment_scores(m, rows_where(data, TMP / "sentiment.held.csv",
                                                     lambda r, s=s: r["source"] == s))["all"]
    previous = TMP / "sentiment.previous.gavel"
    train(SENTIMENT, rows_where(tr, TMP / "sentiment.train.sst2.csv", lambda r: r["source"] == "sst2"), previous)
    prev = sentiment_scores(previous, te)
    # SemEval-2016 tweets with a POSITIVE or NEGATIVE sentiment label, as text,sentiment
    tweets = TMP / "sentiment.semeval.csv"
    with open(tweets, "w", encoding="utf-8", newline="") as o:
        w = csv.writer(o, lineterminator="\n")
        w.writerow(["text", "sentiment"])
        sys.path.insert(0, str(ROOT / "models"))
        from prepare import data_dir, tsv
        for r in tsv(data_dir() / "semeval2016_stance/train.utf8.tsv"):
            if r["Sentiment"] in ("POSITIVE", "NEGATIVE"):
                w.writerow([r["Tweet"], r["Sentiment"].lower()])
    publish(ROOT / "models/sentiment.gavel", tweets, "sentiment-semeval-tweets", "--no-examples")
    semeval = sentiment_scores(ROOT / "models/sentiment.gavel", tweets)["all"]
    result = {"held_out": held, "left_out": left_out, "previous_recipe": prev,
              "semeval_tweets": semeval}
    (OUT / "sentiment-sources.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    return result


def lang():
    """The language identifier: held-out 20% by source, each Roman Urdu source left out, and the
    share of TRAC's Latin-script rows it calls Roman Urdu/Hindi (TRAC does not label language:
    its Hindi sets are mostly Roman Hindi with some English, its English sets mostly English)."""
    data = TMP / "lang.csv"
    tr, te = split(data, "source", "lang")
    model = TMP / "lang.heldout.gavel"
    # the shipped recipe: the training rows with the identity-neutral sentences (build.sh)
    tr_all = TMP / "lang.train.all.csv"
    tr_all.write_bytes(tr.read_bytes() + (TMP / "lang.neutral.csv").read_bytes().split(b"\n", 1)[1])
    train(LANG, tr_all, model)
    publish(model, te, "lang", "--no-examples", "--by", "source")
    rows = []
    for s in ("ruhsold", "roman_urdu_uci"):
        m = TMP / f"lang.without.{s}.gavel"
        train(LANG, rows_where(TMP / "lang.all.csv", TMP / "lang.others.csv", lambda r, s=s: r["source"] != s), m)
        rep = evaluate(m, rows_where(data, TMP / "lang.held.csv", lambda r, s=s: r["source"] == s))
        rows.append((f"{s}, left out of training", "ur-Latn", rep["rows"], metric(rep, "accuracy")))
    sys.path.insert(0, str(ROOT / "models"))
    from prepare import abuse as abuse_rows, data_dir, latin
    trac = TMP / "lang.trac.csv"
    with open(trac, "w", encoding="utf-8", newline="") as o:
        w = csv.writer(o, lineterminator="\r\n")
        w.writerow(["text", "source"])
        for text, source, *_ in abuse_rows(data_dir()):
            if source.startswith("trac") and text.strip() and latin(text):
                w.writerow([text, source])
    scored = TMP / "lang.trac.scored.csv"
    gavel("-q", "score", "--model", rel(model), "--lang-id", rel(model), rel(trac), "-o", rel(scored))
    by = {}
    for r in csv.DictReader(open(scored, encoding="utf-8", newline="")):
        by.setdefault(r["source"], []).append(r["lang"] == "ur-Latn")
    for s, v in sorted(by.items()):
        rows.append((f"{s} (Latin script, language not labelled)", "share called ur-Latn", len(v), sum(v) / len(v)))
    return rows


def main():
    la = lang()
    sources, ab = abuse()
    st = stance()
    se = sentiment()
    f = lambda v: f"{v:.3f}"
    md = ["# Cross-dataset results of the shipped models",
          "",
          "Written by `models/evaluate.py` (run by `models/build.sh`); splits are `gavel split --test 0.2 "
          "--seed 42`, stratified. Trained with each shipped model's recipe.",
          "",
          "## abuse: train on one source, test on every source",
          "",
          "ROC-AUC / macro-F1 of p_abusive on each source's held-out 20% (rows: training source, its 80%; "
          "`all`: every abuse source with the identity-neutral rows, three heads, as shipped) and on the "
          "project's demo set (300 comments written for this project, 71 abusive).",
          "",
          "| trained on | " + " | ".join(sources) + " | demo set |",
          "|---|" + "---|" * (len(sources) + 1)]
    for a, cells in ab:
        md.append(f"| {a} | " + " | ".join(f"{f(r)} / {f(m)}" for r, m in cells) + " |")
    md += ["",
           "## stance: leave one target out",
           "",
           "F_avg (SemEval's official score: mean F1 of FAVOR and AGAINST) of the recipe on each target's "
           "held-out 20% when trained with that target (`within`), and on all of a target's rows when "
           "trained on the other four targets only, scored with `--any-target` (the mean of the known "
           "targets' heads).",
           "",
           "| target | within: F_avg | unseen: F_avg | unseen: macro-F1 | unseen: ROC-AUC |",
           "|---|---|---|---|---|"]
    for t, w, fa, mf, auc in st:
        md.append(f"| {t} | {f(w)} | {f(fa)} | {f(mf)} | {f(auc)} |")
    md += ["",
           "## sentiment: each source left out, and tweets",
           "",
           "Accuracy, macro-F1 and macro-recall (TweetEval's official score) over the classes each source "
           "labels (SST-2: negative and positive only), and the two-way accuracy on the positive and negative "
           "rows (the larger of p_positive and p_negative). `held out`: the recipe trained on every source's "
           "80%, tested on the 20%; `left out`: trained on the other sources only, tested on all of the "
           "source's rows; `previous recipe`: SST-2's 80% alone, two classes, as shipped before.",
           "",
           "| test rows | trained on | rows | accuracy | macro-F1 | macro-recall | two-way accuracy |",
           "|---|---|---|---|---|---|---|"]
    cell = lambda v: "–" if v is None else f(v)
    for s_ in sorted(se["held_out"]):
        r = se["held_out"][s_]
        md.append(f"| {s_} 20% | every source's 80% | {r['rows']:,} | {f(r['accuracy'])} | {f(r['macro_f1'])} | "
                  f"{f(r['macro_recall'])} | {cell(r['two_way_accuracy'])} |")
    for s_ in sorted(se["previous_recipe"]):
        r = se["previous_recipe"][s_]
        md.append(f"| {s_} 20% | previous recipe: sst2 80% | {r['rows']:,} | {f(r['accuracy'])} | "
                  f"{f(r['macro_f1'])} | {f(r['macro_recall'])} | {cell(r['two_way_accuracy'])} |")
    for s_, r in sorted(se["left_out"].items()):
        md.append(f"| {s_}, all rows | the other sources | {r['rows']:,} | {f(r['accuracy'])} | {f(r['macro_f1'])} | "
                  f"{f(r['macro_recall'])} | {cell(r['two_way_accuracy'])} |")
    r = se["semeval_tweets"]
    md.append(f"| SemEval-2016 tweets, positive or negative | shipped model | {r['rows']:,} | {f(r['accuracy'])} | "
              f"{f(r['macro_f1'])} | {f(r['macro_recall'])} | {cell(r['two_way_accuracy'])} |")
    md += ["",
           "## lang: sources it never saw",
           "",
           "The language identifier (`--lang-id`) on Latin-script text: accuracy on a Roman Urdu source when "
           "trained without it, and on TRAC, which it never saw and which does not label language, the share "
           "of rows it calls Roman Urdu/Hindi.",
           "",
           "| rows | truth | count | accuracy or share |",
           "|---|---|---|---|"]
    for name, truth, n, v in la:
        md.append(f"| {name} | {truth} | {n:,} | {f(v)} |")
    md.append("")
    (OUT / "cross-dataset.md").write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
