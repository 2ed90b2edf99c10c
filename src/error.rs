//! The library's error type. Every error names the input (path, URL, WARC record) or the
//! pattern file and line it is about.

use std::fmt;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading an input failed at the operating-system level.
    #[error("{input}: {source}")]
    Io {
        input: String,
        #[source]
        source: std::io::Error,
    },
    /// An input was read but cannot be used (not text, corrupt gzip, too large …).
    #[error("{input}: {reason}")]
    Input { input: String, reason: String },
    /// The pattern files are broken; all problems are listed.
    #[error("{0}")]
    Patterns(PatternErrors),
    /// A usage problem (bad option value, unreadable gold file …).
    #[error("{0}")]
    Usage(String),
    /// A file a directory walk left out (neither by name nor by content an article or a WARC
    /// archive): reported and counted, not a failure.
    #[error("{input}: skipped: {reason}")]
    Skipped { input: String, reason: String },
}

impl Error {
    /// An input-level error with a reason.
    pub fn input(input: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Input {
            input: input.into(),
            reason: reason.into(),
        }
    }

    /// An I/O error about an input.
    pub fn io(input: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            input: input.into(),
            source,
        }
    }

    /// True for a file a directory walk left out ([`Error::Skipped`]).
    pub fn is_skipped(&self) -> bool {
        matches!(self, Error::Skipped { .. })
    }

    /// True when the error is about the configuration (patterns, options) rather than one input.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Patterns(_) | Error::Usage(_))
    }
}

/// One problem in a pattern file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// All problems found while loading the patterns, reported at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatternErrors(pub Vec<PatternError>);

impl fmt::Display for PatternErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
