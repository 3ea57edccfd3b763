//! The report files a run was asked for, written from its one `RunReport`:
//! also when it stopped before any scenario result, so that a CI step that
//! reads them always finds them, saying why. Each is written whole or not
//! at all: a signal may end the process while it writes.

use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::report;
use crate::report::expected::ExpectedFailures;
use crate::report::results::RunReport;
use crate::run::plan::Outputs;

pub fn write(outputs: &Outputs, report: &RunReport) -> anyhow::Result<()> {
    let write = |path: &Option<PathBuf>, text: String| -> anyhow::Result<()> {
        if let Some(path) = path {
            write_whole(path, &text)
                .map_err(|error| anyhow!("could not write {}: {error}", path.display()))?;
            println!("wrote {}", path.display());
        }
        Ok(())
    };
    write(&outputs.junit, report::junit::render(report))?;
    write(&outputs.html, report::html::render(report))?;
    write(&outputs.json, report::json::render(report))?;
    write(&outputs.markdown, report::markdown::render(report))?;
    write(&outputs.sarif, report::sarif::render(report))?;
    // A stopped run found nothing: recording that would accept nothing.
    if let (Some(path), None) = (&outputs.record, &report.stopped) {
        ExpectedFailures::record(&report.scenarios, path)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Writes `text` beside `path`, then renames it there: a reader finds the
/// old file or the whole new one, never half of it. A path that is not a
/// file (`/dev/stdout`, a pipe) is written as it is.
fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file()) {
        return std::fs::write(path, text);
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })
}
