@header
Feature: Authorization header parsing
  RFC 6750 §2: the bearer token travels in the Authorization header, the
  scheme is case-insensitive (RFC 9110 §11.1), and a token in the URL leaks
  into logs.

  @must
  Scenario Outline: The scheme written "<scheme>" is accepted for a valid token
    Given Alice has a task
    When Alice lists her tasks with the scheme written "<scheme>"
    Then the list succeeds
    And the answer lists Alice's task

    Examples:
      | scheme |
      | bearer |
      | BEARER |

  @must
  Scenario Outline: Two Authorization headers, <first> first, never authorize as the wrong user
    Given Alice has a task
    When someone lists Alice's tasks with two Authorization headers, <first> first
    Then the answer is 400 or 401
    And the answer carries no task data

    Examples:
      | first         |
      | Bob's token   |
      | Alice's token |

  @should
  Scenario: A token in the query string is not accepted
    Given Alice has a task
    When someone lists Alice's tasks with her token only in the query string
    Then the answer is 401 with a Bearer challenge
    And the answer carries no task data

  @should
  Scenario: A token sent only in a cookie is reported
    Given Alice has a task
    When someone lists Alice's tasks with her token only in a cookie
    Then whether the attack was accepted is reported
