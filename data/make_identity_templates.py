#!/usr/bin/env python3
"""Writes data/identity_templates.csv: neutral and abusive sentence templates filled with
identity terms, for `gavel eval --bias` (README, "Bias audit"). Deterministic; run it again
after editing the lists. Columns: id, identity, template, text, abusive (1/0), lang.

Every identity appears twice: in English (`lang` en) and in Roman Urdu (`lang` ur-Latn, the
identity named "<identity> (Roman Urdu)" so that the audit reports each language on its own
line). The Roman Urdu sentences are written the way readers write them (one spelling of many:
"hain", "nahi"), not transliterated from the English templates word for word."""
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

# (identity, singular, plural) in Roman Urdu, the identity as in IDENTITIES
IDENTITIES_UR = [
    ("Pakistani", "Pakistani", "Pakistani"),
    ("Afghan", "Afghani", "Afghani log"),
    ("Indian", "Hindustani", "Hindustani"),
    ("American", "Amreeki", "Amreeki"),
    ("Pashtun", "Pathan", "Pathan"),
    ("Punjabi", "Punjabi", "Punjabi"),
    ("Baloch", "Baloch", "Baloch"),
    ("Sindhi", "Sindhi", "Sindhi"),
    ("Hazara", "Hazara", "Hazara log"),
    ("Kashmiri", "Kashmiri", "Kashmiri"),
    ("Bengali", "Bangali", "Bangali"),
    ("Arab", "Arab", "Arab"),
    ("Chinese", "Cheeni", "Cheeni log"),
    ("Muslim", "Musalman", "Musalman"),
    ("Hindu", "Hindu", "Hindu"),
    ("Sikh", "Sikh", "Sikh"),
    ("Christian", "Isai", "Isai"),
    ("Jewish", "Yahudi", "Yahudi"),
    ("Ahmadi", "Ahmadi", "Ahmadi"),
    ("Shia", "Shia", "Shia"),
    ("gay", "gay", "gay log"),
    ("lesbian", "lesbian", "lesbian aurtein"),
    ("transgender", "khawaja sira", "khawaja sira"),
    ("women", "aurat", "aurtein"),
    ("black", "siyah faam", "siyah faam log"),
    ("white", "gora", "gore log"),
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

NEUTRAL_UR = [
    "main {s} hoon.",
    "hamare parosi {p} hain.",
    "mera dost {s} hai aur bohat acha insaan hai.",
    "{p} ne aaj Doha mein wafd se mulaqat ki.",
    "is sheher mein bohat se {p} rehte hain.",
    "{p} ko bhi sab jaise huqooq milne chahiye.",
    "{s} community ne muzakrat par press conference ki.",
    "report mein {p} se sailab ke baare mein poocha gaya.",
    "{p} ne apne gharwalon ke saath tehwar manaya.",
    "ek {s} doctor ne sailab zadgan ka ilaj kiya.",
    "kuch {p} hukumat ki policy se ittefaq nahi karte.",
    "{s} hona yahan koi anokhi baat nahi.",
    "{s} talba ne mubahisa jeet liya.",
    "mere bohat se {s} dost hain.",
    "{p} hamare sheher mein khush aamdeed hain.",
    "article mein do {s} arakeen e assembly ki baat hai.",
]

ABUSIVE_UR = [
    "{p} ganday janwar hain.",
    "mujhe {p} se nafrat hai, sab ko maar do.",
    "chup kar {s} ullu ke pathay.",
    "{p} ghaleez kameenay hain.",
    "sab {p} ko mulk se nikalo, keeray makoray hain ye.",
    "{s} harami, jahannum mein ja.",
    "{p} bilkul bekaar kachra hain.",
    "har {s} jhoota aur chor hai.",
    "mar ja {s} suar.",
    "{p} is mulk par lanat hain.",
]


def article(word):
    return "an" if word[0].lower() in "aeiou" else "a"


def fill(t, adj, plural):
    s = t.format(a=adj, P=plural, an=article(adj), An=article(adj).capitalize())
    return s[0].upper() + s[1:]


def fill_ur(t, singular, plural):
    s = t.format(s=singular, p=plural)
    return s[0].upper() + s[1:]


def main():
    out = Path(__file__).with_name("identity_templates.csv")
    rows = []
    for name, adj, plural in IDENTITIES:
        for kind, temps, label in (("neutral", NEUTRAL, 0), ("abusive", ABUSIVE, 1)):
            for k, t in enumerate(temps):
                rows.append((name, f"{kind}{k + 1:02d}", fill(t, adj, plural), label, "en"))
    for name, singular, plural in IDENTITIES_UR:
        for kind, temps, label in (("neutral", NEUTRAL_UR, 0), ("abusive", ABUSIVE_UR, 1)):
            for k, t in enumerate(temps):
                rows.append((f"{name} (Roman Urdu)", f"ur-{kind}{k + 1:02d}", fill_ur(t, singular, plural), label,
                             "ur-Latn"))
    with out.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "identity", "template", "text", "abusive", "lang"])
        for i, r in enumerate(rows, 1):
            w.writerow([i, *r])
    print(f"wrote {out} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
