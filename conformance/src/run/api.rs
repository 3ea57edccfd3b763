//! The target's OpenAPI document and the profile that follows from it: the
//! document read (`--openapi`) or found on the target, then the profile
//! given (`--profile` wins), inferred from the document, or the seed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::target::http::Client;
use crate::target::openapi::infer::{self, IdKind};
use crate::target::openapi::{ApiDocument, OpenApiError, discover};
use crate::target::profile::Profile;

#[derive(Debug, thiserror::Error)]
#[error("could not write the profile to {path}: {reason}")]
pub struct WriteProfileError {
    path: PathBuf,
    reason: String,
}

/// Where the document comes from.
pub enum DocumentSource {
    /// `--openapi FILE`, read when the plan was made.
    File(Box<ApiDocument>),
    /// `--openapi URL`.
    Url(String),
    /// The common places on the target.
    Discover,
}

/// What the flags say of the document and the profile.
pub struct ApiPlan {
    pub source: DocumentSource,
    /// `--profile`, when given: it wins over the inference.
    pub given: Option<String>,
    /// `--write-profile`.
    pub write: Option<PathBuf>,
    /// `--read-only`.
    pub read_only: bool,
}

/// How the run's profile came about.
#[derive(Debug, Clone)]
pub enum ProfileOrigin {
    /// `--profile`.
    Given(String),
    /// From the document; `defaults` are the keys it left to the seed.
    Inferred {
        defaults: Vec<&'static str>,
        ids: Option<IdKind>,
    },
    /// No document to infer one from.
    Seed,
}

/// The document, if any, and the profile.
pub struct Settled {
    pub document: Option<ApiDocument>,
    /// Why there is no document, when there is none.
    pub absent: String,
    pub profile: Profile,
    pub origin: ProfileOrigin,
}

impl ApiPlan {
    /// `--openapi` as a source: a URL is fetched later; a file is read now,
    /// so that a bad one stops the run before anything is sent.
    pub fn source(openapi: Option<&str>) -> Result<DocumentSource, OpenApiError> {
        Ok(match openapi {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                DocumentSource::Url(url.to_owned())
            }
            Some(file) => DocumentSource::File(Box::new(ApiDocument::from_file(Path::new(file))?)),
            None => DocumentSource::Discover,
        })
    }

    /// The document, found with `client` (the target's, `None` when there
    /// is no target yet), and the profile: `profile` when it was given, else
    /// inferred. Only a `--openapi URL` that fails is an error; it is
    /// fetched within `timeout`, trusting `ca_cert` too.
    pub async fn settle(
        &self,
        client: Option<&Client>,
        (timeout, ca_cert): (Duration, Option<&Path>),
        profile: Profile,
    ) -> Result<Settled, OpenApiError> {
        let found = match (&self.source, client) {
            (DocumentSource::File(document), _) => Ok((**document).clone()),
            (DocumentSource::Url(url), _) => Ok(discover::fetch(url, timeout, ca_cert).await?),
            (DocumentSource::Discover, Some(client)) => discover::find(client).await,
            (DocumentSource::Discover, None) => Err(
                "no target to look for one on (the bundled server is the seed contract): give --base-url or --openapi".to_owned(),
            ),
        };
        Ok(self.settled(found, profile))
    }

    fn settled(&self, found: Result<ApiDocument, String>, profile: Profile) -> Settled {
        let (document, absent) = match found {
            Ok(document) => (Some(document), String::new()),
            Err(absent) => (None, absent),
        };
        let (profile, origin) = match (&self.given, &document) {
            (Some(given), _) => (profile, ProfileOrigin::Given(given.clone())),
            (None, Some(document)) => {
                let inferred = infer::infer(document);
                let origin = ProfileOrigin::Inferred {
                    defaults: inferred.defaults,
                    ids: inferred.ids,
                };
                (inferred.profile, origin)
            }
            (None, None) => (profile, ProfileOrigin::Seed),
        };
        Settled {
            document,
            absent,
            profile,
            origin,
        }
    }
}

impl Settled {
    /// The banner's line on the document.
    pub fn document_line(&self) -> String {
        match &self.document {
            Some(document) => format!(
                "{} ({} operations, {} with a security requirement)",
                document.source,
                document.operations.len(),
                document.operations.iter().filter(|op| op.secured).count()
            ),
            None => format!("none: {}", self.absent),
        }
    }

    /// The banner's line on the profile.
    pub fn profile_line(&self) -> String {
        let profile = &self.profile;
        match &self.origin {
            ProfileOrigin::Given(given) => format!(
                "{} ({}), given by --profile {given}",
                profile.name, profile.description
            ),
            ProfileOrigin::Inferred { defaults, .. } if defaults.is_empty() => {
                "inferred from the OpenAPI document, every part".to_owned()
            }
            ProfileOrigin::Inferred { defaults, .. } => format!(
                "inferred from the OpenAPI document; the seed's defaults for what it does not say: {}",
                defaults.join(", ")
            ),
            ProfileOrigin::Seed => format!(
                "{} ({}): the default, with no OpenAPI document to infer one from",
                profile.name, profile.description
            ),
        }
    }

    /// The profile as TOML, headed by comments on where it came from.
    pub fn toml(&self) -> Result<String, toml::ser::Error> {
        let mut head = format!(
            "# document: {}\n# profile: {}\n",
            self.document_line(),
            self.profile_line()
        );
        if let ProfileOrigin::Inferred { ids: Some(ids), .. } = &self.origin {
            let _ = writeln!(
                head,
                "# task ids: {} (the suite reads ids as text either way)",
                ids.name()
            );
        }
        Ok(head + &self.profile.to_toml()?)
    }

    /// `--write-profile FILE`.
    pub fn write(&self, path: &Path) -> Result<(), WriteProfileError> {
        let error = |reason: String| WriteProfileError {
            path: path.to_owned(),
            reason,
        };
        let text = self.toml().map_err(|e| error(e.to_string()))?;
        std::fs::write(path, text).map_err(|e| error(e.to_string()))
    }
}
