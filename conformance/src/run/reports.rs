//! The report files a run was asked for, written from its one `RunReport`:
//! also when it stopped before any scenario result, so that a CI step that
//! reads them always finds them, saying why.

use std::path::PathBuf;

use anyhow::anyhow;

use crate::report;
use crate::report::expected::ExpectedFailures;
use crate::report::results::RunReport;
use crate::run::plan::Outputs;

pub fn write(outputs: &Outputs, report: &RunReport) -> anyhow::Result<()> {
    let write = |path: &Option<PathBuf>, text: String| -> anyhow::Result<()> {
        if let Some(path) = path {
            std::fs::write(path, text)
                .map_err(|error| anyhow!("could not write {}: {error}", path.display()))?;
        }
        Ok(())
    };
    write(&outputs.junit, report::junit::render(report))?;
    write(&outputs.html, report::html::render(report))?;
    write(&outputs.json, report::json::render(report))?;
    // A stopped run found nothing: recording that would accept nothing.
    if let (Some(path), None) = (&outputs.record, &report.stopped) {
        ExpectedFailures::record(&report.scenarios, path)?;
    }
    Ok(())
}
