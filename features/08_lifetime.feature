@lifetime @needs-signing-key @tc-token-lifetime
Feature: Token lifetime
  The contract requires `exp`; `nbf` is honoured (RFC 7519 §4.1.4, §4.1.5).
  Leeway and a future `iat` are reported, not judged.

  # gains: access with an expired token, with a token before its nbf, or with one that never expires (no exp: a leaked token stays valid for good); a write despite the refusal
  @must
  Scenario Outline: <attack> on <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with the attack "<attack>"
    Then the attack is refused
    And Alice's tasks are as they were

    Examples:
      | route  | attack                 |
      | list   | expired 10 minutes ago |
      | create | expired 10 minutes ago |
      | list   | no exp                 |
      | create | no exp                 |
      | list   | nbf an hour ahead      |
      | create | nbf an hour ahead      |

  # gains: nothing; informational (how long an expired token is still honoured)
  @should
  Scenario: The leeway on exp is reported
    Given Alice has a task
    Then the target's leeway on exp is reported

  # gains: nothing; informational (RFC 7519 §4.1.6 leaves iat unchecked)
  @should
  Scenario: A token issued in the future is reported
    Given Alice has a task
    When someone calls list on Alice's task with the attack "iat an hour ahead"
    Then whether the attack was accepted is reported
