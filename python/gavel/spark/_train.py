"""Training a gavel model with Spark, for labelled data that does not fit one machine.

    from gavel import spark as gspark
    model = gspark.train(df, text="comment", label="insult", c=4)
    model.save("insults.gavel")

The stages, each where the data is:
1. the executors count, per partition, how many rows hold each hash bucket's n-grams
   (gavel's analyzer, in Rust); Spark sums the counts by bucket;
2. the driver turns the sums into gavel's vectorizer (kept buckets, their order and IDF), as
   `gavel train` does on one machine, and broadcasts it;
3. the executors turn each row into gavel's TF-IDF vector (a Spark ML sparse vector);
4. Spark MLlib's `LogisticRegression` fits each head with its distributed L-BFGS, on
   gavel's objective: L2 penalty ½‖W‖², loss weighted by C and the class weights,
   intercepts unpenalised (`regParam = 1 / (C · Σ row weights)`, no standardization);
5. as `gavel train` calibrates on out-of-fold scores, MLlib fits the head once more per
   calibration fold (rows assigned to folds by a hash of their text) and the held-out rows'
   logits come back to the driver, where gavel fits each head's calibration;
6. gavel assembles a standard `.gavel` file: the same text and feature settings, the
   MLlib weights, the calibration, the reverse n-gram dictionary from a sample of the rows,
   and the engine recorded as the model's `trainer`. The CLI loads, inspects and scores it.
"""
import json
import warnings
import zlib

import numpy as np

from .. import _gavel
from .._model import Model
from .._train import _flags

# per Python worker: vectorizers rebuilt from their broadcast parts
_FEATURES = {}

# rows per call into Rust when counting and vectorizing a partition
_BATCH = 4096


def _texts(values):
    return ["" if v is None else str(v) for v in values]


def _doc_freq(fj, bits):
    """mapInPandas: one partition's document frequencies, as (bucket, n) rows."""

    def run(batches):
        import pandas as pd

        df = np.zeros(1 << bits, dtype=np.int64)
        for pdf in batches:
            texts = _texts(pdf.iloc[:, 0])
            for s in range(0, len(texts), _BATCH):
                b, n = _gavel.doc_freq(fj, texts[s:s + _BATCH])
                df[np.frombuffer(b, dtype="<u4")] += np.frombuffer(n, dtype="<u4")
        seen = np.flatnonzero(df)
        yield pd.DataFrame({"bucket": seen.astype(np.int32), "n": df[seen]})

    return run


def _features(parts):
    key = zlib.crc32(parts[1]) ^ zlib.crc32(parts[2]) << 1
    if key not in _FEATURES:
        _FEATURES.clear()
        _FEATURES[key] = _gavel.Features.from_parts(*parts)
    return _FEATURES[key]


def _vectorize(parts_bc, folds, n_labels):
    """mapPartitions: rows (text, label cells…) → (features, labels…, fold, nnz)."""

    def run(rows):
        from pyspark.ml.linalg import SparseVector

        feats = _features(parts_bc.value)
        n = feats.n_features
        batch = []

        def flush():
            indptr, idx, val, _ = feats.transform([r[0] for r in batch], threads=1)
            indptr = np.frombuffer(indptr, dtype="<i8")
            idx = np.frombuffer(idx, dtype="<i4")
            val = np.frombuffer(val, dtype="<f4").astype(np.float64)
            for i, r in enumerate(batch):
                a, b = indptr[i], indptr[i + 1]
                fold = zlib.crc32(r[0].encode("utf-8")) % folds if folds else 0
                yield (SparseVector(n, idx[a:b], val[a:b]),) + tuple(r[1:1 + n_labels]) + (
                    fold, int(b - a))

        for r in rows:
            batch.append(r)
            if len(batch) == _BATCH:
                yield from flush()
                batch = []
        if batch:
            yield from flush()

    return run


