@must @crud
Feature: Full CRUD for the owner
  Promise: a valid user can create, read, update, toggle and delete their own
  tasks, every change persists, and invalid input is refused without storing
  anything.

  Scenario: Create echoes the task and the list contains it
    Given Alice is signed in
    When Alice creates a task titled "Buy milk" described as "2 litres"
    Then the create succeeds
    And the answer is the task titled "Buy milk" described as "2 litres", not completed
    And Alice's list contains that task

  Scenario: Get returns the task
    Given Alice has a task
    When Alice gets that task
    Then the get succeeds
    And the answer is that task

  Scenario: Update persists every field
    Given Alice has a task
    When Alice updates that task to title "Buy oat milk", description "1 litre", completed
    Then the update succeeds
    And the answer is the task titled "Buy oat milk" described as "1 litre", completed
    And a fresh read of that task shows title "Buy oat milk", description "1 litre", completed

  Scenario: Toggle persists
    Given Alice has a task
    When Alice toggles that task
    Then the toggle succeeds
    And a fresh read of that task shows it completed
    When Alice toggles that task
    Then the toggle succeeds
    And a fresh read of that task shows it not completed

  Scenario: Delete removes the task
    Given Alice has a task
    When Alice deletes that task
    Then the delete succeeds
    And a fresh read of that task gives 404
    And Alice's list does not contain that task

  Scenario Outline: <input> is refused and nothing is created
    Given Alice is signed in
    When Alice creates a task with <input>
    Then the answer is a client error
    And Alice has no tasks

    Examples:
      | input                       |
      | an empty title              |
      | a 201-character title       |
      | a 1001-character description |
