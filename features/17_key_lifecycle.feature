@key-lifecycle @needs-signing-key @needs-issuer-control
Feature: A key's life at the issuer
  Promise: the target follows the issuer's JWKS through a key's life. A key
  the issuer adds is accepted soon after (a rotation locks no one out), a
  key it drops stops being accepted once the JWKS's max-age has passed, a
  flood of unknown kids does not make the target fetch the JWKS for each,
  and while the JWKS is down the keys already fetched keep working and an
  unknown kid gets 401 or 503. Runs only with `todo-conformance issuer`,
  whose control API changes the JWKS; each scenario runs alone (@serial),
  waits at most --jwks-wait, and puts the JWKS back as it found it.

  # gains: nothing: a target that never takes up a new key locks every user out after a rotation (availability); non-strict (OpenID Connect Core §10.1.1: a verifier fetches the JWKS again on an unfamiliar kid)
  @should @serial @tc-key-rotation
  Scenario: A key added to the JWKS is accepted within the wait
    Given Alice's token is accepted
    When the issuer publishes a new key beside its own
    Then a token signed with the new key is accepted within the wait

  # gains: a key the issuer retired (e.g. because it leaked) still signs in as any user
  @must @serial @tc-revoked-key
  Scenario: A key dropped from the JWKS is refused within the wait
    Given the issuer publishes a new key beside its own
    And the target accepts tokens signed with the new key
    When the issuer drops the new key from its JWKS
    Then a token signed with the dropped key is refused within the wait

  # gains: no access (a token that is accepted, or answered with a 5xx, fails); a target that fetches the JWKS for every unknown kid lets anyone flood the issuer through it, a denial-of-service amplifier: non-strict (OWASP API4)
  @should @serial @tc-jwks-flood
  Scenario: A flood of unknown kids does not make the target fetch the JWKS for each
    Given Alice's token is accepted
    When someone sends many tokens under kids the issuer never published
    Then every one of them is refused
    And the target fetched the JWKS for at most half of them

  # gains: a 5xx on the attacker's input (an unknown kid while the JWKS is down answered with a 5xx other than 503, or held past the suite's timeout: behind any proxy, a 504); users locked out while the issuer is down is availability only: non-strict
  @must @serial @tc-jwks-outage
  Scenario: Through a JWKS outage known keys keep working and unknown kids are refused
    Given Alice's token is accepted
    When the issuer's JWKS answers 500
    Then tokens under unknown kids get 401 or 503
    And Alice's token is still accepted
    When the issuer's JWKS stops answering
    Then tokens under unknown kids get 401 or 503
    And Alice's token is still accepted
