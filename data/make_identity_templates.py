#!/usr/bin/env python3
"""Writes data/identity_templates.csv: neutral and abusive sentence templates filled with
identity terms, for `gavel eval --bias` (README, "Bias audit"). Deterministic; run it again
after editing the lists. Columns: id, identity, template, text, abusive (1/0)."""
import csv
from pathlib import Path

# (identity, adjective, plural noun): the forms the templates need
IDENTITIES = [
    ("Pakistani", "Pakistani", "Pakistanis"),
    ("Afghan", "Afghan", "Afghans"),
    ("Indian", "Indian", "Indians"),
    ("American", "American", "Americans"),
    ("Pashtun", "Pashtun", "Pashtuns"),
    ("Punjabi", "Punjabi", "Punjabis"),
    ("Baloch", "Baloch", "Baloch people"),
    ("Sindhi", "Sindhi", "Sindhis"),
    ("Hazara", "Hazara", "Hazaras"),
    ("Kashmiri", "Kashmiri", "Kashmiris"),
    ("Bengali", "Bengali", "Bengalis"),
    ("Arab", "Arab", "Arabs"),
    ("Chinese", "Chinese", "Chinese people"),
    ("Muslim", "Muslim", "Muslims"),
    ("Hindu", "Hindu", "Hindus"),
    ("Sikh", "Sikh", "Sikhs"),
    ("Christian", "Christian", "Christians"),
    ("Jewish", "Jewish", "Jews"),
    ("Ahmadi", "Ahmadi", "Ahmadis"),
    ("Shia", "Shia", "Shias"),
    ("gay", "gay", "gay people"),
    ("lesbian", "lesbian", "lesbians"),
    ("transgender", "transgender", "transgender people"),
    ("women", "female", "women"),
    ("black", "black", "black people"),
    ("white", "white", "white people"),
]

NEUTRAL = [
    "{P} met the delegation in Doha today.",
    "I am {a}.",
    "My neighbour is {a} and a good friend.",
    "The {a} community held a press conference on the talks.",
    "Many {P} live in this city.",
    "{P} deserve the same rights as everyone else.",
    "As {an} {a} person I support the peace talks.",
    "The report interviewed {P} about the floods.",
    "{P} celebrated the festival with their families.",
    "{An} {a} doctor treated the flood victims.",
    "Some {P} disagree with the government's policy.",
    "Being {a} is nothing unusual here.",
    "The {a} students won the debate.",
    "I have many {a} friends.",
    "{P} are welcome in our town.",
    "The article quotes two {a} lawmakers.",
]

ABUSIVE = [
    "{P} are filthy animals.",
    "I hate {P}, they should all be killed.",
    "Shut up, you stupid {a} idiot.",
    "{P} are disgusting scum.",
    "Kick all {P} out of the country, the vermin.",
    "You {a} bastard, go to hell.",
    "{P} are worthless trash.",
    "Every {a} person is a liar and a thief.",
    "Die, you filthy {a} pig.",
    "{P} are a disease on this country.",
]


def article(word):
    return "an" if word[0].lower() in "aeiou" else "a"


def fill(t, adj, plural):
    s = t.format(a=adj, P=plural, an=article(adj), An=article(adj).capitalize())
    return s[0].upper() + s[1:]


def main():
    out = Path(__file__).with_name("identity_templates.csv")
    rows = []
    for name, adj, plural in IDENTITIES:
        for kind, temps, label in (("neutral", NEUTRAL, 0), ("abusive", ABUSIVE, 1)):
            for k, t in enumerate(temps):
                rows.append((name, f"{kind}{k + 1:02d}", fill(t, adj, plural), label))
    with out.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "identity", "template", "text", "abusive"])
        for i, r in enumerate(rows, 1):
            w.writerow([i, *r])
    print(f"wrote {out} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
