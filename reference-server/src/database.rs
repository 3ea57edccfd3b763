//! The Postgres the server runs on: `DATABASE_URL`, or a container started
//! with testcontainers that lives exactly as long as the server.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt, TestcontainersError};

use crate::config::{DatabaseConfig, ImageRef};

const MAX_CONNECTIONS: u32 = 16;
/// A request waiting longer than this for a connection gets 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(
        "could not start a Postgres container from image {image}: {source}. Is a Docker engine running and is the image available? Set DATABASE_URL to use an existing database, or TODO_POSTGRES_IMAGE=name:tag to use another image"
    )]
    Container {
        image: ImageRef,
        source: TestcontainersError,
    },
    #[error("DATABASE_URL is not a valid Postgres URL: {0}")]
    InvalidUrl(sqlx::Error),
    #[error("could not connect to Postgres at {target}: {source}")]
    Connect { target: String, source: sqlx::Error },
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub struct Database {
    pub pool: PgPool,
    container: Option<ContainerAsync<Postgres>>,
}

impl Database {
    pub async fn open(config: &DatabaseConfig) -> Result<Self, DatabaseError> {
        let (options, container) = match config {
            DatabaseConfig::Url(url) => {
                let options = PgConnectOptions::from_str(url).map_err(DatabaseError::InvalidUrl)?;
                tracing::info!(target = %describe(&options), "using the database from DATABASE_URL");
                (options, None)
            }
            DatabaseConfig::Container(image) => {
                let (options, container) = start_container(image).await?;
                (options, Some(container))
            }
        };
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await
            .map_err(|source| DatabaseError::Connect {
                target: describe(&options),
                source,
            })?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool, container })
    }

    /// Closes the pool and removes the container, if there is one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(container) = self.container {
            let id = container.id().to_owned();
            match container.rm().await {
                Ok(()) => tracing::info!(container = %id, "removed the Postgres container"),
                Err(error) => {
                    tracing::warn!(container = %id, %error, "could not remove the Postgres container")
                }
            }
        }
    }
}

async fn start_container(
    image: &ImageRef,
) -> Result<(PgConnectOptions, ContainerAsync<Postgres>), DatabaseError> {
    tracing::info!(%image, "starting a Postgres container (set DATABASE_URL to use an existing database)");
    let failed = |source| DatabaseError::Container {
        image: image.clone(),
        source,
    };
    let container = Postgres::default()
        .with_name(&image.name)
        .with_tag(&image.tag)
        .start()
        .await
        .map_err(failed)?;
    let port = container.get_host_port_ipv4(5432).await.map_err(failed)?;
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

/// Host, port and database, without the credentials.
fn describe(options: &PgConnectOptions) -> String {
    format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("(default database)")
    )
}
