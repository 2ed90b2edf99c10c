//! The hostile-input zoo (issue #9). Inputs are generated into a temporary directory: an
//! empty file, binary content, invalid UTF-8, UTF-8 mixed with TCVN3 lines, a 50 MB single
//! line, HTML nested 100,000 levels deep (divs, lists, definition lists, misnested formatting),
//! a million tiny elements, a gzip bomb (1 GiB of zeros), a truncated .gz, a directory with
//! unreadable files and symbolic link loops, a page in French and a page with 10,000 bloc
//! mentions. Each goes through the built binary: every input must end as a record or as a
//! failure on stderr naming it and saying why, nothing may panic or hang, and the exit code is
//! 0 when every input gave a record, 1 when some failed.

use crate::{props, util};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A run still going after this long is taken for a hang: the process is killed and the test
/// fails. It only bounds a failure (the slowest zoo run takes a few seconds), so that a hang
/// fails CI instead of stalling it; no passing run depends on it.
const WATCHDOG: Duration = Duration::from_secs(600);

/// A short report: the bloc, a date, the years, an elected head.
const REPORT: &str = "Sáng 25/11/2023, Khối thi đua các cơ quan Nội chính tỉnh tổ chức Hội nghị \
     tổng kết công tác thi đua khen thưởng năm 2023. Hội nghị đã suy tôn Thanh tra tỉnh làm \
     Trưởng Khối thi đua năm 2024.";
const BLOC: &str = "Khối thi đua các cơ quan Nội chính tỉnh";

/// What one `thidua extract` run gave.
struct Run {
    code: i32,
    records: Vec<Value>,
    stderr: String,
}

