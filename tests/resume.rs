//! A killed run restarted with `--resume` ends with exactly the output of an uninterrupted
//! run: no record lost, none twice. The kill is a crash drill (`THIDUA_TEST_ABORT_AFTER=N`
//! makes the binary abort, without flushing or cleaning up, after writing N records), so
//! the tests do not depend on timing.

use crate::util;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `thidua` with args, optionally aborting after `abort_after` records.
fn run(args: &[&str], abort_after: Option<usize>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.args(args).current_dir(util::root());
    if let Some(n) = abort_after {
        cmd.env("THIDUA_TEST_ABORT_AFTER", n.to_string());
    }
    cmd.output().expect("thidua runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `copies` copies of every corpus text, so runs span several batches.
fn corpus_copies(dir: &Path, copies: usize) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(util::path("corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            let text = std::fs::read(&path).unwrap();
            for i in 0..copies {
                std::fs::write(dir.join(format!("{stem}_{i}.txt")), &text).unwrap();
                n += 1;
            }
        }
    }
    n
}

#[test]
fn killed_and_resumed_jsonl_run_equals_an_uninterrupted_run() {
    let dir = util::tempdir();
    let full = dir.path().join("full.jsonl");
    let out = dir.path().join("out.jsonl");
    let partial = dir.path().join(".out.jsonl.partial");
    let whole = run(&["extract", "corpus/", "-o", s(&full)], None);
    assert_eq!(whole.status.code(), Some(0));
    let expected = std::fs::read(&full).unwrap();

    // Killed twice, at different points, then finished.
    for (n, abort_after) in [(1, Some(7)), (2, Some(13)), (3, None)] {
        let got = run(
            &["extract", "corpus/", "-o", s(&out), "--resume"],
            abort_after,
        );
        if abort_after.is_some() {
            assert_eq!(got.status.code(), None, "run {n} was killed");
            assert!(!out.exists(), "run {n}: nothing under the real name yet");
            assert!(partial.exists(), "run {n}: the partial output stays");
        } else {
            assert_eq!(got.status.code(), Some(0));
            let stderr = String::from_utf8_lossy(&got.stderr);
            assert!(stderr.contains("already in the output"), "{stderr}");
        }
    }
    assert!(!partial.exists(), "renamed into place");
    let got = std::fs::read(&out).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&expected),
        "same records, same order, none twice"
    );
}

#[test]
fn a_half_written_last_line_is_cut_off_and_redone() {
    let dir = util::tempdir();
    let out = dir.path().join("out.jsonl");
    let full = run(&["extract", "corpus/"], None).stdout;
    let lines: Vec<&[u8]> = full.split_inclusive(|&b| b == b'\n').collect();
    // Three whole records and half of the fourth, as a crash mid-write leaves them.
    let mut partial: Vec<u8> = lines[..3].concat();
    partial.extend_from_slice(&lines[3][..lines[3].len() / 2]);
    std::fs::write(dir.path().join(".out.jsonl.partial"), &partial).unwrap();
    let got = run(&["extract", "corpus/", "-o", s(&out), "--resume"], None);
    assert_eq!(got.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&got.stderr);
    assert!(stderr.contains("3 already in the output"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), full);
}

#[test]
fn resuming_a_finished_output_adds_only_new_inputs() {
    let dir = util::tempdir();
    let out = dir.path().join("out.jsonl");
    let first = run(&["extract", "corpus/s001.txt", "-o", s(&out)], None);
    assert_eq!(first.status.code(), Some(0));
    let both = run(
        &[
            "extract",
            "corpus/s001.txt",
            "corpus/s002.txt",
            "-o",
            s(&out),
            "--resume",
        ],
        None,
    );
    assert_eq!(both.status.code(), Some(0));
    let ids: Vec<String> = util::jsonl(&std::fs::read(&out).unwrap())
        .iter()
        .map(|r| r["doc"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["s001", "s002"]);
}

#[test]
fn a_fresh_run_after_a_crash_starts_over() {
    let dir = util::tempdir();
    let out = dir.path().join("out.jsonl");
    let killed = run(&["extract", "corpus/", "-o", s(&out)], Some(5));
    assert_eq!(killed.status.code(), None);
    let again = run(&["extract", "corpus/", "-o", s(&out)], None);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        run(&["extract", "corpus/"], None).stdout
    );
    assert!(!dir.path().join(".out.jsonl.partial").exists());
}

