//! `thidua eval`: records scored against gold, after checking that they join.

use std::io::Write;
use std::process::ExitCode;
use thidua::eval;

pub(crate) fn evaluate(
    gold: &std::path::Path,
    pred: &std::path::Path,
    show_errors: bool,
    json: bool,
) -> ExitCode {
    let (gold_rows, preds) = match (eval::read_jsonl(gold), eval::read_jsonl(pred)) {
        (Ok(g), Ok(p)) => (g, p),
        (Err(e), _) | (_, Err(e)) => {
            say!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let (gold_name, pred_name) = (gold.display().to_string(), pred.display().to_string());
    let join = eval::join(&gold_rows, &preds);
    if let Some(problem) = join.usage_error(&gold_name, &pred_name) {
        say!("thidua: {problem}");
        return ExitCode::from(2);
    }
    let score = eval::score(&gold_rows, &preds);
    let out = if json {
        serde_json::to_string_pretty(&score.to_json_with(show_errors)).unwrap_or_default() + "\n"
    } else {
        score.report(show_errors)
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    for warning in join.warnings(&gold_name, &pred_name) {
        say!("thidua: {warning}");
    }
    if join.nothing_matched() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
