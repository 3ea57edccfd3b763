//! What a run found and how it is told: typed findings and their grades,
//! the results of every scenario, hints for known causes, and the console,
//! JUnit, HTML, JSON and Markdown writers, and the CWE and OWASP ids of each
//! finding.

pub mod console;
pub mod expected;
pub mod finding;
pub mod groups;
pub mod hints;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod redact;
pub mod results;
pub mod safe;
pub mod sarif;
pub mod skips;
pub mod taxonomy;
pub mod text;

#[cfg(test)]
mod rewording;
