//! `thidua history`: a unit's record over the years (the matching lives in
//! `thidua::dataset::history`).

use std::io::Write;
use std::process::ExitCode;

pub(crate) fn history(
    unit: &str,
    db: &std::path::Path,
    province: Option<&str>,
    json: bool,
    patterns: Option<&std::path::Path>,
) -> ExitCode {
    let found = thidua::dataset::Lexicon::load(patterns)
        .and_then(|lex| thidua::dataset::history::history(db, &lex, unit, province));
    let history = match found {
        Ok(h) => h,
        Err(e) => {
            say!("thidua: {e}");
            return ExitCode::from(if e.is_usage() { 2 } else { 1 });
        }
    };
    let out = if json {
        serde_json::to_string_pretty(&history).unwrap_or_default() + "\n"
    } else {
        history.to_text()
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
