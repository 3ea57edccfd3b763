@forgery @needs-signing-key
Feature: Subject claims
  A token must name its user in a non-empty string `sub`. Anything else is a
  401 (or the 404 of a path that is not the caller's), never another user's
  data and never a 5xx.

  @must
  Scenario: A token with no sub
    Given Alice has a task
    When someone calls list on Alice's task with the attack "no sub"
    Then the attack is refused

  @must
  Scenario Outline: A token with <attack>
    Given Alice has a task
    When someone calls list on Alice's task with the attack "<attack>"
    Then the answer is 401 or 404
    And the answer carries no task data

    Examples:
      | attack        |
      | an empty sub  |
      | a numeric sub |
