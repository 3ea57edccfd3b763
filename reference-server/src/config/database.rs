//! Where the tasks live: an existing Postgres, or a throwaway one (a
//! container or a cluster from local binaries), and the container image
//! reference.

use std::fmt;

use super::error::ConfigError;

/// Used when `DATABASE_URL` is unset and `TODO_POSTGRES_IMAGE` does not say otherwise.
pub const DEFAULT_POSTGRES_IMAGE: &str = "postgres:17-alpine";

/// A container image reference, `name:tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub name: String,
    pub tag: String,
}

impl ImageRef {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::Invalid {
            var: "TODO_POSTGRES_IMAGE",
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        // The tag follows the last ':' after the last '/', so that a registry
        // port (`registry:5000/postgres:17`) is not mistaken for a tag.
        let name_start = value.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match value[name_start..].rfind(':') {
            Some(i) => value.split_at(name_start + i),
            None => return Err(invalid("expected name:tag, e.g. postgres:17-alpine")),
        };
        let tag = &tag[1..];
        if name.is_empty() || tag.is_empty() || value.contains(char::is_whitespace) {
            return Err(invalid("expected name:tag, e.g. postgres:17-alpine"));
        }
        Ok(Self {
            name: name.to_owned(),
            tag: tag.to_owned(),
        })
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.tag)
    }
}

/// Where the tasks live: `DATABASE_URL` first, else a throwaway Postgres that
/// lives exactly as long as the server, chosen by `TODO_POSTGRES`.
#[derive(Clone)]
pub enum DatabaseConfig {
    /// An existing Postgres (`DATABASE_URL`).
    Url(String),
    /// A container when a Docker engine answers, else a cluster from the
    /// PostgreSQL binaries installed on this machine (`TODO_POSTGRES` unset).
    Auto(ImageRef),
    /// A container started with testcontainers (`TODO_POSTGRES=container`).
    Container(ImageRef),
    /// A cluster from the installed PostgreSQL binaries (`TODO_POSTGRES=local`).
    Local,
}

impl fmt::Debug for DatabaseConfig {
    // The URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(_) => f.write_str("Url(<redacted>)"),
            Self::Auto(image) => write!(f, "Auto({image})"),
            Self::Container(image) => write!(f, "Container({image})"),
            Self::Local => f.write_str("Local"),
        }
    }
}

/// `DATABASE_URL` when set; otherwise the throwaway Postgres `TODO_POSTGRES`
/// names (`container`, `local`, or `auto`, the default), its container from
/// `TODO_POSTGRES_IMAGE` (or the default image).
pub fn database_from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<DatabaseConfig, ConfigError> {
    if let Some(url) = lookup("DATABASE_URL").filter(|url| !url.is_empty()) {
        return Ok(DatabaseConfig::Url(url));
    }
    let image = || {
        let image = lookup("TODO_POSTGRES_IMAGE")
            .filter(|image| !image.is_empty())
            .unwrap_or_else(|| DEFAULT_POSTGRES_IMAGE.to_owned());
        ImageRef::parse(&image)
    };
    match lookup("TODO_POSTGRES").as_deref().map(str::trim) {
        None | Some("" | "auto") => Ok(DatabaseConfig::Auto(image()?)),
        Some("container") => Ok(DatabaseConfig::Container(image()?)),
        Some("local") => Ok(DatabaseConfig::Local),
        Some(other) => Err(ConfigError::Invalid {
            var: "TODO_POSTGRES",
            value: other.to_owned(),
            reason: "expected container, local or auto".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_parse_with_registry_ports() {
        let image = ImageRef::parse("registry.local:5000/mirror/postgres:17-alpine").unwrap();
        assert_eq!(image.name, "registry.local:5000/mirror/postgres");
        assert_eq!(image.tag, "17-alpine");
        for bad in [
            "postgres",
            "registry:5000/postgres",
            ":17",
            "postgres:",
            "post gres:1",
        ] {
            assert!(ImageRef::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    fn lookup(vars: &[(&str, &str)]) -> Result<DatabaseConfig, ConfigError> {
        database_from_lookup(&|name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn todo_postgres_picks_the_throwaway_way_and_database_url_wins_over_it() {
        let image = ("TODO_POSTGRES_IMAGE", "local/postgres:15");
        assert!(matches!(lookup(&[image]), Ok(DatabaseConfig::Auto(i)) if i.tag == "15"));
        assert!(matches!(
            lookup(&[("TODO_POSTGRES", "auto")]),
            Ok(DatabaseConfig::Auto(_))
        ));
        assert!(matches!(
            lookup(&[("TODO_POSTGRES", "container"), image]),
            Ok(DatabaseConfig::Container(i)) if i.name == "local/postgres"
        ));
        // A local cluster needs no image, so a broken one does not matter.
        assert!(matches!(
            lookup(&[("TODO_POSTGRES", "local"), ("TODO_POSTGRES_IMAGE", "bad")]),
            Ok(DatabaseConfig::Local)
        ));
        assert!(matches!(
            lookup(&[
                ("TODO_POSTGRES", "local"),
                ("DATABASE_URL", "postgres://db/x")
            ]),
            Ok(DatabaseConfig::Url(_))
        ));
        let error = lookup(&[("TODO_POSTGRES", "docker")]).unwrap_err();
        assert!(error.to_string().contains("TODO_POSTGRES"), "{error}");
    }
}
