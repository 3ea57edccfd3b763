//! A throwaway Postgres in a container: whether a Docker engine answers, and
//! the container itself, with the fix named when it cannot start.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::bollard::Docker;
use testcontainers_modules::testcontainers::core::client::ClientError;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt, TestcontainersError};

use super::error::{DatabaseError, EngineDown};
use crate::config::ImageRef;

/// An engine answers `/_ping` in milliseconds; a socket nobody serves must
/// not hold the start up for long.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// The image `ci/build-postgres-image.sh` builds without a registry.
const LOCAL_IMAGE: &str = "local/postgres:15";
const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Where testcontainers looks for the engine, in its order: `DOCKER_HOST`,
/// else the first of the usual sockets that exists (the default one, then
/// rootless Docker's and Docker Desktop's).
pub(super) fn engine_host(
    lookup: &impl Fn(&str) -> Option<String>,
    exists: impl Fn(&Path) -> bool,
) -> String {
    if let Some(host) = lookup("DOCKER_HOST").filter(|host| !host.is_empty()) {
        return host;
    }
    let mut sockets = vec![PathBuf::from(DEFAULT_SOCKET)];
    if let Some(runtime) = lookup("XDG_RUNTIME_DIR") {
        sockets.push(Path::new(&runtime).join(".docker/run/docker.sock"));
    }
    if let Some(home) = lookup("HOME") {
        sockets.push(Path::new(&home).join(".docker/run/docker.sock"));
        sockets.push(Path::new(&home).join(".docker/desktop/docker.sock"));
    }
    let socket = sockets
        .into_iter()
        .find(|socket| exists(socket))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET));
    format!("unix://{}", socket.display())
}

/// Whether a Docker engine answers where testcontainers would look for it.
pub async fn docker_engine_answers() -> bool {
    probe_here().await.is_ok()
}

/// Asks the engine testcontainers would use for `/_ping`, briefly.
pub(super) async fn probe_here() -> Result<Docker, EngineDown> {
    let lookup = |name: &str| std::env::var(name).ok();
    probe(&engine_host(&lookup, Path::exists)).await
}

/// Asks the engine at `host` for `/_ping`, briefly.
pub(super) async fn probe(host: &str) -> Result<Docker, EngineDown> {
    let down = |reason: String| EngineDown::new(host, reason);
    let docker = Docker::connect_with_host(host).map_err(|error| down(error.to_string()))?;
    match tokio::time::timeout(PROBE_TIMEOUT, docker.ping()).await {
        Ok(Ok(_)) => Ok(docker),
        Ok(Err(error)) => Err(down(error.to_string())),
        Err(_) => Err(down(format!("no answer within {PROBE_TIMEOUT:?}"))),
    }
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
    fn docker_host_wins_else_the_first_socket_that_exists() {
        let vars = |host: Option<&'static str>| {
            move |name: &str| match name {
                "DOCKER_HOST" => host.map(str::to_owned),
                "HOME" => Some("/home/me".to_owned()),
                _ => None,
            }
        };
        let exists = |path: &Path| path == Path::new("/home/me/.docker/desktop/docker.sock");
        assert_eq!(
            engine_host(&vars(Some("unix:///no/such.sock")), exists),
            "unix:///no/such.sock"
        );
        assert_eq!(
            engine_host(&vars(None), exists),
            "unix:///home/me/.docker/desktop/docker.sock"
        );
        assert_eq!(
            engine_host(&vars(None), |_| false),
            "unix:///var/run/docker.sock"
        );
    }

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
