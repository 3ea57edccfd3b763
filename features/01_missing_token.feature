@must @missing-token @tc-missing-token
Feature: Missing token
  Promise: a request without usable bearer credentials gets 401 with a
  `WWW-Authenticate: Bearer` challenge, and no task data, on every task route
  and on logout. Nothing is written.

  # gains: the task routes without logging in: another user's tasks read or changed with no token at all, or a write that happened despite the refusal; a 5xx on the attacker's header. A refusal with 403 or without the Bearer challenge gains nothing: non-strict (RFC 9110 §15.5.2: a 401 MUST carry WWW-Authenticate)
  Scenario Outline: <route> with <credentials>
    Given Alice has a task
    When someone calls <route> on Alice's task with <credentials>
    Then the answer is 401 with a Bearer challenge
    And the answer carries no task data
    And Alice's tasks are as they were

    Examples: task routes
      | route  | credentials             |
      | list   | no Authorization header |
      | create | no Authorization header |
      | get    | no Authorization header |
      | update | no Authorization header |
      | delete | no Authorization header |
      | toggle | no Authorization header |
      | list   | Basic credentials       |
      | create | Basic credentials       |
      | get    | Basic credentials       |
      | update | Basic credentials       |
      | delete | Basic credentials       |
      | toggle | Basic credentials       |
      | list   | an empty Bearer         |
      | create | an empty Bearer         |
      | get    | an empty Bearer         |
      | update | an empty Bearer         |
      | delete | an empty Bearer         |
      | toggle | an empty Bearer         |
      | list   | a non-JWT Bearer        |
      | create | a non-JWT Bearer        |
      | get    | a non-JWT Bearer        |
      | update | a non-JWT Bearer        |
      | delete | a non-JWT Bearer        |
      | toggle | a non-JWT Bearer        |

    @needs-logout
    Examples: logout
      | route  | credentials             |
      | logout | no Authorization header |
      | logout | Basic credentials       |
      | logout | an empty Bearer         |
      | logout | a non-JWT Bearer        |
