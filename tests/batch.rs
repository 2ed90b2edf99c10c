//! The batch runner (#8): records do not depend on the number of worker threads, the
//! summary line tells what happened, stderr stays free of progress drawing when it is not a
//! terminal, and the page generator behind the benchmarks is deterministic.

use crate::util;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn jobs_do_not_change_the_records_or_their_order() {
    let one = util::thidua(&["extract", "-j", "1", "corpus/"], None);
    let two = util::thidua(&["extract", "--jobs", "2", "corpus/"], None);
    let four = util::thidua(&["extract", "-j", "4", "corpus/"], None);
    assert_eq!(one.status.code(), Some(0));
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
    let out = util::thidua(&["extract", "-j", "0", "corpus/"], None);
    assert_eq!(out.status.code(), Some(2), "-j 0 is a usage error");
}

#[test]
fn summary_line_counts_records_reports_and_failures() {
    let dir = util::tempdir();
    std::fs::write(dir.path().join("bad.txt.gz"), b"\x1f\x8b\x08 truncated").unwrap();
    let out = util::thidua(
        &[
            "extract",
            "corpus/s001.txt",
            "corpus/s002.txt",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let records = util::jsonl(&out.stdout);
    let reports = records.iter().filter(|r| r["is_report"] == true).count();
    let err = stderr(&out);
    let last = err.lines().last().unwrap();
    let re = regex::Regex::new(
        r"^thidua: (\d+) records \((\d+) reports\), (\d+) failed in [0-9.]+ s \([0-9]+ docs/s, [0-9.]+ MB/s\)$",
    )
    .unwrap();
    let caps = re
        .captures(last)
        .unwrap_or_else(|| panic!("summary: {last}"));
    assert_eq!(caps[1].parse::<usize>().unwrap(), records.len());
    assert_eq!(caps[2].parse::<usize>().unwrap(), reports);
    assert_eq!(&caps[3], "1");
    assert!(err.contains("bad.txt.gz"), "the failure is listed: {err}");
}

#[test]
fn summary_line_says_one_record_and_gives_no_rate_for_an_empty_run() {
    let out = util::thidua(&["extract", "corpus/s001.txt"], None);
    let err = stderr(&out);
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("thidua: 1 record (1 report), 0 failed in "),
        "{last}"
    );
    assert!(
        last.ends_with(" MB/s)"),
        "a rate when something was read: {last}"
    );

    let dir = util::tempdir();
    let out = util::thidua(&["extract", dir.path().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    let last = err.lines().last().unwrap();
    let re =
        regex::Regex::new(r"^thidua: 0 records \(0 reports\), 0 failed in [0-9.]+ s$").unwrap();
    assert!(re.is_match(last), "no rate for an empty run: {last}");
}

#[test]
fn no_progress_drawing_when_stderr_is_not_a_terminal() {
    let out = util::thidua(&["extract", "corpus/"], None);
    let err = stderr(&out);
    assert!(!err.contains('\x1b'), "no escape codes: {err:?}");
    assert!(!err.contains('\r'), "no carriage returns: {err:?}");
    // The summary, after the two files of corpus/ that are not articles (gold.jsonl,
    // SOURCES), each reported as skipped.
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "only the skipped files and the summary: {err}"
    );
    assert!(
        lines[..2].iter().all(|l| l.contains(": skipped: ")),
        "{err}"
    );
}

#[test]
fn generated_pages_are_deterministic_and_read_like_their_articles() {
    let dir = util::tempdir();
    let generate = |name: &str, seed: &str| {
        let out_dir = dir.path().join(name);
        let out = util::thidua(
            &[
                "gen-pages",
                "--from",
                "corpus",
                "--pages",
                "40",
                "--seed",
                seed,
                "--out",
                out_dir.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut pages: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        pages.sort();
        (out_dir, pages)
    };
    let (dir_a, a) = generate("a", "7");
    let (_, b) = generate("b", "7");
    let (_, c) = generate("c", "8");
    assert_eq!(a.len(), 40);
    assert_eq!(a, b, "same seed, same pages");
    assert_ne!(a, c, "another seed, other pages");

    // The pages go through the whole HTML path: every page gives a record, and the bloc
    // names match those of the text articles the pages wrap (when the text is a report: the
    // portal's photo caption "Quang cảnh hội nghị" can show a meeting that a text cut off
    // mid-article does not).
    let out = util::thidua(&["extract", dir_a.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = util::jsonl(&out.stdout);
    assert_eq!(records.len(), 40);
    let texts = util::jsonl(&util::thidua(&["extract", "corpus/"], None).stdout);
    let bloc_of = |id: &str| {
        texts
            .iter()
            .find(|r| r["doc"]["id"] == id)
            .map(|r| (r["is_report"] == true, r["bloc"]["name"].clone()))
    };
    let canonical = regex::Regex::new(r"/tin-tuc/([a-z0-9]+)-\d+\.html").unwrap();
    let mut matched = 0;
    for (record, (_, html)) in records.iter().zip(&a) {
        let html = String::from_utf8_lossy(html);
        let article = &canonical.captures(&html).expect("canonical URL")[1];
        let (report, bloc) = bloc_of(article).expect("the page's article is in the corpus");
        if report {
            assert_eq!(record["bloc"]["name"], bloc, "{article}");
        }
        matched += 1;
    }
    assert_eq!(matched, 40);
}

#[test]
fn bench_lists_the_costliest_rules() {
    let out = util::thidua(
        &[
            "bench",
            "corpus/s001.txt",
            "corpus/b016.txt",
            "--repeat",
            "1",
            "-j",
            "1",
            "--rules",
            "5",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("rules, each run on every document:"))
        .unwrap_or_else(|| panic!("no rule table: {text}"));
    assert!(lines[at + 1].starts_with("rule "), "{text}");
    let rows = &lines[at + 2..];
    assert_eq!(rows.len(), 5, "{text}");
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r.split_whitespace().next().unwrap())
        .collect();
    for id in ids {
        assert!(util::pipeline().patterns().rule(id).is_some(), "{id}");
    }
}

#[test]
fn bench_reads_rules_from_a_patterns_directory() {
    // A copy of the patterns without one rule: the rule table no longer lists it.
    let dir = util::tempdir();
    let copy = dir.path().join("patterns");
    copy_dir(&util::path("patterns"), &copy);
    let members = copy.join("rules/members.toml");
    let text = util::read(&members);
    let start = text
        .find("[[rule]]\nid = \"members.gom_colon\"")
        .expect("members.gom_colon in members.toml");
    let end = text[start + 1..]
        .find("[[rule]]")
        .map_or(text.len(), |i| start + 1 + i);
    std::fs::write(&members, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = util::thidua(
        &[
            "bench",
            "corpus/s001.txt",
            "--repeat",
            "1",
            "-j",
            "1",
            "--rules",
            "1000",
            "--patterns",
            copy.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("members.gom_shared"), "{table}");
    assert!(!table.contains("members.gom_colon "), "{table}");
    // A broken copy stops the benchmark with the file and line.
    std::fs::write(&members, "[[rule]]\nid = \"broken\"\n").unwrap();
    let out = util::thidua(
        &[
            "bench",
            "corpus/s001.txt",
            "--patterns",
            copy.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("rules/members.toml:1"),
        "{}",
        stderr(&out)
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn rule_costs_count_the_hits_that_explain_shows() {
    let pipeline = util::pipeline();
    let docs: Vec<thidua::Document> = ["corpus/s001.txt", "corpus/b016.txt", "corpus/a024.txt"]
        .iter()
        .map(|p| {
            let spec = thidua::InputSpec::File(util::path(p));
            let raw = thidua::source::read(&spec, pipeline.limits()).unwrap();
            pipeline.read(&raw).unwrap()
        })
        .collect();
    let costs = pipeline.rule_costs(&docs, 1);
    assert_eq!(costs.len(), pipeline.patterns().rules().len());
    assert!(costs.windows(2).all(|w| w[0].seconds >= w[1].seconds));
    for c in &costs {
        let explained: usize = docs
            .iter()
            .map(|d| {
                pipeline
                    .explain(d)
                    .iter()
                    .filter(|e| e.rule == c.rule)
                    .count()
            })
            .sum();
        assert_eq!(c.hits, explained, "{}", c.rule);
        assert!(c.hits == 0 || c.candidates > 0, "{}", c.rule);
    }
}

#[test]
fn documents_extracted_together_get_the_records_they_get_alone() {
    let pipeline = util::pipeline();
    let docs: Vec<thidua::Document> = util::corpus_texts()
        .into_iter()
        .map(|path| {
            let raw = thidua::source::read(&thidua::InputSpec::File(path), pipeline.limits());
            pipeline.read(&raw.unwrap()).unwrap()
        })
        .collect();
    assert!(docs.len() > 20);
    let alone: Vec<String> = docs
        .iter()
        .map(|d| serde_json::to_string(&pipeline.extract(d)).unwrap())
        .collect();
    let refs: Vec<&thidua::Document> = docs.iter().collect();
    for size in [1, 5, refs.len()] {
        let together: Vec<String> = refs
            .chunks(size)
            .flat_map(|c| pipeline.extract_many(c))
            .map(|r| serde_json::to_string(&r).unwrap())
            .collect();
        assert_eq!(together, alone, "chunks of {size}");
    }
}

#[test]
fn a_panic_fails_only_its_own_input() {
    let inputs = ["corpus/s001.txt", "corpus/b016.txt", "corpus/a024.txt"];
    let good = util::thidua(&["extract", inputs[0], inputs[2]], None);
    assert_eq!(good.status.code(), Some(0));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .current_dir(util::root())
        .args(["extract", inputs[0], inputs[1], inputs[2]])
        .env("THIDUA_TEST_PANIC_INPUT", inputs[1])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(out.stdout, good.stdout, "the other two records, unchanged");
    let err = stderr(&out);
    let failure = err
        .lines()
        .find(|l| l.contains(inputs[1]) && l.contains("internal error"))
        .unwrap_or_else(|| panic!("no failure line: {err}"));
    assert!(failure.contains("panic drill"), "{failure}");
    // The panic is printed once (by the document's retry alone), not also for its group.
    assert_eq!(err.matches("panicked at").count(), 1, "{err}");
    assert!(err.lines().last().unwrap().contains("2 records"), "{err}");
}

#[test]
fn long_texts_split_a_group_without_losing_or_reordering_records() {
    // Documents are extracted in groups of at most 4 MiB of text: a long text closes its
    // group early, and the records still come out one per input, in input order, the same
    // as when each input is extracted alone.
    let dir = util::tempdir();
    let article = std::fs::read_to_string(util::path("corpus/s001.txt")).unwrap();
    let mut long = String::new();
    while long.len() < 4_500_000 {
        long.push_str(&article);
        long.push('\n');
    }
    let short = ["corpus/a024.txt", "corpus/b016.txt", "corpus/s001.txt"];
    std::fs::copy(util::path(short[0]), dir.path().join("1.txt")).unwrap();
    std::fs::write(dir.path().join("2.txt"), &long).unwrap();
    std::fs::copy(util::path(short[1]), dir.path().join("3.txt")).unwrap();
    std::fs::copy(util::path(short[2]), dir.path().join("4.txt")).unwrap();
    let together = util::thidua(&["extract", "-j", "1", dir.path().to_str().unwrap()], None);
    assert_eq!(together.status.code(), Some(0), "{}", stderr(&together));
    let mut alone = Vec::new();
    for name in ["1.txt", "2.txt", "3.txt", "4.txt"] {
        let path = dir.path().join(name);
        let out = util::thidua(&["extract", path.to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(0));
        alone.extend(out.stdout);
    }
    assert_eq!(together.stdout.iter().filter(|&&b| b == b'\n').count(), 4);
    assert_eq!(together.stdout, alone);
}

#[test]
fn many_batches_come_out_in_input_order_whatever_the_jobs() {
    // More inputs than one batch holds (256 with one thread, 512 with two): groups of
    // several batches are in flight at once and come back in any order; the records are
    // written in input order, the same for every number of jobs.
    let dir = util::tempdir();
    let texts: Vec<Vec<u8>> = util::corpus_texts()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    for n in 0..700 {
        std::fs::write(
            dir.path().join(format!("{n:04}.txt")),
            &texts[n % texts.len()],
        )
        .unwrap();
    }
    let d = dir.path().to_str().unwrap();
    let inputs = |out: &std::process::Output| -> Vec<String> {
        util::jsonl(&out.stdout)
            .iter()
            .map(|r| r["doc"]["input"].as_str().unwrap().to_string())
            .collect()
    };
    let one = util::thidua(&["extract", "-j", "1", d], None);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let order = inputs(&one);
    assert_eq!(order.len(), 700);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "input order");
    for jobs in ["2", "3"] {
        let other = util::thidua(&["extract", "-j", jobs, d], None);
        assert_eq!(inputs(&other), order, "-j {jobs}");
        assert!(other.stdout == one.stdout, "-j {jobs}: records differ");
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    // `thidua extract … | head -1`: once the pipe is closed, the run stops (groups not yet
    // started are skipped) and exits 0 without an error message, like other Unix tools.
    use std::io::BufRead;
    let dir = util::tempdir();
    let text = std::fs::read(util::path("corpus/s001.txt")).unwrap();
    for n in 0..600 {
        std::fs::write(dir.path().join(format!("{n:04}.txt")), &text).unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args(["extract", "-j", "2", dir.path().to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"schema\""), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("writing output"), "{}", stderr(&out));
}

#[test]
fn records_read_in_batches_are_those_read_one_by_one() {
    // The batch path hands extraction the folded text that leftover trimming made (when
    // trimming only cut the end); one by one, extraction folds the text itself. Texts that
    // trimming leaves alone or cuts at the end, and portal pages whose leftovers it drops
    // in the middle.
    let pipeline = util::pipeline();
    let mut raws: Vec<thidua::RawDocument> = util::corpus_texts()
        .into_iter()
        .map(|path| {
            thidua::source::read(&thidua::InputSpec::File(path), pipeline.limits()).unwrap()
        })
        .collect();
    let articles: Vec<thidua::pagegen::Article> = raws
        .iter()
        .map(|r| thidua::pagegen::Article::from_text(&r.id, &String::from_utf8_lossy(&r.bytes)))
        .collect();
    for page in thidua::pagegen::Generator::new(&articles, 7).take(60) {
        raws.push(thidua::RawDocument {
            id: page.name.clone(),
            input: page.name,
            url: None,
            bytes: page.html.into_bytes(),
            kind: thidua::ContentKind::Html,
            charset_hint: None,
        });
    }
    let one_by_one: Vec<String> = raws
        .iter()
        .map(|r| serde_json::to_string(&pipeline.process(r).unwrap()).unwrap())
        .collect();
    let batched: Vec<String> = pipeline
        .process_many(&raws)
        .into_iter()
        .map(|r| serde_json::to_string(&r.unwrap()).unwrap())
        .collect();
    assert_eq!(batched.len(), one_by_one.len());
    for (b, o) in batched.iter().zip(&one_by_one) {
        assert_eq!(b, o);
    }
}
