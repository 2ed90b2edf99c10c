#!/usr/bin/env bash
# Measures thidua against trafilatura on the same generated portal pages, whole process
# against whole process, and the other numbers of the speed targets (README "Speed"):
#
#   bench/compare_trafilatura.sh            # 2,000 pages (and 20,000 for the memory check)
#   PAGES=500 BIG=5000 RUNS=1 bench/compare_trafilatura.sh
#   FLOOR=/tmp/floor/release/floor bench/compare_trafilatura.sh   # also against a bare parse
#
# trafilatura runs with metadata (title, date, author: what thidua reads too) as two
# processes on half the pages each, against `thidua extract -j 2`: the same two cores for
# both. FLOOR is a program that only decodes and parses each page (../shared/tools/floor:
# `FLOOR DIR --mode decode`); `thidua extract -j 1` is compared with it on one core.
#
# Every timing is the fastest of RUNS runs (default 3), every peak RSS the largest.
# Needs cargo, python3 (with venv) and the Python package index (trafilatura is installed in
# a throwaway venv under the work directory, removed at the end unless KEEP=1). Outside the
# test suite: timings depend on the machine and on what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-2000}
BIG=${BIG:-20000}
WORK=${WORK:-$(mktemp -d /tmp/thidua-bench.XXXXXX)}
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (/usr/bin/time) for peak memory" >&2; exit 2; }

cargo build --release --quiet
BIN=target/release/thidua
echo "== machine: $(nproc) cores, $(uname -srm); work dir $WORK"

[ -d "$WORK/pages" ] || $BIN gen-pages --from corpus --pages "$PAGES" --seed 1 --out "$WORK/pages"
[ -d "$WORK/big" ] || $BIN gen-pages --from corpus --pages "$BIG" --seed 1 --out "$WORK/big"

echo "== trafilatura (throwaway venv)"
if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check trafilatura lxml_html_clean
fi
"$WORK/venv/bin/python" -c 'import trafilatura; print("trafilatura", trafilatura.__version__)'
cat > "$WORK/traf.py" <<'PY'
# trafilatura on every K-th page of a directory from page I (two processes: I = 0 and 1),
# with metadata, as JSON: the text, title, date, author and site that thidua reads too.
import pathlib, sys, trafilatura
pages = sorted(pathlib.Path(sys.argv[1]).glob("*.html"))
i, k = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (0, 1)
n = 0
for path in pages[i::k]:
    out = trafilatura.extract(path.read_text(encoding="utf-8"), with_metadata=True,
                              output_format="json")
    n += out is not None
print(f"{n} texts", file=sys.stderr)
PY
cat > "$WORK/traf2.sh" <<SH
#!/bin/sh
"$WORK/venv/bin/python" "$WORK/traf.py" "\$1" 0 2 & a=\$!
"$WORK/venv/bin/python" "$WORK/traf.py" "\$1" 1 2 & b=\$!
wait \$a && wait \$b
SH
chmod +x "$WORK/traf2.sh"

