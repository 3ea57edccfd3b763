//! Where the tasks live: an existing Postgres or a throwaway container, and
//! the container image reference.

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

/// Where the tasks live.
#[derive(Clone)]
pub enum DatabaseConfig {
    /// An existing Postgres (`DATABASE_URL`).
    Url(String),
    /// A throwaway Postgres started with testcontainers, removed at shutdown.
    Container(ImageRef),
}

impl fmt::Debug for DatabaseConfig {
    // The URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(_) => f.write_str("Url(<redacted>)"),
            Self::Container(image) => write!(f, "Container({image})"),
        }
    }
}

/// `DATABASE_URL` when set, otherwise a container from `TODO_POSTGRES_IMAGE`
/// (or the default image).
pub fn database_from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<DatabaseConfig, ConfigError> {
    if let Some(url) = lookup("DATABASE_URL").filter(|url| !url.is_empty()) {
        return Ok(DatabaseConfig::Url(url));
    }
    let image = lookup("TODO_POSTGRES_IMAGE")
        .filter(|image| !image.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_IMAGE.to_owned());
    Ok(DatabaseConfig::Container(ImageRef::parse(&image)?))
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
}
