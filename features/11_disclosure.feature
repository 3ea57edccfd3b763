@disclosure
Feature: What refusals reveal
  A refusal names the Bearer scheme (RFC 6750 §3), never fails with a 5xx on
  hostile input, and reveals no stack trace, SQL, file path or library
  version. After the whole barrage, the valid token still works.

  # gains: nothing; non-strict under RFC 6750 §3.1
  @should @tc-bearer-challenge
  Scenario: A refused token is answered with error="invalid_token"
    Given Alice has a task
    When someone calls list on Alice's task with the attack "alg none"
    Then the challenge says error="invalid_token"

  # gains: nothing; non-strict under RFC 6750 §3.1
  @should @tc-bearer-challenge
  Scenario: Every 401 of the catalogue names the Bearer scheme with error="invalid_token"
    Given Alice has a task
    When every attack in the catalogue is sent to Alice's task
    Then every 401 says WWW-Authenticate: Bearer error="invalid_token"

  # gains: access with a forged, altered or expired token (a success), a
  # 5xx on a token an attacker sends, or Alice locked out by tokens naming
  # her. Tokens whose acceptance gains nothing (a future iat, junk in a
  # valid signature, a crit header, a string exp or nbf within the token's
  # lifetime) are graded by their own @should scenarios, not here.
  @must @tc-server-error
  Scenario: The whole catalogue gets no 5xx, and the valid token still works after it
    Given Alice has a task
    When every attack in the catalogue is sent to Alice's task
    Then no attack got a server error or a success
    And Alice's own token still works

  # gains: a map of the target (stack traces, SQL, file paths, library versions: CWE-209), no access; non-strict
  @should @tc-error-disclosure
  Scenario: No refusal reveals internals
    Given Alice has a task
    When every attack in the catalogue is sent to Alice's task
    Then no answer reveals a stack trace, SQL, a file path or a library version
