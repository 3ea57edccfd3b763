//! Cucumber's step log (`--verbose`), made safe line by line as everything
//! else the suite prints (`report::safe`): a step's text quotes the target.
//! Cucumber says "Step panicked" of a step that stopped with a finding,
//! which is how the suite stops one: the log says "stopped", so that no
//! reader takes a finding for a crash.

use std::io;

use crate::report::safe;

/// Bytes up to the next newline, written whole once it comes.
#[derive(Default)]
pub struct StepLog {
    pending: Vec<u8>,
}

impl StepLog {
    fn emit(line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        safe::out(&text.replace("Step panicked.", "Step stopped."));
    }
}

impl io::Write for StepLog {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        while let Some(end) = self.pending.iter().position(|byte| *byte == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            Self::emit(&line);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            Self::emit(&std::mem::take(&mut self.pending));
        }
        Ok(())
    }
}

impl Drop for StepLog {
    fn drop(&mut self) {
        let _ = io::Write::flush(self);
    }
}
