//! Shard mode (issue #10): `thidua extract --shard K/N` over N processes gives, together,
//! exactly the records (and failures) of one run, for a directory, an `--inputs-from` list
//! (also on stdin) and WARC files generated from the corpus; `--inputs-from -` streams.

use crate::{util, warc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;
use thidua::source::shard::shard_of;

/// What one `thidua extract` run gave.
struct Run {
    records: Vec<Value>,
    /// `thidua: <input>: <reason>` lines (the summary line left out).
    failures: Vec<String>,
    stderr: String,
    code: i32,
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut all = vec!["extract"];
    all.extend_from_slice(args);
    let out = util::thidua(&all, stdin);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let failures = stderr
        .lines()
        // Files a walk leaves out are reported too, but are not failures.
        .filter(|l| !is_summary(l) && !l.contains(": skipped: "))
        .map(str::to_string)
        .collect();
    Run {
        records: util::jsonl(&out.stdout),
        failures,
        stderr,
        code: out.status.code().unwrap_or(-1),
    }
}

/// The closing `thidua: N records (M reports), K failed …` line (`1 record (…)` for one).
fn is_summary(line: &str) -> bool {
    line.strip_prefix("thidua: ")
        .and_then(|rest| rest.split_once(' '))
        .is_some_and(|(n, rest)| {
            n.parse::<u64>().is_ok()
                && (rest.starts_with("records (") || rest.starts_with("record ("))
        })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Records keyed by doc.id; no id may come twice.
fn by_id(records: &[Value], what: &str) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    for r in records {
        let id = r["doc"]["id"].as_str().expect("doc.id").to_string();
        assert!(
            map.insert(id.clone(), r.clone()).is_none(),
            "{what}: doc.id {id} twice"
        );
    }
    map
}

/// Runs `args` once whole, then with `--shard K/N` for every K of N = 1, 2, 3, and asserts
/// that each N's shards together give exactly the whole run's records (as JSON values, keyed
/// by doc.id: none missing, none twice) and its failures. Returns the whole run's records.
fn assert_shards_add_up(args: &[&str], stdin: Option<&[u8]>, what: &str) -> usize {
    let whole = run(args, stdin);
    assert!(!whole.records.is_empty(), "{what}: {}", whole.stderr);
    let want = by_id(&whole.records, what);
    let mut want_failures = whole.failures.clone();
    want_failures.sort();
    for n in 1..=3u64 {
        let mut union: BTreeMap<String, Value> = BTreeMap::new();
        let mut failures = Vec::new();
        let mut sizes = Vec::new();
        for k in 0..n {
            let shard = format!("{k}/{n}");
            let mut sharded = args.to_vec();
            sharded.extend(["--shard", &shard]);
            let part = run(&sharded, stdin);
            let expected_code = if part.failures.is_empty() { 0 } else { 1 };
            assert_eq!(part.code, expected_code, "{what} {shard}: {}", part.stderr);
            for (id, record) in by_id(&part.records, &format!("{what} {shard}")) {
                // Every record comes from an input the documented hash puts in this shard
                // (a WARC record's input is `path#offset`: the file is the input).
                let input = record["doc"]["input"].as_str().unwrap();
                let input = input.rsplit_once('#').map_or(input, |(file, _)| file);
                assert_eq!(shard_of(input, n), k, "{what} {shard}: {input}");
                let again = union.insert(id.clone(), record);
                assert!(again.is_none(), "{what}: {id} in two shards of {n}");
            }
            sizes.push(part.records.len());
            failures.extend(part.failures);
        }
        failures.sort();
        let missing: Vec<&String> = want.keys().filter(|id| !union.contains_key(*id)).collect();
        let extra: Vec<&String> = union.keys().filter(|id| !want.contains_key(*id)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{what}, N={n}: missing {missing:?}, not in the whole run {extra:?}"
        );
        for (id, record) in &want {
            assert_eq!(&union[id], record, "{what}, N={n}: record {id} differs");
        }
        assert_eq!(failures, want_failures, "{what}, N={n}: failures");
        println!(
            "{what}: N={n}: shards {sizes:?} -> {} records, {} failures = whole run {} records, {} failures",
            union.len(),
            failures.len(),
            want.len(),
            want_failures.len()
        );
    }
    want.len()
}

#[test]
fn shards_of_the_corpus_directory_add_up_to_one_run() {
    let records = assert_shards_add_up(&["corpus/"], None, "corpus/");
    assert_eq!(records, util::corpus_texts().len());
}

#[test]
fn shards_of_an_input_list_add_up_to_one_run() {
    let dir = util::tempdir();
    let list = dir.path().join("inputs.txt");
    let mut lines = String::from("# corpus files, one a line\n\n");
    let mut corpus: Vec<_> = std::fs::read_dir(util::path("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    corpus.sort();
    for p in &corpus {
        lines.push_str(&format!("  {}\n", p.display()));
    }
    // A directory is walked and its files sharded one by one; a missing file is reported by
    // the one shard that owns its name.
    lines.push_str("tests/fixtures/html\n# the end\nno/such/file.txt\n");
    std::fs::write(&list, &lines).unwrap();
    let whole = run(&["--inputs-from", s(&list)], None);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let pages = std::fs::read_dir(util::path("tests/fixtures/html"))
        .unwrap()
        .filter(|e| thidua::source::wanted_in_dir(&e.as_ref().unwrap().path()))
        .count();
    assert_eq!(
        whole.records.len(),
        corpus.len() + pages,
        "{}",
        whole.stderr
    );
    assert_eq!(whole.failures.len(), 1, "{}", whole.stderr);
    assert!(whole.failures[0].starts_with("thidua: no/such/file.txt: "));
    assert_shards_add_up(&["--inputs-from", s(&list)], None, "--inputs-from FILE");

    // The same list on stdin gives the same records; positional inputs come first.
    let from_stdin = run(&["--inputs-from", "-"], Some(lines.as_bytes()));
    assert_eq!(from_stdin.records, whole.records, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.failures, whole.failures);
    assert_shards_add_up(
        &["--inputs-from", "-"],
        Some(lines.as_bytes()),
        "--inputs-from -",
    );
    let both = run(
        &["corpus/s000.txt", "--inputs-from", "-"],
        Some(b"corpus/s001.txt\n"),
    );
    let ids: Vec<&str> = both
        .records
        .iter()
        .map(|r| r["doc"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s000", "s001"], "{}", both.stderr);
}

#[test]
fn shards_of_warc_files_add_up_to_one_run() {
    let articles = warc::articles();
    let dir = util::tempdir();
    let mut paths = Vec::new();
    // Five crawls of the corpus and fixture pages: four gzipped per record, one plain.
    for (i, chunk) in articles.chunks(articles.len().div_ceil(5)).enumerate() {
        let records = warc::crawl_records(chunk);
        let (name, bytes) = if i == 4 {
            (format!("crawl-{i}.warc"), records.concat())
        } else {
            (format!("crawl-{i}.warc.gz"), warc::members(&records))
        };
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path.display().to_string());
    }
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let n = assert_shards_add_up(&args, None, "WARC files");
    assert_eq!(n, articles.len());
    // As Spark's RDD.pipe gives them: the WARC paths on stdin.
    let list = paths.join("\n") + "\n";
    let piped = run(&["--inputs-from", "-"], Some(list.as_bytes()));
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert_eq!(by_id(&piped.records, "piped").len(), articles.len());
    assert_shards_add_up(
        &["--inputs-from", "-"],
        Some(list.as_bytes()),
        "WARC paths on stdin",
    );
}

#[test]
fn bad_shards_and_two_stdin_readers_exit_2() {
    for bad in ["2/2", "3/2", "0/0", "1", "a/b", "-1/2", "1/2/3", ""] {
        let out = run(&["corpus/s000.txt", &format!("--shard={bad}")], None);
        assert_eq!(out.code, 2, "--shard {bad:?}: {}", out.stderr);
        assert!(out.stderr.contains("--shard"), "{}", out.stderr);
        assert!(out.records.is_empty());
    }
    let out = run(&["corpus/s000.txt", "--shard", "2/2"], None);
    assert!(
        out.stderr.contains("K must be less than N"),
        "{}",
        out.stderr
    );

    let out = run(&["-", "--inputs-from", "-"], Some(b"corpus/s000.txt\n"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("standard input"), "{}", out.stderr);
    let out = run(&["--inputs-from", "-", "--urls", "-"], Some(b""));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(&["--inputs-from", "no/such/list.txt"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no/such/list.txt"), "{}", out.stderr);
    // A list naming `-` is a problem with the list, not a document on stdin.
    let out = run(&["--inputs-from", "-"], Some(b"-\ncorpus/s000.txt\n"));
    assert_eq!((out.code, out.records.len()), (1, 1), "{}", out.stderr);
}

/// `--inputs-from -` works on lines as they come: the first records are written while
/// stdin is still open. The writer stops (and closes stdin) as soon as a record is seen; it
/// gives up after a bound, so a process that waits for end of input fails the test instead
/// of hanging it.
#[test]
fn inputs_from_stdin_streams() {
    let dir = util::tempdir();
    let doc = dir.path().join("doc.txt");
    std::fs::write(
        &doc,
        "Sáng 25/11, Khối thi đua các cơ quan Nội chính tỉnh tổ chức hội nghị tổng kết.\n",
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args(["extract", "--inputs-from", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut stdin = child.stdin.take().unwrap();
    let writer = {
        let seen = seen.clone();
        let line = format!("{}\n", doc.display());
        std::thread::spawn(move || {
            const BOUND: usize = 20_000;
            let mut written = 0;
            while written < BOUND && !seen.load(std::sync::atomic::Ordering::SeqCst) {
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
                written += 1;
            }
            (written, written < BOUND)
        })
    };
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    seen.store(true, std::sync::atomic::Ordering::SeqCst);
    let record: Value = serde_json::from_str(&first).expect("a record");
    assert_eq!(record["doc"]["id"], "doc");
    let mut rest = 0;
    for line in stdout.lines() {
        line.unwrap();
        rest += 1;
    }
    let (written, stopped_early) = writer.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert!(
        stopped_early,
        "no record before the end of the list ({written} lines)"
    );
    assert_eq!(1 + rest, written, "one record per line written");
}