class _Head:
    """One head's MLlib fits: on every row, and once per calibration fold."""

    def __init__(self, data, y, k, recipe, max_iter, tol, folds, calibration_rows):
        self.data, self.y, self.k = data, y, k
        self.recipe, self.max_iter, self.tol = recipe, max_iter, tol
        self.folds, self.calibration_rows = folds, calibration_rows
        # rows per (fold, class): the class weights and penalty of every fit
        counts = data.groupBy("fold", y).count().collect()
        self.counts = {(r["fold"], int(r[y])): r["count"] for r in counts}

    def counts_by_class(self):
        """Rows per class over every fold."""
        out = {}
        for (_, c), n in self.counts.items():
            out[c] = out.get(c, 0) + n
        return out

    def _weights(self, held_out):
        """The class weights of a fit on every fold but `held_out` (None: every row), as
        gavel's `row_costs` gives them, and their sum."""
        n_c = {}
        for (f, c), n in self.counts.items():
            if f != held_out:
                n_c[c] = n_c.get(c, 0) + n
        n = sum(n_c.values())
        if self.recipe.class_weight == "balanced":
            w = {c: n / (len(n_c) * m) for c, m in n_c.items()}
        else:
            w = {c: 1.0 for c in n_c}
        return w, sum(w[c] * m for c, m in n_c.items())

    def fit(self, held_out=None):
        from pyspark.ml.classification import LogisticRegression
        from pyspark.sql import functions as F

        rows = self.data if held_out is None else self.data.filter(F.col("fold") != held_out)
        w, total = self._weights(held_out)
        weight = F.lit(0.0)
        for c, v in sorted(w.items()):
            weight = F.when(F.col(self.y) == c, F.lit(v)).otherwise(weight)
        rows = rows.withColumn("_w", weight).withColumn("_y", F.col(self.y).cast("double"))
        lr = LogisticRegression(
            featuresCol="features", labelCol="_y", weightCol="_w",
            regParam=1.0 / (self.recipe.c * total), elasticNetParam=0.0,
            standardization=False, fitIntercept=True, maxIter=self.max_iter, tol=self.tol,
            family="binomial" if self.k == 1 else "multinomial")
        return lr.fit(rows), total

    def weights(self, model):
        """Feature-major f32 weights and the intercepts of a fitted MLlib model."""
        if self.k == 1:
            return (model.coefficients.toArray().astype("<f4").tobytes(),
                    [float(model.intercept)])
        w = model.coefficientMatrix.toArray().T  # features × classes
        return np.ascontiguousarray(w).astype("<f4").tobytes(), [
            float(b) for b in model.interceptVector.toArray()]

    def out_of_fold(self):
        """Raw logits and classes of every calibration fold's held-out rows (at most
        `calibration_rows` of them, a seeded sample beyond that)."""
        from pyspark.ml.functions import vector_to_array
        from pyspark.sql import functions as F

        n = sum(self.counts.values())
        keep = min(1.0, self.calibration_rows / max(n, 1))
        zs, ys = [], []
        for f in range(self.folds):
            m, _ = self.fit(f)
            held = self.data.filter(F.col("fold") == f)
            if keep < 1.0:
                held = held.sample(False, keep, seed=f)
            out = m.transform(held).select(
                vector_to_array("rawPrediction").alias("z"), F.col(self.y).alias("y")).toPandas()
            z = np.stack(out["z"].to_numpy()) if len(out) else np.zeros((0, 2))
            zs.append(z[:, 1] if self.k == 1 else z)
            ys.append(out["y"].to_numpy().astype("<u4"))
        z = np.concatenate([np.ravel(a) for a in zs]).astype("<f8")
        return z.tobytes(), np.concatenate(ys).tobytes()


