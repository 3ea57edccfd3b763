//! Inference on real documents: the calibration variants' FastAPI
//! documents (conformance/tests/fixtures/openapi) must give the profiles
//! their grading files assume (expected-profile.toml beside each), and the
//! contract must give the seed.

use std::path::Path;

use super::*;

/// The document of a calibration variant, and the profile expected of it.
fn variant(name: &str) -> (ApiDocument, Profile) {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/openapi");
    let document = ApiDocument::from_file(Path::new(&format!("{fixtures}/{name}.json")))
        .expect("the fixture parses");
    let expected = format!(
        "{}/../ci/targets/calibration/{name}/expected-profile.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    (
        document,
        Profile::load(&expected).expect("the expectation loads"),
    )
}

/// `inferred` with the expectation's name and description, which say
/// where a profile came from, not what it is.
fn named_as(mut inferred: Profile, expected: &Profile) -> Profile {
    inferred.name.clone_from(&expected.name);
    inferred.description.clone_from(&expected.description);
    inferred
}

#[test]
fn each_calibration_variant_gives_the_profile_its_grading_assumes() {
    for (name, ids) in [
        ("seed-jose", IdKind::Integer),
        ("pyjwt-uuid", IdKind::Uuid),
        ("middleware-auth", IdKind::Integer),
        ("email-claim", IdKind::Integer),
        ("paginated", IdKind::Integer),
    ] {
        let (document, expected) = variant(name);
        let inferred = infer(&document);
        assert_eq!(named_as(inferred.profile, &expected), expected, "{name}");
        assert_eq!(inferred.ids, Some(ids), "{name}");
    }
}

#[test]
fn what_a_variant_does_not_declare_is_named() {
    let (document, _) = variant("email-claim");
    let inferred = infer(&document);
    assert_eq!(inferred.defaults, ["routes.logout"]);
    assert_eq!(inferred.profile.routes.register, "/auth/signup");
    let (document, _) = variant("paginated");
    let inferred = infer(&document);
    assert_eq!(
        inferred.defaults,
        ["routes.register", "routes.login", "routes.logout"]
    );
    assert_eq!(inferred.profile.list.query.as_deref(), Some("limit=100"));
}

#[test]
fn the_contract_gives_the_seed() {
    let contract = concat!(env!("CARGO_MANIFEST_DIR"), "/../contract/openapi.yaml");
    let document = ApiDocument::from_file(Path::new(contract)).expect("the contract parses");
    let inferred = infer(&document);
    let seed = Profile::seed();
    assert_eq!(named_as(inferred.profile, &seed), seed);
    assert!(inferred.defaults.is_empty(), "{:?}", inferred.defaults);
}

/// A 3.0.3 YAML document in another shape: tasks from the token, PATCH
/// updates, a POST toggle, a `done` flag, a wrapped list, text ids.
const OTHER_SHAPE: &str = r"
openapi: 3.0.3
info: {title: t, version: '1'}
security: [{bearer: []}]
paths:
  /auth/sign-up/email:
    post: {security: [], responses: {'200': {description: ok}}}
  /auth/sign-in/email:
    post: {security: [], responses: {'200': {description: ok}}}
  /auth/sign-out:
    post: {responses: {'204': {description: ok}}}
  /v1/todos:
    get:
      parameters: [{name: per_page, in: query, schema: {type: integer, maximum: 50, exclusiveMaximum: false}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Todo'}}
                  links: {type: array, items: {type: string}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Todo'}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Todo'}}}}}
  /v1/todos/{todo}:
    parameters: [{name: todo, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: ok}}}
    patch: {responses: {'200': {description: ok}, '204': {description: ok}}}
    delete: {responses: {'200': {description: ok}}}
  /v1/todos/{todo}/toggle:
    post: {responses: {'200': {description: ok}}}
components:
  schemas:
    Todo:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
        notes: {type: string, nullable: true}
        done: {type: boolean}
";

#[test]
fn another_shape_is_read_as_it_is() {
    let document = ApiDocument::parse(OTHER_SHAPE, "other").expect("3.0.3 parses");
    let inferred = infer(&document);
    let profile = &inferred.profile;
    assert_eq!(profile.routes.tasks, "/v1/todos");
    assert!(!profile.user_in_path());
    assert_eq!(profile.routes.update_method, WriteMethod::Patch);
    assert_eq!(
        (profile.routes.toggle.as_str(), profile.routes.toggle_method),
        ("/toggle", WriteMethod::Post)
    );
    assert_eq!(profile.routes.register, "/auth/sign-up/email");
    assert_eq!(profile.routes.login, "/auth/sign-in/email");
    assert_eq!(profile.routes.logout, "/auth/sign-out");
    assert_eq!(profile.list.pointer.as_deref(), Some("/data"));
    assert_eq!(profile.list.query.as_deref(), Some("per_page=50"));
    let fields = &profile.fields;
    assert_eq!(
        (
            fields.title.as_str(),
            fields.description.as_str(),
            fields.completion.field.as_str()
        ),
        ("name", "notes", "done")
    );
    assert_eq!(profile.statuses.create, [200]);
    assert_eq!(profile.statuses.update, [200, 204]);
    assert_eq!(inferred.ids, Some(IdKind::String));
    // The document's requirement holds where an operation names none.
    let secured = |path: &str| {
        document
            .operations
            .iter()
            .find(|op| op.path == path)
            .map(|op| op.secured)
    };
    assert_eq!(secured("/auth/sign-in/email"), Some(false));
    assert_eq!(secured("/auth/sign-out"), Some(true));
}

#[test]
fn a_document_without_task_routes_leaves_the_seed() {
    let document = ApiDocument::parse(
        r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/health": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#,
        "health only",
    )
    .expect("parses");
    let inferred = infer(&document);
    assert_eq!(
        named_as(inferred.profile, &Profile::seed()),
        Profile::seed()
    );
    assert!(inferred.defaults.contains(&"routes.tasks"));
}

/// FastAPI's `APIRouter(prefix="/api/tasks")` with `@router.get("/")`.
#[test]
fn a_collection_with_a_trailing_slash_is_found_and_kept() {
    let ok = r#"{"200": {"description": "ok"}}"#;
    let document = ApiDocument::parse(
        &format!(
            r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{
                "/api/tasks/": {{"get": {{"responses": {ok}}}, "post": {{"responses": {ok}}}}},
                "/api/tasks/{{task_id}}": {{"get": {{"responses": {ok}}}, "delete": {{"responses": {ok}}}}}
            }}}}"#
        ),
        "router prefix",
    )
    .expect("parses");
    let profile = infer(&document).profile;
    assert_eq!(profile.routes.tasks, "/api/tasks/");
    assert_eq!(profile.list_path("alice"), "/api/tasks/");
    assert_eq!(profile.task_path("alice", "7"), "/api/tasks/7");
}
