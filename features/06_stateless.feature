@must @stateless
Feature: No backend state or session storage
  Promise: verification is stateless. A token the target never issued works,
  and logout cannot revoke a stateless token (reported, not failed).

  @needs-signing-key
  Scenario: A token minted by the suite works for CRUD
    Given Alice has a token the target never issued
    When Alice creates a task titled "minted" described as "by the suite"
    Then the create succeeds
    And Alice's list contains that task
    When Alice deletes that task
    Then the delete succeeds

  @needs-logout
  Scenario: After logout the token still works until it expires
    Given Alice has a task
    When Alice logs out
    Then Alice's token is reported as still valid or revoked