/// Runs `thidua extract ARGS` (with `stdin` on standard input), under the watchdog. No run
/// may panic, even inside a guarded document.
fn extract(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .arg("extract")
        .args(args)
        .current_dir(util::root())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("thidua runs");
    let pid = child.id();
    let input = child.stdin.take();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if let (Some(mut pipe), Some(bytes)) = (input, stdin) {
            // The reader may stop early (an input over the cap): a broken pipe is fine.
            let _ = pipe.write_all(&bytes);
        }
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(WATCHDOG) {
        Ok(out) => out.expect("thidua finishes"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("thidua extract {args:?} hung: killed after {WATCHDOG:?}");
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "thidua extract {args:?} panicked:\n{stderr}"
    );
    Run {
        code: out.status.code().expect("exit code, not a signal"),
        records: util::jsonl(&out.stdout),
        stderr,
    }
}

/// How an input must end.
#[derive(Debug, Clone, Copy)]
enum Want {
    Record,
    /// A failure whose reason contains this.
    Failure(&'static str),
    /// Either (an unreadable file when the tests run as root, who reads everything).
    Either,
}

impl Run {
    /// The record of `input`, or the reason it failed: exactly one of them.
    fn outcome(&self, input: &str) -> Result<&Value, String> {
        let records: Vec<&Value> = self
            .records
            .iter()
            .filter(|r| r["doc"]["input"] == input)
            .collect();
        let prefix = format!("thidua: {input}: ");
        let failures: Vec<&str> = self
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .collect();
        assert_eq!(
            records.len() + failures.len(),
            1,
            "{input}: {} records and failures {failures:?}\nstderr:\n{}",
            records.len(),
            self.stderr
        );
        match records.first() {
            Some(r) => Ok(r),
            None => Err(failures[0].to_string()),
        }
    }

    /// Checks that every input ended as wanted, that nothing else was written (each stderr
    /// line is the summary or a failure naming one of the inputs) and the exit code. Returns
    /// the records by input.
    fn check(&self, wants: &[(String, Want)]) -> Vec<Option<&Value>> {
        let mut got = Vec::new();
        for (input, want) in wants {
            let outcome = self.outcome(input);
            match (want, &outcome) {
                (Want::Record, Err(reason)) => panic!("{input}: failed ({reason}), want a record"),
                (Want::Failure(why), Ok(_)) => {
                    panic!("{input}: gave a record, want a failure ({why})")
                }
                (Want::Failure(why), Err(reason)) => {
                    assert!(
                        reason.contains(why),
                        "{input}: {reason:?} does not say {why:?}"
                    )
                }
                _ => {}
            }
            if let Ok(record) = outcome {
                props::assert_valid_record(record);
            }
            got.push(outcome.ok());
        }
        assert_eq!(
            self.records.len(),
            got.iter().flatten().count(),
            "records of inputs not named"
        );
        for line in self.stderr.lines() {
            assert!(
                is_summary(line)
                    || wants
                        .iter()
                        .any(|(i, _)| line.starts_with(&format!("thidua: {i}: "))),
                "unexpected stderr line {line:?}"
            );
        }
        let failed = got.iter().any(Option::is_none);
        assert_eq!(self.code, i32::from(failed), "exit code\n{}", self.stderr);
        got
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

fn s(p: &Path) -> String {
    p.to_str().expect("UTF-8 temp path").to_string()
}

/// Writes 1 GiB of zeros gzipped (about 1 MB), streaming.
fn write_gzip_bomb(path: &Path) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        gz.write_all(&zeros).unwrap();
    }
    gz.finish().unwrap().flush().unwrap();
}

/// A page nested `n` levels deep with `open` (and closed with `close`), the report inside.
fn deep_page(open: &str, close: &str, n: usize) -> String {
    format!(
        "<html><body>{}<p>{REPORT}</p>{}</body></html>",
        open.repeat(n),
        close.repeat(n)
    )
}

#[test]
fn zoo_small_inputs_end_as_records_or_reported_failures() {
    let dir = util::tempdir();
    let d = dir.path();
    let file = |name: &str, bytes: &[u8]| {
        std::fs::write(d.join(name), bytes).unwrap();
        s(&d.join(name))
    };
    let empty = file("empty.txt", b"");
    // Pseudo-random bytes (a fixed LCG), NULs included.
    let mut x: u32 = 12345;
    let noise: Vec<u8> = (0..65536)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let binary = file("binary.txt", &noise);
    // UTF-8 with stray bytes: a lone continuation byte, an overlong slash, a surrogate, a
    // byte that is never UTF-8 and a sequence cut short at the end.
    let mut stray = REPORT.as_bytes().to_vec();
    for bad in [&b"\x80"[..], b"\xc0\xaf", b"\xed\xa0\x80", b"\xff"] {
        stray.extend_from_slice(b" ");
        stray.extend_from_slice(bad);
        stray.extend_from_slice(" Sở Tư pháp.".as_bytes());
    }
    stray.extend_from_slice(b"\n\xe1\xbb");
    let invalid = file("invalid_utf8.txt", &stray);
    // UTF-8 lines and TCVN3 lines ("Xin chào các bạn. Tôi đi học.") in one file.
    let mut mixed = format!("{REPORT}\n").into_bytes();
    for _ in 0..3 {
        mixed.extend_from_slice(b"Xin ch\xb5o c\xb8c b\xb9n. T\xabi \xaei h\xe4c.\n");
    }
    mixed.extend_from_slice(format!("{REPORT}\n").as_bytes());
    let mixed = file("mixed.txt", &mixed);
    let french = file(
        "french.html",
        format!(
            "<html lang=fr><head><title>Le conseil municipal</title></head><body><article>{}\
             </article></body></html>",
            "<p>Le conseil municipal a adopté le budget de l'année prochaine à l'unanimité, \
             après un long débat sur les écoles et les routes.</p>"
                .repeat(40)
        )
        .as_bytes(),
    );
    let mentions = file(
        "mentions.txt",
        "Khối thi đua các sở tổng kết năm 2023, Sở Tư pháp xếp thứ nhất. "
            .repeat(10_000)
            .as_bytes(),
    );
    let gz = {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(REPORT.repeat(200).as_bytes()).unwrap();
        enc.finish().unwrap()
    };
    let truncated = file("truncated.txt.gz", &gz[..gz.len() / 2]);
    let gzip_bomb = s(&d.join("bomb.txt.gz"));
    write_gzip_bomb(Path::new(&gzip_bomb));
    let n = 100_000;
    let deep_div = file("deep_div.html", deep_page("<div>", "</div>", n).as_bytes());
    let deep_list = file("deep_list.html", deep_page("<ul><li>", "", n).as_bytes());
    let deep_dl = file("deep_dl.html", deep_page("<dl><dd>", "", n).as_bytes());
    let misnested = file(
        "misnested.html",
        deep_page("<b><div></b>", "", n).as_bytes(),
    );

    let cases = [
        (empty.clone(), Want::Record),
        (binary.clone(), Want::Failure("binary content")),
        (invalid.clone(), Want::Record),
        (mixed.clone(), Want::Record),
        (french.clone(), Want::Record),
        (mentions.clone(), Want::Record),
        (truncated.clone(), Want::Failure("corrupt gzip data")),
        (
            gzip_bomb.clone(),
            Want::Failure("gzip content larger than the 64 MiB input limit"),
        ),
        (deep_div.clone(), Want::Record),
        (deep_list.clone(), Want::Record),
        (deep_dl.clone(), Want::Record),
        (misnested.clone(), Want::Record),
    ];
    // All at once: the failures are reported, the batch goes on, exit code 1.
    let args: Vec<&str> = cases.iter().map(|(p, _)| p.as_str()).collect();
    let run = extract(&args, None);
    assert_eq!(run.code, 1);
    let got = run.check(&cases);
    let record = |input: &str| {
        let i = cases.iter().position(|(p, _)| p == input).unwrap();
        got[i].unwrap()
    };

    assert_eq!(record(&empty)["is_report"], false);
    for input in [&invalid, &mixed] {
        let r = record(input);
        assert_eq!(r["bloc"]["name"], BLOC, "{input}");
        assert_eq!(r["meeting"]["date"], "2023-11-25", "{input}");
    }
    let warnings = record(&mixed)["warnings"].to_string();
    assert!(
        warnings.contains("partly UTF-8") && warnings.contains("TCVN3"),
        "{warnings}"
    );
    let r = record(&french);
    assert_eq!(r["is_report"], false);
    assert!(
        !r["warnings"].to_string().contains("legacy"),
        "{}",
        r["warnings"]
    );
    // 10,000 mentions: one record of bounded size.
    let r = record(&mentions);
    assert_eq!(r["is_report"], true);
    assert!(
        r.to_string().len() < 256 * 1024,
        "{} bytes",
        r.to_string().len()
    );
    // Deep pages: the depth guard says so and the text inside is kept.
    for input in [&deep_div, &deep_list, &deep_dl, &misnested] {
        let r = record(input);
        assert!(
            r["warnings"].to_string().contains("nested deeper than 512"),
            "{input}: {}",
            r["warnings"]
        );
        assert_eq!(r["bloc"]["name"], BLOC, "{input}");
    }

    // The same inputs that give records, alone: exit code 0.
    let good: Vec<(String, Want)> = cases
        .iter()
        .filter(|(_, w)| matches!(w, Want::Record))
        .cloned()
        .collect();
    let args: Vec<&str> = good.iter().map(|(p, _)| p.as_str()).collect();
    let mut all = vec!["--include-text"];
    all.extend(&args);
    let run = extract(&all, None);
    let got = run.check(&good);
    assert_eq!(run.code, 0);
    let mixed_text =
        got[good.iter().position(|(p, _)| p == &mixed).unwrap()].unwrap()["doc"]["text"]
            .as_str()
            .unwrap()
            .to_string();
    let lines: Vec<&str> = mixed_text.lines().collect();
    assert!(
        lines[0].starts_with("Sáng 25/11/2023, Khối thi đua"),
        "{mixed_text}"
    );
    assert_eq!(lines[1], "Xin chào các bạn. Tôi đi học.", "{mixed_text}");

    // The gzip bomb on standard input is stopped at the cap as well.
    let bomb = std::fs::read(&gzip_bomb).unwrap();
    let run = extract(&["-"], Some(bomb));
    run.check(&[(
        "-".to_string(),
        Want::Failure("gzip content larger than the 64 MiB input limit"),
    )]);
}

#[test]
fn zoo_fifty_megabyte_line() {
    let dir = util::tempdir();
    let path = dir.path().join("line.txt");
    // Vietnamese prose on one line, the report every 100 sentences: the sentence splitter
    // cuts it into pieces, at points that fall inside multi-byte characters.
    let prose = "Người dân trong xã đã cùng nhau xây dựng con đường mới, trồng thêm nhiều cây \
                 xanh và giữ gìn vệ sinh môi trường sạch đẹp; ";
    let block = format!("{REPORT} {}", prose.repeat(100));
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut written = 0;
        while written < 50_000_000 {
            out.write_all(block.as_bytes()).unwrap();
            written += block.len();
        }
        out.flush().unwrap();
    }
    let input = s(&path);
    let run = extract(&[&input], None);
    let got = run.check(&[(input.clone(), Want::Record)]);
    let r = got[0].unwrap();
    assert_eq!(r["bloc"]["name"], BLOC);
    assert_eq!(r["is_report"], true);
    // Above a lower cap it is a reported failure, read no further than the cap.
    let run = extract(&["--max-bytes", "1048576", &input], None);
    run.check(&[(input, Want::Failure("larger than the 1 MiB input limit"))]);
}

#[test]
fn zoo_million_tiny_elements() {
    let dir = util::tempdir();
    let path = dir.path().join("tiny.html");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        write!(out, "<html><body><div>").unwrap();
        for i in 0..1_000_000 {
            writeln!(out, "<b>{}</b>", i % 10).unwrap();
        }
        // The report comes after the node cap: its markup is dropped, its text kept.
        write!(out, "<p>{REPORT}</p></div></body></html>").unwrap();
        out.flush().unwrap();
    }
    let input = s(&path);
    let run = extract(&[&input], None);
    let got = run.check(&[(input, Want::Record)]);
    let r = got[0].unwrap();
    let cap = thidua::html::depth::MAX_NODES;
    assert!(
        r["warnings"]
            .to_string()
            .contains(&format!("more than {cap} elements")),
        "{}",
        r["warnings"]
    );
    assert_eq!(r["bloc"]["name"], BLOC);
}

