#!/usr/bin/env python3
"""Request bodies for the HTTP benchmarks (scripts/bench-http.sh, scripts/bench-replicas.sh).

Writes into WORK: ask.txt, every question and alternate of the bundled programs as one
POST /api/v1/ask body per line (bench/wrk/ask.lua), and line.txt, COUNT distinct signed LINE
text events as "<X-Line-Signature>\t<body>" per line (bench/wrk/line_webhook.lua), signed with
$MADOGUCHI_BENCH_LINE_SECRET because wrk's Lua has no HMAC. Run from the repository root.

Usage: bench/make_bodies.py WORK [COUNT]   (COUNT: 100000)
"""
import base64, glob, hashlib, hmac, json, os, sys
work = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
asks = []
for path in sorted(glob.glob("faq/*/faq.json")):
    program = os.path.basename(os.path.dirname(path))
    if not os.path.exists(os.path.join(os.path.dirname(path), "program.json")):
        continue  # shared entries (faq/common), asked through the programs
    data = json.load(open(path, encoding="utf-8"))
    entries = data["entries"] if isinstance(data, dict) else data
    for e in entries:
        for q in [e["question"]] + list(e.get("alternates", [])):
            asks.append(json.dumps({"program": program, "text": q}, ensure_ascii=False))
open(os.path.join(work, "ask.txt"), "w", encoding="utf-8").write("\n".join(asks) + "\n")
questions = [json.loads(a)["text"] for a in asks if json.loads(a)["program"] == "kagawa"]
secret = os.environ["MADOGUCHI_BENCH_LINE_SECRET"].encode()
with open(os.path.join(work, "line.txt"), "w", encoding="utf-8") as out:
    for i in range(count):
        body = json.dumps({"destination": "Uab012345678901234567890123456789", "events": [{
            "type": "message", "mode": "active", "timestamp": 1747000000000,
            "source": {"type": "user", "userId": "U%032x" % (i % 5000)},
            "webhookEventId": "01BENCH%012d" % i, "deliveryContext": {"isRedelivery": False},
            "replyToken": "bench-reply-%d" % i,
            "message": {"id": str(100000 + i), "type": "text",
                        "text": questions[i % len(questions)]}}]},
            ensure_ascii=False, separators=(",", ":"))
        sig = base64.b64encode(hmac.new(secret, body.encode(), hashlib.sha256).digest()).decode()
        out.write(sig + "\t" + body + "\n")
print(f"{len(asks)} ask bodies, {count} LINE bodies", file=sys.stderr)
