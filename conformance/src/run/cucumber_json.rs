//! Cucumber's JSON report (`--cucumber-json`), written by cucumber's own
//! writer: whole or not at all.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("could not write the report file {path}: {source}")]
pub struct ReportFileError {
    path: PathBuf,
    source: io::Error,
}

/// Cucumber's JSON report file, or nowhere when it was not asked for. Its
/// writer writes the whole report when the run finishes: written beside the
/// file and renamed there when dropped, so that a run cut short by a signal
/// leaves the old file (or none), never an empty or half one.
pub enum Output {
    File {
        file: BufWriter<File>,
        partial: PathBuf,
        path: PathBuf,
        written: bool,
    },
    /// A path that is not a file (`/dev/stdout`, a pipe): written as it is.
    Stream(BufWriter<File>),
    Nowhere,
}

impl Output {
    pub fn create(path: Option<&Path>) -> Result<Self, ReportFileError> {
        let Some(path) = path else {
            return Ok(Self::Nowhere);
        };
        let error = |source| ReportFileError {
            path: path.to_owned(),
            source,
        };
        if std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file()) {
            return File::create(path)
                .map(|file| Self::Stream(BufWriter::new(file)))
                .map_err(error);
        }
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(error)?;
        Ok(Self::File {
            file: BufWriter::new(file),
            partial,
            path: path.to_owned(),
            written: false,
        })
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Self::File { file, written, .. } => {
                *written = true;
                file.write(bytes)
            }
            Self::Stream(file) => file.write(bytes),
            Self::Nowhere => Ok(bytes.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::File { file, .. } | Self::Stream(file) => file.flush(),
            Self::Nowhere => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Self::File {
            file,
            partial,
            path,
            written,
        } = self
        {
            let whole =
                *written && file.flush().is_ok() && std::fs::rename(&*partial, &*path).is_ok();
            if whole {
                println!("wrote {}", path.display());
            } else {
                let _ = std::fs::remove_file(&*partial);
            }
        }
    }
}
