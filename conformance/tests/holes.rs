//! The holes of issue 12 that the suite must catch, or at least not hide:
//! promises nobody verified say NOT CHECKED, a minting key the target does
//! not trust turns its scenarios into skips, account takeovers through
//! login fail, tokens the target issues are inspected, paginated lists are
//! followed, and validation answered 400 is a deviation. Each test runs the
//! built suite against the in-memory server of `support`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::Bug;
use support::run;
use support::server;

/// A report file of this test binary, unique per call.
fn report_path(name: &str, extension: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "holes-{name}-{}.{extension}",
        uuid::Uuid::new_v4().simple()
    ))
}

/// The suite against `url` with `args`, and no key unless `args` give one.
fn suite(url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(run::SUITE);
    command
        .args(["--base-url", url, "--concurrency", "8", "--timeout", "5"])
        .args(args)
        .env_remove("BETTER_AUTH_SECRET")
        .env_remove("DATABASE_URL")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    command
}

fn read(path: &Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("{} was not written: {error}", path.display()));
    let _ = std::fs::remove_file(path);
    text
}

/// Without a key to mint with, the expiry checks cannot run: the promise
/// says NOT CHECKED in the matrix, the summary and every report, and the
/// run does not pass it.
#[test]
fn a_promise_whose_every_must_scenario_was_skipped_is_not_checked_everywhere() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let (junit, json, html) = (
        report_path("not-checked", "xml"),
        report_path("not-checked", "json"),
        report_path("not-checked", "html"),
    );
    let mut command = suite(&server.url, &["--users", "register"]);
    command
        .arg("--junit")
        .arg(&junit)
        .arg("--json")
        .arg(&json)
        .arg("--html")
        .arg(&html);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let row = stdout
        .lines()
        .find(|line| line.starts_with("Expired token "))
        .unwrap_or_else(|| panic!("no matrix row for Expired token:\n{stdout}"));
    assert!(row.contains(" NOT CHECKED "), "{row}");
    assert!(
        stdout.contains(
            "NOT CHECKED: Expired token: every scenario that decides it was skipped, so this run does not verify it (needs a key the target trusts to mint tokens"
        ),
        "{stdout}"
    );
    // The stateless promise still has its logout scenario: it is checked.
    assert!(
        !stdout.contains("NOT CHECKED: No backend state"),
        "{stdout}"
    );

    let xml = read(&junit);
    assert!(
        xml.contains(r#"<property name="verdict" value="NOT CHECKED: every scenario that decides this promise was skipped (needs a key"#),
        "{xml}"
    );
    let report: serde_json::Value = serde_json::from_str(&read(&json)).expect("a JSON report");
    let expired = report["promises"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["promise"] == "Expired token"))
        .unwrap_or_else(|| panic!("no Expired token row: {report}"));
    assert_eq!(expired["status"], "NOT CHECKED", "{expired}");
    assert!(
        report["totals"]["not_checked"].as_u64() >= Some(1),
        "{report}"
    );
    let page = read(&html);
    // The warning at the top names every promise nothing verified.
    let named = page
        .split("<strong>NOT CHECKED: ")
        .nth(1)
        .and_then(|rest| rest.split_once("</strong>"))
        .map(|(names, _)| names);
    assert!(
        named.is_some_and(|names| names.split(", ").any(|name| name == "Expired token")),
        "{page}"
    );
}

/// A minting key the target does not trust, seen as a BETTER_AUTH_SECRET
/// left in the environment next to users registered on the target: the
/// scenarios that mint tokens are NOT CHECKED, and say which key, instead
/// of failing their controls while every minted attack "passes" because
/// the target refuses everything the suite mints.
#[test]
fn an_untrusted_minting_key_leaves_the_minted_scenarios_not_checked() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    // --verbose: a line for each skipped scenario.
    let mut command = suite(&server.url, &["--users", "register", "--verbose"]);
    command.env(
        "BETTER_AUTH_SECRET",
        "a-secret-left-over-from-another-service",
    );
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let reason = "NOT CHECKED: the target refused a token minted with the HS256 secret in BETTER_AUTH_SECRET (from this environment), so a refusal here would prove nothing";
    for scenario in [
        "Expired token: Control: the same token with a future expiry works",
        "No backend state or session storage: A token minted by the suite works for CRUD",
        "Algorithm and signature attacks: HS384 with the right secret, signed with the trusted key",
        "Token lifetime: no exp on list",
        "Subject claims: A token with no sub on list",
    ] {
        assert!(
            stdout.contains(&format!("[skipped] {scenario}: {reason}")),
            "{scenario}\n{stdout}"
        );
    }
    assert!(
        stderr.contains(
            "warning: the target refused a token minted with the HS256 secret in BETTER_AUTH_SECRET"
        ),
        "{stderr}"
    );
    assert!(stdout.contains(" 0 failed, 0 non-strict, "), "{stdout}");
    assert!(stdout.contains("NOT CHECKED: Expired token: "), "{stdout}");
    assert_eq!(server.task_count(), 0, "the run left tasks behind");
}

