"""Request bodies for bench/serve.sh from real news-site comments (Fox News comments, in
GAVEL_DATA_DIR): one Perspective request per line (shaped as Coral Talk sends it), and
/v1/score batches of 1,000 comments, one per line, plus the same comments as a CSV for
`gavel score`."""
import csv
import json
import os
import sys

data = os.environ.get("GAVEL_DATA_DIR", "../shared/data")
out = sys.argv[1]
src = os.path.join(data, "fox_news_comments", "fox-news-comments.json")
if not os.path.exists(src):
    sys.exit(f"skipped: no data at {src}")
texts = []
with open(src, encoding="utf-8") as f:
    for line in f:
        t = json.loads(line).get("text", "").strip()
        if t:
            texts.append(t)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "analyze.jsonl"), "w", encoding="utf-8") as f:
    for t in texts:
        body = {"comment": {"text": t}, "doNotStore": True,
                "requestedAttributes": {"TOXICITY": {}}, "languages": ["en"]}
        f.write(json.dumps(body, ensure_ascii=False) + "\n")
# batches of 1,000 comments, cycling through the set
rows = [texts[i % len(texts)] for i in range(10 * 1000)]
with open(os.path.join(out, "batches.jsonl"), "w", encoding="utf-8") as f:
    for b in range(10):
        batch = [{"id": b * 1000 + i, "text": t} for i, t in enumerate(rows[b * 1000:(b + 1) * 1000])]
        f.write(json.dumps(batch, ensure_ascii=False) + "\n")
with open(os.path.join(out, "batches.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "text"])
    for i, t in enumerate(rows):
        w.writerow([i, t])
print(f"{len(texts)} comments; {sum(len(t) for t in texts) / len(texts):.0f} chars on average")
