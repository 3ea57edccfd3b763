//! Pagination, learnt from a list answer: whether it holds every task, and
//! how to ask for the next page (`skip`, `offset` or `page`, with the page
//! size the answer names, or the `next` link it gives).

use serde_json::{Map, Value};

use super::Profile;

/// Names of the members that say how many tasks there are in all.
const TOTAL: &[&str] = &[
    "total",
    "count",
    "total_count",
    "totalCount",
    "total_items",
    "totalItems",
];
/// Names of the page size (also what the inference looks for in a list's
/// query parameters).
pub const LIMIT: &[&str] = &[
    "limit",
    "page_size",
    "pageSize",
    "per_page",
    "perPage",
    "size",
];
/// Objects where some APIs keep the above instead of the top level.
const META: &[&str] = &["meta", "pagination", "page_info", "pageInfo"];
/// Page sizes frameworks default to: a bare list of exactly this many may
/// have more pages, and says nothing of them.
const COMMON_PAGE_SIZES: &[usize] = &[10, 20, 25, 50, 100];

/// How to ask for the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Query parameters to set on the list path, e.g. `skip=10&limit=10`.
    Query(Vec<(String, String)>),
    /// The path and query the answer links to.
    Path(String),
}

/// What a list answer says about its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// Every task is in the pages read so far.
    Complete,
    /// There are more: this is how to ask for them.
    More(Next),
    /// There are more, or may be, and the answer names no way to them:
    /// why the list is not known whole.
    Unread(String),
}

impl Profile {
    /// What the list answer `answer`, the page that brought the list read
    /// so far to `seen` tasks with `on_page` of them on it, says about the
    /// rest. `base` is the target's base URL, to follow a `next` link.
    pub fn paging(&self, answer: &Value, on_page: usize, seen: usize, base: &str) -> Paging {
        let members = members(answer);
        let number = |names: &[&str]| -> Option<(String, u64)> {
            names.iter().find_map(|name| {
                members
                    .iter()
                    .find_map(|object| object.get(*name)?.as_u64())
                    .map(|value| ((*name).to_owned(), value))
            })
        };
        let total = number(TOTAL).map(|(_, total)| total);
        let limit = number(LIMIT);
        let flagged = says_more(&members);
        let link = next_link(&members);
        let more = match total {
            Some(total) => (seen as u64) < total,
            None => {
                flagged
                    || link.is_some()
                    || limit
                        .as_ref()
                        .is_some_and(|(_, limit)| on_page > 0 && on_page as u64 == *limit)
            }
        };
        if !more {
            return last_page(
                total.is_none() && limit.is_none() && link.is_none(),
                on_page,
            );
        }
        let position = ["skip", "offset"]
            .iter()
            .find_map(|name| number(&[name]))
            .map(|(name, at)| (name, at + on_page as u64))
            .or_else(|| number(&["page"]).map(|(name, page)| (name, page + 1)));
        if let Some((name, value)) = position {
            let mut query = vec![(name, value.to_string())];
            query.extend(limit.map(|(name, limit)| (name, limit.to_string())));
            return Paging::More(Next::Query(query));
        }
        if let Some(path) = link.and_then(|link| same_target(link, base, self)) {
            return Paging::More(Next::Path(path));
        }
        Paging::Unread(match total {
            Some(total) => format!(
                "only page 1 was read: the answer says there are {total} tasks, holds {on_page}, and names no skip, offset, page or next link"
            ),
            None => format!(
                "only page 1 was read: the answer says there are more than its {on_page} tasks, and names no skip, offset, page or next link"
            ),
        })
    }
}

/// Whether a flag in the answer says more pages follow.
fn says_more(members: &[&Map<String, Value>]) -> bool {
    members.iter().any(|object| {
        [
            "has_more",
            "hasMore",
            "has_next",
            "hasNext",
            "has_next_page",
            "hasNextPage",
        ]
        .iter()
        .any(|name| object.get(*name) == Some(&Value::Bool(true)))
    })
}

/// The answer's link to the next page, if it names one.
fn next_link<'a>(members: &[&'a Map<String, Value>]) -> Option<&'a str> {
    members.iter().find_map(|object| {
        ["next", "next_page", "nextPage"]
            .iter()
            .find_map(|name| object.get(*name).and_then(Value::as_str))
    })
}