# Wall seconds and peak RSS (KB) of a command, its stdout discarded: the fastest of RUNS runs
# (a shared machine only ever adds time) and the largest peak.
RUNS=${RUNS:-3}
measure() {
  local best="" peak=0 t m
  for _ in $(seq 1 "$RUNS"); do
    "$TIME" -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
    read -r t m < "$WORK/time"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    [ "$m" -gt "$peak" ] && peak=$m
  done
  echo "$best $peak"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

read -r t_traf m_traf < <(measure "$WORK/traf2.sh" "$WORK/pages")
read -r t_j1 m_j1 < <(measure "$BIN" extract -j 1 "$WORK/pages")
read -r t_j2 m_j2 < <(measure "$BIN" extract -j 2 "$WORK/pages")
read -r t_big m_big < <(measure "$BIN" extract -j 2 "$WORK/big")
if [ -n "${FLOOR:-}" ]; then
  read -r t_floor _ < <(measure "$FLOOR" "$WORK/pages" --mode decode)
fi

# Pages that are not emulation reports, as most of a news archive: the corpus's near-misses
# (gold is_report false) wrapped the same way. Extraction stops after the report decision.
mkdir -p "$WORK/nonreport-texts"
python3 - corpus/gold.jsonl "$WORK/nonreport-texts" <<'PY'
import json, pathlib, shutil, sys
for line in open(sys.argv[1], encoding="utf-8"):
    gold = json.loads(line)
    if not gold["is_report"]:
        shutil.copy(pathlib.Path("corpus") / f"{gold['id']}.txt", sys.argv[2])
PY
[ -d "$WORK/nonreport" ] || $BIN gen-pages --from "$WORK/nonreport-texts" --pages "$PAGES" --seed 1 --out "$WORK/nonreport"
read -r t_traf_nr _ < <(measure "$WORK/traf2.sh" "$WORK/nonreport")
read -r t_nr _ < <(measure "$BIN" extract -j 2 "$WORK/nonreport")

# Text-only input: the corpus articles copied to ~10 MB of .txt.
mkdir -p "$WORK/text"
copies=$(( 10000000 / $(cat corpus/*.txt | wc -c) + 1 ))
for i in $(seq 1 "$copies"); do
  for f in corpus/*.txt; do cp "$f" "$WORK/text/$(basename "$f" .txt)_$i.txt"; done
done
text_mb=$(cat "$WORK"/text/*.txt | wc -c | awk '{ printf "%.1f", $1 / 1e6 }')
read -r t_text _ < <(measure "$BIN" extract -j 1 "$WORK/text")

# Start-up: one small text, whole process.
echo "Hội nghị." > "$WORK/one.txt"
read -r t_one m_one < <(measure "$BIN" extract "$WORK/one.txt")

echo "== whole process, $PAGES pages ($(du -sh "$WORK/pages" | cut -f1))"
printf "%-36s %8s s %8s pages/s %8s MB peak\n" \
  "trafilatura, metadata, 2 processes" "$t_traf" "$(rate "$PAGES" "$t_traf")" "$((m_traf / 1024))" \
  "thidua extract -j 1" "$t_j1" "$(rate "$PAGES" "$t_j1")" "$((m_j1 / 1024))" \
  "thidua extract -j 2" "$t_j2" "$(rate "$PAGES" "$t_j2")" "$((m_j2 / 1024))"
awk -v a="$t_traf" -v b="$t_j2" 'BEGIN { printf "thidua -j 2 / trafilatura x 2, pages/s: %.1fx (target >= 30x)\n", a / b }'
if [ -n "${FLOOR:-}" ]; then
  awk -v a="$t_j1" -v b="$t_floor" 'BEGIN { printf "thidua -j 1 / bare parse (%s s): %.1fx the time (target <= 4x)\n", b, a / b }'
fi
printf "%-36s %8s s %8s pages/s\n" \
  "  not reports: trafilatura x 2" "$t_traf_nr" "$(rate "$PAGES" "$t_traf_nr")" \
  "  not reports: thidua -j 2" "$t_nr" "$(rate "$PAGES" "$t_nr")"
awk -v a="$t_traf_nr" -v b="$t_nr" 'BEGIN { printf "  same, pages that are not reports: %.1fx\n", a / b }'
awk -v a="$t_j1" -v b="$t_j2" 'BEGIN { printf "speedup from -j 1 to -j 2:          %.2fx (target >= 1.7x)\n", a / b }'
awk -v a="$m_big" -v b="$m_j2" -v n="$BIG" -v p="$PAGES" \
  'BEGIN { printf "peak RSS %d pages / %d pages:       %.2fx (target <= 1.2x)\n", n, p, a / b }'
awk -v mb="$text_mb" -v s="$t_text" \
  'BEGIN { printf "text-only input (%s MB), -j 1:     %.1f MB/s per core (target >= 20)\n", mb, mb / s }'
printf "start-up, one small text:           %s s, %s MB peak (target <= 0.040 s)\n" "$t_one" "$((m_one / 1024))"
echo "== in-memory stages (thidua bench)"
$BIN bench "$WORK/pages" --repeat 3
echo "== in-memory stages, pages that are not reports"
$BIN bench "$WORK/nonreport" --repeat 3
