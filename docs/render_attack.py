"""Render blocks of the attack suite: bench/attack_results*.json (`bench/attack.py`, models
trained on one set each) and bench/attack_shipped.json (`bench/attack_shipped.py`, the shipped
abuse recipe); used by docs/render.py."""
from render_common import load, signed, table

FAMILIES = ["zero_width", "homoglyph", "accents", "leet", "mask", "split", "repeat", "misspell",
            "swap", "drop", "double", "keyboard", "phonetic", "space"]
ATTACK_SETS = [("olid", "OLID"), ("kaggle", "Kaggle insults"), ("davidson", "Davidson"), ("fox", "Fox News")]
ATTACK_MODELS = [("gavel", "gavel"), ("gavel_typos", "gavel, against typos"),
                 ("gavel_spell", "gavel, spelling corrected"),
                 ("gavel_spell_typos", "gavel, spelling corrected, against typos"),
                 ("gavel_robust", "gavel, recipe against disguise"),
                 ("sklearn_word", "scikit-learn word"), ("sklearn_word_char", "scikit-learn word+char")]
SHIPPED_SETS = ATTACK_SETS + [("hasoc", "HASOC 2019"), ("ruhsold", "RUHSOLD")]
SHIPPED_MODELS = [("gavel", "shipped recipe"), ("gavel_without_spell", "shipped recipe without `--spell`"),
                  ("sklearn_word_char", "scikit-learn word+char")]
PROTOCOLS = [("abusive-rows", "abusive rows"), ("all-rows", "every row")]


def drop(v):
    """A ROC-AUC drop to three decimals, signed; nothing lost is 0.000 (not -0.000)."""
    return signed(v, 3)


def _families(cells):
    return [f for f in FAMILIES if any(f in c.get("gavel", {}) for c in cells)]


def attacktable(rel):
    """Per set and model, the clean ROC-AUC and each family's drop; the families and models a
    results file holds (older files lack the typo families and the typo-trained gavel)."""
    a = load(rel)["sets"]
    fams = _families(a.values())
    rows = []
    for key, name in ATTACK_SETS:
        s = a[key]
        for model, label in ATTACK_MODELS:
            if model not in s:
                continue
            d = s[model]
            rows.append([name, label, f"{d['clean']:.3f}"] + [drop(-d[f]) for f in fams])
    return table(["set", "model", "clean AUC", *(f.replace("_", "-") for f in fams)], rows)


def attack():
    return attacktable("bench/attack_results.json")


def attack_all_words():
    return attacktable("bench/attack_results_all_words.json")


def attack_all_words_all_rows():
    return attacktable("bench/attack_results_all_words_all_rows.json")


def attack_shipped():
    """Per protocol, source and model: clean ROC-AUC of p_abusive, each family's drop, the worst."""
    p = load("bench/attack_shipped.json")["protocols"]
    fams = _families([c for t in p.values() for c in t.values()])
    rows = []
    for proto, pname in PROTOCOLS:
        for key, name in SHIPPED_SETS:
            cell = p[proto][key]
            for model, label in SHIPPED_MODELS:
                d = cell[model]
                worst = max(-d[f] for f in fams)
                rows.append([pname, f"{name} ({cell['rows']:,})", label, f"{d['clean']:.3f}",
                             *(drop(-d[f]) for f in fams), f"**{drop(worst)}**"])
    return table(["disguised", "source (held-out rows)", "model", "clean AUC",
                   *(f.replace("_", "-") for f in fams), "largest"], rows)


def attack_foreign():
    """Per set and model: clean ROC-AUC and, per nlpaug family, the mean drop over the seeds with
    the abusive rows disguised / with every row (bench/attack_foreign_results.json)."""
    r = load("bench/attack_foreign_results.json")
    fams = r["families"]
    rows = []
    for key, name in ATTACK_SETS:
        s = r["sets"][key]
        for model, label in ATTACK_MODELS:
            if model not in s:
                continue
            d = s[model]
            rows.append([name, label, f"{d['clean']:.3f}"]
                        + [f"{drop(d['abusive_rows:' + f])} / {drop(d['every_row:' + f])}" for f in fams])
    return table(["set", "model", "clean AUC", *(f.replace("_", "-") for f in fams)], rows)
