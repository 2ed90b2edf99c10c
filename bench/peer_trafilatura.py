#!/usr/bin/env python3
"""Main-text quality of trafilatura on the peer pages, measured exactly as tests/html.rs
measures thidua (bag-of-tokens precision and recall, lower case, CJK/Thai characters as
tokens; per-page P and R averaged; F1 of the averages), plus title/date/author agreement.

Run with trafilatura installed in a throwaway venv (bench/compare_trafilatura.sh makes one and
keeps it with KEEP=1):
    KEEP=1 WORK=/tmp/thidua-bench bench/compare_trafilatura.sh
    /tmp/thidua-bench/venv/bin/python bench/peer_trafilatura.py tests/fixtures/peer
Compare with thidua's numbers:
    cargo test --release --test integration peer_pages_quality_floor -- --nocapture
"""
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import trafilatura


def is_cjk(c):
    o = ord(c)
    return (0x0E00 <= o <= 0x0E7F or 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF or 0xFF00 <= o <= 0xFFEF)


def tokens(s):
    out, cur = [], []
    for c in s:
        if c.isalnum() and not is_cjk(c):
            cur.append(c.lower())
            continue
        if cur:
            out.append("".join(cur))
            cur = []
        if is_cjk(c) and c.isalnum():
            out.append(c)
    if cur:
        out.append("".join(cur))
    return out


def token_pr(pred, gold):
    p, g = tokens(pred), tokens(gold)
    left = Counter(g)
    hit = 0
    for t in p:
        if left[t] > 0:
            left[t] -= 1
            hit += 1
    return (hit / len(p) if p else 0.0, hit / len(g) if g else 0.0)


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(fragment):
    t = Text()
    t.feed(fragment)
    return " ".join(t.parts)


def squash(s):
    return " ".join((s or "").split())


def main(folder):
    title, date, author, must, must_not = [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]
    p_sum = r_sum = 0.0
    n_text = 0
    for exp_path in sorted(Path(folder).glob("*.expected.json")):
        exp = json.loads(exp_path.read_text(encoding="utf-8"))
        stem = exp_path.name.replace(".expected.json", "")
        page = next(p for p in (exp_path.with_name(stem + ".html"), exp_path.with_name(stem + ".html.gz")) if p.exists())
        html = page.read_bytes()
        if page.suffix == ".gz":
            import gzip
            html = gzip.decompress(html)
        doc = trafilatura.bare_extraction(html, url=exp.get("url"), with_metadata=True)
        doc = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
        text = doc.get("text") or ""
        if exp.get("title"):
            title[1] += 1
            title[0] += squash(doc.get("title")) == squash(exp["title"])
        want_date = exp.get("date") or exp.get("published")
        if want_date:
            date[1] += 1
            date[0] += (doc.get("date") or "")[:10] == want_date[:10]
        want = exp.get("author")
        if isinstance(want, list):
            want = "; ".join(want) if want else None
        if want:
            author[1] += 1
            author[0] += squash(doc.get("author")) == squash(want)
        gold = exp.get("text") or (html_to_text(exp["content_html"]) if exp.get("content_html") else None)
        if gold:
            p, r = token_pr(text, gold)
            p_sum += p
            r_sum += r
            n_text += 1
        flat = squash(text)
        for s in exp.get("must_contain") or []:
            must[1] += 1
            must[0] += s in flat
        for s in exp.get("must_not_contain") or []:
            must_not[1] += 1
            must_not[0] += s not in flat
    if n_text:
        p, r = p_sum / n_text, r_sum / n_text
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        text_part = f"main text on {n_text} pages: token P {p:.3f} R {r:.3f} F1 {f1:.3f} | "
    else:
        text_part = ""
    print(f"trafilatura {trafilatura.__version__} on {folder}: title {title[0]}/{title[1]} "
          f"date {date[0]}/{date[1]} author {author[0]}/{author[1]} | {text_part}"
          f"must_contain {must[0]}/{must[1]} must_not_contain {must_not[0]}/{must_not[1]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/peer")
