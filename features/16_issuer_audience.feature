@forgery @needs-signing-key @tc-issuer-audience
Feature: Issuer and audience
  A token names who issued it (`iss`) and whom it is for (`aud`). A verifier
  that checks them compares each exactly: a token of another issuer or for
  another app, signed with the same keys, must not sign anyone in (RFC 7519
  §4.1.1, §4.1.3; RFC 8725 §3.8, §3.9). Every token here is signed with the
  key the target trusts and claims the profile's (or --token-issuer's)
  expected `iss` and `aud` except where it says.

  # gains: nothing an attacker without the key has; non-strict under RFC
  # 8725 §3.8 (validate the issuer): tokens of another app sharing the
  # issuer's keys are accepted
  @should @needs-expected-issuer
  Scenario: A token from another issuer is refused
    Given Alice has a task
    When someone calls list on Alice's task with the attack "a foreign iss"
    Then the attack is refused

  # gains: nothing an attacker without the key has; non-strict under RFC
  # 7519 §4.1.3 (a recipient that does not identify itself with a value in
  # `aud` MUST reject the token) and RFC 8725 §3.9: tokens of another app
  # sharing the issuer's keys are accepted
  @should @needs-expected-audience
  Scenario: A token for another audience is refused
    Given Alice has a task
    When someone calls list on Alice's task with the attack "a foreign aud"
    Then the attack is refused

  # gains: nothing an attacker without the key has (only a holder of the
  # trusted keys signs such a token, as for the foreign iss above); the
  # target checks iss, but not exactly (PyJWT 2.10.0, CVE-2024-53861): a
  # token of another issuer whose name is a substring of the expected one,
  # sharing its keys, is accepted. Non-strict under RFC 8725 §3.8
  @should @needs-expected-issuer
  Scenario: An iss that is a prefix of the expected one is refused
    Given Alice has a task
    And the target refuses the attack "a foreign iss"
    When someone calls list on Alice's task with the attack "an iss that is a prefix of the expected one"
    Then the attack is refused

  # gains: nothing an attacker without the key has (as for the foreign aud
  # above); the target checks aud, but not in an array: a token for other
  # apps only, sharing the issuer's keys, is accepted. Non-strict under RFC
  # 7519 §4.1.3 (MUST reject) and RFC 8725 §3.9
  @should @needs-expected-audience
  Scenario: An aud array holding only foreign values is refused
    Given Alice has a task
    And the target refuses the attack "a foreign aud"
    When someone calls list on Alice's task with the attack "an aud array holding only foreign values"
    Then the attack is refused
