//! The rule table: one entry per scenario family, in the order of the
//! feature files that first use it. Ids are stable: a tool that tracks
//! alerts across runs keys on them. A comment says why where the CWE or
//! the OWASP category is not the obvious one.

use super::rule::{Owasp, Rule, Severity};

/// Scenarios of features the suite does not ship (`--features DIR`) that
/// carry no `@tc-…` tag: the suite cannot tell their cause, and a report
/// still needs a rule for them.
pub const CUSTOM: &str = "TC-CUSTOM";

pub const RULES: &[Rule] = &[
    Rule {
        id: "TC-MISSING-TOKEN",
        name: "Route served without a token",
        help: "A request with no bearer token (no Authorization header, Basic credentials, an empty or non-JWT Bearer) must get 401 with a `WWW-Authenticate: Bearer` challenge and no data, and write nothing. An attacker gains the route with no account at all: other users' tasks read or changed. Fix: put the token check in front of every task route (a router-level middleware or dependency), not in each handler.",
        cwe: 306,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    Rule {
        id: "TC-FORGED-TOKEN",
        name: "Token accepted without a valid signature",
        help: "A token signed with another secret, a payload swapped or changed under a kept signature, a token without or with a null signature, an HMAC with an empty key, an all-zero ES256 signature (CVE-2022-21449): each must get 401. An attacker gains any user's account with a token nobody trusted signed. Fix: verify the signature with the configured key before reading any claim, with a maintained JWT library; never decode without verifying.",
        cwe: 347,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    // Missing signature verification (CWE-347) rather than a risky
    // algorithm (CWE-327): a `none` token carries no signature at all.
    Rule {
        id: "TC-ALG-NONE",
        name: "Unsigned `alg: none` token accepted",
        help: "A token whose header says `alg: none` (in any letter case) and that carries no signature must get 401. An attacker gains any user's account by writing the claims they want. Fix: take the algorithm from the verifier's configuration (an allow-list with the issuer's algorithm only), never from the token's header (RFC 8725 §3.1).",
        cwe: 347,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    // CWE-327, as NVD files the key-confusion CVEs this family reproduces
    // (CVE-2022-29217, CVE-2024-33663): HMAC keyed with public data.
    Rule {
        id: "TC-ALG-CONFUSION",
        name: "Public key accepted as an HMAC secret",
        help: "A token signed with HS256 using the target's own public key (as PEM, DER, JWK text, an OpenSSH line or its raw bytes) as the secret must get 401. An attacker gains any user's account, forging tokens offline from the published JWKS (algorithm confusion). Fix: bind each key to its algorithm and allow only the issuer's asymmetric algorithm; upgrade python-jose and PyJWT past the cited CVEs.",
        cwe: 327,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    Rule {
        id: "TC-ALG-ALLOW-LIST",
        name: "Algorithm outside the allow-list accepted",
        help: "HS384 and HS512 tokens signed with the target's own HS256 secret must be refused: a verifier keeps an allow-list of algorithms (RFC 8725 §3.1). Only the holder of the secret can sign these, so an attacker gains nothing directly; the open list is what lets algorithm confusion in. Fix: pass the one expected algorithm to the verifier.",
        cwe: 757,
        owasp: Owasp::Api2,
        severity: Severity::Low,
    },
    Rule {
        id: "TC-KEY-CONFUSION",
        name: "Key chosen by the token",
        help: "A token that brings its own key (an embedded `jwk`, CVE-2018-0114), points at one (`jku`, `x5u` on a server the attacker runs) or names another trusted key's `kid` must not be verified with that key. An attacker gains any user's account with a key they made. Fix: verify only with keys from the configured issuer's JWKS, looked up by `kid` and bound to it; ignore `jwk`, `jku` and `x5u` headers.",
        cwe: 347,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    // CWE-74, the parent of the three injections the kid is tried with
    // (path traversal, SQL, shell): one family, one CWE.
    Rule {
        id: "TC-KID-INJECTION",
        name: "`kid` header reaches a file, a query or a shell",
        help: "A `kid` naming a file (`../../dev/null`), carrying SQL or a shell command, with a token signed by the key that would then be read, must get 401 and run nothing. An attacker gains any user's account, or a command run on the target's host. Fix: treat `kid` as an opaque id looked up in the JWKS; never build a path, a query or a command from it.",
        cwe: 74,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    // CWE-1391 (weak credentials) rather than CWE-798: the secret is one of
    // the defaults published in tutorials, not necessarily in the code.
    Rule {
        id: "TC-WEAK-SECRET",
        name: "HMAC secret from a public list",
        help: "Tokens signed with secrets from tutorials and samples (`secret`, `your-256-bit-secret`, …) must get 401, and the tokens the target issues must not be signed with one. An attacker gains every account, forging tokens offline. Fix: use the issuer's asymmetric keys, or a random secret of at least 256 bits kept out of the code.",
        cwe: 1391,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    Rule {
        id: "TC-MALFORMED-TOKEN",
        name: "Malformed token accepted or crashing",
        help: "Tokens that are not well-formed (characters outside base64url, five segments, whitespace, 64 KiB, an unknown `crit` header, duplicate claims, a string NumericDate) must be refused with 401, never a success or a 5xx. An attacker gains access when a lenient parser verifies something other than what it reads, or defeats denylists keyed on the token's text. Fix: use a strict, maintained JWT library and cap the header size.",
        cwe: 20,
        owasp: Owasp::Api2,
        severity: Severity::Medium,
    },
    Rule {
        id: "TC-EXPIRED-TOKEN",
        name: "Expired token accepted",
        help: "A token whose `exp` passed an hour ago must get 401 on every route and every declared operation. An attacker gains access with a token stolen from a log, a browser or a backup long after it should have lapsed. Fix: let the JWT library check `exp` (do not disable it) with a leeway of seconds, not hours.",
        cwe: 613,
        owasp: Owasp::Api2,
        severity: Severity::High,
    },
    // CWE-440: a control checks the suite's own footing, not the target's
    // security; API8 as the closest (a verifier configured for other
    // tokens than the issuer's).
    Rule {
        id: "TC-CONTROL",
        name: "A valid token the suite minted is refused",
        help: "A token the suite minted with the key the target trusts, with a future expiry, must work. It gains an attacker nothing; when it fails, the refusals elsewhere prove nothing, and the target cannot be judged on them. Fix: check the issuer, audience and key the suite is given (`--token-issuer`, the profile) against the target's configuration.",
        cwe: 440,
        owasp: Owasp::Api8,
        severity: Severity::Low,
    },
    Rule {
        id: "TC-BOLA",
        name: "Another user's object reachable",
        help: "Bob's valid token must not read or change Alice's tasks: not in his own list, not on her path, not by her task id under his own path, not by guessing ids next to one's own, not through any declared operation; the answer is 404. An attacker with an account gains other users' data. Fix: filter every query by the token's subject (`WHERE user_id = $sub`), never by an id from the path or body alone.",
        cwe: 639,
        owasp: Owasp::Api1,
        severity: Severity::High,
    },
    // CWE-204 (observable response discrepancy): the answers differ.
    Rule {
        id: "TC-EXISTENCE-ORACLE",
        name: "Another user's object confirmed to exist",
        help: "Bob's request for Alice's task must get the same answer as for a task that does not exist. An attacker learns which ids exist, nothing more. Fix: answer 404 with the same body whether the task is missing or someone else's.",
        cwe: 204,
        owasp: Owasp::Api1,
        severity: Severity::Low,
    },
    // CWE-440: the owner's own operations are functional, not an attack.
    // No OWASP category is about functional correctness; API8 is where
    // such deviations from a configured contract are usually filed.
    Rule {
        id: "TC-CRUD",
        name: "The owner's own operation fails",
        help: "The owner creates, reads, updates, toggles and deletes their own tasks, and every change persists. It gains an attacker nothing; it is the contract's baseline, which every other verdict stands on. Fix: follow the contract's routes, statuses and fields.",
        cwe: 440,
        owasp: Owasp::Api8,
        severity: Severity::Low,
    },
    // API4: two of the three inputs are the contract's length limits, which
    // API4:2023 lists among the limits an API must set.
    Rule {
        id: "TC-INPUT-VALIDATION",
        name: "Invalid input stored or crashing",
        help: "An empty title, a 201-character title or a 1001-character description must be refused with 422, with nothing stored. An attacker gains a write the target refused, or a 5xx on input they control. Fix: validate the body against the contract's schema before writing, and answer 422.",
        cwe: 20,
        owasp: Owasp::Api4,
        severity: Severity::Medium,
    },
    Rule {
        id: "TC-LOGOUT",
        name: "Logout mishandles the token",
        help: "After logout, the suite reports whether the token still works (a stateless token does until it expires). The answer must be a success or a 401, never a 5xx or another refusal. An attacker gains a token that outlives the session the user ended. Fix: keep tokens short-lived; revoke them with a denylist when logout must end them.",
        cwe: 613,
        owasp: Owasp::Api2,
        severity: Severity::Low,
    },
    Rule {
        id: "TC-TOKEN-LIFETIME",
        name: "Token lifetime not enforced",
        help: "A token expired ten minutes ago, one with no `exp`, one before its `nbf`, one with a string `exp` in the past or `nbf` ahead, and the tokens the target issues (which must expire) are checked; leeway and a future `iat` are reported. An attacker gains a token that never lapses. Fix: require `exp`, honour `nbf`, keep the leeway to seconds.",
        cwe: 613,
        owasp: Owasp::Api2,
        severity: Severity::High,
    },
    // CWE-287: the token authenticates nobody, yet is honoured.
    Rule {
        id: "TC-SUBJECT-CLAIM",
        name: "Token without a usable subject honoured",
        help: "A token with no `sub`, an empty one or a number must show and change no one's tasks, and get no 5xx. An attacker gains other users' tasks when a missing subject turns into \"no owner check\" or matches another user's id. Fix: require a non-empty string `sub` before any query, and refuse the token otherwise.",
        cwe: 287,
        owasp: Owasp::Api2,
        severity: Severity::High,
    },
    Rule {
        id: "TC-SCHEME-CASE",
        name: "Bearer scheme matched case-sensitively",
        help: "The auth-scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` work for a valid token. An attacker gains nothing; valid clients are refused. Fix: compare the scheme case-insensitively.",
        cwe: 178,
        owasp: Owasp::Api2,
        severity: Severity::Low,
    },
    // CWE-436 (interpretation conflict): one layer authenticates one header,
    // another acts on the other.
    Rule {
        id: "TC-DUPLICATE-AUTHORIZATION",
        name: "Two Authorization headers read differently",
        help: "A request with Bob's token and a forged token for Alice must never act as Alice, and two Authorization headers are best refused with 400 (RFC 9110 §5.3). An attacker gains Alice's tasks when one layer verifies one header and another acts on the other. Fix: refuse a request with more than one Authorization header.",
        cwe: 436,
        owasp: Owasp::Api2,
        severity: Severity::High,
    },
    Rule {
        id: "TC-TOKEN-IN-URL",
        name: "Token accepted in the query string",
        help: "A token only in the URL's query must get 401 (RFC 6750 §2.3, §5.3). An attacker gains tokens from logs, proxies and Referer headers, where URLs end up. Fix: read the token from the Authorization header only.",
        cwe: 598,
        owasp: Owasp::Api2,
        severity: Severity::Low,
    },
    // API8: cookie-borne credentials without a cross-site defence are a
    // configuration gap, as OWASP files CORS and CSRF defences.
    Rule {
        id: "TC-COOKIE-TOKEN",
        name: "Token taken from a cookie (cross-site request forgery)",
        help: "A write sent from another site with the token only in a cookie (the suite's or Better Auth's session cookies) must be refused; which cookie the target reads is reported. An attacker gains writes as the victim from any page the victim's browser visits. Fix: take the bearer token from the Authorization header only, or check Origin and use SameSite cookies with a CSRF token.",
        cwe: 352,
        owasp: Owasp::Api8,
        severity: Severity::High,
    },
    // CWE-684: the answer breaks the specification (RFC 6750 §3, RFC 9110
    // §15.5.2) without exposing anything.
    Rule {
        id: "TC-BEARER-CHALLENGE",
        name: "Refusal without the Bearer challenge",
        help: "A 401 names the Bearer scheme in `WWW-Authenticate`, with `error=\"invalid_token\"` for a refused token (RFC 6750 §3, §3.1). An attacker gains nothing; clients cannot tell a missing token from a bad one. Fix: answer 401 with `WWW-Authenticate: Bearer error=\"invalid_token\"`.",
        cwe: 684,
        owasp: Owasp::Api8,
        severity: Severity::Low,
    },
    // Filed by finding, never by scenario: a refusal that exposes nothing
    // but has another 4xx status than the contract's (403 for 401, 403 for
    // 404, 400 for 422) breaks the specification, not a security promise.
    Rule {
        id: "TC-REFUSAL-STATUS",
        name: "Refusal with another status than the contract's",
        help: "A refused request gets the status the contract names: 401 for a missing or bad token, 404 for another user's task, 422 for invalid input. A target that refuses with another 4xx and exposes nothing is a contract deviation (non-strict): an attacker gains nothing, but clients and the suite's other verdicts rely on the status. Fix: answer with the contract's status; the finding's hint names the usual cause.",
        cwe: 684,
        owasp: Owasp::Api8,
        severity: Severity::Low,
    },
    Rule {
        id: "TC-SERVER-ERROR",
        name: "Server error on attacker input",
        help: "No token, header or body an attacker sends may get a 5xx: the whole token catalogue is sent, and a 5xx anywhere in the suite is filed here. An attacker gains a crash or an error path they can trigger at will, and often a window into the target. Fix: catch verification and parsing errors and answer 401 or 4xx.",
        cwe: 755,
        owasp: Owasp::Api8,
        severity: Severity::Medium,
    },
    Rule {
        id: "TC-ERROR-DISCLOSURE",
        name: "Refusal reveals internals",
        help: "No refusal may carry a stack trace, SQL, a file path or a library version. An attacker gains a map of the target, no access. Fix: log the details, answer with a generic error body.",
        cwe: 209,
        owasp: Owasp::Api8,
        severity: Severity::Low,
    },
    // CWE-915 (mass assignment): owner fields bound from the body.
    Rule {
        id: "TC-MASS-ASSIGNMENT",
        name: "Owner field in a body honoured",
        help: "A create or update whose body names another user in `user_id` (or any owner field of a declared write) must leave the object with its owner. An attacker gains objects written into, or moved out of, another user's account. Fix: set the owner from the token's subject and bind only the writable fields from the body.",
        cwe: 915,
        owasp: Owasp::Api3,
        severity: Severity::High,
    },
    Rule {
        id: "TC-LOGIN-BYPASS",
        name: "Login without the right password",
        help: "A login with a wrong password or an email nobody registered must get no token and no session. An attacker gains any account. Fix: check the password hash before minting anything, and mint only for a registered user.",
        cwe: 287,
        owasp: Owasp::Api2,
        severity: Severity::Critical,
    },
    Rule {
        id: "TC-ACCOUNT-ENUMERATION",
        name: "Login tells unknown emails from wrong passwords",
        help: "A wrong password and an unknown email get the same status and body. An attacker learns which emails have accounts, for phishing and password guessing. Fix: one answer for both.",
        cwe: 204,
        owasp: Owasp::Api2,
        severity: Severity::Low,
    },
    // CWE-620 (unverified password change): a second registration of an
    // email that replaces its password changes it without the old one.
    Rule {
        id: "TC-ACCOUNT-OVERWRITE",
        name: "Duplicate registration replaces an account",
        help: "Registering an existing email again must be refused with 409, and the account must keep its password. An attacker gains the account when the second registration replaces the first. Fix: a unique constraint on the email, and 409 on conflict.",
        cwe: 620,
        owasp: Owasp::Api2,
        severity: Severity::High,
    },
    Rule {
        id: "TC-WEAK-PASSWORD",
        name: "Weak password accepted",
        help: "A registration with a 5-character password must be refused with a client error. An attacker gains accounts by online password guessing. Fix: enforce a minimum length (NIST SP 800-63B: 8 or more) and check against breached passwords.",
        cwe: 521,
        owasp: Owasp::Api2,
        severity: Severity::Medium,
    },
    // CWE-362 and API1 rather than resource exhaustion: the load is a few
    // users' ordinary traffic, and the promise is isolation under it.
    Rule {
        id: "TC-LOAD-ISOLATION",
        name: "Isolation breaks under concurrent load",
        help: "With many users working at once (`--load`), every read returns only the reader's tasks, every cross-user write changes nothing and no request gets a 5xx. An attacker gains other users' tasks when requests race, or errors with ordinary traffic. Fix: no per-user state shared across requests (globals, caches keyed without the user); a connection pool sized for the load.",
        cwe: 362,
        owasp: Owasp::Api1,
        severity: Severity::High,
    },
    // API5 (function level): an operation beyond the contract's routes,
    // left outside the authentication every other route has.
    Rule {
        id: "TC-UNAUTHENTICATED-OPERATION",
        name: "Declared operation served without a valid token",
        help: "Every operation the OpenAPI document declares, beyond the contract's routes, must refuse a missing, forged or `alg: none` token with 401, and no operation declared public may serve a user's data. An attacker gains that operation's data or action with no account. Fix: authenticate every route by default and opt public ones out explicitly.",
        cwe: 306,
        owasp: Owasp::Api5,
        severity: Severity::Critical,
    },
    // API9: undocumented endpoints are improper inventory.
    Rule {
        id: "TC-UNDECLARED-PATH",
        name: "Undeclared path serves user data",
        help: "Common paths the document does not declare (`/api/users`, `/admin`, debug and docs routes) must serve no user's data without a token; one that answers at all is reported. An attacker gains data from an endpoint nobody reviewed. Fix: remove or protect undeclared routes, and keep the document complete.",
        cwe: 306,
        owasp: Owasp::Api9,
        severity: Severity::High,
    },
    Rule {
        id: "TC-DATA-EXPOSURE",
        name: "Another user's data in one's own answers",
        help: "A task Alice creates must not change anything Bob's requests return (a stats route counting every user's tasks, say). An attacker gains other users' data through aggregate or nested answers. Fix: scope every query, aggregates included, to the token's subject.",
        cwe: 200,
        owasp: Owasp::Api3,
        severity: Severity::High,
    },
    Rule {
        id: "TC-CORS",
        name: "Foreign origin trusted with credentials",
        help: "No operation may answer a foreign Origin with `Access-Control-Allow-Origin` echoing it and `Access-Control-Allow-Credentials: true`. An attacker gains users' data read by another site's page through their browser, when the target also takes a cookie. Fix: an explicit allow-list of origins.",
        cwe: 942,
        owasp: Owasp::Api8,
        severity: Severity::Medium,
    },
    // CWE-345: the token's origin and recipient are not verified; the
    // prefix comparison (CVE-2024-53861) would be CWE-697 alone.
    Rule {
        id: "TC-ISSUER-AUDIENCE",
        name: "Foreign issuer or audience accepted",
        help: "A token of another issuer, for another audience, with an `iss` that is a prefix of the expected one, or an `aud` array of foreign values only, must be refused (RFC 7519 §4.1.1, §4.1.3; RFC 8725 §3.8, §3.9). Only a holder of the trusted keys signs these, so an attacker without them gains nothing; tokens of another app sharing the issuer's keys work here. Fix: check `iss` and `aud` for exact equality.",
        cwe: 345,
        owasp: Owasp::Api2,
        severity: Severity::Low,
    },
    // API8: a JWKS cache that never refreshes is configuration.
    Rule {
        id: "TC-KEY-ROTATION",
        name: "New issuer key not taken up",
        help: "A key the issuer adds to its JWKS is accepted within the wait (OpenID Connect Core §10.1.1: fetch the JWKS again on an unknown kid). An attacker gains nothing; every user is locked out after a rotation. Fix: refetch the JWKS on an unknown kid, rate-limited.",
        cwe: 440,
        owasp: Owasp::Api8,
        severity: Severity::Low,
    },
    Rule {
        id: "TC-REVOKED-KEY",
        name: "Key dropped from the JWKS still accepted",
        help: "A key the issuer drops from its JWKS stops being accepted once the JWKS's max-age has passed. An attacker holding a retired key (one that leaked, say) gains any user's account. Fix: cache the JWKS no longer than its max-age and drop keys it no longer lists.",
        cwe: 324,
        owasp: Owasp::Api2,
        severity: Severity::High,
    },
    Rule {
        id: "TC-JWKS-FLOOD",
        name: "Unknown kids make the target fetch the JWKS for each",
        help: "A flood of tokens under kids nobody published must not make the target fetch the issuer's JWKS for each one. An attacker gains a denial-of-service amplifier against the issuer. Fix: rate-limit JWKS fetches (one per interval) and remember unknown kids briefly.",
        cwe: 770,
        owasp: Owasp::Api4,
        severity: Severity::Medium,
    },
    // API10: the JWKS is an upstream API the target consumes.
    Rule {
        id: "TC-JWKS-OUTAGE",
        name: "JWKS outage mishandled",
        help: "While the issuer's JWKS answers 500 or not at all, known keys keep working and unknown kids get 401 or 503, within the suite's timeout. An attacker gains 5xx answers or hung requests (a 504 behind a proxy) at will while the issuer is down. Fix: keep the last good JWKS, time out its fetch, and answer 401 or 503.",
        cwe: 755,
        owasp: Owasp::Api10,
        severity: Severity::Medium,
    },
    Rule {
        id: CUSTOM,
        name: "Scenario of a feature the suite does not ship",
        help: "A scenario from `--features DIR` whose feature file names no `@tc-…` family: the suite cannot tell its cause. Fix: see the scenario; tag it with a family to classify it.",
        cwe: 440,
        owasp: Owasp::Api8,
        severity: Severity::Medium,
    },
];
