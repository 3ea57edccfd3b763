@sweep
Feature: Every declared operation
  Promise: every operation the target's OpenAPI document declares, not only
  the contract's six routes (a stats route, a /api/me, an admin list),
  refuses requests without a valid token with 401, shows and changes nothing
  of one user's for another, ignores owner fields in bodies, and trusts no
  foreign origin with credentials. Writes go only to tasks the suite
  created; `--read-only` sends only GET and HEAD to declared operations.

  # gains: any declared operation used with no account at all: its data read or its action done without a token; a 5xx on the attacker's request. A refusal other than 401 gains nothing: non-strict (RFC 9110 §15.5.2)
  @must @needs-openapi @tc-unauthenticated-operation
  Scenario Outline: Every operation refuses a request with <credentials>
    Given Alice has a task
    When someone sends every declared operation on Alice's data with <credentials>
    Then no operation broke the promise
    And Alice's tasks are as they were

    Examples:
      | credentials                        |
      | no Authorization header            |
      | a token signed with another secret |
      | an alg none token                  |

  # gains: any declared operation used with a token that expired an hour ago (a stolen, lapsed token still works)
  @must @needs-openapi @needs-signing-key @tc-expired-token
  Scenario: Every operation refuses a token that expired an hour ago
    Given Alice has a task
    When someone sends every declared operation on Alice's data with a token that expired an hour ago
    Then no operation broke the promise
    And Alice's tasks are as they were

  # gains: a user's data from an operation the document declares public (no security requirement), without any token
  @must @needs-openapi @tc-unauthenticated-operation
  Scenario: No operation declared public serves a user's data
    Given Alice has a task
    When someone reads every operation the document declares public, without a token
    Then no operation broke the promise

  # gains: another user's data read, or her tasks changed, through any declared operation that names her (OWASP API1)
  @must @needs-openapi @tc-bola
  Scenario: Bob's token opens nothing on Alice's paths
    Given Alice has two tasks and Bob has one
    When Bob sends every declared operation on Alice's path with his token
    Then no operation broke the promise

  # gains: another user's task read or changed through one's own path, by its id (OWASP API1)
  @must @needs-openapi @user-in-path @tc-bola
  Scenario: Alice's task stays closed under Bob's own path
    Given Alice has two tasks and Bob has one
    When Bob sends every declared operation on Alice's task under his own path
    Then no operation broke the promise

  # gains: another user's data, counted or shown in one's own answers (a stats route over every user's tasks)
  @must @needs-openapi @serial @tc-data-exposure
  Scenario: Alice's new task shows in none of Bob's answers
    Given Alice has a task
    And Bob has a task
    When Bob reads every declared operation before and after Alice creates a task
    Then no operation broke the promise

  # gains: an object written into another user's account, or taken out of its owner's, through any declared write (mass assignment, OWASP API3)
  @must @needs-openapi @tc-mass-assignment
  Scenario: Owner fields in a body move nothing to another user
    Given Alice has a task
    And Bob has a task
    When Alice sends every declared write with owner fields naming Bob
    Then no operation broke the promise

  # gains: a user's data read by another site's page through her browser, when the target also takes its token from a cookie (failed then); otherwise nothing yet, since the bearer token is not sent by the browser: non-strict
  @should @needs-openapi @tc-cors
  Scenario: No operation trusts a foreign origin with credentials
    Given Alice has a task
    When a foreign origin asks every declared operation
    Then no operation broke the promise

  # gains: a user's data from an undeclared path without a token (failed); an undeclared path that answers at all is informational
  @must @tc-undeclared-path
  Scenario: Common undeclared paths serve no user's data
    Given Alice has a task
    When someone asks common undeclared paths without a token
    Then no operation broke the promise
