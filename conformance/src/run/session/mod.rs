//! One run against a target. The session starts the bundled server if there
//! is one, prepares (the preflight, the key server, the banner, the
//! run-wide context), runs the scenarios, and finishes: it sweeps what the
//! suite created, within a time bound, shuts the bundled server down and
//! writes the reports (`finish`). It owns the ledger of created tasks and
//! the results.

mod finish;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::anyhow;

use crate::contract::{Capability, Skip};
use crate::report::console::Detail;
use crate::report::expected::ExpectedFailures;
use crate::run::api::{ApiPlan, Settled};
use crate::run::banner::Banner;
use crate::run::features::Features;
use crate::run::plan::{Connection, Outputs, RunPlan, Target};
use crate::run::prepare;
use crate::run::scenarios::{self, Selection, Tally};
use crate::run::signals::Signals;
use crate::run::sources::Sources;
use crate::target::accounts::{
    self,
    trust::{self, MintingKey},
};
use crate::target::http::Client;
use crate::target::ledger::Ledger;
use crate::target::preflight::{self, Reachable, RunningServer, TargetError};
use crate::target::profile::Profile;
use crate::target::routes;
use crate::target::users::{GivenUsers, Provisioning, UserSource};
use crate::tokens::PublicKey;
use crate::world::context::{self, Context, LoadPlan};

/// Runs the plan: exit 1 when a finding fails the run or a task is left
/// behind. Errors are setup problems (exit 2), reported after the cleanup.
pub async fn run(plan: RunPlan) -> anyhow::Result<ExitCode> {
    let (mut session, work) = Session::new(plan);
    // Listen before starting anything: a signal while the bundled server's
    // container starts must not leave the container behind.
    let mut signals = Signals::listen()
        .map_err(|error| anyhow!("could not listen for Ctrl-C and SIGTERM: {error}"))?;
    let mut signalled = false;
    let started = match &session.target {
        Target::External { url } => Ok(url.clone()),
        Target::Bundled { secret } => {
            let secret = secret.clone();
            // The banner says where it runs, once it is up.
            if session.detail != Detail::Quiet {
                eprintln!("starting the bundled reference server...");
            }
            tokio::select! {
                server = preflight::start_bundled(&secret) => server
                    .map(|server| session.bundled.insert(server).url())
                    .map_err(anyhow::Error::from),
                signal = signals.next() => {
                    signalled = true;
                    Err(anyhow!("interrupted ({signal}) while starting the bundled server"))
                }
            }
        }
    };
    let outcome = match started {
        Ok(base_url) => {
            session.base_url = base_url;
            tokio::select! {
                outcome = session.prepare_and_run(work) => outcome,
                signal = signals.next() => {
                    signalled = true;
                    Err(anyhow!("interrupted ({signal})"))
                }
            }
        }
        Err(error) => Err(error),
    };
    session.finish(outcome, signals, signalled).await
}

/// What the session keeps from preparing to finishing.
struct Session {
    target: Target,
    base_url: String,
    bundled: Option<RunningServer>,
    started: Instant,
    started_at: String,
    profile: Profile,
    strict: bool,
    /// How much the console says.
    detail: Detail,
    expected: Option<ExpectedFailures>,
    outputs: Outputs,
    /// Credentials shown in full in reports (`--show-tokens`).
    show_tokens: bool,
    /// Tasks the suite created and has not deleted yet; the scenarios'
    /// context shares it.
    ledger: Arc<Ledger>,
    /// The target's client, once made: the sweep goes through it.
    client: Option<Client>,
}

/// What preparing and running the scenarios use up.
struct Work {
    features: Features,
    selection: Selection,
    concurrency: usize,
    preparation: Preparation,
}

/// What preparing uses up: it ends in the scenarios' context.
struct Preparation {
    sources: Sources,
    given_users: Option<PathBuf>,
    connection: Connection,
    load: Option<LoadPlan>,
    show_tokens: bool,
    api: ApiPlan,
}

impl Session {
    fn new(plan: RunPlan) -> (Self, Work) {
        let session = Self {
            target: plan.target,
            base_url: String::new(),
            bundled: None,
            started: Instant::now(),
            started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            profile: plan.profile,
            strict: plan.strict,
            detail: plan.detail,
            expected: plan.expected,
            outputs: plan.outputs,
            show_tokens: plan.show_tokens,
            ledger: Arc::new(Ledger::new(plan.sources.users)),
            client: None,
        };
        let work = Work {
            features: plan.features,
            selection: plan.selection,
            concurrency: plan.concurrency,
            preparation: Preparation {
                sources: plan.sources,
                given_users: plan.given_users,
                connection: plan.connection,
                load: plan.load,
                show_tokens: plan.show_tokens,
                api: plan.api,
            },
        };
        (session, work)
    }

    /// Preflight, then the scenarios; the bundled server, if any, is up.
    async fn prepare_and_run(&mut self, work: Work) -> anyhow::Result<Tally> {
        let Work {
            features,
            mut selection,
            concurrency,
            preparation,
        } = work;
        let context = self.prepare(preparation, &mut selection).await?;
        context::install(context);
        let cucumber_json = self.outputs.cucumber_json.as_deref();
        Ok(scenarios::run(features, selection, concurrency, cucumber_json).await?)
    }