#[test]
fn zoo_unreadable_files_and_symlink_loops() {
    let dir = util::tempdir();
    let d = dir.path().join("tree");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::create_dir_all(d.join("locked_dir")).unwrap();
    std::fs::write(d.join("a_good.txt"), REPORT).unwrap();
    std::fs::write(d.join("locked_dir/inner.txt"), REPORT).unwrap();
    std::fs::write(d.join("locked.txt"), REPORT).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("self.txt", d.join("self.txt")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", d.join("dangling.txt")).unwrap();
    let mode = |p: &Path, m: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    };
    mode(&d.join("locked.txt"), 0o000);
    mode(&d.join("locked_dir"), 0o000);
    // Root reads anything: then the locked entries are read like the others.
    let root = std::fs::read(d.join("locked.txt")).is_ok();
    let p = |rel: &str| s(&d.join(rel));
    let locked_file = if root {
        Want::Either
    } else {
        Want::Failure("ermission denied")
    };
    let mut wants = vec![
        (p("a_good.txt"), Want::Record),
        (p("dangling.txt"), Want::Failure("No such file")),
        (p("locked.txt"), locked_file),
        (p("self.txt"), Want::Failure("symbolic links")),
        (p("sub/loop"), Want::Failure("symbolic link loop")),
    ];
    wants.push(if root {
        (p("locked_dir/inner.txt"), Want::Record)
    } else {
        (p("locked_dir"), Want::Failure("ermission denied"))
    });
    let tree = s(&d);
    // The loop given directly, and the directory itself.
    let self_link = p("self.txt");
    let run = extract(&[&tree, &self_link], None);
    // The self link fails twice: once in the walk, once as an argument.
    let twice = run
        .stderr
        .lines()
        .filter(|l| l.starts_with(&format!("thidua: {self_link}: ")))
        .count();
    assert_eq!(twice, 2, "{}", run.stderr);
    let run = extract(&[&tree], None);
    run.check(&wants);
    assert_eq!(run.code, 1);
    mode(&d.join("locked.txt"), 0o644);
    mode(&d.join("locked_dir"), 0o755);
}

