//! Running the scenarios: selection, skips with their reasons, the console,
//! JUnit and Cucumber JSON writers, cleanup after each scenario, and the tally.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use cucumber::event::ScenarioFinished;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{Feature, Scenario};
use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, writer};
use futures::FutureExt as _;
use regex::Regex;

use crate::features::Features;
use crate::world::ContractWorld;

#[derive(Debug, thiserror::Error)]
#[error("could not write the report file {path}: {source}")]
pub struct ReportFileError {
    path: PathBuf,
    source: io::Error,
}

/// Which scenarios run, and which are skipped and why.
pub struct Selection {
    pub tags: Option<TagOperation>,
    pub name: Option<Regex>,
    /// Tags (without `@`) whose scenarios cannot run here, with the reason.
    pub unavailable: Vec<(&'static str, String)>,
    /// `@should` scenarios fail the run too.
    pub strict: bool,
}

impl Selection {
    /// Chosen by `--tags` and `--name`.
    pub fn selects(&self, feature: &Feature, scenario: &Scenario) -> bool {
        let tags = feature.tags.iter().chain(&scenario.tags);
        self.tags.as_ref().is_none_or(|expr| expr.eval(tags))
            && self
                .name
                .as_ref()
                .is_none_or(|re| re.is_match(&scenario.name))
    }

    /// Why a chosen scenario cannot run here, if it cannot.
    pub fn skip_reason(&self, feature: &Feature, scenario: &Scenario) -> Option<String> {
        let has = |tag: &str| feature.tags.iter().chain(&scenario.tags).any(|t| t == tag);
        self.unavailable
            .iter()
            .find(|(tag, _)| has(tag))
            .map(|(_, reason)| reason.clone())
    }

    fn runs(&self, feature: &Feature, scenario: &Scenario) -> bool {
        self.selects(feature, scenario) && self.skip_reason(feature, scenario).is_none()
    }
}

/// A `@should` scenario: an RFC SHOULD or hardening, not a contract MUST.
pub fn is_should(feature: &Feature, scenario: &Scenario) -> bool {
    feature
        .tags
        .iter()
        .chain(&scenario.tags)
        .any(|tag| tag == "should")
}

/// A scenario that was chosen but could not run.
pub struct Skipped {
    pub feature: String,
    pub scenario: String,
    pub reason: String,
}

/// Every chosen scenario, and for those that cannot run, why.
pub fn plan(features: &Features, selection: &Selection) -> Vec<(String, String, Option<String>)> {
    features
        .0
        .iter()
        .flat_map(|feature| {
            feature
                .scenarios
                .iter()
                .filter(|scenario| selection.selects(feature, scenario))
                .map(|scenario| {
                    (
                        feature.name.clone(),
                        scenario.name.clone(),
                        selection.skip_reason(feature, scenario),
                    )
                })
        })
        .collect()
}

pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    /// Failed `@should` scenarios outside `--strict`.
    pub non_strict: usize,
    pub skipped: Vec<Skipped>,
    /// Failures outside scenarios (parsing, hooks) count too.
    pub execution_failed: bool,
}

static PASSED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);
static NON_STRICT: AtomicUsize = AtomicUsize::new(0);

/// A report file, or nowhere when it was not asked for.
enum Output {
    File(BufWriter<File>),
    Nowhere,
}

impl Output {
    fn create(path: Option<&Path>) -> Result<Self, ReportFileError> {
        match path {
            None => Ok(Self::Nowhere),
            Some(path) => File::create(path)
                .map(|file| Self::File(BufWriter::new(file)))
                .map_err(|source| ReportFileError {
                    path: path.to_owned(),
                    source,
                }),
        }
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Self::File(file) => file.write(bytes),
            Self::Nowhere => Ok(bytes.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::File(file) => file.flush(),
            Self::Nowhere => Ok(()),
        }
    }
}

pub async fn run(
    features: Features,
    selection: Selection,
    concurrency: usize,
    junit: Option<&Path>,
    json: Option<&Path>,
) -> Result<Tally, ReportFileError> {
    let strict = selection.strict;
    let skipped: Vec<Skipped> = plan(&features, &selection)
        .into_iter()
        .filter_map(|(feature, scenario, reason)| {
            reason.map(|reason| Skipped {
                feature,
                scenario,
                reason,
            })
        })
        .collect();
    let writer = writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
        .summarized()
        .tee::<ContractWorld, _>(writer::JUnit::for_tee(Output::create(junit)?, 0))
        .tee::<ContractWorld, _>(writer::Json::for_tee(Output::create(json)?))
        .normalized();
    let finished = ContractWorld::cucumber::<&str>()
        .with_parser(features)
        .with_writer(writer)
        .with_default_cli()
        .max_concurrent_scenarios(concurrency)
        .fail_on_skipped()
        .before(move |feature, _, scenario, world| {
            world.promise = feature.name.clone();
            world.scenario = scenario.name.clone();
            world.non_strict = !strict && is_should(feature, scenario);
            async {}.boxed_local()
        })
        .after(move |feature, _, scenario, finished, world| {
            let counter = match finished {
                ScenarioFinished::StepPassed => &PASSED,
                _ if !strict && is_should(feature, scenario) => &NON_STRICT,
                _ => &FAILED,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            async move {
                if let Some(world) = world {
                    world.clean_up().await;
                }
            }
            .boxed_local()
        })
        .filter_run((), move |feature, _, scenario| {
            selection.runs(feature, scenario)
        })
        .await;
    // Failed steps are in the tally; these are failures outside scenarios.
    let execution_failed = finished.parsing_errors() + finished.hook_errors() > 0;
    // The writers flush their files when dropped.
    drop(finished);
    if let Some(path) = junit {
        add_skipped_to_junit(path, &skipped).map_err(|source| ReportFileError {
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(Tally {
        passed: PASSED.load(Ordering::Relaxed),
        failed: FAILED.load(Ordering::Relaxed),
        non_strict: NON_STRICT.load(Ordering::Relaxed),
        skipped,
        execution_failed,
    })
}

/// cucumber's JUnit writer never sees the scenarios that could not run; CI
/// should, as skipped test cases with their reason.
fn add_skipped_to_junit(path: &Path, skipped: &[Skipped]) -> io::Result<()> {
    if skipped.is_empty() {
        return Ok(());
    }
    let xml = std::fs::read_to_string(path)?;
    let Some(end) = xml.rfind("</testsuites>") else {
        return Err(io::Error::other("the JUnit report has no </testsuites>"));
    };
    let mut suite = format!(
        r#"<testsuite name="Skipped scenarios" tests="{0}" skipped="{0}" failures="0" errors="0">"#,
        skipped.len()
    );
    for scenario in skipped {
        suite.push_str(&format!(
            r#"<testcase name="{}: {}"><skipped message="{}"/></testcase>"#,
            xml_escape(&scenario.feature),
            xml_escape(&scenario.scenario),
            xml_escape(&scenario.reason)
        ));
    }
    suite.push_str("</testsuite>");
    std::fs::write(path, format!("{}{suite}{}", &xml[..end], &xml[end..]))
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
