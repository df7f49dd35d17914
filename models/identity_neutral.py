#!/usr/bin/env python3
"""Writes neutral sentences that name identities, to balance the abuse training data
(Dixon et al. 2018): in the source datasets most mentions of some groups are abusive, so a
model learns the group's name as a cue of abuse. In English and in Roman Urdu, with the
columns of `prepare.py abuse` and every head 0 (abusive, hate, aggressive: a neutral sentence
is none of them).

    python3 models/identity_neutral.py OUT.csv
    python3 models/identity_neutral.py --lang OUT.csv   # text, lang, source: for models/lang.gavel

The identities are those of data/identity_templates.csv; the sentences here are different
from its templates, so the bias audit (gavel eval --bias) is not tested on training text.
"""
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
from make_identity_templates import IDENTITIES, IDENTITIES_UR, article  # noqa: E402

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
    "My aunt is {a} and teaches at the local school.",
    "{P} are citizens of this country and pay taxes like everyone.",
    "Our {a} neighbours helped us move house.",
    "The documentary follows three {a} families through a year.",
    "{P} spoke at the town hall about the new road.",
    "I grew up {a} in a small town and loved it.",
    "I am proud to be {a}.",
    "She is {a} and works as an engineer.",
]

TEMPLATES_UR = [
    "{p} is ilaqay mein sadiyon se reh rahe hain.",
    "{s} mela is saal bohat bara tha.",
    "{p} aur unke parosiyon ne sailab ke baad school dobara banaya.",
    "hamare {s} sathi ne peer ko budget pesh kiya.",
    "museum mein {s} tareekh par nayi numaish lagi hai.",
    "pichle intekhabat mein {p} ne bari tadaad mein vote diya.",
    "us ne {s} shayari par kitab likhi.",
    "survey mein {p} se naukriyon aur schoolon ke baare mein poocha gaya.",
    "do {s} khilari qaumi team mein chune gaye.",
    "{p} purane bazaar mein bohat si dukanen chalate hain.",
    "saath wale {s} ghar walon ne humein khane par bulaya.",
    "{s} ustani ne apne kaam par inaam jeeta.",
    "Karachi mein {p} ke ek group ne numaish dekhi.",
    "maqami {p} ne naye hospital ka khair maqdam kiya.",
    "meri khala {s} hain aur school mein parhati hain.",
    "hum {p} hain aur hamein apne mulk se pyar hai.",
    "mere ustad {s} the, unhon ne mujhe bohat kuch sikhaya.",
    "{p} ki shadiyon mein khana bohat acha hota hai.",
    "{s} bachon ne science ki numaish mein hissa liya.",
    "kal {p} ke numainde ne wazir e azam se mulaqat ki.",
    "{p} ke baare mein ye documentary dekhne layaq hai.",
    "hamari gali mein ek {s} darzi ki dukaan hai.",
    "{s} log bhi is mulk ke shehri hain aur vote dete hain.",
    "aaj {p} ne aman ke liye dua ki.",
    "main bhi {s} hoon aur mujhe is par fakhr hai.",
    "meri behan {s} hai aur doctor ban gayi hai.",
    "{s} hone ka matlab hai apni riwayat se mohabbat.",
]


def rows():
    """(text, lang) of every sentence, English first."""
    for _, adj, plural in IDENTITIES:
        for t in TEMPLATES:
            s = t.format(a=adj, P=plural, an=article(adj))
            yield s[0].upper() + s[1:], "en"
    for _, singular, plural in IDENTITIES_UR:
        for t in TEMPLATES_UR:
            s = t.format(s=singular, p=plural)
            yield s[0].upper() + s[1:], "ur-Latn"


def main():
    lang = sys.argv[1:2] == ["--lang"]
    out = Path(sys.argv[-1])
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        if lang:
            w.writerow(["text", "lang", "source"])
            w.writerows((text, code, "identity-neutral") for text, code in rows())
        else:
            w.writerow(["text", "source", "lang", "abusive", "hate", "aggressive"])
            w.writerows((text, "identity-neutral", code, 0, 0, 0) for text, code in rows())


if __name__ == "__main__":
    main()