def _check_rows(df, text, cols, multi, on_error, data_name):
    """The usable rows, and how many were left out (`on_error="skip"`); with "stop", the
    first unusable row raises `GavelError`, naming its column and how many there are."""
    from pyspark.sql import functions as F

    blank = lambda c: F.col(c).isNull() | (F.trim(F.col(c).cast("string")) == "")  # noqa: E731
    why = F.when(blank(text), F.lit(f"column '{text}': empty text"))
    if multi:
        for c in cols:
            v = F.trim(F.col(c).cast("string"))
            bad = ~blank(c) & ~v.isin("0", "1", "true", "false")
            why = why.when(bad, F.concat(F.lit(f"column '{c}': '"), v, F.lit("' is not 0 or 1")))
    else:
        why = why.when(blank(cols[0]), F.lit(f"column '{cols[0]}': empty label"))
    checked = df.select(text, *cols).withColumn("_why", why)
    bad = checked.filter(F.col("_why").isNotNull())
    n_bad = bad.count()
    if n_bad and on_error == "stop":
        first = bad.first()
        raise _gavel.GavelError(
            f"{data_name}: {n_bad} row(s) cannot be used; the first, text "
            f"{str(first[text])[:60]!r}: {first['_why']} (on_error='skip' leaves them out)")
    return checked.filter(F.col("_why").isNull()).drop("_why"), n_bad


