@must @expired-token @needs-signing-key @tc-expired-token
Feature: Expired token
  Promise: a token whose `exp` passed an hour ago gets 401 on every route,
  and nothing is written. The control, the same claims with a future `exp`,
  works, so the 401 is about expiry alone. Without a key the target trusts
  to mint with, every scenario here is skipped and the promise is NOT
  CHECKED.

  # gains: access with an expired token: a token stolen from a log, a
  # browser or a backup keeps working after its exp
  Scenario Outline: A token that expired an hour ago, on <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with a token that expired an hour ago
    Then the answer is 401 with a Bearer challenge
    And the answer carries no task data
    And Alice's tasks are as they were

    Examples: task routes
      | route  |
      | list   |
      | create |
      | get    |
      | update |
      | delete |
      | toggle |

    @needs-logout
    Examples: logout
      | route  |
      | logout |

  # gains: nothing by itself. The control: when the same claims with a
  # future exp are refused too, the 401s above prove nothing about expiry.
  # It sends only the renewed token (the list row above sends the expired
  # one), so that a failing control means the control failed; when it
  # fails, it is NOT CHECKED, not a finding.
  @tc-control
  Scenario: Control: the same token with a future expiry works
    Given Alice has a task
    And Alice holds a token that expired an hour ago
    When someone calls list on Alice's task with the same token expiring in an hour
    Then the renewed token lists Alice's task
