//! A Todo profile read out of the target's OpenAPI document: the task
//! routes and where the user is, the toggle and update methods, the account
//! routes wherever they are, the id type, the task's field names, the
//! list's wrapping and page size, and the declared success statuses. What
//! the document does not say stays at the seed's default, and is named.

mod fields;

use reqwest::Method;

use super::{ApiDocument, Location, Operation};
use crate::contract::WriteMethod;
use crate::target::profile::Profile;

/// Last path segments of the account routes real backends use.
const REGISTER: &[&str] = &["register", "signup", "sign-up", "sign_up"];
const LOGIN: &[&str] = &["login", "signin", "sign-in", "sign_in", "token"];
const LOGOUT: &[&str] = &["logout", "signout", "sign-out", "sign_out"];
/// Last segments of a toggle route, most telling first.
const TOGGLE: &[&str] = &["complete", "toggle", "completion", "done", "status"];
/// Last segments of a task collection, most telling first.
const COLLECTIONS: &[&str] = &["tasks", "todos", "items"];

/// The profile, and what the document left to the seed.
#[derive(Debug, Clone)]
pub struct Inferred {
    pub profile: Profile,
    /// The profile's keys the document said nothing of: the seed's apply.
    pub defaults: Vec<&'static str>,
    /// What a task id is (the suite reads ids as text either way).
    pub ids: Option<IdKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Integer,
    Uuid,
    String,
}

impl IdKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Uuid => "uuid",
            Self::String => "string",
        }
    }
}

/// The profile `document` describes.
pub fn infer(document: &ApiDocument) -> Inferred {
    let mut inferred = Inferred {
        profile: Profile::seed(),
        defaults: Vec::new(),
        ids: None,
    };
    "inferred".clone_into(&mut inferred.profile.name);
    inferred.profile.description = format!("inferred from {}", document.source);
    let mut set = Setter {
        inferred: &mut inferred,
    };
    match Tasks::find(document) {
        Some(tasks) => tasks.apply(&mut set),
        None => set.defaults(&[
            "routes.tasks",
            "routes.toggle",
            "routes.update_method",
            "list",
            "fields",
            "statuses",
        ]),
    }
    let routes = &mut set.inferred.profile.routes;
    let accounts = [
        (REGISTER, &mut routes.register, "routes.register"),
        (LOGIN, &mut routes.login, "routes.login"),
        (LOGOUT, &mut routes.logout, "routes.logout"),
    ];
    let mut missing = Vec::new();
    for (names, route, key) in accounts {
        match account_route(document, names) {
            Some(path) => *route = path,
            None => missing.push(key),
        }
    }
    set.defaults(&missing);
    inferred
}

/// Records what was inferred, and what was not.
struct Setter<'a> {
    inferred: &'a mut Inferred,
}

impl Setter<'_> {
    fn defaults(&mut self, keys: &[&'static str]) {
        self.inferred.defaults.extend_from_slice(keys);
    }

    /// Sets `key` with `apply` when the document said (`value` is some).
    fn or_default<T>(
        &mut self,
        key: &'static str,
        value: Option<T>,
        apply: impl FnOnce(&mut Profile, T),
    ) {
        match value {
            Some(value) => apply(&mut self.inferred.profile, value),
            None => self.inferred.defaults.push(key),
        }
    }
}

/// The task routes: the collection (list, create) and the item path.
struct Tasks<'a> {
    collection: &'a str,
    item: &'a str,
    operations: &'a [Operation],
}

impl<'a> Tasks<'a> {
    /// The collection with a GET and a POST whose item path (one more
    /// segment, a parameter) has a GET; among several, the one named like
    /// tasks, then the one with the most operations under it.
    fn find(document: &'a ApiDocument) -> Option<Self> {
        let operations = &document.operations;
        let has = |method: &Method, path: &str| {
            operations
                .iter()
                .any(|op| op.method == *method && op.path == path)
        };
        operations
            .iter()
            .filter(|op| op.method == Method::POST && has(&Method::GET, &op.path))
            .filter(|op| path_params(&op.path) <= 1)
            .filter_map(|op| {
                let item = operations.iter().find(|other| {
                    other.method == Method::GET && is_item_of(&other.path, &op.path)
                })?;
                Some(Self {
                    collection: &op.path,
                    item: &item.path,
                    operations,
                })
            })
            .min_by_key(|tasks| {
                let named = last_segment(tasks.collection);
                let rank = COLLECTIONS
                    .iter()
                    .position(|name| *name == named)
                    .unwrap_or(COLLECTIONS.len());
                let under = operations
                    .iter()
                    .filter(|op| op.path.starts_with(tasks.collection))
                    .count();
                (rank, usize::MAX - under)
            })
    }

