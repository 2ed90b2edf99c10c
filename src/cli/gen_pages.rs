//! `thidua gen-pages`: synthetic portal pages for benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;
use thidua::source;

pub(crate) fn gen_pages(
    from: &[PathBuf],
    pages: usize,
    seed: u64,
    out: &std::path::Path,
) -> ExitCode {
    let inputs: Vec<String> = from.iter().map(|p| p.display().to_string()).collect();
    let mut articles = Vec::new();
    for spec in source::expand(&inputs) {
        let read = spec.and_then(|spec| source::read(&spec, &thidua::Limits::default()));
        match read {
            Ok(raw) if raw.kind == thidua::ContentKind::Text => {
                let text = String::from_utf8_lossy(&raw.bytes);
                articles.push(thidua::pagegen::Article::from_text(&raw.id, &text));
            }
            Ok(_) => {}
            // Files that are not articles (gold.jsonl, SOURCES): not wanted here either.
            Err(e) if e.is_skipped() => {}
            Err(e) => {
                say!("thidua: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if articles.is_empty() {
        say!("thidua: no .txt articles in {}", inputs.join(", "));
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(out) {
        say!("thidua: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let mut bytes = 0;
    for page in thidua::pagegen::Generator::new(&articles, seed).take(pages) {
        let path = out.join(format!("{}.html", page.name));
        if let Err(e) = std::fs::write(&path, &page.html) {
            say!("thidua: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        bytes += page.html.len();
    }
    say!(
        "thidua: {pages} pages from {} articles (seed {seed}) in {}: {:.1} MB, {:.1} KB a page",
        articles.len(),
        out.display(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / pages.max(1) as f64
    );
    ExitCode::SUCCESS
}
