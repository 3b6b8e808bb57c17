# Writes colorby12.csv: 60 sentences in 12 labelled topics (5 each), a numeric "score"
# column (two rows empty, one "NaN") and a 3-valued "region" column, for the colour-by tests
# and screenshots (issue 11: more than 8 groups, a numeric column). Deterministic.
import csv, random
random.seed(12)
topics = {
    "animals": ["cat", "dog", "horse", "rabbit", "parrot"],
    "weather": ["rain", "snow", "storm", "wind", "sunshine"],
    "finance": ["bank", "loan", "stock", "budget", "tax"],
    "food": ["bread", "cheese", "soup", "pasta", "salad"],
    "health": ["doctor", "medicine", "hospital", "vaccine", "nurse"],
    "music": ["guitar", "piano", "concert", "song", "drum"],
    "sport": ["football", "tennis", "match", "goal", "race"],
    "technology": ["computer", "software", "phone", "internet", "robot"],
    "travel": ["flight", "hotel", "train", "passport", "beach"],
    "education": ["school", "teacher", "exam", "lesson", "student"],
    "politics": ["election", "parliament", "minister", "vote", "law"],
    "gardening": ["flower", "seeds", "garden", "tomato", "soil"],
}
templates = ["We talked about the {} all afternoon.", "Everyone noticed the new {} this morning.",
             "My sister wrote a long note about the {}.", "The {} was the main story of the week.",
             "Nobody expected the {} to matter so much."]
rows = []
for t, words in topics.items():
    for i, w in enumerate(words):
        rows.append([templates[i].format(w), t, "%.2f" % random.uniform(-3, 12), random.choice(["north", "south", "east"])])
rows[7][2] = ""
rows[31][2] = ""
rows[44][2] = "NaN"
with open("colorby12.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["text", "label", "score", "region"])
    w.writerows(rows)