    fn operation(&self, method: &Method, path: &str) -> Option<&'a Operation> {
        self.operations
            .iter()
            .find(|op| op.method == *method && op.path == path)
    }

    fn apply(&self, set: &mut Setter<'_>) {
        let user = self
            .operation(&Method::GET, self.collection)
            .and_then(|list| list.params.iter().find(|p| p.location == Location::Path));
        let template = match user {
            Some(user) => self
                .collection
                .replace(&format!("{{{}}}", user.name), "{user_id}"),
            None => self.collection.to_owned(),
        };
        set.inferred.profile.routes.tasks = template;
        let update = [
            (Method::PUT, WriteMethod::Put),
            (Method::PATCH, WriteMethod::Patch),
        ]
        .into_iter()
        .find(|(method, _)| self.operation(method, self.item).is_some());
        set.or_default(
            "routes.update_method",
            update.clone(),
            |profile, (_, method)| {
                profile.routes.update_method = method;
            },
        );
        set.or_default(
            "routes.toggle",
            self.toggle(),
            |profile, (suffix, method)| {
                profile.routes.toggle = suffix;
                profile.routes.toggle_method = method;
            },
        );
        set.inferred.ids = self.ids();
        self.statuses(set, update.map(|(method, _)| method));
        self.fields(set);
    }

    /// The write under the item path, one literal segment further, that
    /// toggles: named like it, PATCH before POST before PUT.
    fn toggle(&self) -> Option<(String, WriteMethod)> {
        let prefix = format!("{}/", self.item);
        TOGGLE.iter().find_map(|name| {
            let path = format!("{prefix}{name}");
            [
                (Method::PATCH, WriteMethod::Patch),
                (Method::POST, WriteMethod::Post),
                (Method::PUT, WriteMethod::Put),
            ]
            .into_iter()
            .find(|(method, _)| self.operation(method, &path).is_some())
            .map(|(_, method)| (format!("/{name}"), method))
        })
    }

    fn statuses(&self, set: &mut Setter<'_>, update: Option<Method>) {
        let toggle = format!("{}{}", self.item, set.inferred.profile.routes.toggle);
        let toggle_method = set.inferred.profile.routes.toggle_method.method();
        let routes = [
            ("statuses.list", Method::GET, self.collection.to_owned()),
            ("statuses.create", Method::POST, self.collection.to_owned()),
            ("statuses.get", Method::GET, self.item.to_owned()),
            (
                "statuses.update",
                update.unwrap_or(Method::PUT),
                self.item.to_owned(),
            ),
            ("statuses.toggle", toggle_method, toggle),
            ("statuses.delete", Method::DELETE, self.item.to_owned()),
        ];
        for (key, method, path) in routes {
            let declared = self
                .operation(&method, &path)
                .map(|op| op.success.clone())
                .filter(|success| !success.is_empty());
            set.or_default(key, declared, |profile, codes| {
                let statuses = &mut profile.statuses;
                *match key {
                    "statuses.list" => &mut statuses.list,
                    "statuses.create" => &mut statuses.create,
                    "statuses.get" => &mut statuses.get,
                    "statuses.update" => &mut statuses.update,
                    "statuses.toggle" => &mut statuses.toggle,
                    _ => &mut statuses.delete,
                } = codes;
            });
        }
    }
}

/// A POST whose last segment names an account route, outside the task
/// routes: the first the document declares.
fn account_route(document: &ApiDocument, names: &[&str]) -> Option<String> {
    document
        .operations
        .iter()
        .find(|op| {
            op.method == Method::POST
                && path_params(&op.path) == 0
                && names.contains(&account_name(&op.path).as_str())
        })
        .map(|op| op.path.clone())
}

/// The segment that names an account route: the last, or the one before
/// a method suffix (Better Auth's `/api/auth/sign-up/email`).
fn account_name(path: &str) -> String {
    let mut segments = path.rsplit('/');
    let last = segments.next().unwrap_or_default();
    match last {
        "email" | "password" => segments.next().unwrap_or_default(),
        _ => last,
    }
    .to_ascii_lowercase()
}

fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

fn path_params(path: &str) -> usize {
    path.matches('{').count()
}

/// Whether `path` is `collection` and one parameter segment; a collection
/// declared with a trailing slash (`/api/tasks/`) has items all the same.
fn is_item_of(path: &str, collection: &str) -> bool {
    path.strip_prefix(collection.trim_end_matches('/'))
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|segment| {
            segment.starts_with('{') && segment.ends_with('}') && !segment.contains('/')
        })
}

#[cfg(test)]
mod tests;