/// The sentence splitter cut a line longer than 8 KiB at a byte inside a multi-byte
/// character and panicked (found by the 50 MB line of the zoo).
#[test]
fn long_lines_are_cut_on_character_boundaries() {
    for (unit, n) in [("ố", 10_000), ("xố", 9_000), ("Khối thi đua ", 3_000)] {
        let text = unit.repeat(n);
        let spans = thidua::extract::text::sentences(&text);
        assert!(spans.len() > 1, "{unit}");
        for span in spans {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert!(span.len() <= thidua::extract::text::MAX_SENTENCE_BYTES);
        }
        let record = util::pipeline().extract_text("long", &text);
        props::assert_valid_record(&serde_json::to_value(&record).unwrap());
    }
}

/// The caps the zoo relies on, as documented in the README ("Hostile input").
#[test]
fn caps_are_as_documented() {
    assert_eq!(thidua::Limits::default().max_bytes, 64 * 1024 * 1024);
    assert_eq!(thidua::html::depth::MAX_DEPTH, 512);
    assert_eq!(thidua::html::depth::MAX_NODES, 200_000);
    assert_eq!(thidua::extract::text::MAX_SENTENCE_BYTES, 8192);
    let page = deep_page("<ul><li>", "", 20_000);
    let cut = thidua::html::depth::limit_nesting(&page);
    // The lists beyond the cap are gone (their items become siblings), the text is kept.
    assert!(cut.matches("<ul>").count() < thidua::html::depth::MAX_DEPTH);
    assert!(cut.contains(REPORT));
}
