//! What a run reported as left behind (its `--json` report and its
//! console line), held against what the server behind the hostile target
//! still stores.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::server::Server;

/// What a run reported as left behind.
#[derive(Debug)]
pub struct LeftBehind {
    /// Task ids.
    pub ids: BTreeSet<String>,
    /// User ids whose create got no usable answer and whose list could not
    /// settle it (`maybe one of USER's`).
    pub maybe: BTreeSet<String>,
}

/// The `--json` report's `left_behind`, checked against the console's
/// `left behind:` line.
pub fn left_behind(json: &Path, stderr: &str) -> LeftBehind {
    let text = std::fs::read_to_string(json).expect("the --json report was written");
    let report: serde_json::Value = serde_json::from_str(&text).expect("the report is JSON");
    let entries: Vec<String> = report["left_behind"]
        .as_array()
        .expect("a left_behind array")
        .iter()
        .map(|entry| entry.as_str().expect("a string").to_owned())
        .collect();
    let line = stderr
        .lines()
        .find_map(|line| line.strip_prefix("left behind: "))
        .map(|line| line.split_once(": ").expect("`N task(s) ...: ids`").1);
    match line {
        Some(line) => assert_eq!(line.split(", ").collect::<Vec<_>>(), entries, "{stderr}"),
        None => assert!(entries.is_empty(), "no left behind line: {stderr}"),
    }
    let (maybe, ids): (Vec<String>, Vec<String>) = entries
        .into_iter()
        .partition(|entry| entry.starts_with("maybe "));
    let maybe = maybe
        .iter()
        .map(|entry| {
            let owner = entry
                .strip_prefix("maybe one of ")
                .and_then(|rest| rest.split_once("'s ("))
                .unwrap_or_else(|| panic!("`maybe one of USER's (...)`: {entry}"));
            owner.0.to_owned()
        })
        .collect();
    LeftBehind {
        ids: ids.into_iter().collect(),
        maybe,
    }
}

/// Nothing deleted is reported, and every task left is reported by id,
/// but those of creates whose answer was lost (`lost`: per user id, the
/// creates the server acted on whose answer the hostile target reset): a
/// user may hold as many tasks not named as it lost creates, and only when
/// a `maybe` line names it.
pub fn assert_exact(
    left: &LeftBehind,
    server: &Server,
    lost: &BTreeMap<String, usize>,
    output: &str,
) {
    let stored = server.task_owners();
    let deleted: Vec<_> = left
        .ids
        .iter()
        .filter(|id| !stored.contains_key(*id))
        .collect();
    assert!(
        deleted.is_empty(),
        "reported as left behind, but deleted: {deleted:?}\n{output}"
    );
    let mut unreported: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, owner) in stored.iter().filter(|(id, _)| !left.ids.contains(*id)) {
        unreported.entry(owner).or_default().push(id);
    }
    for (owner, ids) in unreported {
        let lost = lost.get(owner).copied().unwrap_or_default();
        assert!(
            left.maybe.contains(owner) && ids.len() <= lost,
            "{owner}'s tasks {ids:?} left in the target and not reported by id \
             ({lost} creates of theirs lost their answer; maybe: {:?})\n{output}",
            left.maybe
        );
    }
}
