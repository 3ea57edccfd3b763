//! Running the scenarios: selection, skips with their reasons, the console
//! and Cucumber JSON writers, cleanup after each scenario, and each
//! scenario's verdict.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cucumber::event::{ScenarioFinished, StepError};
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{Feature, Scenario};
use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, writer};
use futures::FutureExt as _;
use regex::Regex;

use crate::contract::Capability;
use crate::report::finding::{Check, Failure, Grade};
use crate::report::results::{Origin, ScenarioResult, scenario_id};
use crate::report::{taxonomy, text};
use crate::run::features::Features;
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
    /// `--rerun-failed`: only these scenarios (`Feature: Scenario`).
    pub only: Option<BTreeSet<String>>,
    /// What this run cannot give the scenarios that need it, with the
    /// reason; the first that a scenario's tags name is its skip reason.
    pub unavailable: Vec<(Capability, String)>,
    /// `@should` scenarios fail the run too.
    pub strict: bool,
    /// `--verbose`: every finding's block as its scenario ends.
    pub verbose: bool,
    /// `--load`: the `@load` scenario runs, and only it; without, never.
    pub load: bool,
}

impl Selection {
    /// Chosen by `--load`, `--tags` and `--name`.
    pub fn selects(&self, feature: &Feature, scenario: &Scenario) -> bool {
        let tags = feature.tags.iter().chain(&scenario.tags);
        let load = tags.clone().any(|tag| tag == "load");
        load == self.load
            && self.tags.as_ref().is_none_or(|expr| expr.eval(tags))
            && self
                .name
                .as_ref()
                .is_none_or(|re| re.is_match(&scenario.name))
            && self
                .only
                .as_ref()
                .is_none_or(|only| only.contains(&scenario_id(&feature.name, &scenario.name)))
    }

    /// Why a chosen scenario cannot run here, if it cannot.
    pub fn skip_reason(&self, feature: &Feature, scenario: &Scenario) -> Option<String> {
        let has = |tag: &str| feature.tags.iter().chain(&scenario.tags).any(|t| t == tag);
        self.unavailable
            .iter()
            .find(|(capability, _)| has(capability.tag()))
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

/// Where a scenario comes from, with every tag that applies to it.
pub fn origin(feature: &Feature, scenario: &Scenario) -> Origin {
    Origin {
        file: feature
            .path
            .as_ref()
            .map(|path| path.display().to_string())
            .unwrap_or_default(),
        line: scenario.position.line,
        tags: feature.tags.iter().chain(&scenario.tags).cloned().collect(),
    }
}

/// Every chosen scenario, with its feature.
fn chosen<'a>(
    features: &'a Features,
    selection: &'a Selection,
) -> impl Iterator<Item = (&'a Feature, &'a Scenario)> {
    features.0.iter().flat_map(move |feature| {
        feature
            .scenarios
            .iter()
            .filter(move |scenario| selection.selects(feature, scenario))
            .map(move |scenario| (feature, scenario))
    })
}

/// A chosen scenario as `--list` shows it.
pub struct Planned {
    /// `Feature: Scenario`.
    pub id: String,
    /// `@should`, else `@must`: how a finding of it is graded.
    pub should: bool,
    /// Its own tags and its feature's, without the grade.
    pub tags: Vec<String>,
    /// Why it cannot run here, when it cannot.
    pub skip: Option<String>,
}

/// Every chosen scenario, and for those that cannot run, why.
pub fn plan(features: &Features, selection: &Selection) -> Vec<Planned> {
    chosen(features, selection)
        .map(|(feature, scenario)| Planned {
            id: scenario_id(&feature.name, &scenario.name),
            should: is_should(feature, scenario),
            tags: feature
                .tags
                .iter()
                .chain(&scenario.tags)
                .filter(|tag| !matches!(tag.as_str(), "must" | "should"))
                .cloned()
                .collect(),
            skip: selection.skip_reason(feature, scenario),
        })
        .collect()
}

/// The chosen scenarios that cannot run here, as results: each says why,
/// and whether it is a `@must` (a promise whose every `@must` scenario is
/// skipped is NOT CHECKED).
fn skipped(features: &Features, selection: &Selection) -> Vec<ScenarioResult> {
    chosen(features, selection)
        .filter_map(|(feature, scenario)| {
            let reason = selection.skip_reason(feature, scenario)?;
            Some(
                ScenarioResult::skipped(feature.name.clone(), scenario.name.clone(), reason)
                    .must(!is_should(feature, scenario))
                    .at(origin(feature, scenario)),
            )
        })
        .collect()
}

pub struct Tally {
    /// Every chosen scenario: those that ran, then those that could not.
    pub results: Vec<ScenarioResult>,
    /// Failures outside scenarios (parsing, hooks) count too.
    pub execution_failed: bool,
}

/// The scenarios that ran, as the after-hook saw them end.
static RESULTS: Mutex<Vec<ScenarioResult>> = Mutex::new(Vec::new());

/// The finding of a scenario that failed without recording one: a step
/// that crashed, or matched no definition. Its text is shown, not read.
fn unrecorded(
    feature: &Feature,
    scenario: &Scenario,
    finished: &ScenarioFinished,
) -> Option<Failure> {
    let actual = match finished {
        ScenarioFinished::StepPassed => return None,
        ScenarioFinished::StepFailed(_, _, StepError::Panic(payload))
        | ScenarioFinished::BeforeHookFailed(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
            })
            .unwrap_or_else(|| "a step stopped without a message".to_owned()),
        ScenarioFinished::StepFailed(_, _, error) => error.to_string(),
        ScenarioFinished::StepSkipped => "a step matches no step definition".to_owned(),
    };
    Some(Failure {
        promise: feature.name.clone(),
        scenario: scenario.name.clone(),
        grade: Grade::Broken,
        check: Check::Other,
        presented: None,
        expected: "every step to run to its end".to_owned(),
        actual,
        exchange: None,
    })
}

