@must @stateless
Feature: No backend state or session storage
  Promise: verification is stateless. A token the target never issued works,
  and logout cannot revoke a stateless token (reported, not failed).

  # gains: nothing to an attacker. Failed as the contract's stateless
  # design: a token from the shared issuer works without a session row
  @needs-signing-key @tc-control
  Scenario: A token minted by the suite works for CRUD
    Given Alice has a token the target never issued
    When Alice creates a task titled "minted" described as "by the suite"
    Then the create succeeds
    And Alice's list contains that task
    When Alice deletes that task
    Then the delete succeeds

  # gains: nothing: whether a logged-out token still works is reported
  # (stateless tokens do until exp). A 5xx on it fails; another refusal
  # than 401 (403, say) is non-strict under RFC 6750 §3.1 (invalid_token)
  @needs-logout @tc-logout
  Scenario: After logout the token still works until it expires
    Given Alice has a task
    When Alice logs out
    Then Alice's token is reported as still valid or revoked