/// A target whose account routes are at `/auth/signup` and `/auth/login`,
/// behind an auth middleware that answers 401 for every path it does not
/// know (so a naive 404 check would find every candidate).
fn elsewhere() -> server::Shape {
    server::Shape {
        accounts: server::Accounts::At {
            sign_up: "/auth/signup",
            login: "/auth/login",
        },
        unmatched: server::Unmatched::Unauthorized,
        ..server::Shape::default()
    }
}

/// The account routes are found where the target has them, the profile's
/// paths notwithstanding, and users registered through them pass.
#[test]
fn account_routes_are_found_where_the_target_has_them() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start_shaped(Bug::None, &secret, elsewhere()));
    let mut command = suite(
        &server.url,
        &["--users", "register", "--secret", &secret, "--strict"],
    );
    command.args(["--tags", "@accounts or @crud"]);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("registered on the target's /auth/signup"),
        "{stderr}"
    );
    assert!(
        stdout.contains(" 0 failed, 0 non-strict, 0 skipped"),
        "{stdout}"
    );
}

/// A login that ignores the password is an account takeover: failed, not
/// a finding to weigh.
#[test]
fn a_login_accepting_any_password_fails_the_run() {
    let runtime = run::runtime();
    let bug = Bug::LoginAcceptsAnyPassword;
    let secret = server::secret_for(bug);
    let server = runtime.block_on(server::start_shaped(bug, &secret, elsewhere()));
    let mut command = suite(&server.url, &["--secret", &secret]);
    command.args(["--tags", "@accounts"]);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "promise broken: Account endpoints (A wrong password or an unknown email gets no token)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("a login as Alice, with a wrong password gave 200 with a token at /token of the body: the account is taken over"),
        "{stdout}"
    );
}

/// Without sign-up and login routes (they live in another service), the
/// account scenarios are skipped, with the paths tried.
#[test]
fn a_target_without_account_routes_skips_their_scenarios() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let shape = server::Shape {
        accounts: server::Accounts::Absent,
        ..server::Shape::default()
    };
    let server = runtime.block_on(server::start_shaped(Bug::None, &secret, shape));
    let mut command = suite(&server.url, &["--secret", &secret, "--verbose"]);
    command.args(["--tags", "@accounts"]);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "[skipped] Account endpoints: A wrong password or an unknown email gets no token: the target has no sign-up route: none of /api/auth/register, /auth/register, /auth/signup, /api/auth/sign-up/email, /register, /signup answers otherwise than a path that cannot exist"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("NOT CHECKED: Account endpoints"),
        "{stdout}"
    );
}

/// Tokens the target issues without `exp` never expire: failed, read from
/// the login's own answer, whatever the run's key.
#[test]
fn tokens_the_target_issues_without_exp_fail() {
    let runtime = run::runtime();
    let bug = Bug::IssuesTokensWithoutExp;
    let secret = server::secret_for(bug);
    let server = runtime.block_on(server::start(bug, &secret));
    let mut command = suite(&server.url, &["--users", "register"]);
    command.args(["--tags", "@accounts"]);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("promise broken: Account endpoints (The tokens the target issues expire)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the token register issued has no `exp`"),
        "{stdout}"
    );
    assert!(
        stdout.contains(": a stolen token stays valid forever"),
        "{stdout}"
    );
}

/// The shipped profile for FastAPI-style pages.
const WRAPPED_PAGINATED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../profiles/wrapped-paginated.toml"
);

fn token(secret: &str, user: &str) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    let claims = serde_json::json!({"sub": user, "email": format!("{user}@example.test"), "iat": now, "exp": now + 900});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("an HS256 token")
}

/// A server listing as `listing`, where the given Alice already has
/// `count` tasks of her own: the suite's tasks land on a later page.
fn with_given_tasks(
    runtime: &tokio::runtime::Runtime,
    listing: server::Listing,
    count: usize,
) -> (server::Server, String, [String; 2]) {
    let secret = server::secret_for(Bug::None);
    let shape = server::Shape {
        listing,
        ..server::Shape::default()
    };
    let server = runtime.block_on(server::start_shaped(Bug::None, &secret, shape));
    let users = [token(&secret, "paged-alice"), token(&secret, "paged-bob")];
    let client = reqwest::Client::new();
    runtime.block_on(async {
        for number in 0..count {
            let created = client
                .post(format!("{}/api/paged-alice/tasks", server.url))
                .bearer_auth(&users[0])
                .json(&serde_json::json!({"title": format!("Alice's own task {number}")}))
                .send()
                .await
                .expect("create Alice's own task");
            assert_eq!(created.status(), 201);
        }
    });
    (server, secret, users)
}