def train(df, text="text", label=None, labels=None, data_name="<Spark DataFrame>",
          on_error="stop", max_iter=200, tol=1e-6, calibration_rows=2_000_000,
          vocab_rows=20_000, **params):
    """Trains a gavel model on a Spark DataFrame: features in the executors, heads fitted by
    Spark MLlib's distributed L-BFGS, calibration and the model file as `gavel train` makes
    them (see this module's description). Returns a `gavel.Model`; `save` writes the
    `.gavel` file that the CLI and `gavel.load` read.

    `text`: the text column; `label`: one class column (two or more classes), or `labels`:
    0/1 columns, one head each (an empty cell: not labelled for that head). Other keywords
    are `gavel train` flags with its defaults: `c=4`, `class_weight="balanced"`, `bits=20`,
    `min_df=1`, `word_ngrams=(1, 2)`, `char_ngrams=(2, 5)`, `calibration_folds=3`,
    `vocab=20000`, `positive=…`; per-target (stance) training is not offered here.
    `max_iter`, `tol`: MLlib's L-BFGS settings. `on_error`: "stop" raises at rows without
    text or label; "skip" leaves them out, counted in the model. `calibration_rows`: the most
    held-out rows the calibration reads; `vocab_rows`: rows sampled for the n-gram
    dictionary.
    """
    import pyspark
    from pyspark.sql import functions as F
    from pyspark.sql.types import (DoubleType, IntegerType, StructField, StructType)
    from pyspark.ml.linalg import VectorUDT

    if (label is None) == (labels is None):
        raise _gavel.GavelError("give label= (one class column) or labels= (0/1 columns)")
    if "target" in params:
        raise _gavel.GavelError("per-target (stance) training is not offered with Spark; "
                                "use gavel.train or the CLI")
    if on_error not in ("stop", "skip"):
        raise _gavel.GavelError(f"on_error must be 'stop' or 'skip', not '{on_error}'")
    recipe = _gavel.Recipe(_flags(params))
    multi = labels is not None
    cols = list(labels) if multi else [label]
    for c in [text] + cols:
        if c not in df.columns:
            raise _gavel.GavelError(
                f"{data_name}: no column '{c}' (columns: {', '.join(df.columns)})")
    rows, skipped = _check_rows(df, text, cols, multi, on_error, data_name)
    sc = df.sparkSession.sparkContext

    # the label spec, and each row's class (or 0/1 cells) as numbers
    if multi:
        ycols = []
        for i, c in enumerate(cols):
            v = F.lower(F.trim(F.col(c).cast("string")))
            rows = rows.withColumn(f"_y{i}", F.when(v.isin("1", "true"), 1.0)
                                   .when(v.isin("0", "false"), 0.0))
            ycols.append(f"_y{i}")
        classes = positive = None
    else:
        lab = F.trim(F.col(label).cast("string"))
        seen = sorted(r[0] for r in rows.select(lab.alias("v")).distinct().collect())
        classes, positive = recipe.classes(label, seen)
        if positive is not None:
            y = F.when(lab == positive, 1.0).otherwise(0.0)
        else:
            y = F.lit(None).cast("double")
            for i, c in enumerate(classes):
                y = F.when(lab == c, float(i)).otherwise(y)
        rows = rows.withColumn("_y0", y)
        ycols = ["_y0"]
    rows = rows.select(F.col(text).cast("string").alias("_text"), *ycols)
    n = rows.count()
    if n == 0:
        raise _gavel.GavelError(f"{data_name}: no usable rows")

    # 1–2: document frequencies summed over the partitions → the vectorizer
    fj = recipe.features_json()
    bits = json.loads(fj)["features"]["bits"]
    dfs = (rows.select("_text").mapInPandas(_doc_freq(fj, bits), "bucket int, n long")
           .groupBy("bucket").agg(F.sum("n").alias("n")).toPandas())
    feats = _gavel.Features.from_doc_freq(
        fj, dfs["bucket"].to_numpy().astype("<u4").tobytes(),
        dfs["n"].to_numpy().astype("<u4").tobytes(), n)
    if feats.n_features == 0:
        raise _gavel.GavelError(
            f"no n-gram occurs in enough of the {n} rows: there is nothing to learn from; "
            "lower min_df")
    parts = sc.broadcast(feats.parts())

    # 3: the TF-IDF rows, kept for every fit
    folds = recipe.calibration_folds
    schema = StructType([StructField("features", VectorUDT(), False)]
                        + [StructField(c, DoubleType(), True) for c in ycols]
                        + [StructField("fold", IntegerType(), False),
                           StructField("nnz", IntegerType(), False)])
    vec = df.sparkSession.createDataFrame(
        rows.rdd.map(tuple).mapPartitions(_vectorize(parts, folds, len(ycols))), schema)
    vec = vec.persist(pyspark.StorageLevel.MEMORY_AND_DISK)
    try:
        nnz = vec.agg(F.sum("nnz")).first()[0] or 0
        # 4–5: the heads
        k = 1 if multi or len(classes) == 2 else len(classes)
        heads, class_counts, head_rows = [], [], []
        for i, c in enumerate(ycols):
            data = vec.filter(F.col(c).isNotNull())
            h = _Head(data, c, k, recipe, max_iter, tol, folds, calibration_rows)
            seen = list(h.counts_by_class())
            if multi and not seen:
                raise _gavel.GavelError(f"label column '{cols[i]}' is empty in every row: "
                                        "no row is labelled for it")
            if multi and len(seen) < 2:
                raise _gavel.GavelError(f"label column '{cols[i]}' is {seen[0]} in every "
                                        "labelled row; it needs both 0 and 1")
            m, total = h.fit()
            w, b = h.weights(m)
            z, zy = h.out_of_fold() if folds >= 2 else (b"", b"")
            s = m.summary
            loss = s.objectiveHistory[-1] * recipe.c * total if s.objectiveHistory else 0.0
            heads.append((w, b, z, zy, s.totalIterations, loss, s.totalIterations < max_iter))
            by = h.counts_by_class()
            if multi:
                class_counts.append((cols[i], by.get(1, 0)))
                head_rows.append((cols[i], sum(by.values())))
            else:
                class_counts = [(cl, by.get(j if positive is None else int(cl == positive), 0))
                                for j, cl in enumerate(classes)]
        if multi and all(r == n for _, r in head_rows):
            head_rows = []
        # 6: the model file
        vocab = [r[0] for r in rows.select("_text").sample(
            False, min(1.0, 1.2 * vocab_rows / n), seed=0).limit(vocab_rows).collect()]
        family = "binomial" if k == 1 else "multinomial"
        trainer = (f"Spark MLlib {pyspark.__version__} LogisticRegression ({family}, L-BFGS, "
                   f"tol {tol:g}, at most {max_iter} iterations, no standardization)")
        record = (data_name, n, skipped, trainer, int(nnz), int(nnz) * 12)
        model, notes = _gavel.assemble_model(
            feats, recipe, text, heads, record, class_counts, head_rows, vocab,
            label=label, classes=classes, labels=cols if multi else None)
    finally:
        vec.unpersist()
        parts.unpersist()
    for note in notes:
        warnings.warn(note, stacklevel=2)
    return Model(model)
