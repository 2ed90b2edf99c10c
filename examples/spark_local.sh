#!/usr/bin/env bash
# thidua as the target of Spark's RDD.pipe, checked end to end on one machine.
#
#   examples/spark_local.sh            (needs Java 17+, python3 with venv, cargo, and PyPI)
#
# 1. makes a throwaway venv under ${TMPDIR:-/tmp} and pip-installs pyspark into it
#    (THIDUA_SPARK_VENV=DIR reuses or creates a venv there instead);
# 2. builds thidua (cargo build --release; CARGO_TARGET_DIR is honoured);
# 3. writes a few WARC files from corpus/ (examples/make_warcs.py);
# 4. runs Spark in local mode with 2 workers (local[2]):
#        sc.textFile(list of WARC paths).pipe("thidua extract --inputs-from -").map(json.loads)
#    and collects the records;
# 5. runs one `thidua extract` over the same WARC files and checks that Spark's records are
#    the same: the same doc ids, none twice, none missing, identical records;
# 6. checks how a failed input surfaces: with checkCode=False the other records still come
#    back (the failure is on the executor's stderr), with checkCode=True the job fails.
#
# Prints PASS or FAIL and the runtime; exits non-zero on failure. Not part of `cargo test`.
set -euo pipefail

started=$(date +%s.%N)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/thidua-spark.XXXXXX")
trap 'rm -rf "$work"' EXIT
venv=${THIDUA_SPARK_VENV:-$work/venv}

say() { printf '== %s\n' "$*" >&2; }
elapsed() { echo "$(date +%s.%N) $started" | awk '{printf "%.1f", $1 - $2}'; }
fail() {
    echo "FAIL: $* ($(elapsed) s)"
    exit 1
}

say "Java (PySpark needs 17 or later)"
java -version 2>&1 | head -1 >&2 || fail "no java on PATH"

if [ ! -x "$venv/bin/python" ]; then
    say "venv in $venv"
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    say "pip install pyspark"
    "$venv/bin/pip" install --quiet --disable-pip-version-check pyspark
fi
"$venv/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__)' >&2

say "cargo build --release"
(cd "$root" && cargo build --release --quiet)
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac
thidua=$target/release/thidua
[ -x "$thidua" ] || fail "no binary at $thidua"

say "WARC files from corpus/"
python3 "$root/examples/make_warcs.py" --out "$work/warcs" --files 6 "$root/corpus" \
    >"$work/warcs.txt"
sed 's/^/   /' "$work/warcs.txt" >&2

say "Spark local[2]: textFile(list).pipe(thidua extract --inputs-from -), then one thidua run"
export PYSPARK_PYTHON=$venv/bin/python PYSPARK_DRIVER_PYTHON=$venv/bin/python
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
set +e
"$venv/bin/python" - "$thidua" "$work/warcs.txt" "$work" <<'PY'
import json, shlex, subprocess, sys, time
from pyspark.sql import SparkSession

thidua, warc_list, work = sys.argv[1:4]
paths = open(warc_list).read().split()

spark = (SparkSession.builder.master("local[2]").appName("thidua-shard-check")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .getOrCreate())
sc = spark.sparkContext
sc.setLogLevel("ERROR")
command = f"{shlex.quote(thidua)} extract --inputs-from -"

t = time.time()
lines = sc.textFile("file://" + warc_list, minPartitions=4)
records = lines.pipe(command, checkCode=True).map(json.loads).collect()
spark_secs = time.time() - t
print(f"spark: {len(records)} records from {lines.getNumPartitions()} partitions "
      f"({spark_secs:.1f} s)", file=sys.stderr)

t = time.time()
single = subprocess.run([thidua, "extract", *paths], capture_output=True, check=True)
single_records = [json.loads(l) for l in single.stdout.decode().splitlines()]
print(f"single run: {len(single_records)} records ({time.time() - t:.1f} s)", file=sys.stderr)

problems = []
def by_id(rs, what):
    out = {}
    for r in rs:
        i = r["doc"]["id"]
        if i in out:
            problems.append(f"{what}: doc.id {i} twice")
        out[i] = r
    return out
got, want = by_id(records, "spark"), by_id(single_records, "single run")
if not want:
    problems.append("the single run gave no record")
missing, extra = sorted(want.keys() - got.keys()), sorted(got.keys() - want.keys())
if missing:
    problems.append(f"missing from spark: {missing}")
if extra:
    problems.append(f"only in spark: {extra}")
differ = [i for i in want.keys() & got.keys() if want[i] != got[i]]
if differ:
    problems.append(f"records that differ: {sorted(differ)}")
print(f"union: {len(got)} distinct doc ids, {len(records) - len(got)} duplicates, "
      f"{len(missing)} missing, {len(differ)} different", file=sys.stderr)

# A failed input: the other records still come back (checkCode=False; the failure is on
# the executor's stderr), or the job fails (checkCode=True).
bad = "file://" + work + "/with-a-missing-file.txt"
with open(bad[len("file://"):], "w") as f:
    f.write("\n".join(paths + [work + "/no-such-crawl.warc.gz"]) + "\n")
kept = sc.textFile(bad, minPartitions=4).pipe(command).map(json.loads).count()
if kept != len(want):
    problems.append(f"checkCode=False with a missing file: {kept} records, want {len(want)}")
try:
    sc.textFile(bad, minPartitions=4).pipe(command, checkCode=True).count()
    problems.append("checkCode=True with a missing file: the job did not fail")
except Exception as e:
    first = str(e).strip().splitlines()[0][:160]
    print(f"checkCode=True with a missing file fails the job as it should: {first}",
          file=sys.stderr)
spark.stop()

for p in problems:
    print("problem:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
status=$?
set -e
[ "$status" -eq 0 ] || fail "Spark's records differ from the single run (see above)"
echo "PASS: Spark local[2] over $(wc -l <"$work/warcs.txt") WARC files gives exactly the single run's records ($(elapsed) s)"
