"""Which reviewed FP/MISS verdicts are right now: FP items no longer reported, MISS items reported.

Usage: python scripts/recheck_review.py SAMPLE.json RUN.json "VERDICTS*.md" (RUN.json from
scripts/real_world.py --json-out). Items are matched by (package, path, line): two sites on one
line share a verdict, so read a changed one with `initlint explain`. A regression check on a
sample that was tuned on, not a result."""
import json, re, sys, glob
sample, run, verdict_glob = sys.argv[1], sys.argv[2], sys.argv[3]
items = {i["id"]: i for i in json.load(open(sample))["items"]}
reported = {(x["package"], f["path"], f["line"]) for x in json.load(open(run)) for f in x["findings"] if f["code"] == "INI001"}
verdicts = {}
for path in sorted(glob.glob(verdict_glob)):
    for line in open(path):
        m = re.match(r"\| ([FU]\d+) \| [^|]* \| [^|]* \| (\w+) \|", line)
        if m: verdicts[m.group(1)] = m.group(2)
right = {"FP": 0, "MISS": 0, "TP": 0, "OK": 0}; total = dict.fromkeys(right, 0)
for id_, v in sorted(verdicts.items()):
    if v not in right: continue
    it = items[id_]; key = (it["package"], it["path"], it["line"])
    now = key in reported
    ok = (not now) if v in ("FP", "OK") else now
    total[v] += 1; right[v] += ok
    if v in ("FP", "MISS") or not ok:
        print(id_, v, "now right" if ok else "still wrong", *key)
print({k: f"{right[k]}/{total[k]}" for k in total})
