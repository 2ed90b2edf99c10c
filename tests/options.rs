//! The command line's options: `--help` grouped by topic with defaults, sizes such as
//! `--max-bytes 10MiB`, `--reports-only`, and `--archive` without URL inputs.

use crate::util;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn help_groups_options_by_topic_and_shows_defaults() {
    let out = util::thidua(&["extract", "--help"], None);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    let headings = [
        "Inputs:",
        "Output:",
        "Extraction:",
        "Fetching and archives:",
    ];
    let at: Vec<usize> = headings
        .iter()
        .map(|h| {
            help.find(&format!("\n{h}\n"))
                .unwrap_or_else(|| panic!("{h}\n{help}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{help}");
    // Each option under its topic.
    let section = |i: usize| &help[at[i]..at.get(i + 1).copied().unwrap_or(help.len())];
    assert!(section(0).contains("--inputs-from") && section(0).contains("--urls"));
    assert!(section(1).contains("--output") && section(1).contains("--reports-only"));
    assert!(section(2).contains("--jobs") && section(2).contains("--max-bytes"));
    assert!(section(3).contains("--archive") && section(3).contains("--user-agent"));
    for default in [
        "[default: 64MiB]",
        "[default: 1000]",
        "[default: traditional]",
    ] {
        assert!(help.contains(default), "{default}: {help}");
    }
    assert!(help.contains("[default: one per core]"), "{help}");

    // The command list: one line each, a sentence that fits.
    let out = util::thidua(&["--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    let commands: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(commands.len(), 9, "{help}");
    for line in commands {
        assert!(line.chars().count() <= 110, "one short line: {line}");
    }
}

#[test]
fn max_bytes_takes_sizes() {
    for size in ["10MiB", "64MB", "1048576", "1 GiB", "1TiB"] {
        let out = util::thidua(&["extract", "--max-bytes", size, "corpus/s001.txt"], None);
        assert_eq!(out.status.code(), Some(0), "{size}: {}", stderr(&out));
    }
    // A cap below the article: that input fails, with the cap in the message.
    let out = util::thidua(&["extract", "--max-bytes", "1KiB", "corpus/s001.txt"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("larger than"), "{}", stderr(&out));
    for bad in ["0", "2TiB", "ten", "-5", "10 parsecs"] {
        let out = util::thidua(&["extract", "--max-bytes", bad, "corpus/s001.txt"], None);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        if bad != "-5" {
            assert!(stderr(&out).contains("--max-bytes"), "{}", stderr(&out));
        }
    }
}

#[test]
fn reports_only_keeps_the_records_of_reports() {
    let all = util::thidua(&["extract", "corpus/"], None);
    let all = util::jsonl(&all.stdout);
    let reports: Vec<&serde_json::Value> = all.iter().filter(|r| r["is_report"] == true).collect();
    assert!(reports.len() < all.len(), "the corpus has near-misses");
    let out = util::thidua(&["extract", "--reports-only", "corpus/"], None);
    assert_eq!(out.status.code(), Some(0));
    let kept = util::jsonl(&out.stdout);
    assert_eq!(kept.iter().collect::<Vec<_>>(), reports);
    let err = stderr(&out);
    let last = err.lines().last().unwrap();
    assert!(
        last.ends_with(&format!(
            "; {} not reports left out (--reports-only)",
            all.len() - reports.len()
        )),
        "{last}"
    );
}

#[test]
fn an_archive_without_url_inputs_is_not_written() {
    let dir = util::tempdir();
    let archive = dir.path().join("fetched.warc.gz");
    let a = archive.to_str().unwrap();
    let out = util::thidua(&["extract", "corpus/s001.txt", "--archive", a], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(util::jsonl(&out.stdout).len(), 1);
    assert!(
        stderr(&out).contains("no URL among the inputs"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no archive, no partial file"
    );
    // An archive that exists is left as it was.
    std::fs::write(&archive, b"kept").unwrap();
    let out = util::thidua(&["extract", "corpus/s001.txt", "--archive", a], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&archive).unwrap(), b"kept");
}
