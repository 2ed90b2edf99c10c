//! JSON Lines: one record per line.

use crate::record::Record;
use std::io::Write;

/// Writes records as JSON Lines.
pub struct JsonlSink<W: Write> {
    out: W,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> JsonlSink<W> {
        JsonlSink { out }
    }

    /// Writes one record and a newline.
    pub fn write(&mut self, record: &Record) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The resume keys of a JSON Lines record line: its `doc.input` (the path, URL or
/// `archive#offset` the document came from) and `doc.id`, or `None` if the line is not a
/// record.
pub fn record_input(line: &[u8]) -> Option<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Line {
        doc: Doc,
    }
    #[derive(serde::Deserialize)]
    struct Doc {
        input: String,
        id: String,
    }
    serde_json::from_slice::<Line>(line)
        .ok()
        .map(|l| (l.doc.input, l.doc.id))
}
