//! The progress bar of `thidua extract` and the count of inputs that gives it a total.

use thidua::source;

/// What a run will read, counted before it starts: the progress bar's total. Inputs that
/// are not WARC files count one each (a record or a failure); when WARC files are read, the
/// total is the bytes of the files on disk instead (a WARC file's records are not counted
/// before they are read), and a WARC file's progress is the offset of its last record.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Plan {
    /// Inputs that are not WARC files (files, URLs).
    inputs: u64,
    /// WARC files by name, with their size on disk.
    warcs: std::collections::HashMap<String, u64>,
    /// The other files by name, with their size on disk.
    files: std::collections::HashMap<String, u64>,
}

impl Plan {
    /// Counts the inputs (the same iterator the run reads, made a second time).
    pub(crate) fn of(specs: impl Iterator<Item = thidua::Result<source::InputSpec>>) -> Plan {
        let mut plan = Plan::default();
        let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
        for spec in specs {
            match spec {
                Ok(source::InputSpec::Warc(p)) => {
                    plan.warcs.insert(p.display().to_string(), size(&p));
                }
                Ok(source::InputSpec::File(p)) => {
                    plan.inputs += 1;
                    plan.files.insert(p.display().to_string(), size(&p));
                }
                _ => plan.inputs += 1,
            }
        }
        plan
    }

    pub(crate) fn by_bytes(&self) -> bool {
        !self.warcs.is_empty()
    }

    /// The total, in inputs or (with WARC files) bytes.
    pub(crate) fn total(&self) -> u64 {
        if self.by_bytes() {
            self.warcs.values().sum::<u64>() + self.files.values().sum::<u64>()
        } else {
            self.inputs
        }
    }
}

/// How far a run is, against its [`Plan`].
#[derive(Debug, Default)]
pub(crate) struct Position {
    /// Bytes of the plain files done (bytes mode).
    files: u64,
    /// Offset of the last record read of each WARC file (bytes mode).
    warcs: std::collections::HashMap<String, u64>,
}

impl Position {
    /// Notes the input of a record (`doc.input`: a file name, or `FILE#OFFSET` for a WARC
    /// record).
    pub(crate) fn note(&mut self, plan: &Plan, input: &str) {
        if !plan.by_bytes() {
            return;
        }
        if let Some(size) = plan.files.get(input) {
            self.files += size;
        } else if let Some((file, at)) = input.rsplit_once('#')
            && plan.warcs.contains_key(file)
        {
            let offset = at
                .split('+')
                .next()
                .and_then(|o| o.parse().ok())
                .unwrap_or(0);
            let pos = self.warcs.entry(file.to_string()).or_default();
            *pos = (*pos).max(offset);
        }
    }

    /// The position to show: inputs done, or bytes.
    pub(crate) fn of(&self, plan: &Plan, s: &thidua::Summary) -> u64 {
        let done = if plan.by_bytes() {
            self.files + self.warcs.values().sum::<u64>()
        } else {
            s.documents() as u64
        };
        done.min(plan.total())
    }
}

/// The progress bar of `thidua extract` (drawn on stderr when it is a terminal): with a
/// known total (directories, lists, WARC file sizes) a bar, percentage and ETA; then
/// documents, megabytes, documents per second, failures. Messages go above it.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: std::time::Instant,
    plan: Option<Plan>,
    position: Position,
}

/// The bar's template when the total is known.
pub(crate) const BAR_TEMPLATE: &str =
    "{spinner} {elapsed} [{bar:24}] {percent:>3}% ETA {eta} {msg}";

impl Progress {
    pub(crate) fn new(show: bool, plan: Option<Plan>) -> Progress {
        let plan = plan.filter(|p| p.total() > 0);
        let bar = show.then(|| {
            let (bar, template) = match &plan {
                Some(plan) => (indicatif::ProgressBar::new(plan.total()), BAR_TEMPLATE),
                None => (
                    indicatif::ProgressBar::new_spinner(),
                    "{spinner} {elapsed} {msg}",
                ),
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            last: std::time::Instant::now(),
            plan,
            position: Position::default(),
        }
    }

    /// Notes a record's input (for the position in WARC files).
    pub(crate) fn note(&mut self, input: &str) {
        if let (Some(plan), Some(_)) = (&self.plan, &self.bar) {
            self.position.note(plan, input);
        }
    }

    pub(crate) fn update(&mut self, s: &thidua::Summary) {
        let Some(bar) = &self.bar else { return };
        if self.last.elapsed() < std::time::Duration::from_millis(100) {
            return;
        }
        self.last = std::time::Instant::now();
        if let Some(plan) = &self.plan {
            bar.set_position(self.position.of(plan, s));
        }
        let secs = s.seconds.max(1e-9);
        bar.set_message(format!(
            "{} documents, {:.1} MB, {:.0} docs/s, {} failed",
            s.documents(),
            s.bytes as f64 / 1e6,
            s.documents() as f64 / secs,
            s.failures.len()
        ));
    }

    pub(crate) fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| say!("{line}")),
            None => say!("{line}"),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_counts_inputs_or_bytes_with_warc_files() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("a.txt", 10), ("b.txt", 30)] {
            std::fs::write(dir.path().join(name), vec![b'x'; bytes]).unwrap();
        }
        let d = dir.path().display().to_string();
        let url = "https://example.org/x".to_string();
        let args = vec![d.clone(), url];
        let plan = Plan::of(source::expand(&args));
        assert_eq!((plan.inputs, plan.total(), plan.by_bytes()), (3, 3, false));
        let mut s = thidua::Summary {
            records: 2,
            ..Default::default()
        };
        assert_eq!(Position::default().of(&plan, &s), 2);
        s.records = 9;
        assert_eq!(Position::default().of(&plan, &s), 3, "never past the total");

        // With a WARC file: bytes on disk, a WARC file's position from its records' offsets.
        let warc = dir.path().join("c.warc");
        std::fs::write(&warc, vec![b'w'; 1000]).unwrap();
        let plan = Plan::of(source::expand(std::slice::from_ref(&d)));
        assert!(plan.by_bytes());
        assert_eq!(plan.total(), 1040);
        let mut pos = Position::default();
        pos.note(&plan, &format!("{d}/a.txt"));
        pos.note(&plan, &format!("{}#500", warc.display()));
        pos.note(&plan, &format!("{}#300+20", warc.display()));
        assert_eq!(pos.of(&plan, &s), 510);
    }
}
