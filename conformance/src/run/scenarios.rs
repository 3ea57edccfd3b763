//! Running the scenarios: selection, skips with their reasons, progress,
//! cucumber's writers (its step log with `--verbose`, its JSON report),
//! cleanup after each scenario, and each scenario's verdict.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};

use cucumber::event::{ScenarioFinished, StepError};
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{Feature, Scenario};
use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, writer};
use futures::FutureExt as _;
use regex::Regex;

use crate::contract::{Capability, Skip, SkipKind};
use crate::report::console::Detail;
use crate::report::finding::{Check, Failure, Grade};
use crate::report::results::{Origin, ScenarioResult, Verdict, scenario_id};
use crate::report::{taxonomy, text};
use crate::run::cucumber_json::{Output, ReportFileError};
use crate::run::features::Features;
use crate::run::progress::Progress;
use crate::run::step_log::StepLog;
use crate::world::ContractWorld;

/// Which scenarios run, and which are skipped and why.
pub struct Selection {
    pub tags: Option<TagOperation>,
    pub name: Option<Regex>,
    /// `--rerun-failed`: only these scenarios (`Feature: Scenario`).
    pub only: Option<BTreeSet<String>>,
    /// What this run cannot give the scenarios that need it, with the
    /// reason; the first that a scenario's tags name is its skip reason.
    pub unavailable: Vec<(Capability, Skip)>,
    /// `@should` scenarios fail the run too.
    pub strict: bool,
    /// `--verbose` shows the step log and every finding's block as its
    /// scenario ends; the progress bar shows otherwise, unless `--quiet`.
    pub detail: Detail,
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

    /// Why a chosen scenario cannot run here, if it cannot: what no flag
    /// can change first, so that a scenario is never promised to run once
    /// the user gives what it also lacks.
    pub fn skip_reason(&self, feature: &Feature, scenario: &Scenario) -> Option<Skip> {
        let has = |tag: &str| feature.tags.iter().chain(&scenario.tags).any(|t| t == tag);
        let lacking = || {
            self.unavailable
                .iter()
                .filter(|(capability, _)| has(capability.tag()))
                .map(|(_, skip)| skip)
        };
        lacking()
            .find(|skip| skip.kind == SkipKind::Unsupported)
            .or_else(|| lacking().next())
            .cloned()
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
    pub skip: Option<Skip>,
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
    progress: &Progress,
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
        Some(reason) => ScenarioResult::skipped(
            feature.name.clone(),
            scenario.name.clone(),
            Skip::unsupported(reason),
        )
        .noting(deviations),
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
    if verbose {
        print_deviations(&result, show_tokens);
    }
    progress.ended(result.verdict == Verdict::Failed);
    if let Ok(mut results) = RESULTS.lock() {
        results.push(result);
    }
}

/// `--verbose`: the deviations a scenario noted on its way, in one block
/// written whole; the step log holds the finding that stopped it.
fn print_deviations(result: &ScenarioResult, show_tokens: bool) {
    let blocks: Vec<String> = result
        .deviations
        .iter()
        .map(|finding| {
            text::classified_block(
                finding,
                taxonomy::classify(result, Some(finding)),
                show_tokens,
            )
        })
        .collect();
    if !blocks.is_empty() {
        println!("{}\n", blocks.join("\n\n"));
    }
}

pub async fn run(
    features: Features,
    selection: Selection,
    concurrency: usize,
    cucumber_json: Option<&Path>,
) -> Result<Tally, ReportFileError> {
    let strict = selection.strict;
    let verbose = selection.detail == Detail::Verbose;
    let order = features.scenario_ids();
    let skipped = skipped(&features, &selection);
    // Before the bar: a file that cannot be made stops the run, bar-less.
    let cucumber_json = Output::create(cucumber_json)?;
    let runs = chosen(&features, &selection).count() - skipped.len();
    let progress = Arc::new(Progress::start(runs, selection.detail));
    let ended = Arc::clone(&progress);
    let writer = writer::Basic::raw(step_log(verbose), writer::Coloring::Never, 0)
        .summarized()
        .tee::<ContractWorld, _>(writer::Json::for_tee(cucumber_json))
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
                &ended,
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
    progress.finish();
    // Failed steps are in the results; these are failures outside scenarios.
    let execution_failed = finished.parsing_errors() + finished.hook_errors() > 0;
    // The writers flush their files when dropped.
    drop(finished);
    Ok(Tally {
        results: in_order(skipped, &order),
        execution_failed,
    })
}

/// Where cucumber's step log goes: stdout with --verbose; by default
/// nowhere, the findings grouped by cause and the suite's summary being the
/// one account of the run. Its writer still counts, for parsing and hook
/// errors.
fn step_log(verbose: bool) -> Box<dyn io::Write> {
    if verbose {
        Box::new(StepLog::default())
    } else {
        Box::new(io::sink())
    }
}

/// The results the after-hook recorded and the skipped ones, as the
/// features list them: scenarios end in any order.
fn in_order(skipped: Vec<ScenarioResult>, order: &[String]) -> Vec<ScenarioResult> {
    let mut results = RESULTS
        .lock()
        .map(|mut results| std::mem::take(&mut *results))
        .unwrap_or_default();
    results.extend(skipped);
    results.sort_by_key(|result| order.iter().position(|id| *id == result.id()));
    results
}