    /// Checks the target and the users, learns what it cannot give the
    /// scenarios, prints the banner, and makes the scenarios' context.
    async fn prepare(
        &mut self,
        preparation: Preparation,
        selection: &mut Selection,
    ) -> anyhow::Result<Context> {
        let Preparation {
            sources,
            given_users,
            connection,
            load,
            show_tokens,
            api,
        } = preparation;
        let (client, better_auth) = self.connect(&sources, &connection)?;
        // Before the preflight: it uses the routes the document names.
        let settled = self.settle(&api, &client, &connection, selection).await?;
        let reachable = preflight::preflight(&client, &self.profile).await?;
        let mut trusted_keys =
            prepare::trusted_keys(better_auth.as_ref(), &sources, selection).await?;
        selection.unavailable.extend(sources.load_unavailable());
        // Before any user logs in or registers: they use the routes found.
        let accounts = accounts::discover(&client, &mut self.profile).await;
        selection.unavailable.extend(accounts);
        let given = self
            .given_users(sources.users, given_users.as_deref(), &client)
            .await?;
        let untrusted = self
            .check_users(
                &sources,
                &client,
                better_auth.as_ref(),
                given.as_ref(),
                reachable,
            )
            .await?;
        selection
            .unavailable
            .extend(routes::missing_routes(&client, &self.profile).await);
        self.banner(&sources, given.as_ref(), &trusted_keys, &settled);
        let (minter, spare_keys) = prepare::trusted_minter(
            untrusted,
            (sources.minter, sources.spare_keys),
            better_auth.is_some(),
            &mut trusted_keys,
            selection,
        );
        let (attacker, key_server) = prepare::attacker().await?;
        Ok(Context {
            client,
            minter,
            trusted_keys,
            spare_keys,
            better_auth,
            users: sources.users,
            given,
            profile: self.profile.clone(),
            load,
            show_tokens,
            attacker,
            key_server,
            notes: Mutex::new(Vec::new()),
            ledger: Arc::clone(&self.ledger),
            api: settled.document,
            api_absent: settled.absent,
            read_only: api.read_only,
            issuer: sources.issuer,
            jwks_wait: sources.jwks_wait,
        })
    }

    /// The target's document and the profile it gives (`--write-profile`
    /// saves it); without a document, the sweep's scenarios are skipped.
    async fn settle(
        &mut self,
        api: &ApiPlan,
        client: &Client,
        connection: &Connection,
        selection: &mut Selection,
    ) -> anyhow::Result<Settled> {
        let settled = api
            .settle(
                Some(client),
                (connection.timeout, connection.ca_cert.as_deref()),
                self.profile.clone(),
            )
            .await?;
        self.profile.clone_from(&settled.profile);
        if let Some(path) = &api.write {
            settled.write(path)?;
        }
        if settled.document.is_none() {
            selection.unavailable.push((
                Capability::OpenApi,
                Skip::unlockable(settled.absent.clone()),
            ));
        }
        Ok(settled)
    }

    fn banner(
        &self,
        sources: &Sources,
        given: Option<&GivenUsers>,
        keys: &[PublicKey],
        settled: &Settled,
    ) {
        if self.detail == Detail::Quiet {
            return;
        }
        Banner {
            base_url: &self.base_url,
            bundled: self.bundled.as_ref().map(RunningServer::database),
            profile: &self.profile,
            api: settled,
            sources,
            given,
            trusted_keys: keys,
            strict: self.strict,
        }
        .print();
    }

    /// With `--users given`: the two users, read or logged in.
    async fn given_users(
        &self,
        users: UserSource,
        file: Option<&Path>,
        client: &Client,
    ) -> anyhow::Result<Option<GivenUsers>> {
        if users != UserSource::Given {
            return Ok(None);
        }
        let given = GivenUsers::load(file, client, &self.profile)
            .await
            .map_err(|error| anyhow!("--users given: {}", error.reason))?;
        Ok(Some(given))
    }

    /// The target's client (kept for the sweep) and Better Auth's, if any.
    fn connect(
        &mut self,
        sources: &Sources,
        connection: &Connection,
    ) -> anyhow::Result<(Client, Option<Client>)> {
        let ca_cert = connection.ca_cert.as_deref();
        let client = Client::new(&self.base_url, connection.timeout, ca_cert)?;
        self.client = Some(client.clone());
        let better_auth = match &sources.better_auth {
            Some(url) => Some(Client::new(url, connection.timeout, ca_cert)?),
            None => None,
        };
        Ok((client, better_auth))
    }

    /// The preflight's user, made the run's way (its task is in the ledger
    /// until deleted); and when the suite has a key but gets its users
    /// elsewhere, whether the target trusts a token minted for that same
    /// user. Returns why the minting key is not trusted, when this run could
    /// not prove that it is.
    async fn check_users(
        &self,
        sources: &Sources,
        client: &Client,
        better_auth: Option<&Client>,
        given: Option<&GivenUsers>,
        reachable: Reachable,
    ) -> Result<Option<String>, TargetError> {
        let users = Provisioning {
            source: sources.users,
            minter: sources.minter.as_ref(),
            client,
            better_auth,
            given,
            profile: &self.profile,
        };
        let account = preflight::check_users(&users, reachable, &self.ledger).await?;
        Ok(
            match trust::check(&users, &account, sources.key.check()).await {
                MintingKey::Trusted => None,
                MintingKey::Untrusted(reason) => Some(reason),
            },
        )
    }
}
