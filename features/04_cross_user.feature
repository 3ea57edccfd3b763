@must @cross-user @tc-bola
Feature: Cross-user isolation
  Promise: Alice's tasks are invisible and untouchable for Bob. Every attempt
  is a 404, the same answer as for a task that does not exist (never a 403,
  which would confirm that it does), and nothing of Alice's is lost.

  # gains: Alice's task, seen in Bob's own list
  Scenario: Bob's list does not contain Alice's task
    Given Alice has a task
    And Bob has a task
    When Bob calls list on his own tasks
    Then the list succeeds
    And the answer does not mention Alice's task

  # gains: Alice's tasks, read or changed, with Bob's own token. A 403
  # without data gains nothing: a contract deviation, reported as an
  # existence oracle only when a missing task gets another answer.
  Scenario Outline: Bob's token on Alice's path: <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with Bob's token
    Then the answer is 404
    And the answer carries no task data
    And Alice's tasks are as they were

    @user-in-path
    Examples: routes that name only the user
      | route  |
      | list   |
      | create |

    Examples: routes that name the task
      | route  |
      | get    |
      | update |
      | delete |
      | toggle |

  # gains: Alice's task, read or changed, by its id alone (OWASP API1). A
  # 403 without data is a contract deviation, as above.
  Scenario Outline: Alice's task id under Bob's own path: <route>
    Given Alice has a task
    When Bob calls <route> on Alice's task under his own path
    Then the answer is 404
    And the answer carries no task data
    And Alice's tasks are as they were

    Examples:
      | route  |
      | get    |
      | update |
      | delete |
      | toggle |

  # gains: nothing but which task ids exist (an existence oracle);
  # non-strict: the contract's 404 "never a 403" is there to deny it. The
  # missing task's id has the type of the target's ids, and each id is
  # masked in its answer.
  @should @tc-existence-oracle
  Scenario Outline: Bob's 404 for Alice's task looks like a missing task's: <route>
    Given Alice has a task
    When Bob calls <route> on Alice's task under his own path
    Then the answer is the same as Bob's <route> of a task that does not exist

    Examples:
      | route  |
      | get    |
      | update |
      | delete |
      | toggle |