/// Each document's stored record hash, and the meetings, of a dataset database.
fn db_state(path: &Path) -> (Vec<(String, String)>, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT doc_id, record_hash FROM _doc_state ORDER BY doc_id")
        .unwrap();
    let docs = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    let meetings = conn
        .query_row("SELECT COUNT(*) FROM meetings", [], |r| r.get(0))
        .unwrap();
    (docs, meetings)
}

#[test]
fn killed_and_resumed_sqlite_run_equals_an_uninterrupted_run() {
    let dir = util::tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // More documents than one commit of a resumable run.
    let n = corpus_copies(&inputs, 12);
    assert!(n > thidua::sink::RESUME_COMMIT_EVERY + 20);
    let full = dir.path().join("full.sqlite");
    let db = dir.path().join("db.sqlite");
    let whole = run(
        &["extract", s(&inputs), "--format", "sqlite", "-o", s(&full)],
        None,
    );
    assert_eq!(whole.status.code(), Some(0));
    let args = [
        "extract",
        s(&inputs),
        "--format",
        "sqlite",
        "-o",
        s(&db),
        "--resume",
    ];
    let killed = run(&args, Some(thidua::sink::RESUME_COMMIT_EVERY + 10));
    assert_eq!(killed.status.code(), None);
    assert!(!db.exists(), "a new database appears only when finished");
    let resumed = run(&args, None);
    assert_eq!(resumed.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        stderr.contains(&format!(
            "{} already in the output",
            thidua::sink::RESUME_COMMIT_EVERY
        )),
        "{stderr}"
    );
    assert_eq!(db_state(&db), db_state(&full));
}

#[test]
fn resume_needs_a_resumable_output() {
    let out = run(&["extract", "corpus/s001.txt", "--resume"], None);
    assert_eq!(out.status.code(), Some(2), "no -o: nothing to resume");
    let dir = util::tempdir();
    let out = run(
        &[
            "extract",
            "corpus/s001.txt",
            "--format",
            "csv",
            "-o",
            s(dir.path()),
            "--resume",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
}

#[test]
fn a_second_run_on_the_same_output_stops_without_touching_the_first_runs_file() {
    // A run holds a lock on its partial file; here the test holds it, as a first run would.
    let dir = util::tempdir();
    for (name, format) in [("out.jsonl", "jsonl"), ("out.db", "sqlite")] {
        let out = dir.path().join(name);
        let partial = dir.path().join(format!(".{name}.partial"));
        std::fs::write(&partial, b"the first run's records\n").unwrap();
        let held = std::fs::OpenOptions::new()
            .write(true)
            .open(&partial)
            .unwrap();
        held.try_lock().unwrap();
        let args = [
            "extract",
            "corpus/a002.txt",
            "-o",
            s(&out),
            "--format",
            format,
        ];
        let second = run(&args, None);
        assert_ne!(second.status.code(), Some(0), "{format}");
        let err = String::from_utf8_lossy(&second.stderr);
        assert!(err.contains("another run is writing this output"), "{err}");
        assert_eq!(
            std::fs::read(&partial).unwrap(),
            b"the first run's records\n",
            "{format}: the first run's file is untouched"
        );
        assert!(!out.exists());
        // Once the first run is gone, the output can be written.
        drop(held);
        let third = run(&args, None);
        assert_eq!(third.status.code(), Some(0), "{format}");
        assert!(out.exists() && !partial.exists(), "{format}");
    }
}
