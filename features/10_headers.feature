@header
Feature: Authorization header parsing
  RFC 6750 §2: the bearer token travels in the Authorization header, the
  scheme is case-insensitive (RFC 9110 §11.1), and a token in the URL leaks
  into logs.

  # gains: nothing (a valid user is refused); non-strict under RFC 9110 §11.1 (the auth-scheme is case-insensitive)
  @should @tc-scheme-case
  Scenario Outline: The scheme written "<scheme>" is accepted for a valid token
    Given Alice has a task
    When Alice lists her tasks with the scheme written "<scheme>"
    Then the list succeeds
    And the answer lists Alice's task

    Examples:
      | scheme |
      | bearer |
      | BEARER |

  # gains: Alice's tasks, read or changed, with nothing but Bob's own token
  # and a forged one, from a backend that authenticates one header and acts
  # on the other; or a 5xx on headers an attacker sends.
  @must @tc-duplicate-authorization
  Scenario Outline: Bob's token and a forged token for Alice, <first> first, never act as Alice: <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with Bob's token and a forged token for Alice, <first> first
    Then the answer is no server error
    And the answer carries no task data
    And Alice's tasks are as they were

    Examples:
      | first            | route  |
      | Bob's token      | list   |
      | Bob's token      | update |
      | the forged token | list   |
      | the forged token | update |

  # gains: nothing; non-strict under RFC 9110 §5.3 (Authorization is not a
  # list, so a request must not carry it twice). Both tokens are valid:
  # whichever the target acts on (reported; Starlette and Node take the
  # first), it acts for a user whose token was sent. 400 is the safest
  # answer. A 5xx fails.
  @should @tc-duplicate-authorization
  Scenario Outline: Two valid Authorization headers, <first> first, are refused with 400
    Given Alice has a task
    When someone lists Alice's tasks with two Authorization headers, <first> first
    Then which token the target acted on is reported
    And the answer is 400

    Examples:
      | first         |
      | Bob's token   |
      | Alice's token |

  # gains: nothing at once; non-strict under RFC 6750 §2.3 and §5.3 (a token in a URL ends up in logs and Referer headers)
  @should @tc-token-in-url
  Scenario: A token in the query string is not accepted
    Given Alice has a task
    When someone lists Alice's tasks with her token only in the query string
    Then the answer is 401 with a Bearer challenge
    And the answer carries no task data

  # gains: nothing; reported. A read from a cookie needs the token's
  # holder's browser, and a page on another site cannot read the answer
  # unless CORS lets it. A 5xx fails.
  @should @tc-cookie-token
  Scenario: A token sent only in a cookie is reported
    Given Alice has a task
    When someone lists Alice's tasks with her token only in a cookie
    Then which cookie the target took the token from is reported

  # gains: a write as the victim from any page their browser visits
  # (cross-site request forgery): the browser attaches the cookie to the
  # request another site makes. Better Auth's session cookies are tried
  # too, and the request says it comes from another site (Origin).
  @must @tc-cookie-token
  Scenario: A write with the token only in a cookie, from another site, is refused
    Given Alice is signed in
    When someone creates a task for Alice with her token only in a cookie, from another site
    Then no write was accepted from a cookie alone
