//! A throwaway Postgres in a container: whether a Docker engine answers, and
//! the container itself, with the fix named when it cannot start.

use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::bollard::Docker;
use testcontainers_modules::testcontainers::core::client::{ClientError, docker_client_instance};
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt, TestcontainersError};

use super::error::{DatabaseError, EngineDown};
use crate::config::ImageRef;

/// An engine answers `/_ping` in milliseconds; a socket nobody serves must
/// not hold the start up for long.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// The image `ci/build-postgres-image.sh` builds without a registry.
const LOCAL_IMAGE: &str = "local/postgres:15";

/// Whether a Docker engine answers where testcontainers would look for it.
pub async fn docker_engine_answers() -> bool {
    probe_here().await.is_ok()
}

/// Asks the engine testcontainers would use (`DOCKER_HOST`, its
/// `TESTCONTAINERS_HOST_OVERRIDE`/`tc.host` settings, else the usual sockets)
/// for `/_ping`, briefly: testcontainers' own client, so that the answer is
/// the one the container's start will get.
pub(super) async fn probe_here() -> Result<Docker, EngineDown> {
    let probe = async {
        let docker = docker_client_instance()
            .await
            .map_err(|error| EngineDown::new(error.to_string()))?;
        docker
            .ping()
            .await
            .map_err(|error| EngineDown::new(error.to_string()))?;
        Ok(docker)
    };
    tokio::time::timeout(PROBE_TIMEOUT, probe)
        .await
        .unwrap_or_else(|_| {
            Err(EngineDown::new(format!(
                "no answer within {PROBE_TIMEOUT:?}"
            )))
        })
}

/// Starts `image` on the engine `docker` answered for; the container is
/// removed when dropped.
pub(super) async fn start(
    image: &ImageRef,
    docker: &Docker,
) -> Result<(PgConnectOptions, ContainerAsync<Postgres>), DatabaseError> {
    tracing::info!(%image, "starting a Postgres container (set DATABASE_URL to use an existing database)");
    let started = async {
        let container = Postgres::default()
            .with_name(&image.name)
            .with_tag(&image.tag)
            .start()
            .await?;
        let port = container.get_host_port_ipv4(5432).await?;
        Ok::<_, TestcontainersError>((container, port))
    };
    let (container, port) = match started.await {
        Ok(started) => started,
        Err(source) => {
            let local_image = docker.inspect_image(LOCAL_IMAGE).await.is_ok();
            return Err(DatabaseError::Container {
                hint: hint(&source, image, local_image),
                image: image.clone(),
                source,
            });
        }
    };
    tracing::info!(container = %container.id(), %image, port, "Postgres container is ready");
    // The fixed credentials of the testcontainers Postgres module.
    let options = PgConnectOptions::new()
        .host("127.0.0.1")
        .port(port)
        .username("postgres")
        .password("postgres")
        .database("postgres");
    Ok((options, container))
}

/// What to do when `image` did not start; `local_image` says whether the
/// image `ci/build-postgres-image.sh` builds is in the engine.
fn hint(error: &TestcontainersError, image: &ImageRef, local_image: bool) -> String {
    match error {
        TestcontainersError::Client(ClientError::PullImage { .. }) => {
            if local_image && image.to_string() != LOCAL_IMAGE {
                format!(
                    "the image cannot be pulled, but {LOCAL_IMAGE} is in the engine: set TODO_POSTGRES_IMAGE={LOCAL_IMAGE}"
                )
            } else {
                format!(
                    "the image cannot be pulled (no registry access?): build {LOCAL_IMAGE} with `bash ci/build-postgres-image.sh` (in this repository) and set TODO_POSTGRES_IMAGE={LOCAL_IMAGE}, or name a mirror in TODO_POSTGRES_IMAGE, or set TODO_POSTGRES=local to use the PostgreSQL installed here"
                )
            }
        }
        TestcontainersError::Client(ClientError::Init(_)) => {
            "is the Docker engine running? (`bash ci/docker-up.sh` starts one in this repository); or set DATABASE_URL, or TODO_POSTGRES=local to use the PostgreSQL installed here".to_owned()
        }
        _ => "set DATABASE_URL to use an existing database, or TODO_POSTGRES=local to use the PostgreSQL installed here".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use testcontainers_modules::testcontainers::bollard::errors::Error as BollardError;

    use super::*;

    #[test]
    fn an_image_that_cannot_be_pulled_names_the_local_image_or_the_script() {
        let pull = TestcontainersError::Client(ClientError::PullImage {
            descriptor: "postgres:17-alpine".to_owned(),
            err: BollardError::DockerResponseServerError {
                status_code: 500,
                message: "no registry".to_owned(),
            },
        });
        let default = ImageRef::parse("postgres:17-alpine").unwrap();
        let local = ImageRef::parse(LOCAL_IMAGE).unwrap();
        assert!(hint(&pull, &default, true).ends_with("set TODO_POSTGRES_IMAGE=local/postgres:15"));
        for (image, present) in [(&default, false), (&local, true)] {
            let hint = hint(&pull, image, present);
            assert!(hint.contains("`bash ci/build-postgres-image.sh`"), "{hint}");
        }
    }
}
