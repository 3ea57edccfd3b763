@bola
Feature: Object-level authorization in depth
  OWASP API1 (BOLA): beyond the cross-user promise, a body cannot reassign
  ownership, and guessing ids finds nothing.

  # gains: a task written into another user's account (mass assignment, OWASP API3)
  @must @tc-mass-assignment
  Scenario: A create carrying Bob's user_id stores the task for Alice only
    Given Bob is signed in
    When Alice creates a task that names Bob as its user_id
    Then the task belongs to Alice and Bob cannot see it

  # gains: a task moved into another user's account (mass assignment, OWASP API3)
  @must @tc-mass-assignment
  Scenario: An update carrying Bob's user_id does not move the task
    Given Alice has a task
    And Bob is signed in
    When Alice updates her task with a body that names Bob as its user_id
    Then the task belongs to Alice and Bob cannot see it

  # gains: other users' tasks read by guessing ids next to one's own (OWASP API1)
  @must @tc-bola
  Scenario: Guessed neighbours of Alice's task id are not found
    Given Alice has a task
    When Alice asks for the neighbours of her task id
    Then every neighbour is 404
