#!/usr/bin/env python3
"""Writes a few WARC/1.1 files (gzip per record, as Common Crawl writes them) from articles on
disk, for trying thidua's WARC input, shard mode and the Spark example without a crawl.

    python3 examples/make_warcs.py --out /tmp/warcs --files 6 corpus/

Each article (.txt, .html, .htm, also .gz) becomes a request and a response record with the URI
https://example.org/tin/<file name>; the articles are dealt round-robin over the files, each of
which starts with a warcinfo record. The output is the same for the same input (record ids and
dates are derived from the URI). Prints the paths written, one a line. Standard library only.
"""

import argparse
import gzip
import pathlib
import sys
import uuid

EXTENSIONS = (".txt", ".html", ".htm")


def record(warc_type, uri, content_type, block):
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{warc_type} {uri}")
    head = (
        "WARC/1.1\r\n"
        f"WARC-Type: {warc_type}\r\n"
        f"WARC-Record-ID: <urn:uuid:{rid}>\r\n"
        "WARC-Date: 2024-05-01T08:00:00Z\r\n"
        + (f"WARC-Target-URI: {uri}\r\n" if uri else "")
        + f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def member(*args):
    """One record as a gzip member (mtime 0, so the same input gives the same bytes)."""
    return gzip.compress(record(*args), mtime=0)


def articles(inputs):
    for arg in inputs:
        path = pathlib.Path(arg)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            name = f.name.lower().removesuffix(".gz")
            if f.is_file() and name.endswith(EXTENSIONS):
                yield f


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="directory for the WARC files")
    parser.add_argument("--files", type=int, default=4, help="number of WARC files")
    parser.add_argument("inputs", nargs="+", help="article files or directories")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    found = list(articles(args.inputs))
    if not found or args.files < 1:
        sys.exit("make_warcs.py: no articles found (or --files < 1)")
    paths = [out / f"crawl-{i:03}.warc.gz" for i in range(min(args.files, len(found)))]
    handles = [open(p, "wb") for p in paths]
    for h in handles:
        info = b"software: thidua examples/make_warcs.py\r\nformat: WARC File Format 1.1\r\n"
        h.write(member("warcinfo", None, "application/warc-fields", info))
    for i, f in enumerate(found):
        body = f.read_bytes()
        if f.name.lower().endswith(".gz"):
            body = gzip.decompress(body)
        name = f.name.removesuffix(".gz")
        uri = f"https://example.org/tin/{name}"
        kind = "text/plain; charset=utf-8" if name.endswith(".txt") else "text/html"
        request = f"GET {uri} HTTP/1.1\r\nHost: example.org\r\n\r\n".encode()
        response = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        h = handles[i % len(handles)]
        h.write(member("request", uri, "application/http; msgtype=request", request))
        h.write(member("response", uri, "application/http; msgtype=response", response))
    for h in handles:
        h.close()
    for p in paths:
        print(p)


if __name__ == "__main__":
    main()
