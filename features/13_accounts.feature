@accounts @needs-account-routes
Feature: Account endpoints
  For targets with /api/auth/register, /login and /logout (OWASP API2).

  @should
  Scenario: Login does not tell an unknown email from a wrong password
    Given Alice has an account
    When someone logs in as Alice with a wrong password, and as an unknown email
    Then both answers have the same status and body

  @must
  Scenario: A duplicate registration is refused, not a server error
    Given Alice has an account
    When someone registers Alice's email again
    Then the answer is 409

  @must
  Scenario: A weak password is refused
    When someone registers with the password "short"
    Then the answer is a client error

  @must @needs-logout
  Scenario: Logout without a token is refused
    When someone calls logout on Alice's task with no Authorization header
    Then the answer is 401 with a Bearer challenge
