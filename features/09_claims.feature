@forgery @needs-signing-key @tc-subject-claim
Feature: Subject claims
  A token must name its user in a non-empty string `sub`. A token that names
  no usable user is refused with 401 (or the 404 of a path that is not the
  caller's); whatever else the target answers, it must neither show nor
  change anyone's tasks, nor fail with a 5xx.

  # gains: another user's tasks, read or changed, when a verifier takes a
  # missing, empty or numeric sub for "no owner check" or for another
  # user's id; or a 5xx on a token it must survive. A 403 or another 4xx,
  # or a 2xx that shows and changes no one's tasks, is a contract deviation.
  @must
  Scenario Outline: A token with <attack> on <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with the attack "<attack>"
    Then the answer shows no one's tasks and is no server error
    And Alice's tasks are as they were

    Examples:
      | attack        | route  |
      | no sub        | list   |
      | no sub        | update |
      | an empty sub  | list   |
      | an empty sub  | update |
      | a numeric sub | list   |
      | a numeric sub | update |
