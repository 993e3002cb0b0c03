#!/usr/bin/env python3
"""Builds dictionaries/spellings.tsv from Sudachi's synonym dictionary.

The source is SudachiDict's synonyms.txt (Apache License 2.0, Works Applications Co., Ltd.), as
the npm package sudachi-synonyms-dictionary ships it in JSON:

    npm pack sudachi-synonyms-dictionary && tar xzf sudachi-synonyms-dictionary-*.tgz
    scripts/make-spellings.py package/sudachi-synonyms-dictionary.json > dictionaries/spellings.tsv

Sudachi groups words of one meaning, and inside a group it numbers each word; the entries that
share a number are spellings of one word: an abbreviation (スマホ · スマートフォン, メアド ·
メールアドレス), another script (ログイン · ろぐいん), a variant kanji (名字 · 苗字). Only those
are kept. The near synonyms between the numbers (社員 · 従業員 · 職員) are left out: measured on the
bundled programs, reaching them for a word the knowledge base lacks answered other programs'
questions (8–12 more of 567) and answered no more members' questions rightly.

Also left out: groups of proper names (people, companies, universities, places, shops,
characters, products), since an FAQ names its own organisation and a company's former name is
not what a member means; words in Latin letters other than abbreviations (smartphone, halo
effect; PC and SNS stay) and translations, which members of a Japanese service do not type; and words Sudachi never expands with (flag 2). A word Sudachi expands to
but never from (flag 1) is kept, marked.

Output: one word per line, its spellings tab-separated; a spelling with a leading '~' is reached
from the others but reaches none itself.

With --near, the near synonyms are written instead (dictionaries/near-synonyms.tsv): each group
whole, one line, the same words left out. The index ranks by them but does not answer on them
(search::IndexOptions::near_synonym_share).

    scripts/make-spellings.py --near package/sudachi-synonyms-dictionary.json \
        > dictionaries/near-synonyms.tsv
"""
import json
import sys

PROPER = {"人名", "企業名", "旧企業名", "大学名", "組織名", "旧組織名", "店名", "キャラ",
          "地名", "国名", "商品"}


def main() -> int:
    args = sys.argv[1:]
    near = args[:1] == ["--near"]
    if near:
        args = args[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        groups = json.load(f)
    out = sys.stdout
    what = "Near synonyms, a group a line" if near else "Spellings of one word"
    out.write(f"# {what}: Sudachi's synonym dictionary (SudachiDict synonyms.txt,\n"
              "# Copyright (c) 2017 Works Applications Co., Ltd., Apache License 2.0,\n"
              "# dictionaries/LICENSE-sudachi.txt), general vocabulary only.\n"
              f"# Built by scripts/make-spellings.py{' --near' if near else ''}; do not edit by hand.\n")
    if near:
        out.write("# One group per line, its words tab-separated; '~' before a word: reached from\n"
                  "# the others, reaches none itself.\n")
    else:
        out.write("# One word per line, its spellings tab-separated; '~' before a spelling: reached\n"
                  "# from the others, reaches none itself.\n")
    kept = 0
    for g in groups:
        items = [it for it in g["items"] if it["expandControl"] != 2]
        if any(PROPER & set(it["bunya"]) for it in items):
            continue
        words = {}
        for it in items:
            spelling = it["midashi"].strip()
            written_out = it["hyoukiYure"] == "アルファベット表記" or spelling.isascii()
            if (written_out and "略" not in it["ryakusyou"]) or it["gokeiSyubetsu"] == "対訳":
                continue
            if not spelling or "\t" in spelling or spelling.startswith("~"):
                continue
            spelling = ("~" if it["expandControl"] == 1 else "") + spelling
            spellings = words.setdefault(0 if near else it["vocabularyNumber"] or 0, [])
            if spelling not in spellings:
                spellings.append(spelling)
        for _, spellings in sorted(words.items()):
            if len(spellings) < 2 or all(s.startswith("~") for s in spellings):
                continue
            out.write("\t".join(spellings) + "\n")
            kept += 1
    print(f"make-spellings: {kept} {'groups' if near else 'words'} from {len(groups)} groups",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
