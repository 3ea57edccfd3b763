//! Postgres for the tests that start their own servers, by the server's own
//! chain: a container of the image named by `TODO_POSTGRES_IMAGE` (default
//! `postgres:17-alpine`) when a Docker engine answers, else a cluster from
//! the installed PostgreSQL binaries (`TODO_POSTGRES` forces one), on a
//! random or a fixed port. And how a test binary stops when the database
//! every test needs cannot start.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::core::IntoContainerPort;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt};
use todo_reference_server::config::DEFAULT_POSTGRES_IMAGE;
use todo_reference_server::{Halt, ImageRef, LocalCluster, LocalError, docker_engine_answers};

pub fn image() -> ImageRef {
    let image =
        std::env::var("TODO_POSTGRES_IMAGE").unwrap_or_else(|_| DEFAULT_POSTGRES_IMAGE.to_owned());
    ImageRef::parse(&image).expect("TODO_POSTGRES_IMAGE is name:tag")
}

/// A port nothing listens on, for now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// A Postgres a test may take down and bring back.
pub enum TestPostgres {
    // Boxed: the container handle is large.
    Container(Box<ContainerAsync<Postgres>>),
    Local(LocalCluster),
}

/// A Postgres and its URL, by the chain. `port` fixes its port, so that a
/// restarted one is where the server looks for it.
pub async fn start(port: Option<u16>) -> (TestPostgres, String) {
    let forced = std::env::var("TODO_POSTGRES").ok();
    let local = match forced.as_deref() {
        Some("local") => true,
        Some("container") => false,
        _ => !docker_engine_answers().await,
    };
    if !local {
        let (container, url) = container(port).await;
        return (TestPostgres::Container(Box::new(container)), url);
    }
    let cluster = LocalCluster::start_installed(port)
        .await
        .unwrap_or_else(|error| {
            fail_once(&no_local_cluster(
                &error,
                forced.as_deref() == Some("local"),
            ))
        });
    let url = cluster.url();
    (TestPostgres::Local(cluster), url)
}

/// Why the tests have no local cluster, in the server's words
/// (`DatabaseError::Nowhere` and `NotInstalled`).
fn no_local_cluster(error: &LocalError, forced: bool) -> String {
    match (error, forced) {
        (LocalError::NotInstalled, false) => format!(
            "no Postgres to run the tests on: start a Docker engine (none answers; `bash ci/docker-up.sh` starts one in this repository), or install PostgreSQL ({error})"
        ),
        (LocalError::NotInstalled, true) => format!(
            "TODO_POSTGRES=local, but PostgreSQL is not installed here ({error}): install it (e.g. `apt-get install postgresql`), or unset TODO_POSTGRES to use a Docker engine"
        ),
        _ => format!("could not start a throwaway PostgreSQL cluster for the tests: {error}"),
    }
}

impl TestPostgres {
    /// Takes Postgres down and waits until its process is gone.
    pub async fn halt(&mut self, how: Halt) {
        match self {
            Self::Container(container) => {
                let signal = match how {
                    Halt::Fast => "SIGINT",
                    Halt::Crash => "SIGKILL",
                };
                docker(&["kill", "--signal", signal, container.id()]).await;
                docker(&["wait", container.id()]).await;
            }
            Self::Local(cluster) => cluster.halt(how).await,
        }
    }

    /// Brings Postgres back where it was.
    pub async fn restart(&mut self) {
        match self {
            Self::Container(container) => docker(&["start", container.id()]).await,
            Self::Local(cluster) => cluster.restart().await.expect("the cluster restarts"),
        }
    }
}

async fn docker(args: &[&str]) {
    let status = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new("docker")
            .args(args)
            .stdout(Stdio::null())
            .status(),
    )
    .await
    .expect("docker answers within a minute")
    .expect("the docker client runs");
    assert!(status.success(), "docker {args:?} failed: {status}");
}

/// A Postgres container and its URL. `port` fixes the host port (Docker
/// picks a new random port at each start otherwise).
pub async fn container(port: Option<u16>) -> (ContainerAsync<Postgres>, String) {
    let image = image();
    let postgres = Postgres::default()
        .with_name(image.name.clone())
        .with_tag(image.tag.clone());
    let postgres = match port {
        Some(port) => postgres.with_mapped_port(port, 5432.tcp()),
        None => postgres,
    };
    let container = postgres.start().await.unwrap_or_else(|error| {
        fail_once(&format!(
            "could not start a Postgres container from {image}: {error}; start a Docker engine (`bash ci/docker-up.sh`) and build the image (`bash ci/build-postgres-image.sh`, then TODO_POSTGRES_IMAGE=local/postgres:15), or set TODO_POSTGRES=local to use the PostgreSQL installed here"
        ))
    });
    let port = container.get_host_port_ipv4(5432).await.unwrap();
    (
        container,
        format!("postgres://postgres:postgres@127.0.0.1:{port}/postgres"),
    )
}

/// Ends the test binary with `line`, once, when what every test needs (the
/// database, the shared server) cannot start: a panic would fail this test
/// only, and each of the others would try again and fail with the same
/// error and a backtrace, dozens of times.
pub fn fail_once(line: &str) -> ! {
    // Straight to the process's stderr: libtest captures `eprintln!` in a
    // test and would never show it, the process ending first.
    let _ = writeln!(std::io::stderr().lock(), "\n{line}");
    std::process::exit(1)
}
