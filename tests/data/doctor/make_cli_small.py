#!/usr/bin/python3
"""Builds cli_small.csv for tst_cli_doctor (run once; the CSV is committed).
Four topics, 15 sentences each, every sentence three of the topic's six words plus
filler; planted: row 60 repeats row 7 with other case and spacing (exact duplicate),
row 61 is a cooking sentence labelled 'sport' (flipped label), row 62 shares no word
with any other row (outlier)."""
import csv
import os
import random

rng = random.Random(8)
topics = {
    "cooking": ["recipe", "oven", "flour", "butter", "dough", "bake"],
    "sport": ["goal", "match", "striker", "league", "referee", "stadium"],
    "space": ["planet", "orbit", "telescope", "galaxy", "comet", "astronaut"],
    "music": ["guitar", "melody", "concert", "album", "drummer", "chorus"],
}
fillers = ["we", "saw", "talked", "about", "yesterday", "with", "friends", "and", "then"]
rows = []
for label, words in topics.items():
    for i in range(15):
        w = rng.sample(words, 3)
        f = rng.sample(fillers, 2)
        rows.append((f"{f[0].capitalize()} {w[0]} {f[1]} {w[1]} {w[2]} number{len(rows)}.", label))
rows.append(("  " + rows[7][0].upper().replace(" ", "   ") + " ", rows[7][1]))
rows.append(("The butter and flour dough rested before we let the oven bake it.", "sport"))
rows.append(("Quantum chromodynamics lattice gauge symmetry.", "space"))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli_small.csv"), "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["text", "label"])
    out.writerows(rows)
