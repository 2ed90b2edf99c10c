//! `thidua normalize`: stdin to stdout, line by line.

use std::io::Write;
use std::process::ExitCode;
use thidua::ToneStyle;

pub(crate) fn normalize(style: ToneStyle, from: thidua::normalize::LegacyFrom) -> ExitCode {
    use std::io::Read;
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        say!("thidua: reading stdin: {e}");
        return ExitCode::from(1);
    }
    let normalizer = thidua::Normalizer::new(style).with_legacy(from);
    let out = normalizer.normalize_bytes(&input);
    for w in &out.warnings {
        say!("thidua: {w}");
    }
    match std::io::stdout().lock().write_all(out.text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            say!("thidua: writing output: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}
