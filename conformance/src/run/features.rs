//! The feature files: embedded in the binary, so that an installed binary
//! carries them, or read from `--features DIR`. All are parsed before the run,
//! so a broken file stops the run with a clear message instead of a failure.

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use futures::stream;

use crate::report::results::scenario_id;

/// `features/*.feature` at build time, in file name order.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "01_missing_token.feature",
        include_str!("../../../features/01_missing_token.feature"),
    ),
    (
        "02_forged_token.feature",
        include_str!("../../../features/02_forged_token.feature"),
    ),
    (
        "03_expired_token.feature",
        include_str!("../../../features/03_expired_token.feature"),
    ),
    (
        "04_cross_user.feature",
        include_str!("../../../features/04_cross_user.feature"),
    ),
    (
        "05_crud.feature",
        include_str!("../../../features/05_crud.feature"),
    ),
    (
        "06_stateless.feature",
        include_str!("../../../features/06_stateless.feature"),
    ),
    (
        "07_algorithms.feature",
        include_str!("../../../features/07_algorithms.feature"),
    ),
    (
        "08_lifetime.feature",
        include_str!("../../../features/08_lifetime.feature"),
    ),
    (
        "09_claims.feature",
        include_str!("../../../features/09_claims.feature"),
    ),
    (
        "10_headers.feature",
        include_str!("../../../features/10_headers.feature"),
    ),
    (
        "11_disclosure.feature",
        include_str!("../../../features/11_disclosure.feature"),
    ),
    (
        "12_bola.feature",
        include_str!("../../../features/12_bola.feature"),
    ),
    (
        "13_accounts.feature",
        include_str!("../../../features/13_accounts.feature"),
    ),
    (
        "14_load.feature",
        include_str!("../../../features/14_load.feature"),
    ),
    (
        "15_sweep.feature",
        include_str!("../../../features/15_sweep.feature"),
    ),
    (
        "16_issuer_audience.feature",
        include_str!("../../../features/16_issuer_audience.feature"),
    ),
    (
        "17_key_lifecycle.feature",
        include_str!("../../../features/17_key_lifecycle.feature"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error("could not read the feature directory {path}: {source}")]
    ReadDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no *.feature files in {0}")]
    Empty(PathBuf),
    #[error("{path} is not valid Gherkin: {reason}")]
    Parse { path: String, reason: String },
}

/// Parsed features, with their Scenario Outlines expanded.
#[derive(Clone)]
pub struct Features(pub Vec<gherkin::Feature>);

impl Features {
    pub fn embedded() -> Result<Self, FeatureError> {
        EMBEDDED
            .iter()
            .map(|(name, text)| parse(&format!("features/{name}"), text))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Every scenario as `Feature: Scenario`, the way `--list` names it.
    pub fn scenario_ids(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(|feature| {
                feature
                    .scenarios
                    .iter()
                    .map(|scenario| scenario_id(&feature.name, &scenario.name))
            })
            .collect()
    }

    pub fn from_dir(dir: &Path) -> Result<Self, FeatureError> {
        let entries = std::fs::read_dir(dir).map_err(|source| FeatureError::ReadDir {
            path: dir.to_owned(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("feature"))
            })
            .collect();
        if paths.is_empty() {
            return Err(FeatureError::Empty(dir.to_owned()));
        }
        paths.sort();
        paths
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).map_err(|source| FeatureError::Read {
                    path: path.clone(),
                    source,
                })?;
                // Absolute, so that reports name the file wherever they
                // are read (SARIF makes a file URI of it).
                let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                parse(&path.display().to_string(), &text)
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

fn parse(path: &str, text: &str) -> Result<gherkin::Feature, FeatureError> {
    let invalid = |reason: String| FeatureError::Parse {
        path: path.to_owned(),
        reason,
    };
    let mut feature =
        gherkin::Feature::parse(text, GherkinEnv::default()).map_err(|e| invalid(e.to_string()))?;
    feature.path = Some(PathBuf::from(path));
    feature
        .expand_examples()
        .map_err(|e| invalid(e.to_string()))
}

impl<I> cucumber::Parser<I> for Features {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _: I, _: Self::Cli) -> Self::Output {
        stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../features");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".feature"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = EMBEDDED.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            on_disk, embedded,
            "update EMBEDDED when a feature file is added or removed"
        );
    }

    #[test]
    fn embedded_features_parse_and_match_the_directory() {
        let embedded = Features::embedded().unwrap();
        let dir =
            Features::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../features")).unwrap();
        assert_eq!(embedded.scenario_ids(), dir.scenario_ids());
        assert!(embedded.scenario_ids().len() > 40);
    }

    #[test]
    fn a_broken_directory_is_an_error_not_a_run() {
        let dir =
            std::env::temp_dir().join(format!("todo-conformance-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(matches!(
            Features::from_dir(&dir),
            Err(FeatureError::Empty(_))
        ));
        std::fs::write(dir.join("bad.feature"), "this is not gherkin").unwrap();
        assert!(matches!(
            Features::from_dir(&dir),
            Err(FeatureError::Parse { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
