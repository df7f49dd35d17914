#!/usr/bin/env python3
"""Writes neutral sentences that name identities, to balance the abuse training data
(Dixon et al. 2018): in the source datasets most mentions of some groups are abusive, so a
model learns the group's name as a cue of abuse. Labelled abusive = 0.

    python3 models/identity_neutral.py OUT.csv

The identities are those of data/identity_templates.csv; the sentences here are different
from its templates, so the bias audit (gavel eval --bias) is not tested on training text.
"""
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
from make_identity_templates import IDENTITIES, article  # noqa: E402

TEMPLATES = [
    "{P} make up a large part of the city's population.",
    "The {a} festival drew large crowds this year.",
    "{P} and their neighbours rebuilt the school after the floods.",
    "Our {a} colleague presented the budget on Monday.",
    "The museum has a new exhibit on {a} history.",
    "{P} voted in large numbers in the last election.",
    "He wrote a book about {a} poetry.",
    "The survey asked {P} about jobs and schools.",
    "Two {a} players were picked for the national team.",
    "{P} run many small shops in the old bazaar.",
    "The {a} family next door invited us for dinner.",
    "{P} have lived in this region for centuries.",
    "The conference included {a} speakers from three countries.",
    "I read an interview with {an} {a} journalist.",
    "{P} in the diaspora sent money for flood relief.",
    "Local {P} welcomed the new hospital.",
    "The talk covered {a} art and music.",
    "A group of {P} visited the exhibition in Karachi.",
    "The {a} teacher won an award for her work.",
    "{P} joined the march for peace on Sunday.",
]


def main():
    out = Path(sys.argv[1])
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "abusive", "source"])
        for _, adj, plural in IDENTITIES:
            for t in TEMPLATES:
                s = t.format(a=adj, P=plural, an=article(adj))
                w.writerow([s[0].upper() + s[1:], 0, "identity-neutral"])


if __name__ == "__main__":
    main()
