//! Postgres for the tests that start their own servers: the image named by
//! `TODO_POSTGRES_IMAGE` (default `postgres:17-alpine`), in a container on a
//! random or a fixed host port. And how a test binary stops when the
//! database every test needs cannot start.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::io::Write;

use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::core::IntoContainerPort;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt};
use todo_reference_server::ImageRef;
use todo_reference_server::config::DEFAULT_POSTGRES_IMAGE;

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

/// A Postgres container and its URL. `port` fixes the host port, so that a
/// restarted container is where the server looks for it (Docker picks a
/// new random port at each start otherwise).
pub async fn container(port: Option<u16>) -> (ContainerAsync<Postgres>, String) {
    let image = image();
    let postgres = Postgres::default()
        .with_name(image.name)
        .with_tag(image.tag);
    let postgres = match port {
        Some(port) => postgres.with_mapped_port(port, 5432.tcp()),
        None => postgres,
    };
    let container = postgres.start().await.unwrap_or_else(|error| {
        fail_once(&format!(
            "could not start a Postgres container from {}: {error}; these tests need a Docker engine (`bash ci/docker-up.sh`) and the image (`bash ci/build-postgres-image.sh`, then TODO_POSTGRES_IMAGE=local/postgres:15)",
            self::image()
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
