//! Patterns as data: every rule's examples hold, broken files are reported with file:line
//! (all problems at once), a patterns directory on disk behaves like the embedded copy, and
//! `thidua explain` shows which rules fired.

use crate::util;
use thidua::{Normalizer, PatternFiles, Patterns};

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn every_rule_has_examples_that_hold() {
    // Each rule's examples must match and its counter-examples must not (loading from a
    // directory checks them too; the embedded copy relies on this test).
    let normalizer = Normalizer::default();
    let patterns = Patterns::embedded(&normalizer).expect("embedded patterns load");
    // The embedded rules compile when first used: every one of their regexes must compile.
    for r in patterns.rules() {
        if let Err(e) = r.compile_all() {
            panic!("{}: {e}", r.id);
        }
    }
    let problems: Vec<String> = patterns
        .rules()
        .iter()
        .flat_map(|r| {
            thidua::patterns::check_rule(r, &normalizer)
                .into_iter()
                .map(move |p| format!("{}: {p}", r.id))
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let rules = patterns.rules();
    assert!(rules.len() >= 60, "only {} rules", rules.len());
    for r in rules {
        assert!(
            !r.examples.is_empty() && !r.counter.is_empty(),
            "{}: needs examples both ways",
            r.id
        );
        assert!(r.note.is_some(), "{}: says what it matches", r.id);
    }
    for field in [
        "bloc.mention",
        "report.event",
        "report.reject",
        "meeting.date",
        "meeting.type",
        "meeting.review_year",
        "meeting.plan_year",
        "chair",
        "role.head",
        "role.deputy",
        "role.elected_head",
        "members.list",
        "member_count",
        "ranking",
        "ranking.award",
        "province.mention",
        "province.regional",
        "meta.published",
        "meta.author",
        "leftover.cut",
        "leftover.drop",
        "movement",
    ] {
        assert!(
            patterns.rules_for(field).next().is_some(),
            "no rule feeds {field}"
        );
    }
}

#[test]
fn broken_pattern_files_are_reported_with_file_and_line_all_at_once() {
    let dir = util::tempdir();
    copy_dir(&util::path("patterns"), dir.path());
    let rules = dir.path().join("rules/bloc.toml");
    let mut text = util::read(&rules);
    text.push_str(
        r#"
[[rule]]
id = "broken.regex"
field = "bloc.mention"
note = "unbalanced group"
pattern = '''(khối'''
examples = ["khối"]
counter = ["x"]

[[rule]]
id = "broken.example"
field = "bloc.mention"
note = "example that does not match"
pattern = '''cụm thi đua'''
examples = ["khối thi đua"]
counter = ["cụm thi đua số 1"]

[[rule]]
id = "broken.macro"
field = "bloc.mention"
note = "unknown macro"
pattern = '''{NO_SUCH_MACRO}'''
examples = ["x"]
counter = ["y"]

[[rule]]
id = "broken.count"
field = "bloc.mention"
note = "a large counted repetition"
pattern = '''gồm:\s*(?P<units>[^.]{3,900})'''
examples = ["Khối gồm: Sở Tài chính, Sở Xây dựng."]
counter = ["y"]
"#,
    );
    std::fs::write(&rules, text).unwrap();
    let gaz = dir.path().join("gazetteers/numbers.tsv");
    let mut g = util::read(&gaz);
    g.push_str("mười lăm\tmười lăm\tcardinal\n");
    std::fs::write(&gaz, g).unwrap();
    std::fs::write(dir.path().join("rules/syntax.toml"), "[[rule]\nid = 1\n").unwrap();

    let files = PatternFiles::from_dir(dir.path()).unwrap();
    let err =
        Patterns::load(&files, &Normalizer::default()).expect_err("broken patterns must not load");
    let msg = err.to_string();
    for needle in [
        "rules/bloc.toml:",
        "rule broken.regex: pattern",
        "rule broken.example: example does not match",
        "rule broken.macro: pattern: unknown macro {NO_SUCH_MACRO}",
        "rule broken.count: pattern: counted repetition {3,900}",
        "gazetteers/numbers.tsv:",
        "is not a number",
        "rules/syntax.toml:1:",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
    }
    // Every line reads `file:line: message`.
    for line in msg.lines() {
        let mut parts = line.splitn(3, ':');
        let (file, lno) = (parts.next().unwrap(), parts.next().unwrap());
        assert!(file.ends_with(".toml") || file.ends_with(".tsv"), "{line}");
        assert!(lno.parse::<usize>().is_ok(), "{line}");
    }
    // The CLI reports the same and exits 2.
    let out = util::thidua(
        &[
            "extract",
            "--patterns",
            dir.path().to_str().unwrap(),
            "corpus/s001.txt",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rules/bloc.toml:"));
}

#[test]
fn patterns_directory_gives_the_embedded_results() {
    let a = util::thidua(&["extract", "corpus/"], None);
    let b = util::thidua(&["extract", "--patterns", "patterns", "corpus/"], None);
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn explain_shows_rule_hits_and_winning_values() {
    let out = util::thidua(&["explain", "corpus/s004.txt"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("## Rule hits"));
    assert!(text.contains("[head.is_head p50]"), "{text}");
    assert!(
        text.contains("head_unit")
            && text.contains("\"Sở Thông tin và Truyền thông\"  <- head.is_head"),
        "{text}"
    );
    let only = util::thidua(
        &["explain", "--field", "role.deputy", "corpus/s004.txt"],
        None,
    );
    let only = String::from_utf8_lossy(&only.stdout);
    assert!(
        only.contains("deputy.is_deputy") && !only.contains("[head.is_head"),
        "{only}"
    );
}

/// Letter classes of every script (`\p{L}`, `\p{Lu}`, `\p{Ll}`) compile into large automata
/// whose lazy DFA is built anew in every process and thread (the byline rule alone cost about
/// 30 ms of each run's start); Vietnamese is written in the Latin script, so rules say
/// `\p{Latin}` and `[\p{Lu}&&\p{Latin}]`, with the same records.
#[test]
fn rules_use_latin_letter_classes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    let mut wide = Vec::new();
    for entry in walkdir::WalkDir::new(&dir) {
        let path = entry.expect("patterns dir").into_path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("pattern file");
        for (i, line) in text.lines().enumerate() {
            let bare = line
                .replace(r"[\p{Lu}&&\p{Latin}]", "")
                .replace(r"[\p{Ll}&&\p{Latin}]", "");
            if [r"\p{L}", r"\p{Lu}", r"\p{Ll}"]
                .iter()
                .any(|c| bare.contains(c))
            {
                wide.push(format!("{}:{}", path.display(), i + 1));
            }
        }
    }
    assert!(wide.is_empty(), "letter classes of every script: {wide:#?}");
}
