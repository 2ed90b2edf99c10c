//! `thidua serve`: the local web site over a database (the site lives in `thidua::serve`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub(crate) fn serve(
    db: PathBuf,
    addr: std::net::SocketAddr,
    patterns: Option<&std::path::Path>,
) -> ExitCode {
    use thidua::serve::data::DbProblem;
    let files = match patterns {
        Some(dir) => thidua::PatternFiles::from_dir(dir),
        None => Ok(thidua::PatternFiles::embedded()),
    };
    let loaded = files.and_then(|f| {
        Ok((
            thidua::dataset::Lexicon::from_files(&f)?,
            thidua::dataset::Merger2025::from_files(&f)?
                .with_style(thidua::dataset::history::style_of(&db)),
        ))
    });
    let (lex, merger) = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::from(2);
        }
    };
    let app = thidua::serve::App::new(db.clone(), lex, merger);
    match app.check() {
        Ok(()) => app.warm_up(),
        Err(DbProblem::Missing) => {
            eprintln!("thidua: {}: no such database", db.display());
            return ExitCode::from(2);
        }
        // Served as an error page until the database can be read.
        Err(p) => eprintln!("thidua: {}: {p}", db.display()),
    }
    let listener = match std::net::TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("thidua: cannot listen on {addr}: {e}");
            return ExitCode::from(2);
        }
    };
    let url = match listener.local_addr() {
        Ok(a) => format!("http://{a}/"),
        Err(e) => {
            eprintln!("thidua: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{url}");
    let _ = std::io::stdout().flush();
    match thidua::serve::run(listener, app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: {e}");
            ExitCode::FAILURE
        }
    }
}