fn as_given(command: &mut Command, users: &[String; 2]) {
    command
        .args(["--users", "given"])
        .env("TODO_ALICE_TOKEN", &users[0])
        .env("TODO_BOB_TOKEN", &users[1]);
}

/// The shipped profile works against a target whose pages hold at most
/// 100 tasks (and refuse a larger `limit` with 422): every scenario passes.
#[test]
fn the_wrapped_paginated_profile_passes_against_a_page_cap_of_100() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let shape = server::Shape {
        listing: server::Listing::Paginated,
        ..server::Shape::default()
    };
    let server = runtime.block_on(server::start_shaped(Bug::None, &secret, shape));
    let command = suite(
        &server.url,
        &[
            "--secret",
            &secret,
            "--strict",
            "--profile",
            WRAPPED_PAGINATED,
        ],
    );
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(" 0 failed, 0 non-strict, "), "{stdout}");
    assert_eq!(server.task_count(), 0, "the run left tasks behind");
}

/// A user with more tasks than a page: the pages are followed, with the
/// profile's page size or with the target's default one, and nothing is
/// reported missing.
#[test]
fn a_paginated_list_is_followed_page_by_page() {
    let runtime = run::runtime();
    let (server, secret, users) = with_given_tasks(&runtime, server::Listing::Paginated, 120);
    for profile in [WRAPPED_PAGINATED, "seed"] {
        let mut command = suite(&server.url, &["--secret", &secret, "--strict"]);
        command.args(["--profile", profile, "--tags", "@crud"]);
        as_given(&mut command, &users);
        let (code, stdout, stderr) = run::run_bounded(command);
        assert_eq!(code, Some(0), "{profile}\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("conformance: 8 passed, 0 failed, 0 non-strict, 0 skipped"),
            "{profile}\n{stdout}"
        );
    }
    assert_eq!(server.task_count(), 120, "only Alice's own tasks are left");
}

/// A bare list of a page size, with no word of more pages: a task missing
/// from it is no verdict. The scenarios that would judge it are NOT
/// CHECKED, saying that only page 1 was read, never failed as "missing".
#[test]
fn a_list_cut_at_a_page_size_says_only_page_1_was_read() {
    let runtime = run::runtime();
    let (server, secret, users) = with_given_tasks(&runtime, server::Listing::ArrayPage, 15);
    let mut command = suite(&server.url, &["--secret", &secret, "--strict", "--verbose"]);
    command.args(["--tags", "@crud"]);
    as_given(&mut command, &users);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(" 0 failed, 0 non-strict, "), "{stdout}");
    assert!(
        stdout.contains(
            "[skipped] Full CRUD for the owner: Create echoes the task and the list contains it: NOT CHECKED: only page 1 was read: it holds 10 tasks, a common page size, and says nothing of more pages"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("promise broken"), "{stdout}");
}

/// Invalid input refused with 400 instead of 422, or accepted for its
/// owner alone, gains an attacker nothing: non-strict, reported, and the
/// run passes without --strict.
#[test]
fn validation_answered_400_or_accepted_is_a_deviation() {
    let runtime = run::runtime();
    for bug in [Bug::ValidationAnswers400, Bug::AcceptsInvalidInput] {
        let run = run::run_suite(
            runtime.handle(),
            bug,
            &run::Options {
                args: vec!["--tags".to_owned(), "@crud".to_owned()],
                ..run::Options::default()
            },
        );
        assert_eq!(run.code, Some(0), "{}", run.dump());
        assert!(run.broken.is_empty(), "{}", run.dump());
        assert_eq!(run.findings.len(), 3, "{}", run.dump());
        let actual = if bug == Bug::ValidationAnswers400 {
            "actual:   400: refused, with another status"
        } else {
            "actual:   201: the input was accepted"
        };
        assert!(run.stdout.contains(actual), "{}", run.dump());
    }
}

/// A logged-out token refused with 403 instead of 401 is still refused:
/// no attacker gains anything, so it is a deviation, not a broken promise.
#[test]
fn a_revoked_token_answered_403_is_a_deviation() {
    let run = run::run_suite(
        run::runtime().handle(),
        Bug::RevokedTokensGet403,
        &run::Options {
            args: vec!["--tags".to_owned(), "@stateless".to_owned()],
            ..run::Options::default()
        },
    );
    // Alice's task stays behind (her token is revoked, so the cleanup
    // cannot delete it), which fails the run on its own; no finding does.
    assert_eq!(
        run.tally.map(|tally| tally.failed),
        Some(0),
        "{}",
        run.dump()
    );
    assert!(
        run.stderr.contains("left behind: 1 task(s)"),
        "{}",
        run.dump()
    );
    assert!(run.broken.is_empty(), "{}", run.dump());
    assert_eq!(
        run.findings.iter().collect::<Vec<_>>(),
        [&(
            "No backend state or session storage".to_owned(),
            "After logout the token still works until it expires".to_owned()
        )],
        "{}",
        run.dump()
    );
}
