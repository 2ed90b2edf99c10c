//! Every command README.md shows runs from a fresh clone: each `thidua …` line (also written
//! `target/release/thidua …`, `cargo run --release -- …`, after `$ ` or a `|`) in a code
//! block parses (run with `--help` appended: clap rejects an unknown command, option or
//! value before it prints help), every `cargo test … NAME` names tests that exist, every
//! `cargo bench --bench NAME` a bench, and every script run from the repository is there.
//! Synopsis blocks (placeholders such as `[OPTIONS]`, `FILE`) are fenced as ```text and
//! left out.

use crate::util;

/// The lines of the README's code blocks that are not `text` (synopsis), JSON, TOML or
/// Python, with their line numbers.
fn command_block_lines(readme: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for (n, line) in readme.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some(info.trim().to_string()),
            };
            continue;
        }
        if let Some(info) = &block
            && !["text", "json", "toml", "python"].contains(&info.as_str())
        {
            out.push((n + 1, line.to_string()));
        }
    }
    out
}

/// Shell words of a command (single and double quotes, backslash escapes in double quotes).
fn words(command: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => word.extend(chars.next()),
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// A command up to its redirections, comment or next command.
fn cut(segment: &str) -> &str {
    let mut end = segment.len();
    for stop in [" > ", " 2>", " #", " < ", " && ", ";", " >"] {
        if let Some(at) = segment.find(stop) {
            end = end.min(at);
        }
    }
    segment[..end].trim()
}

/// `module::test_name` of every `#[test]` in tests/.
fn integration_tests() -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(util::path("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = util::read(&path);
        let mut after_test = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("#[test]") {
                after_test = true;
            } else if after_test && let Some(rest) = line.strip_prefix("fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.push(format!("{module}::{name}"));
                after_test = false;
            }
        }
    }
    names
}

/// Problems with one `cargo test|bench …` line.
fn check_cargo(args: &[String], tests: &[String]) -> Option<String> {
    let (kind, rest) = (args.get(1)?.as_str(), &args[2..]);
    let mut filter = None;
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i].as_str();
        match a {
            "--" => break,
            "--test" | "--bench" | "--example" | "-p" | "--profile" | "--features" => {
                let target = rest.get(i + 1)?;
                let file = match (a, target.as_str()) {
                    ("--test", "integration") => Some("tests/tests.rs".to_string()),
                    ("--test", t) => Some(format!("tests/{t}.rs")),
                    ("--bench", b) => Some(format!("benches/{b}.rs")),
                    _ => None,
                };
                if let Some(file) = file
                    && !util::path(&file).exists()
                {
                    return Some(format!("{a} {target}: no {file}"));
                }
                i += 2;
                continue;
            }
            _ if a.starts_with('-') => {}
            _ if filter.is_none() => filter = Some(a.to_string()),
            _ => {}
        }
        i += 1;
    }
    match (kind, filter) {
        ("test", Some(f)) if !tests.iter().any(|t| t.contains(&f)) => Some(format!(
            "`cargo test … {f}` runs no test (no test name contains it)"
        )),
        _ => None,
    }
}

#[test]
fn every_command_in_the_readme_parses() {
    let readme = util::read(&util::path("README.md"));
    let tests = integration_tests();
    assert!(tests.len() > 50, "tests found: {}", tests.len());
    let mut problems = Vec::new();
    let (mut thidua_lines, mut cargo_lines) = (0, 0);
    for (n, line) in command_block_lines(&readme) {
        let line = line.trim();
        let line = line.strip_prefix("$ ").unwrap_or(line);
        for segment in line.split(" | ") {
            let command = cut(segment.trim());
            let args = words(command);
            let Some(first) = args.first() else { continue };
            let thidua_args: Option<&[String]> = match first.as_str() {
                "thidua" | "target/release/thidua" => Some(&args[1..]),
                "cargo" if args.get(1).is_some_and(|a| a == "run") => {
                    args.iter().position(|a| a == "--").map(|i| &args[i + 1..])
                }
                _ => None,
            };
            if let Some(rest) = thidua_args {
                thidua_lines += 1;
                let mut call: Vec<&str> = rest.iter().map(String::as_str).collect();
                call.push("--help");
                let out = util::thidua(&call, None);
                if out.status.code() != Some(0) {
                    problems.push(format!(
                        "README.md:{n}: `{command}` does not parse: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                }
                continue;
            }
            if first == "cargo" && matches!(args.get(1).map(String::as_str), Some("test" | "bench"))
            {
                cargo_lines += 1;
                if let Some(p) = check_cargo(&args, &tests) {
                    problems.push(format!("README.md:{n}: `{command}`: {p}"));
                }
                continue;
            }
            // A script of the repository, run directly or by python3/bash.
            let script = match first.as_str() {
                "python3" | "bash" | "sh" => args.get(1),
                _ => Some(first),
            };
            if let Some(script) = script
                && (script.starts_with("bench/") || script.starts_with("examples/"))
                && !util::path(script).exists()
            {
                problems.push(format!("README.md:{n}: `{command}`: no {script}"));
            }
        }
    }
    assert!(
        thidua_lines > 20 && cargo_lines >= 3,
        "{thidua_lines} {cargo_lines}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_readme_test_sees_what_it_should() {
    assert_eq!(
        words(r#"thidua history "Lien minh HTX tinh" --db 'a b.db'"#),
        ["thidua", "history", "Lien minh HTX tinh", "--db", "a b.db"]
    );
    assert_eq!(
        cut("thidua extract x > out.jsonl 2> err"),
        "thidua extract x"
    );
    assert_eq!(
        cut("thidua bench /tmp/pages   # in memory"),
        "thidua bench /tmp/pages"
    );
    let tests = vec!["html::peer_pages".to_string()];
    let args = |s: &str| words(s);
    assert!(
        check_cargo(
            &args("cargo test --release --test integration html -- --nocapture"),
            &tests
        )
        .is_none()
    );
    assert!(
        check_cargo(
            &args("cargo test --release --test integration html_throughput"),
            &tests
        )
        .is_some()
    );
    assert!(check_cargo(&args("cargo bench --bench nothing_here"), &tests).is_some());
    // An unknown option fails to parse even with --help after it.
    let out = util::thidua(&["extract", "--no-such-option", "--help"], None);
    assert_eq!(out.status.code(), Some(2));
}
