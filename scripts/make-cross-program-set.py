#!/usr/bin/env python3
"""Writes an evaluation set of questions that belong to another program.

Each row asks one program a question taken from another program's own entries (its question
and first alternates), expecting `none`: the health-insurance society's staff FAQ (itkenpo)
shares no topic with the two member point programs (kagawa, ibaraki), so an answer there is
an answer to a question the knowledge base does not cover. Contact and submission questions
do overlap, so the count is a figure to track, not one to bring to zero.

Usage: scripts/make-cross-program-set.py [FAQ_DIR] > cross.tsv
       madoguchi eval --set cross.tsv --json [--bare] | tail -1   # none_answered
"""
import json
import sys
from pathlib import Path

PAIRS = [("kagawa", "itkenpo"), ("ibaraki", "itkenpo"), ("itkenpo", "kagawa"),
         ("itkenpo", "ibaraki")]
ALTERNATES_PER_ENTRY = 6


def entries(faq_dir, program):
    data = json.loads((faq_dir / program / "faq.json").read_text(encoding="utf-8"))
    return data if isinstance(data, list) else data["entries"]


def main():
    faq_dir = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "faq")
    print("# program\tquery\texpected\tmust_contain")
    for source, asked in PAIRS:
        for entry in entries(faq_dir, source):
            if not entry["id"].startswith(source + "-"):
                continue  # shared entries and intents belong to every program
            questions = [entry["question"]] + entry.get("alternates", [])[:ALTERNATES_PER_ENTRY]
            for q in questions:
                if "\t" not in q:
                    print(f"{asked}\t{q}\tnone\t")


if __name__ == "__main__":
    main()
