//! Which Postgres the server runs on, in the README's order: `DATABASE_URL`;
//! else a container when a Docker engine answers; else a cluster from the
//! PostgreSQL binaries installed here. `TODO_POSTGRES` forces one of the
//! last two.

use std::path::Path;

use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::ContainerAsync;

use super::container;
use super::error::{DatabaseError, EngineDown};
use super::local::{Binaries, Cluster, LocalError, discover};
use crate::config::{DatabaseConfig, ImageRef};

/// The way chosen; `E` is the engine that answered (a Docker client).
#[derive(Debug)]
pub(super) enum Way<E> {
    Url(String),
    Container(ImageRef, E),
    Local(Binaries),
}

/// A Postgres that lives exactly as long as the server.
pub(super) enum Throwaway {
    // Boxed: the container handle is large, and one of these is ever made.
    Container(Box<ContainerAsync<Postgres>>),
    Local(Cluster),
}

/// The way for `config`, asking `engine` whether a Docker engine answers and
/// `binaries` where PostgreSQL is installed only when the choice needs it.
pub(super) async fn decide<E>(
    config: &DatabaseConfig,
    engine: impl AsyncFnOnce() -> Result<E, EngineDown>,
    binaries: impl FnOnce() -> Option<Binaries>,
) -> Result<Way<E>, DatabaseError> {
    Ok(match config {
        DatabaseConfig::Url(url) => Way::Url(url.clone()),
        DatabaseConfig::Container(image) => match engine().await {
            Ok(engine) => Way::Container(image.clone(), engine),
            Err(engine) => return Err(DatabaseError::NoEngine { engine }),
        },
        DatabaseConfig::Local => Way::Local(binaries().ok_or(DatabaseError::NotInstalled {
            source: LocalError::NotInstalled,
        })?),
        DatabaseConfig::Auto(image) => match engine().await {
            Ok(engine) => Way::Container(image.clone(), engine),
            Err(engine) => match binaries() {
                Some(binaries) => {
                    tracing::info!(
                        "{engine}; using the PostgreSQL installed in {}",
                        binaries.dir.display()
                    );
                    Way::Local(binaries)
                }
                None => return Err(DatabaseError::Nowhere { engine }),
            },
        },
    })
}

/// Decides on this machine and starts what the way needs: the options that
/// reach the database, what to remove at shutdown, and its description.
pub(super) async fn start(
    config: &DatabaseConfig,
) -> Result<(PgConnectOptions, Option<Throwaway>, String), DatabaseError> {
    let engine = container::probe_here;
    let binaries = || discover(std::env::var_os("PATH").as_deref(), Path::new("/"));
    Ok(match decide(config, engine, binaries).await? {
        Way::Url(url) => {
            let options = PgConnectOptions::from_str(&url).map_err(DatabaseError::InvalidUrl)?;
            (options, None, "the Postgres at DATABASE_URL".to_owned())
        }
        Way::Container(image, docker) => {
            let (options, container) = container::start(&image, &docker).await?;
            let description = format!("a Postgres container ({image})");
            (
                options,
                Some(Throwaway::Container(Box::new(container))),
                description,
            )
        }
        Way::Local(binaries) => {
            let cluster = Cluster::start(binaries, None).await?;
            let description = format!(
                "a throwaway PostgreSQL cluster ({})",
                cluster.binaries().dir.display()
            );
            (
                cluster.options(),
                Some(Throwaway::Local(cluster)),
                description,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn image() -> ImageRef {
        ImageRef::parse("postgres:17-alpine").unwrap()
    }

    /// Where `binaries` finds PostgreSQL.
    #[expect(clippy::unnecessary_wraps, reason = "it stands for `discover`")]
    fn installed() -> Option<Binaries> {
        Some(Binaries {
            dir: PathBuf::from("/usr/lib/postgresql/15/bin"),
        })
    }

    /// No engine answers (the engine type is `()`: nothing is started).
    fn down() -> Result<(), EngineDown> {
        Err(EngineDown::new("Socket not found: /nowhere.sock"))
    }

    #[tokio::test]
    async fn database_url_and_local_ask_no_engine() {
        let no_probe = async || -> Result<(), EngineDown> { panic!("probed the engine") };
        let url = DatabaseConfig::Url("postgres://db/x".to_owned());
        let way = decide(&url, no_probe, || panic!("searched")).await;
        assert!(matches!(way, Ok(Way::Url(_))));
        let way = decide(&DatabaseConfig::Local, no_probe, installed).await;
        assert!(matches!(way, Ok(Way::Local(_))));
        let way = decide(&DatabaseConfig::Local, no_probe, || None).await;
        assert!(matches!(
            way,
            Err(DatabaseError::NotInstalled {
                source: LocalError::NotInstalled
            })
        ));
    }

    #[tokio::test]
    async fn an_engine_that_answers_wins_else_the_installed_binaries() {
        let auto = DatabaseConfig::Auto(image());
        let way = decide(&auto, async || Ok(()), || panic!("searched")).await;
        assert!(matches!(way, Ok(Way::Container(..))));
        let way = decide(&auto, async || down(), installed).await;
        assert!(matches!(way, Ok(Way::Local(_))));
        let error = decide(&auto, async || down(), || None).await.unwrap_err();
        let line = error.to_string();
        for way in [
            "set DATABASE_URL",
            "`bash ci/docker-up.sh`",
            "install PostgreSQL",
            "Socket not found",
        ] {
            assert!(line.contains(way), "{line}");
        }
    }

    #[tokio::test]
    async fn a_forced_container_never_falls_back() {
        let forced = DatabaseConfig::Container(image());
        let error = decide(&forced, async || down(), installed)
            .await
            .unwrap_err();
        assert!(matches!(error, DatabaseError::NoEngine { .. }), "{error}");
        assert!(
            error.to_string().contains("`bash ci/docker-up.sh`"),
            "{error}"
        );
    }
}
