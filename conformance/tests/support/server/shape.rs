//! The harmless ways a target's shape may differ from the contract: where
//! the routes are, how unknown paths and lists are answered, and whether it
//! serves an OpenAPI document.

/// Where the task routes take the user from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routes {
    /// `/api/{user_id}/tasks`, the seed contract.
    InPath,
    /// `/api/tasks`, the user taken from the token (the seed routes stay).
    FromToken,
}

/// Where the sign-up and login routes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accounts {
    /// `/api/auth/register` and `/api/auth/login`, the seed contract.
    Contract,
    /// Elsewhere, e.g. `/auth/signup` and `/auth/login`.
    At {
        sign_up: &'static str,
        login: &'static str,
    },
    /// None at all (sign-up and login live in another service).
    Absent,
}

/// How a path that matches no route is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched {
    /// 404, as the contract says.
    NotFound,
    /// 401, as when an auth middleware runs before routing.
    Unauthorized,
}

/// How a list is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Every task, as a bare array: the contract.
    Array,
    /// FastAPI-style pages, `{"tasks", "total", "skip", "limit"}`: 10 tasks
    /// unless `?limit=` asks for more, and a `limit` over 100 refused with
    /// 422, as `Query(le=100)` does.
    Paginated,
    /// A bare array of the first 10 tasks (`?skip=`/`?limit=` honoured up
    /// to 100), saying nothing of the others.
    ArrayPage,
}

/// The harmless ways a target's shape may differ from the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub routes: Routes,
    pub accounts: Accounts,
    pub unmatched: Unmatched,
    pub listing: Listing,
    /// Serves `/openapi.json` and the routes beyond the contract it
    /// declares (`extras`): only the sweep's runs want them.
    pub document: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Self {
            routes: Routes::InPath,
            accounts: Accounts::Contract,
            unmatched: Unmatched::NotFound,
            listing: Listing::Array,
            document: false,
        }
    }
}
