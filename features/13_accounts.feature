@accounts @needs-account-routes
Feature: Account endpoints
  For targets with sign-up and login routes (OWASP API2). The preflight
  finds them, the profile's first, then the paths common backends use, and
  proves them with a fresh account; without them these scenarios are
  skipped, with the reason. A login must never hand out a token or a
  session for a wrong password or an email nobody registered.

  # gains: any account: a login that accepts a wrong password, or mints a
  # token for an email nobody registered, is an account taken over
  @must @tc-login-bypass
  Scenario: A wrong password or an unknown email gets no token
    Given Alice has an account
    When someone logs in as Alice with a wrong password, and as an unknown email
    Then neither login gets a token or a session

  # gains: which emails have accounts, for phishing and password guessing;
  # non-strict: a @should (OWASP Authentication Cheat Sheet, "Authentication
  # and Error Messages"), though the contract asks for one identical answer
  @should @tc-account-enumeration
  Scenario: Login does not tell an unknown email from a wrong password
    Given Alice has an account
    When someone logs in as Alice with a wrong password, and as an unknown email
    Then both answers have the same status and body

  # gains: a 5xx on input the attacker controls, or Alice's account when a
  # second registration of her email replaces her password; another
  # refusal than 409 is non-strict under the contract (409 Conflict)
  @must @tc-account-overwrite
  Scenario: A duplicate registration is refused, not a server error
    Given Alice has an account
    When someone registers Alice's email again
    Then the duplicate is refused, and Alice's account stays hers

  # gains: accounts that fall to online password guessing, since users may
  # pick a 5-character password
  @must @tc-weak-password
  Scenario: A weak password is refused
    When someone registers with the password "short"
    Then the answer is a client error

  # gains: a route served with no token at all (the missing-token promise,
  # on logout)
  @must @needs-logout @tc-missing-token
  Scenario: Logout without a token is refused
    When someone calls logout on Alice's task with no Authorization header
    Then the answer is 401 with a Bearer challenge

  # gains: a token stolen once (from a log, a browser, a backup) that works
  # forever: the target's tokens never expire
  @must @needs-issued-jwt @tc-token-lifetime
  Scenario: The tokens the target issues expire
    Given Alice has an account
    Then the tokens the target issued her expire, and a lifetime over 30 days is reported

  # gains: every account: a token signed with a well-known secret can be
  # forged for any user
  @must @needs-issued-jwt @tc-weak-secret
  Scenario: The tokens the target issues are not signed with a well-known weak secret
    Given Alice has an account
    Then the tokens the target issued her are not signed with a well-known weak secret