/// Grades a finished scenario from the findings its World kept, and adds
/// it to the results.
fn record(
    feature: &Feature,
    scenario: &Scenario,
    finished: &ScenarioFinished,
    world: Option<&mut ContractWorld>,
    strict: bool,
    verbose: bool,
) {
    let (finding, deviations, show_tokens, unjudged) = match world {
        Some(world) => {
            let (finding, deviations) = world.take_findings();
            (
                finding,
                deviations,
                world.show_tokens(),
                world.take_unjudged(),
            )
        }
        None => (None, Vec::new(), false, None),
    };
    let finding = finding.or_else(|| unrecorded(feature, scenario, finished));
    let result = match unjudged {
        // Stopped for want of a verdict: what stopped it is not a finding,
        // and the scenario is no verdict on its promise; the deviations
        // seen before it stopped stay on record.
        Some(reason) => {
            ScenarioResult::skipped(feature.name.clone(), scenario.name.clone(), reason)
                .noting(deviations)
        }
        None => ScenarioResult::graded(
            feature.name.clone(),
            scenario.name.clone(),
            finding,
            deviations,
            strict,
        ),
    }
    .must(!is_should(feature, scenario))
    .at(origin(feature, scenario));
    // The scenario's findings in one block, written whole, so that a
    // deviation stands with the finding of its scenario.
    let blocks: Vec<String> = result
        .findings()
        .map(|finding| {
            text::classified_block(
                finding,
                taxonomy::classify(&result, Some(finding)),
                show_tokens,
            )
        })
        .collect();
    if verbose && !blocks.is_empty() {
        println!("{}\n", blocks.join("\n\n"));
    }
    if let Ok(mut results) = RESULTS.lock() {
        results.push(result);
    }
}

/// Cucumber's JSON report file, or nowhere when it was not asked for. Its
/// writer writes the whole report when the run finishes: written beside the
/// file and renamed there when dropped, so that a run cut short by a signal
/// leaves the old file (or none), never an empty or half one.
enum Output {
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
    fn create(path: Option<&Path>) -> Result<Self, ReportFileError> {
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

pub async fn run(
    features: Features,
    selection: Selection,
    concurrency: usize,
    cucumber_json: Option<&Path>,
) -> Result<Tally, ReportFileError> {
    let (strict, verbose) = (selection.strict, selection.verbose);
    let order = features.scenario_ids();
    let skipped = skipped(&features, &selection);
    // Cucumber's own console (its step log and its closing summary) is not
    // shown: the scenarios' findings and the suite's summary are the one
    // account of the run. The writer still counts, for parsing and hook
    // errors.
    let writer = writer::Basic::raw(io::sink(), writer::Coloring::Never, 0)
        .summarized()
        .tee::<ContractWorld, _>(writer::Json::for_tee(Output::create(cucumber_json)?))
        .normalized();
    let finished = ContractWorld::cucumber::<&str>()
        .with_parser(features)
        .with_writer(writer)
        .with_default_cli()
        .max_concurrent_scenarios(concurrency)
        .fail_on_skipped()
        .before(move |feature, _, scenario, world| {
            world.promise.clone_from(&feature.name);
            world.scenario.clone_from(&scenario.name);
            world.non_strict = !strict && is_should(feature, scenario);
            async {}.boxed_local()
        })
        .after(move |feature, _, scenario, finished, mut world| {
            record(
                feature,
                scenario,
                finished,
                world.as_deref_mut(),
                strict,
                verbose,
            );
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
    // Failed steps are in the results; these are failures outside scenarios.
    let execution_failed = finished.parsing_errors() + finished.hook_errors() > 0;
    // The writers flush their files when dropped.
    drop(finished);
    let mut results = RESULTS
        .lock()
        .map(|mut results| std::mem::take(&mut *results))
        .unwrap_or_default();
    results.extend(skipped);
    // Scenarios end in any order; reports list them as the features do.
    results.sort_by_key(|result| order.iter().position(|id| *id == result.id()));
    Ok(Tally {
        results,
        execution_failed,
    })
}
