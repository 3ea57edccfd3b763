//! `--dry-run`: what a run would send, without sending anything. Answers
//! decide the later requests (ids, who owns what), so the plan shows the
//! requests as the profile's route templates, then each scenario's steps.

use cucumber::gherkin::Feature;

use crate::contract::Route;
use crate::run::api::DocumentSource;
use crate::run::plan::RunPlan;
use crate::run::scenarios::Selection;
use crate::run::sources::KeyOrigin;
use crate::target::openapi::discover;
use crate::target::profile::Profile;
use crate::target::users::UserSource;

pub fn print(plan: &RunPlan) {
    let RunPlan {
        profile,
        sources,
        features,
        selection,
        ..
    } = plan;
    let target = plan
        .base_url()
        .unwrap_or("the bundled reference server (started on a loopback port)");
    println!("dry run: nothing is sent. A run against {target} would send:");
    if sources.key == KeyOrigin::Placeholder {
        println!(
            "(no key given: the scenarios are listed as a run with the target's secret would run them, each token named by what it is; a run needs --secret or BETTER_AUTH_SECRET, --signing-key FILE, --better-auth URL, or --users register)"
        );
    }
    println!();
    if plan.api.given.is_none() && matches!(plan.api.source, DocumentSource::Discover) {
        // The document is looked for only by a run: these routes may change.
        println!(
            "first GETs without a token for the OpenAPI document at {}; a profile inferred from it replaces the seed's routes below (--print-profile shows it)",
            discover::PLACES.join(", ")
        );
        println!();
    }
    println!(
        "routes (profile {}), {{user}} the scenario's user, {{task}} a task it created:",
        profile.name
    );
    for route in [
        Route::List,
        Route::Create,
        Route::Get,
        Route::Update,
        Route::Toggle,
        Route::Delete,
        Route::Logout,
    ] {
        let (method, path) = profile.template(route, "{user}");
        println!("  {:<7} {method} {path}", route.name());
    }
    print_preflight(profile, sources.users, sources.minter.is_some());
    println!();
    println!(
        "Each scenario uses {}; it writes only to tasks it created, and deletes them when it ends (also after a failure or Ctrl-C).",
        if sources.users == UserSource::Given {
            "the two given users, one scenario at a time"
        } else {
            "fresh users of its own"
        }
    );
    println!();
    for feature in &features.0 {
        print_feature(feature, selection);
    }
}

fn print_preflight(profile: &Profile, users: UserSource, minter: bool) {
    println!();
    println!("preflight:");
    println!(
        "  GET {} without a token (is the target there?)",
        profile.template(Route::Create, "preflight-{uuid}").1
    );
    println!(
        "  POST {{}} to a path that cannot exist, then to {} and {} and the common sign-up and login paths, until one answers otherwise; a fresh account signs up and logs in there (which account routes does the target have?)",
        profile.routes.register, profile.routes.login
    );
    println!(
        "  as a {} user: list, create a task, delete it (do the users work?)",
        match users {
            UserSource::Mint => "minted",
            UserSource::Register => "freshly registered",
            UserSource::BetterAuth => "Better Auth",
            UserSource::Given => "given",
        }
    );
    println!(
        "  on a 404 there: GET /todo-conformance-no-such-route-{{uuid}} the same way (is the route missing?)"
    );
    if minter && users != UserSource::Mint {
        println!(
            "  list that user's tasks with a token the suite mints for them (does the target trust the key?)"
        );
    }
    println!(
        "  POST {} and POST {} without credentials (do these routes exist?)",
        profile.routes.logout, profile.routes.login
    );
}

fn print_feature(feature: &Feature, selection: &Selection) {
    let chosen: Vec<_> = feature
        .scenarios
        .iter()
        .filter(|scenario| selection.selects(feature, scenario))
        .collect();
    if chosen.is_empty() {
        return;
    }
    println!("{}:", feature.name);
    for scenario in chosen {
        if let Some(skip) = selection.skip_reason(feature, scenario) {
            println!("  {}  [skipped: {}]", scenario.name, skip.reason);
        } else {
            println!("  {}", scenario.name);
            for step in feature
                .background
                .iter()
                .flat_map(|background| &background.steps)
                .chain(&scenario.steps)
            {
                println!("    {}{}", step.keyword, step.value);
            }
        }
    }
}
