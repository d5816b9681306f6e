#!/usr/bin/env python3
"""Writes words-train.csv and words-test.csv of examples/09-rnn (seed 19, deterministic): words of
seven languages from Debian's word lists, labelled by language.

Reads the lists as Debian bookworm installs them (apt-get download wamerican wfrench wngerman
witalian wspanish wportuguese wdutch, then dpkg-deb -x each into DIR, or install them and pass /):
  python3 words-gen.py DIR
Each list's words are lowercased; kept are those of 2 to 12 letters (no apostrophe, hyphen, digit
or space) that occur in no other list, so that every word has one language. 1,000 words per
language are drawn, 800 for training and 200 for testing; rows are shuffled.
"""
import random
import sys

LISTS = [("english", "american-english"), ("french", "french"), ("german", "ngerman"),
         ("italian", "italian"), ("spanish", "spanish"), ("portuguese", "portuguese"),
         ("dutch", "dutch")]
root = sys.argv[1] if len(sys.argv) > 1 else "/"
words = {}
for lang, name in LISTS:
    with open(f"{root}/usr/share/dict/{name}", encoding="utf-8") as f:
        words[lang] = {w.strip().lower() for w in f}
        words[lang] = {w for w in words[lang] if 2 <= len(w) <= 12 and w.isalpha()}
count = {}
for ws in words.values():
    for w in ws:
        count[w] = count.get(w, 0) + 1
random.seed(19)
train, test = [], []
for lang, _ in LISTS:
    own = sorted(w for w in words[lang] if count[w] == 1)
    drawn = random.sample(own, 1000)
    train += [(w, lang) for w in drawn[:800]]
    test += [(w, lang) for w in drawn[800:]]
for name, rows in (("words-train.csv", train), ("words-test.csv", test)):
    random.shuffle(rows)
    with open(name, "w", encoding="utf-8") as f:
        f.write("word,lang\n")
        for w, lang in rows:
            f.write(f"{w},{lang}\n")
