//! The flaw catalogue: every `Bug` of the test server, its scenario family,
//! what it gets wrong, and exactly which scenarios must catch it. The kill
//! matrix runs all of them; the negative controls run the five promises.

use super::run::Scenario;
use super::server::Bug;

pub const MISSING: &str = "Missing token";
pub const FORGED: &str = "Forged token";
pub const EXPIRED: &str = "Expired token";
pub const CROSS_USER: &str = "Cross-user isolation";
pub const CRUD: &str = "Full CRUD for the owner";
pub const STATELESS: &str = "No backend state or session storage";
pub const ALGORITHMS: &str = "Algorithm and signature attacks";
pub const LIFETIME: &str = "Token lifetime";
pub const CLAIMS: &str = "Subject claims";
pub const HEADERS: &str = "Authorization header parsing";
pub const DISCLOSURE: &str = "What refusals reveal";
pub const BOLA: &str = "Object-level authorization in depth";
pub const ACCOUNTS: &str = "Account endpoints";
pub const SWEEP: &str = "Every declared operation";
pub const LIFECYCLE: &str = "A key's life at the issuer";
pub const ISSUER_AUDIENCE: &str = "Issuer and audience";

/// Scenarios a flaw must fail.
#[derive(Debug, Clone, Copy)]
pub enum Catch {
    /// This one scenario.
    Is(&'static str, &'static str),
    /// Every scenario of the feature.
    Feature(&'static str),
    /// Every scenario of the feature except those whose names start so.
    AllBut(&'static str, &'static [&'static str]),
    /// Every scenario of the feature whose name starts so.
    Prefix(&'static str, &'static str),
}

impl Catch {
    pub fn matches(&self, (feature, scenario): &Scenario) -> bool {
        match *self {
            Self::Is(f, s) => feature == f && scenario == s,
            Self::Feature(f) => feature == f,
            Self::AllBut(f, spared) => {
                feature == f && !spared.iter().any(|prefix| scenario.starts_with(prefix))
            }
            Self::Prefix(f, prefix) => feature == f && scenario.starts_with(prefix),
        }
    }
}

pub struct Flaw {
    pub bug: Bug,
    /// The scenario family (feature tag) the flaw belongs to.
    pub family: &'static str,
    /// The mistake, as a reviewer would describe it.
    pub what: &'static str,
    /// The scenarios that must fail; every other one must pass.
    pub caught_by: &'static [Catch],
    /// Text the run must print (informational reports).
    pub notes: &'static [&'static str],
    /// Users come from `--users register` instead of minted tokens.
    pub register: bool,
    /// `--concurrency` of the run, when it must differ from the default.
    pub concurrency: Option<u16>,
    /// The server serves its OpenAPI document and the routes beyond the
    /// contract it declares; without it the `@needs-openapi` scenarios are
    /// skipped.
    pub document: bool,
    /// JWKS mode: the server verifies the tokens of a `todo-conformance
    /// issuer`, and the suite mints with its key (`--signing-key`).
    pub jwks: bool,
    /// Scenarios the flaw leaves unjudged: reported skipped, "NOT
    /// CHECKED", because it breaks what they build on.
    pub unjudged: &'static [Catch],
}

impl Flaw {
    /// The scenarios that run in this flaw's row, and the number skipped.
    pub fn runnable(&self) -> &'static (Vec<Scenario>, usize) {
        if self.jwks {
            super::listing::runnable_jwks()
        } else {
            super::listing::runnable_for(self.document)
        }
    }
}

const BARRAGE: Catch = Catch::Is(
    DISCLOSURE,
    "The whole catalogue gets no 5xx, and the valid token still works after it",
);
const INTERNALS: Catch = Catch::Is(DISCLOSURE, "No refusal reveals internals");
const INVALID_TOKEN: Catch = Catch::Is(
    DISCLOSURE,
    "A refused token is answered with error=\"invalid_token\"",
);
const EVERY_CHALLENGE: Catch = Catch::Is(
    DISCLOSURE,
    "Every 401 of the catalogue names the Bearer scheme with error=\"invalid_token\"",
);
const QUERY_TOKEN: Catch = Catch::Is(HEADERS, "A token in the query string is not accepted");
const LOGOUT_WITHOUT_TOKEN: Catch = Catch::Is(ACCOUNTS, "Logout without a token is refused");
const COOKIE_WRITE: Catch = Catch::Is(
    HEADERS,
    "A write with the token only in a cookie, from another site, is refused",
);

const fn attack(scenario: &'static str) -> Catch {
    Catch::Is(ALGORITHMS, scenario)
}

/// An attack of the "signed with the key the target trusts" outline, by
/// the attack's name (the outline's wording is not part of the promise).
const fn signed(attack: &'static str) -> Catch {
    Catch::Prefix(ALGORITHMS, attack)
}

const fn lifetime(scenario: &'static str) -> Catch {
    Catch::Is(LIFETIME, scenario)
}

const fn flaw(
    bug: Bug,
    family: &'static str,
    what: &'static str,
    caught_by: &'static [Catch],
) -> Flaw {
    Flaw {
        bug,
        family,
        what,
        caught_by,
        notes: &[],
        register: false,
        concurrency: None,
        document: false,
        jwks: false,
        unjudged: &[],
    }
}

/// A flaw on a route beyond the contract, run with the document.
const fn swept(bug: Bug, what: &'static str, caught_by: &'static [Catch]) -> Flaw {
    Flaw {
        document: true,
        ..flaw(bug, "@sweep", what, caught_by)
    }
}

const fn sweep(scenario: &'static str) -> Catch {
    Catch::Is(SWEEP, scenario)
}

const CORS: Catch = sweep("No operation trusts a foreign origin with credentials");

/// The four scenarios that send every operation with bad credentials.
const SWEEP_AUTH: Catch = Catch::Prefix(SWEEP, "Every operation refuses ");

/// A flaw of the JWKS mode, run with a `todo-conformance issuer`.
const fn jwks(
    bug: Bug,
    family: &'static str,
    what: &'static str,
    caught_by: &'static [Catch],
) -> Flaw {
    Flaw {
        jwks: true,
        ..flaw(bug, family, what, caught_by)
    }
}

const fn lifecycle(scenario: &'static str) -> Catch {
    Catch::Is(LIFECYCLE, scenario)
}

const fn issuer_audience(scenario: &'static str) -> Catch {
    Catch::Is(ISSUER_AUDIENCE, scenario)
}

/// Every flaw, the correct server first.
pub const FLAWS: &[Flaw] = &[
    Flaw {
        notes: &["of two valid Authorization headers, the target refused both (400)"],
        ..flaw(
            Bug::None,
            "—",
            "Nothing: the correct server passes every scenario with `--strict`.",
            &[],
        )
    },
    Flaw {
        register: true,
        ..flaw(
            Bug::None,
            "—",
            "Nothing, with users from `--users register`: the correct server passes every scenario with `--strict`.",
            &[],
        )
    },
    Flaw {
        document: true,
        ..flaw(
            Bug::None,
            "—",
            "Nothing, serving `/openapi.json` and the routes beyond the contract it declares: the correct server passes every scenario with `--strict`, the sweep's included.",
            &[],
        )
    },
    Flaw {
        notes: &["of two valid Authorization headers, the target refused both (400)"],
        ..jwks(
            Bug::None,
            "—",
            "Nothing, in JWKS mode (tokens of a `todo-conformance issuer`, checked against its JWKS): the correct server passes every scenario with `--strict`, the key-lifecycle ones included.",
            &[],
        )
    },
    // --- the five promises ------------------------------------------------------
    Flaw {
        notes: &["the target wrote with no token at all"],
        ..flaw(
            Bug::AcceptsMissingToken,
            "@missing-token",
            "Requests with no, Basic, empty or non-JWT credentials are served as the path's user.",
            &[
                Catch::Feature(MISSING),
                LOGOUT_WITHOUT_TOKEN,
                QUERY_TOKEN,
                // A write with only a cookie is a write with no token at all.
                COOKIE_WRITE,
                attack("five segments (JWE-shaped) on list"),
                BARRAGE,
            ],
        )
    },
    flaw(
        Bug::SkipsSignatureCheck,
        "@forged-token",
        "Reads the payload without looking at the header or the signature (the claims are still checked).",
        &[
            Catch::Feature(FORGED),
            Catch::AllBut(
                ALGORITHMS,
                &[
                    "non-base64url characters on list",
                    // Still strict base64url: the junk is refused as such.
                    "Junk in a valid token's signature is refused",
                    "five segments (JWE-shaped) on list",
                    "whitespace inside the token on list",
                    "a 64 KiB token on list",
                    "exp as a string",
                    "nbf as a string",
                    "Duplicate sub keys in the payload",
                ],
            ),
            INVALID_TOKEN,
            BARRAGE,
        ],
    ),
    flaw(
        Bug::AcceptsExpiredTokens,
        "@expired-token",
        "Checks the signature but never looks at `exp`.",
        &[
            // The control sends only the renewed token: it passes.
            Catch::AllBut(EXPIRED, &["Control: "]),
            lifetime("expired 10 minutes ago on list"),
            lifetime("expired 10 minutes ago on create"),
            lifetime("no exp on list"),
            lifetime("no exp on create"),
            signed("exp as a string"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::IgnoresOwner,
        "@cross-user",
        "Authenticates, but never compares the token's `sub` with the path: lists and creates under the path's user, finds tasks by id alone.",
        // Bob's list is read under his own path, which stays scoped.
        &[Catch::AllBut(
            CROSS_USER,
            &["Bob's list does not contain Alice's task"],
        )],
    ),
    flaw(
        Bug::LosesUpdates,
        "@crud",
        "PUT and toggle answer as if they had worked but store nothing.",
        &[
            Catch::Is(CRUD, "Update persists every field"),
            Catch::Is(CRUD, "Toggle persists"),
        ],
    ),
    flaw(
        Bug::DeleteFails,
        "@crud",
        "DELETE of one's own task fails with a 500 and keeps the task (so the suite's cleanup cannot remove it either).",
        &[
            Catch::Is(CRUD, "Delete removes the task"),
            Catch::Is(STATELESS, "A token minted by the suite works for CRUD"),
        ],
    ),
    Flaw {
        notes: &[
            "403 for another user's path, existing task or not: a contract deviation, not an existence oracle",
        ],
        ..flaw(
            Bug::OtherUsersPathIs403,
            "@cross-user",
            "Another user's path gets 403 with no task data instead of 404, whether the task exists or not: a deviation (non-strict without --strict), and the report says it reveals no task's existence.",
            &[Catch::Prefix(CROSS_USER, "Bob's token on Alice's path: ")],
        )
    },
    Flaw {
        notes: &["403 for Alice's existing task, 404 for a missing one: an existence oracle"],
        ..flaw(
            Bug::OwnerCheckAfterLookup,
            "@cross-user",
            "Routes that name a task look it up by id first: a missing task is 404, another user's 403, with no task data. A deviation that is also an existence oracle, and the report says so.",
            &[
                Catch::Is(CROSS_USER, "Bob's token on Alice's path: get"),
                Catch::Is(CROSS_USER, "Bob's token on Alice's path: update"),
                Catch::Is(CROSS_USER, "Bob's token on Alice's path: delete"),
                Catch::Is(CROSS_USER, "Bob's token on Alice's path: toggle"),
                Catch::Prefix(CROSS_USER, "Alice's task id under Bob's own path: "),
                Catch::Prefix(
                    CROSS_USER,
                    "Bob's 404 for Alice's task looks like a missing task's: ",
                ),
            ],
        )
    },
    flaw(
        Bug::ForbiddenButWrites,
        "@cross-user",
        "Another user's path gets 403, but a PUT there is carried out before the check answers: a breach, whatever the status.",
        &[Catch::Prefix(CROSS_USER, "Bob's token on Alice's path: ")],
    ),
    Flaw {
        concurrency: Some(1),
        ..flaw(
            Bug::ListsEveryonesTasks,
            "@cross-user",
            "The list is `SELECT * FROM tasks`: everyone's tasks, on anyone's path. Run one scenario at a time, so that what else is listed is deterministic.",
            &[
                Catch::Is(CROSS_USER, "Bob's list does not contain Alice's task"),
                // Bob's list then shows Alice's probe task.
                Catch::Is(
                    BOLA,
                    "A create carrying Bob's user_id stores the task for Alice only",
                ),
                Catch::Is(
                    BOLA,
                    "An update carrying Bob's user_id does not move the task",
                ),
            ],
        )
    },
    flaw(
        Bug::DropsDescriptionOnCreate,
        "@crud",
        "Create maps every field but `description`, which is lost.",
        &[Catch::Is(
            CRUD,
            "Create echoes the task and the list contains it",
        )],
    ),
    flaw(
        Bug::GetOmitsDescription,
        "@crud",
        "GET of one task uses the list-view serializer, which leaves out `description`.",
        &[
            Catch::Is(CRUD, "Get returns the task"),
            Catch::Is(CRUD, "Update persists every field"),
        ],
    ),
    flaw(
        Bug::AcceptsInvalidInput,
        "@crud",
        "Stores any title and description: empty, or longer than the contract allows. It answers 201 and the task is its owner's alone: a deviation (non-strict without --strict).",
        &[
            Catch::Is(CRUD, "an empty title is refused and nothing is created"),
            Catch::Is(
                CRUD,
                "a 201-character title is refused and nothing is created",
            ),
            Catch::Is(
                CRUD,
                "a 1001-character description is refused and nothing is created",
            ),
        ],
    ),
    flaw(
        Bug::ValidationAnswers400,
        "@crud",
        "A title or description out of bounds is refused with 400 instead of the contract's 422, and nothing is stored: a deviation (non-strict without --strict).",
        &[
            Catch::Is(CRUD, "an empty title is refused and nothing is created"),
            Catch::Is(
                CRUD,
                "a 201-character title is refused and nothing is created",
            ),
            Catch::Is(
                CRUD,
                "a 1001-character description is refused and nothing is created",
            ),
        ],
    ),
    // --- forgery ----------------------------------------------------------------
    flaw(
        Bug::AlgNoneDenylistIsCaseSensitive,
        "@forgery",
        "A case-sensitive denylist refuses `alg: \"none\"`, but algorithms are looked up case-insensitively: `None`, `NONE` and `nOnE` are unsigned and accepted.",
        &[
            attack("alg None on list"),
            attack("alg NONE on list"),
            attack("alg nOnE on list"),
            attack("alg nOnE on update"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::EmptyKeyInKeyRing,
        "@forgery",
        "The rotation key ring holds the secret and an unset \"previous\" secret, the empty string: HMAC with an empty key verifies, whatever the `kid`.",
        &[
            attack("HMAC with an empty key on list"),
            attack("HMAC with an empty key on toggle"),
            attack("kid path traversal with an empty key on list"),
            attack("A kid carrying a shell payload does not run"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::WeakSecret,
        "@forgery",
        "Deployed with the tutorial secret `secret` (the suite is given it as `--secret`).",
        &[
            attack("HMAC with the well-known weak secret \"secret\""),
            BARRAGE,
            // Its own tokens verify with `secret`, read offline.
            Catch::Is(
                ACCOUNTS,
                "The tokens the target issues are not signed with a well-known weak secret",
            ),
        ],
    ),
    flaw(
        Bug::AllowsHs384AndHs512,
        "@forgery",
        "The allow-list is the HMAC family: HS384 and HS512 with the secret verify.",
        &[
            signed("HS384 with the right secret"),
            signed("HS512 with the right secret"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::TrustsEmbeddedJwk,
        "@forgery",
        "Verifies with the `jwk` embedded in the header when there is one (CVE-2018-0114).",
        &[
            attack("an embedded HMAC jwk (CVE-2018-0114) on list"),
            attack("an embedded EdDSA jwk (CVE-2018-0114) on list"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::TrustsKeyUrl,
        "@forgery",
        "Fetches the JWKS named by the header's `jku` (or `x5u`) and verifies with it.",
        &[
            Catch::Prefix(ALGORITHMS, "jku pointing at the suite"),
            Catch::Prefix(ALGORITHMS, "x5u pointing at the suite"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::KidIsAFilePath,
        "@forgery",
        "Reads the key from the file the `kid` names under its key directory, unsanitised: `../../dev/null` is an empty key.",
        &[
            attack("kid path traversal with an empty key on list"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::KidInSqlQuery,
        "@forgery",
        "Looks the key up with `SELECT key FROM keys WHERE kid = '<kid>'`, built by concatenation: `x' UNION SELECT '1'--` makes `1` the key.",
        &[attack("kid SQL injection with the key 1 on list"), BARRAGE],
    ),
    flaw(
        Bug::KidInShellCommand,
        "@forgery",
        "Reads the key with `sh -c \"cat keys/<kid>\"`: the payload's sleeps run (simulated, capped at 4 s); the key it yields is empty and refused, so only the time gives it away.",
        &[attack("A kid carrying a shell payload does not run")],
    ),
    flaw(
        Bug::IgnoresCrit,
        "@forgery",
        "Ignores the `crit` header (RFC 7515 §4.1.11: an unknown critical extension must fail), as python-jose and PyJWT before 2.12.0 do. Only the key's holder can sign such a token, so it is a `@should` (non-strict without --strict), and the barrage does not count it again.",
        &[signed("a crit header naming an unknown extension")],
    ),
    flaw(
        Bug::CoercesStringDates,
        "@forgery",
        "Coerces numeric strings in `exp` and `nbf` to numbers, JavaScript-style, and enforces them, as python-jose does: only the strings within the token's lifetime are accepted, which RFC 7519 §2 does not allow but gains an attacker nothing (`@should`, so the barrage no longer counts them).",
        &[
            signed("exp as a string, 10 minutes ahead"),
            signed("nbf as a string, a minute ago"),
        ],
    ),
    flaw(
        Bug::StringExpUnchecked,
        "@forgery",
        "Compares `exp` with the clock only when it is a number (`if isinstance(exp, int) and exp < now`): a token whose `exp` is a string in the past is accepted.",
        &[
            signed("exp as a string, 10 minutes ago"),
            signed("exp as a string, 10 minutes ahead"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::DuplicateClaimsFirstWins,
        "@forgery",
        "Of two `sub` keys takes the first, which RFC 7519 §4 forbids (reject, or take the last).",
        &[attack("Duplicate sub keys in the payload"), BARRAGE],
    ),
    flaw(
        Bug::SubUnwrapPanics,
        "@forgery",
        "Reads `sub` with `.as_str().unwrap()`: a missing or numeric `sub` is a 500.",
        &[
            Catch::Prefix(CLAIMS, "A token with no sub on "),
            Catch::Prefix(CLAIMS, "A token with a numeric sub on "),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::FalsySubSkipsOwnerCheck,
        "@forgery",
        "`if (sub && sub !== userId) return 404`: a missing or empty `sub` is falsy and skips the owner check.",
        &[
            Catch::Prefix(CLAIMS, "A token with no sub on "),
            Catch::Prefix(CLAIMS, "A token with an empty sub on "),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::HugeTokenCrashes,
        "@forgery",
        "Tokens over 8 KiB crash the parser: 500.",
        &[attack("a 64 KiB token on list"), BARRAGE],
    ),
    flaw(
        Bug::SkipsNonBase64Url,
        "@forgery",
        "Decodes the signature leniently, as Python's base64 (python-jose) does: junk characters in a valid token's signature are skipped, and the token verifies.",
        &[Catch::Is(
            ALGORITHMS,
            "Junk in a valid token's signature is refused",
        )],
    ),
    // --- lifetime ---------------------------------------------------------------
    flaw(
        Bug::ExpOptional,
        "@lifetime",
        "Checks `exp` when there is one, and accepts tokens without.",
        &[
            lifetime("no exp on list"),
            lifetime("no exp on create"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::IgnoresNbf,
        "@lifetime",
        "Never looks at `nbf`.",
        &[
            lifetime("nbf an hour ahead on list"),
            lifetime("nbf an hour ahead on create"),
            signed("nbf as a string"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::ExcessiveLeeway,
        "@lifetime",
        "Allows a quarter of an hour of clock skew on `exp` and `nbf`.",
        &[
            lifetime("expired 10 minutes ago on list"),
            lifetime("expired 10 minutes ago on create"),
            BARRAGE,
        ],
    ),
    // --- header parsing -----------------------------------------------------------
    flaw(
        Bug::CaseSensitiveScheme,
        "@header",
        "Accepts only `Bearer` spelt exactly so, though the scheme is case-insensitive.",
        &[
            Catch::Is(
                HEADERS,
                "The scheme written \"bearer\" is accepted for a valid token",
            ),
            Catch::Is(
                HEADERS,
                "The scheme written \"BEARER\" is accepted for a valid token",
            ),
        ],
    ),
    Flaw {
        notes: &[
            "the target acted as Alice, whose token was the first header (200)",
            "the target acted as Bob, whose token was the first header (Alice's path got 404)",
        ],
        ..flaw(
            Bug::FirstAuthorizationHeaderWins,
            "@header",
            "Of two Authorization headers, uses the first, as Starlette and Node do. It authorizes nobody wrongly (a forged first header is refused, a valid one acts for its own user), so only the `@should` scenarios that want 400 fail, and which token won is reported.",
            &[Catch::Prefix(HEADERS, "Two valid Authorization headers, ")],
        )
    },
    flaw(
        Bug::ChecksAnyHeaderActsOnLast,
        "@header",
        "Of several Authorization headers, lets the request through when any verifies, then acts on the last one's unverified `sub` (a gateway checks, the handler decodes): Bob's token followed by one forged for Alice reads and changes Alice's tasks.",
        &[
            Catch::Prefix(
                HEADERS,
                "Bob's token and a forged token for Alice, Bob's token first, ",
            ),
            Catch::Prefix(HEADERS, "Two valid Authorization headers, "),
        ],
    ),
    flaw(
        Bug::ChecksLastHeaderActsOnFirst,
        "@header",
        "Of several Authorization headers, verifies the last (a proxy keeps the last value) and acts on the first one's unverified `sub` (the application reads the first): a token forged for Alice followed by Bob's reads and changes Alice's tasks.",
        &[
            Catch::Prefix(
                HEADERS,
                "Bob's token and a forged token for Alice, the forged token first, ",
            ),
            Catch::Prefix(HEADERS, "Two valid Authorization headers, "),
        ],
    ),
    flaw(
        Bug::AcceptsQueryToken,
        "@header",
        "Takes `?access_token=` from the URL when there is no Authorization header.",
        &[QUERY_TOKEN],
    ),
    // --- disclosure ---------------------------------------------------------------
    flaw(
        Bug::NoChallenge,
        "@disclosure",
        "Answers 401 without any `WWW-Authenticate` header.",
        &[
            Catch::Feature(MISSING),
            Catch::Feature(FORGED),
            // The control sends no token to be refused.
            Catch::AllBut(EXPIRED, &["Control: "]),
            LOGOUT_WITHOUT_TOKEN,
            QUERY_TOKEN,
            INVALID_TOKEN,
            EVERY_CHALLENGE,
        ],
    ),
    flaw(
        Bug::ChallengeWithoutError,
        "@disclosure",
        "Challenges with a bare `Bearer`, without `error=\"invalid_token\"`, when a token was refused.",
        &[INVALID_TOKEN, EVERY_CHALLENGE],
    ),
    flaw(
        Bug::BacktraceInErrors,
        "@disclosure",
        "Refusals of a presented token carry the verifier's error and its backtrace (file paths, crate names).",
        &[INTERNALS],
    ),
    flaw(
        Bug::PanicsOnBadBase64,
        "@disclosure",
        "`URL_SAFE_NO_PAD.decode(segment).unwrap()`: a token that is not base64url is a 500 whose body is the panic message.",
        &[
            attack("non-base64url characters on list"),
            attack("whitespace inside the token on list"),
            Catch::Is(ALGORITHMS, "Junk in a valid token's signature is refused"),
            BARRAGE,
            INTERNALS,
        ],
    ),
    flaw(
        Bug::LocksOutAfterRefusals,
        "@disclosure",
        "After 20 refused tokens naming a `sub` (unverified), locks that user out, valid token or not: anyone can lock anyone out.",
        &[BARRAGE],
    ),
    // --- object-level authorization -------------------------------------------------
    flaw(
        Bug::MassAssignmentOnCreate,
        "@bola",
        "A `user_id` in a create body decides the task's owner.",
        &[Catch::Is(
            BOLA,
            "A create carrying Bob's user_id stores the task for Alice only",
        )],
    ),
    flaw(
        Bug::MassAssignmentOnUpdate,
        "@bola",
        "A `user_id` in an update body moves the task to that user.",
        &[Catch::Is(
            BOLA,
            "An update carrying Bob's user_id does not move the task",
        )],
    ),
    flaw(
        Bug::MissingTaskIs200Null,
        "@bola",
        "GET of a task that is not the caller's answers 200 with `null` instead of 404.",
        &[
            Catch::Is(BOLA, "Guessed neighbours of Alice's task id are not found"),
            Catch::Is(CRUD, "Delete removes the task"),
            Catch::Is(CROSS_USER, "Alice's task id under Bob's own path: get"),
        ],
    ),
    // --- accounts -------------------------------------------------------------------
    flaw(
        Bug::LoginRevealsUnknownEmail,
        "@accounts",
        "Login answers an unknown email with another body than a wrong password.",
        &[Catch::Is(
            ACCOUNTS,
            "Login does not tell an unknown email from a wrong password",
        )],
    ),
    flaw(
        Bug::DuplicateRegisterCrashes,
        "@accounts",
        "A duplicate email hits the unique index unhandled: 500.",
        &[Catch::Is(
            ACCOUNTS,
            "A duplicate registration is refused, not a server error",
        )],
    ),
    flaw(
        Bug::AcceptsWeakPasswords,
        "@accounts",
        "Registers any password, however short.",
        &[Catch::Is(ACCOUNTS, "A weak password is refused")],
    ),
    flaw(
        Bug::LoginAcceptsAnyPassword,
        "@accounts",
        "Login finds the account by its email and never checks the password: anyone logs in as anyone whose email they know.",
        &[
            Catch::Is(
                ACCOUNTS,
                "A wrong password or an unknown email gets no token",
            ),
            // A wrong password logs in where an unknown email does not.
            Catch::Is(
                ACCOUNTS,
                "Login does not tell an unknown email from a wrong password",
            ),
        ],
    ),
    flaw(
        Bug::IssuesTokensWithoutExp,
        "@accounts",
        "Register and login issue tokens without `exp`, and the verifier checks `exp` only when a token has one (python-jose's default): a token stolen once works forever.",
        &[
            Catch::Is(ACCOUNTS, "The tokens the target issues expire"),
            lifetime("no exp on list"),
            lifetime("no exp on create"),
            BARRAGE,
        ],
    ),
    flaw(
        Bug::LogoutWithoutAuth,
        "@accounts",
        "Logout never authenticates: 200 for anyone.",
        &[
            Catch::Is(MISSING, "logout with no Authorization header"),
            Catch::Is(MISSING, "logout with Basic credentials"),
            Catch::Is(MISSING, "logout with an empty Bearer"),
            Catch::Is(MISSING, "logout with a non-JWT Bearer"),
            Catch::Is(FORGED, "a token signed with another secret on logout"),
            Catch::Is(
                FORGED,
                "Bob's token with its payload set to Alice on logout",
            ),
            Catch::Is(FORGED, "an alg none token on logout"),
            Catch::Is(FORGED, "a token without its signature on logout"),
            Catch::Is(EXPIRED, "A token that expired an hour ago, on logout"),
            LOGOUT_WITHOUT_TOKEN,
        ],
    ),
    // --- statelessness -----------------------------------------------------------
    Flaw {
        register: true,
        // The renewed token is refused too: the control says the expired
        // token's 401s prove nothing, without a verdict.
        unjudged: &[Catch::Is(
            EXPIRED,
            "Control: the same token with a future expiry works",
        )],
        ..flaw(
            Bug::StatefulSessions,
            "@stateless",
            "Keeps a session table: only tokens it issued at login (and not logged out) work. Run with `--users register`, since minted users cannot even pass the preflight.",
            &[Catch::Is(
                STATELESS,
                "A token minted by the suite works for CRUD",
            )],
        )
    },
    flaw(
        Bug::RevokedTokensGet403,
        "@stateless",
        "Logout puts the token on a denylist, and a denylisted token gets 403 instead of 401: a deviation (non-strict without --strict).",
        &[Catch::Is(
            STATELESS,
            "After logout the token still works until it expires",
        )],
    ),
    // --- tokens in cookies -----------------------------------------------------------
    Flaw {
        notes: &[
            "the target accepted Alice's token from the cookie `token` alone on a read (200)",
            "the target wrote from the cookie `token` alone",
        ],
        ..flaw(
            Bug::AcceptsCookieToken,
            "@header",
            "Takes the token from a `token`/`access_token`/`jwt` cookie. A read from a cookie is reported, not failed; a write from one is cross-site request forgery exposure (it was informational before writes were tried).",
            &[COOKIE_WRITE],
        )
    },
    Flaw {
        notes: &[
            "the target accepted Alice's token from the cookie `better-auth.session_token` alone on a read (200)",
        ],
        ..flaw(
            Bug::AcceptsBetterAuthCookie,
            "@header",
            "Takes the token from Better Auth's `better-auth.session_token` cookie: a write accepted from a Better Auth cookie, on a request from another site.",
            &[COOKIE_WRITE],
        )
    },
    // --- flaws the suite only reports -----------------------------------------------
    Flaw {
        notes: &["the target FETCHED the key URL"],
        ..flaw(
            Bug::FetchesKeyUrl,
            "@forgery",
            "Fetches the `jku`/`x5u` URL of a token (an SSRF risk), then refuses the token. Informational by design: reported, not failed.",
            &[],
        )
    },
    Flaw {
        notes: &["the tokens login issues live 400 days (over 30)"],
        ..flaw(
            Bug::LongLivedTokens,
            "@accounts",
            "Register and login issue tokens that live 400 days. Informational by design: reported, not failed.",
            &[],
        )
    },
    flaw(
        Bug::NoTokenSizeCap,
        "@forgery",
        "No size cap on tokens: a 64 KiB token is parsed and HMACed, then refused for its signature. Invisible from outside: no scenario can tell.",
        &[],
    ),
    // --- routes beyond the contract ----------------------------------------------
    swept(
        Bug::ExtraRouteWithoutAuth,
        "`GET /api/{user_id}/tasks/stats`, declared secured, was added without the auth dependency: anyone's counts, with no token or any token.",
        &[
            SWEEP_AUTH,
            sweep("Bob's token opens nothing on Alice's paths"),
        ],
    ),
    // The scenario that catches it runs alone: no other scenario's tasks
    // move the counts.
    swept(
        Bug::StatsCountEveryone,
        "The stats route checks the token and the path, then counts every user's tasks: Bob's counts move when Alice creates a task, and come back when she deletes it.",
        &[sweep("Alice's new task shows in none of Bob's answers")],
    ),
    swept(
        Bug::UserRouteBola,
        "`GET /api/users/{id}` checks the token but not whose it is: any signed-in user reads any user's id and email.",
        &[sweep("Bob's token opens nothing on Alice's paths")],
    ),
    swept(
        Bug::PublicRouteServesData,
        "`GET /api/{user_id}/tasks/shared`, which the document declares without security, serves the path user's tasks to anyone, with any token or none.",
        &[
            SWEEP_AUTH,
            sweep("No operation declared public serves a user's data"),
            sweep("Bob's token opens nothing on Alice's paths"),
        ],
    ),
    swept(
        Bug::ImportTakesOwnerFromBody,
        "`POST /api/{user_id}/tasks/import` takes the task's owner from `user_id` (or `userId`, `owner_id`, `owner`) in the body: mass assignment on a secondary write route.",
        &[sweep("Owner fields in a body move nothing to another user")],
    ),
    swept(
        Bug::UserUpdateBola,
        "`PUT /api/users/{id}` checks the token but not whose it is: anyone renames anyone (what Bob writes shows in Alice's own read of her account).",
        &[sweep("Bob's token opens nothing on Alice's paths")],
    ),
    // Non-strict on its own (the bearer token is not sent by a browser);
    // the kill matrix runs with --strict.
    swept(
        Bug::ReflectsOriginWithCredentials,
        "CORS with `allow_origins=[\"*\"]` and `allow_credentials=True` (Starlette reflects the origin): any site may call it with a visitor's credentials.",
        &[CORS],
    ),
    swept(
        Bug::ReflectsOriginWithCookieAuth,
        "The same CORS, on a target that also takes its token from a cookie: another site's page reads a visitor's tasks.",
        &[CORS, COOKIE_WRITE],
    ),
    // --- JWKS mode ---------------------------------------------------------------
    jwks(
        Bug::CachesJwksForever,
        "@key-lifecycle",
        "Trusts a key once fetched for good: the JWKS is fetched again only for a kid never seen, never when its max-age has passed, so a key the issuer dropped keeps signing in.",
        &[lifecycle(
            "A key dropped from the JWKS is refused within the wait",
        )],
    ),
    Flaw {
        // The removal builds on the new key being accepted first.
        unjudged: &[lifecycle(
            "A key dropped from the JWKS is refused within the wait",
        )],
        ..jwks(
            Bug::NeverRefetchesJwks,
            "@key-lifecycle",
            "Fetches the JWKS once and never again, not even for an unknown kid: after a rotation every user is locked out. The removal scenario cannot judge it (the new key is never accepted) and reports itself not checked.",
            &[lifecycle(
                "A key added to the JWKS is accepted within the wait",
            )],
        )
    },
    jwks(
        Bug::RefetchesJwksPerUnknownKid,
        "@key-lifecycle",
        "Fetches the JWKS again for every unknown kid, with no rate limit: anyone can make it flood the issuer.",
        &[lifecycle(
            "A flood of unknown kids does not make the target fetch the JWKS for each",
        )],
    ),
    // The iss/aud scenarios (a foreign iss or aud, an aud array of foreign
    // values, an iss that only starts like the issuer's) land in the merge;
    // until then nothing catches these two.
    Flaw {
        // The prefix check builds on a foreign `iss` being refused first.
        unjudged: &[issuer_audience(
            "An iss that is a prefix of the expected one is refused",
        )],
        ..jwks(
            Bug::IgnoresIss,
            "@forgery",
            "Never compares `iss` with the issuer: a token another issuer signed with a key of the same JWKS passes.",
            &[issuer_audience("A token from another issuer is refused")],
        )
    },
    Flaw {
        // The array check builds on a foreign `aud` being refused first.
        unjudged: &[issuer_audience(
            "An aud array holding only foreign values is refused",
        )],
        ..jwks(
            Bug::IgnoresAud,
            "@forgery",
            "Never compares `aud` with the issuer: a token meant for another service passes.",
            &[issuer_audience("A token for another audience is refused")],
        )
    },
    jwks(
        Bug::AcceptsHmacWithPublicKey,
        "@forgery",
        "Verifies an `HS256` token with the key's PEM as the HMAC secret (key confusion, CVE-2015-9235).",
        &[
            attack("HS256 with the Ed25519 public key as PEM (SubjectPublicKeyInfo)"),
            BARRAGE,
        ],
    ),
    jwks(
        Bug::AlgFromToken,
        "@forgery",
        "Takes the algorithm from the token's header rather than from the key: `HS256` is an HMAC with the key's raw bytes as the secret.",
        &[
            attack("HS256 with the Ed25519 public key as the raw x bytes"),
            BARRAGE,
        ],
    ),
    jwks(
        Bug::JwksOutageIs500,
        "@key-lifecycle",
        "While the JWKS cannot be fetched, an unknown kid is answered 500.",
        &[lifecycle(
            "Through a JWKS outage known keys keep working and unknown kids are refused",
        )],
    ),
];

/// The flaw of `bug` (the first, for `Bug::None`).
pub fn of(bug: Bug) -> &'static Flaw {
    FLAWS
        .iter()
        .find(|flaw| flaw.bug == bug)
        .expect("every bug is in the catalogue")
}