/// A page after which nothing says more follow: the whole list, unless it
/// says nothing of paging (`silent`) and holds a common page size.
fn last_page(silent: bool, on_page: usize) -> Paging {
    if silent && COMMON_PAGE_SIZES.contains(&on_page) {
        Paging::Unread(format!(
            "only page 1 was read: it holds {on_page} tasks, a common page size, and says nothing of more pages; declare list.query in a profile (e.g. \"limit=100\") to ask for a larger page"
        ))
    } else {
        Paging::Complete
    }
}

/// The answer's object and its pagination sub-objects.
fn members(answer: &Value) -> Vec<&Map<String, Value>> {
    let Some(top) = answer.as_object() else {
        return Vec::new();
    };
    let mut all = vec![top];
    all.extend(
        META.iter()
            .filter_map(|name| top.get(*name).and_then(Value::as_object)),
    );
    all
}

/// A `next` link as a path on the target: a path, a query on the tasks
/// path, or a URL under the base. A link elsewhere is not followed: the
/// suite's tokens go nowhere but the target.
fn same_target(link: &str, base: &str, profile: &Profile) -> Option<String> {
    if let Some(query) = link.strip_prefix('?') {
        let tasks = profile.routes.tasks.split('?').next().unwrap_or_default();
        return Some(format!("{tasks}?{query}"));
    }
    if link.starts_with('/') && !link.starts_with("//") {
        return Some(link.to_owned());
    }
    let rest = link.strip_prefix(base)?;
    rest.starts_with('/').then(|| rest.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const BASE: &str = "http://127.0.0.1:8000";

    fn paging(answer: &Value, on_page: usize, seen: usize) -> Paging {
        Profile::seed().paging(answer, on_page, seen, BASE)
    }

    fn query(pairs: &[(&str, &str)]) -> Paging {
        Paging::More(Next::Query(
            pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        ))
    }

    #[test]
    fn the_next_page_is_learnt_from_the_answer() {
        let fastapi = json!({"tasks": [], "total": 25, "skip": 0, "limit": 10});
        assert_eq!(
            paging(&fastapi, 10, 10),
            query(&[("skip", "10"), ("limit", "10")])
        );
        let offset = json!({"items": [], "meta": {"total": 25, "offset": 10, "limit": 10}});
        assert_eq!(
            paging(&offset, 10, 20),
            query(&[("offset", "20"), ("limit", "10")])
        );
        let pages = json!({"data": [], "page": 1, "per_page": 20, "total": 21});
        assert_eq!(
            paging(&pages, 20, 20),
            query(&[("page", "2"), ("per_page", "20")])
        );
        let drf =
            json!({"count": 12, "next": "http://127.0.0.1:8000/api/a/tasks?page=2", "results": []});
        assert_eq!(
            paging(&drf, 10, 10),
            Paging::More(Next::Path("/api/a/tasks?page=2".to_owned()))
        );
        // A page of `limit` items with no total may have a successor.
        let no_total = json!({"tasks": [], "skip": 0, "limit": 10});
        assert_eq!(
            paging(&no_total, 10, 10),
            query(&[("skip", "10"), ("limit", "10")])
        );
    }

    #[test]
    fn a_whole_list_is_complete_and_an_unknowable_one_says_so() {
        assert_eq!(paging(&json!([]), 3, 3), Paging::Complete);
        assert_eq!(
            paging(
                &json!({"tasks": [], "total": 12, "skip": 10, "limit": 10}),
                2,
                12
            ),
            Paging::Complete
        );
        assert_eq!(
            paging(&json!({"tasks": [], "count": 4}), 4, 4),
            Paging::Complete
        );
        // A bare list of a common page size may hide tasks.
        assert!(matches!(
            paging(&json!([]), 10, 10),
            Paging::Unread(reason) if reason.contains("holds 10 tasks, a common page size")
        ));
        assert!(matches!(
            paging(&json!({"tasks": [], "total": 30}), 10, 10),
            Paging::Unread(reason) if reason.contains("says there are 30 tasks, holds 10")
        ));
        // A link to another host is not followed.
        assert!(matches!(
            paging(
                &json!({"next": "https://elsewhere.example/api?page=2"}),
                10,
                10
            ),
            Paging::Unread(_)
        ));
    }
}
