//! Issue #18, "Nothing lost, ever": unique document ids, outputs that never destroy data,
//! honest failures. Each test reproduces a way records or files were lost with exit code 0.

use crate::util;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn thidua_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("thidua runs");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn article(name: &str) -> Vec<u8> {
    std::fs::read(util::path(&format!("corpus/{name}.txt"))).unwrap()
}

fn html_page(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(text);
    let body: String = text
        .lines()
        .map(|l| format!("<p>{l}</p>\n"))
        .collect::<Vec<_>>()
        .concat();
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{body}</body></html>")
        .into_bytes()
}

fn sqlite_docs(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT doc_id, input FROM documents ORDER BY input")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Colliding stems (two `index.txt`, `article.txt` and `article.html`): every record gets its
/// own id, in JSON Lines and in SQLite, where re-runs update instead of replacing another
/// document; two documents piped in by two runs are two documents.
#[test]
fn item1_document_ids_are_unique_and_stable() {
    let dir = util::tempdir();
    let root = dir.path().join("site");
    for (rel, body) in [
        ("2023/index.txt", article("a002")),
        ("2024/index.txt", article("a005")),
        ("x/article.txt", article("a009")),
        ("x/article.html", html_page(&article("a010"))),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let out = thidua_in(dir.path(), &["extract", "site"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = util::jsonl(&out.stdout);
    assert_eq!(records.len(), 4);
    let ids: std::collections::HashSet<&str> = records
        .iter()
        .map(|r| r["doc"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    // The first of each stem keeps it (gold files join on stems); the same run gives the same
    // ids again.
    assert_eq!(records[0]["doc"]["id"], "index");
    let again = util::jsonl(&thidua_in(dir.path(), &["extract", "site"], None).stdout);
    assert_eq!(again, records);

    // SQLite: four documents, and a re-run (whole or in part) replaces none of them.
    let db = dir.path().join("d.db");
    let out = thidua_in(dir.path(), &["extract", "site", "-o", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = sqlite_docs(&db);
    assert_eq!(first.len(), 4, "{first:?}");
    let out = thidua_in(dir.path(), &["extract", "site/2024", "-o", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 replaced, 1 unchanged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sqlite_docs(&db), first);
    // Stdin twice, two different documents: two rows.
    for name in ["a012", "a014"] {
        let out = thidua_in(
            dir.path(),
            &["extract", "-", "-o", s(&db)],
            Some(&article(name)),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert_eq!(sqlite_docs(&db).len(), 6);
}

/// A collision that still reaches the database is an error, never a replacement.
#[test]
fn item1_a_colliding_id_in_sqlite_is_an_error() {
    let dir = util::tempdir();
    let db = dir.path().join("d.db");
    let lex = thidua::dataset::Lexicon::load(None).unwrap();
    let mut sink = thidua::sink::SqliteSink::open(&db, lex, false).unwrap();
    let read = |name: &str| {
        let raw = thidua::source::read_file(
            &util::path(&format!("corpus/{name}.txt")),
            &thidua::Limits::default(),
        )
        .unwrap();
        util::pipeline().process(&raw).unwrap()
    };
    let a = read("a002");
    let mut b = read("a005");
    b.doc.id = a.doc.id.clone();
    sink.write(&a).unwrap();
    let err = sink.write(&b).unwrap_err().to_string();
    assert!(err.contains("two documents"), "{err}");
    sink.finish().unwrap();
    // Across runs: a document of another input with a taken id is refused.
    let lex = thidua::dataset::Lexicon::load(None).unwrap();
    let mut sink = thidua::sink::SqliteSink::open(&db, lex, false).unwrap();
    let err = sink.write(&b).unwrap_err().to_string();
    assert!(err.contains("already belongs to"), "{err}");
}

// Resuming (after a kill) with `--archive` keeps every page in the archive: covered with
// the local server in `tests/fetch.rs` (`item2_…`).

/// `-o` through a symbolic link writes the link's target; a device is written through, never
/// replaced; a FIFO gets the records.
#[test]
fn item3_outputs_that_are_not_regular_files() {
    let dir = util::tempdir();
    let real = dir.path().join("real.jsonl");
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("real.jsonl", &link).unwrap();
    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", s(&link)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(util::jsonl(&std::fs::read(&real).unwrap()).len(), 1);

    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", "/dev/null"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", s(&fifo)], None);
    // If the run did not open the FIFO, open it here so the reader ends (with nothing).
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: fails at once when the reader is gone (it read the records).
        let unblock = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(0o4000)
            .open(&fifo);
        drop(unblock);
    }
    let got = reader.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        util::jsonl(&got).len(),
        1,
        "the FIFO's reader got the record"
    );
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

/// The format comes from `-o`'s name, and a file of another format is never overwritten.
#[test]
fn item4_format_from_the_name_and_no_overwriting_another_format() {
    let dir = util::tempdir();
    let db = dir.path().join("thidua.db");
    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", s(&db)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sqlite_docs(&db).len(), 1, "-o NAME.db writes SQLite");
    let before = std::fs::read(&db).unwrap();
    let out = util::thidua(
        &[
            "extract",
            "corpus/a005.txt",
            "-o",
            s(&db),
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds a SQLite database"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // A JSON Lines file named .db is not turned into a database either.
    let jsonl = dir.path().join("records.db");
    std::fs::write(&jsonl, "{\"doc\": {}}\n").unwrap();
    let out = util::thidua(&["extract", "corpus/a005.txt", "-o", s(&jsonl)], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(util::read(&jsonl), "{\"doc\": {}}\n");
    // .jsonl.gz is gzip.
    let gz = dir.path().join("r.jsonl.gz");
    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", s(&gz)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(&gz).unwrap();
    assert!(bytes.starts_with(&[0x1f, 0x8b]));
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).unwrap();
    assert_eq!(util::jsonl(&text).len(), 1);
    // A directory means CSV tables.
    let tables = dir.path().join("tables");
    std::fs::create_dir(&tables).unwrap();
    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", s(&tables)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tables.join("documents.csv").exists());
}

/// Saved pages named .aspx, .shtml, .php, .xhtml, without extension or with a name that is
/// not UTF-8 are read; what is left out is reported and counted.
#[test]
fn item5_a_walk_reads_pages_by_name_and_content_and_reports_the_rest() {
    use std::os::unix::ffi::OsStrExt;
    let dir = util::tempdir();
    let root = dir.path().join("mirror");
    std::fs::create_dir(&root).unwrap();
    let page = html_page(&article("a002"));
    for name in [
        "a.aspx",
        "b.shtml",
        "c.php",
        "d.xhtml",
        "e-no-extension",
        "f.bld",
    ] {
        std::fs::write(root.join(name), &page).unwrap();
    }
    std::fs::write(
        root.join(std::ffi::OsStr::from_bytes(b"g-\xff\xfe.html")),
        &page,
    )
    .unwrap();
    std::fs::write(root.join("notes"), "a list of things\n").unwrap();
    let out = util::thidua(&["extract", s(&root)], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = util::jsonl(&out.stdout);
    assert_eq!(records.len(), 7, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("notes: skipped: text"), "{err}");
    assert!(
        err.contains("7 records (7 reports), 0 failed, 1 file skipped"),
        "{err}"
    );
}

/// A full disk while the CSV tables are committed leaves the earlier set whole.
#[test]
fn item6_csv_tables_commit_as_a_set() {
    let dir = util::tempdir();
    let tables = dir.path().join("tables");
    let out = util::thidua(
        &[
            "extract",
            "corpus/a002.txt",
            "--format",
            "csv",
            "-o",
            s(&tables),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let snapshot = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let bytes = std::fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot(&tables);
    // Files may not grow past 4 KiB (ulimit -f, 512-byte blocks): the small tables fit,
    // the evidence table does not, and that shows only when the tables are flushed at the
    // end (each stays below the writers' buffers until then).
    let script = format!(
        "trap '' XFSZ; ulimit -f 8; exec '{}' extract corpus/a005.txt --format csv -o '{}'",
        env!("CARGO_BIN_EXE_thidua"),
        s(&tables)
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(util::root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("output not written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        snapshot(&tables),
        before,
        "the earlier tables, all of them, as they were"
    );
}

/// A closed stderr does not kill the run nor lose its output.
#[test]
fn item7_a_closed_stderr_loses_nothing() {
    let dir = util::tempdir();
    let out_path = dir.path().join("r.jsonl");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args([
            "extract",
            "corpus/a002.txt",
            "no-such-file.txt",
            "-o",
            s(&out_path),
        ])
        .current_dir(util::root())
        .stdin(Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "one input failed; no panic (101)");
    assert_eq!(util::jsonl(&std::fs::read(&out_path).unwrap()).len(), 1);
}

/// A WARC response without WARC-Target-URI is a reported failure.
#[test]
fn item7_a_warc_response_without_target_uri_is_a_failure() {
    let dir = util::tempdir();
    let page = html_page(&article("a002"));
    let http = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".as_slice(),
        &page,
    ]
    .concat();
    let record = |uri: Option<&str>| {
        let mut head = String::from("WARC/1.1\r\nWARC-Type: response\r\n");
        if let Some(u) = uri {
            head.push_str(&format!("WARC-Target-URI: {u}\r\n"));
        }
        head.push_str(&format!(
            "WARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            if uri.is_some() { "1" } else { "2" },
            http.len()
        ));
        [head.as_bytes(), &http, b"\r\n\r\n"].concat()
    };
    let warc = dir.path().join("x.warc");
    std::fs::write(
        &warc,
        [record(Some("http://a.vn/1.html")), record(None)].concat(),
    )
    .unwrap();
    let out = util::thidua(&["extract", s(&warc)], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(util::jsonl(&out.stdout).len(), 1);
    assert!(
        stderr(&out).contains("without WARC-Target-URI"),
        "{}",
        stderr(&out)
    );
}

/// Option values that overflow are usage errors, not panics or empty records.
#[test]
fn item7_overflowing_option_values_are_usage_errors() {
    for (opt, value) in [
        ("--timeout-secs", "18446744073709551615"),
        ("--timeout-secs", "1e300"),
        ("--max-bytes", "18446744073709551615"),
        ("--max-bytes", "0"),
        ("--retries", "4294967295"),
        ("--delay-ms", "18446744073709551615"),
    ] {
        let out = util::thidua(
            &[
                "extract",
                opt,
                value,
                "corpus/a002.txt",
                "http://127.0.0.1:9/x",
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{opt} {value}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

/// Resuming with the inputs spelled another way (relative, absolute) adds no record twice.
#[test]
fn item8_resume_keys_on_the_file_not_its_spelling() {
    let dir = util::tempdir();
    let out_path = dir.path().join("r.jsonl");
    let killed = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args(["extract", "corpus/", "-o", s(&out_path)])
        .env("THIDUA_TEST_ABORT_AFTER", "40")
        .current_dir(util::root())
        .output()
        .unwrap();
    assert!(!killed.status.success());
    let abs = util::path("corpus");
    let out = util::thidua(&["extract", s(&abs), "-o", s(&out_path), "--resume"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = util::jsonl(&std::fs::read(&out_path).unwrap());
    assert_eq!(
        records.len(),
        util::corpus_texts().len(),
        "{}",
        stderr(&out)
    );
    let ids: std::collections::HashSet<&str> = records
        .iter()
        .map(|r| r["doc"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), records.len(), "no article twice");
}

/// An output that cannot be written: its own exit code, a summary line, no partial file
/// left, the earlier output intact.
#[test]
fn item9_output_failures_have_their_own_exit_code() {
    let dir = util::tempdir();
    let out_path = dir.path().join("r.jsonl");
    std::fs::write(&out_path, "{\"earlier\": true}\n").unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 16; exec '{}' extract corpus/ -o '{}'",
        env!("CARGO_BIN_EXE_thidua"),
        s(&out_path)
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(util::root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("thidua: output not written:"), "{err}");
    assert_eq!(util::read(&out_path), "{\"earlier\": true}\n");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "no partial file left: {left:?}");
    // A full device is written through and fails the same way.
    let out = util::thidua(&["extract", "corpus/a002.txt", "-o", "/dev/full"], None);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// CSV cells that a spreadsheet would run as formulas are neutralized.
#[test]
fn csv_formula_injection_is_neutralized() {
    let dir = util::tempdir();
    std::fs::write(dir.path().join("=HYPERLINK(1).txt"), article("a002")).unwrap();
    std::fs::write(dir.path().join("@SUM(1).txt"), article("a005")).unwrap();
    let out = thidua_in(
        dir.path(),
        &[
            "extract",
            "=HYPERLINK(1).txt",
            "@SUM(1).txt",
            "-o",
            "tables/",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = util::read(&dir.path().join("tables/documents.csv"));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    for row in reader.records() {
        let row = row.unwrap();
        for (name, cell) in header.iter().zip(row.iter()) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{name}: {cell:?} would run as a formula"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK(1).txt"), "{csv}");
}

/// File names with line breaks or escape sequences cannot forge or repaint stderr.
#[test]
fn control_characters_in_messages_are_escaped() {
    let dir = util::tempdir();
    let name = "x\nthidua: forged line\x1b[2J.txt";
    std::fs::write(dir.path().join(name), [0u8, 1, 2, 3, 0, 0]).unwrap();
    let out = thidua_in(dir.path(), &["extract", name], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(
        !err.lines().any(|l| l.starts_with("thidua: forged")),
        "{err}"
    );
    assert!(
        err.contains("x\\nthidua: forged line\\u{1b}[2J.txt"),
        "{err}"
    );
}

/// A --patterns directory without one of the rule files is a configuration error.
#[test]
fn a_patterns_directory_missing_a_file_is_a_configuration_error() {
    let dir = util::tempdir();
    let copy = dir.path().join("patterns");
    for entry in walkdir::WalkDir::new(util::path("patterns")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(util::path("patterns")).unwrap();
        let dest = copy.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    std::fs::remove_file(copy.join("rules/people.toml")).unwrap();
    let out = util::thidua(
        &["extract", "--patterns", s(&copy), "corpus/a002.txt"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rules/people.toml"),
        "{}",
        stderr(&out)
    );
}

/// `eval` caps what it reads: /dev/zero is an error, not a process that grows forever.
#[test]
fn eval_caps_its_inputs() {
    let out = util::thidua(&["eval", "corpus/gold.jsonl", "/dev/zero"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("line longer"), "{}", stderr(&out));
}
