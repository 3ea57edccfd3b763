@must @crud @tc-crud
Feature: Full CRUD for the owner
  Promise: a valid user can create, read, update, toggle and delete their own
  tasks, every change persists, and invalid input is refused with 422
  without storing anything. A list the target paginates is read page by
  page; when it cannot be read whole, a task missing from it is NOT CHECKED,
  never reported missing.

  # gains: nothing to an attacker: the owner's own write is lost or misreported. Failed as the
  # contract's CRUD promise, the baseline every other verdict stands on
  Scenario: Create echoes the task and the list contains it
    Given Alice is signed in
    When Alice creates a task titled "Buy milk" described as "2 litres"
    Then the create succeeds
    And the answer is the task titled "Buy milk" described as "2 litres", not completed
    And Alice's list contains that task

  # gains: nothing to an attacker: the owner's own read is wrong. Failed as the
  # contract's CRUD promise, the baseline every other verdict stands on
  Scenario: Get returns the task
    Given Alice has a task
    When Alice gets that task
    Then the get succeeds
    And the answer is that task

  # gains: nothing to an attacker: the owner's own update is lost. Failed as the
  # contract's CRUD promise, the baseline every other verdict stands on
  Scenario: Update persists every field
    Given Alice has a task
    When Alice updates that task to title "Buy oat milk", description "1 litre", completed
    Then the update succeeds
    And the answer is the task titled "Buy oat milk" described as "1 litre", completed
    And a fresh read of that task shows title "Buy oat milk", description "1 litre", completed

  # gains: nothing to an attacker: the owner's own toggle is lost. Failed as the
  # contract's CRUD promise, the baseline every other verdict stands on
  Scenario: Toggle persists
    Given Alice has a task
    When Alice toggles that task
    Then the toggle succeeds
    And a fresh read of that task shows it completed
    When Alice toggles that task
    Then the toggle succeeds
    And a fresh read of that task shows it not completed

  # gains: nothing to an attacker: the owner's own delete is refused or kept. Failed as the
  # contract's CRUD promise, the baseline every other verdict stands on
  Scenario: Delete removes the task
    Given Alice has a task
    When Alice deletes that task
    Then the delete succeeds
    And a fresh read of that task gives 404
    And Alice's list does not contain that task

  # gains: a 5xx on input the attacker controls, or a task stored though
  # the create was refused (a write despite a refusal): failed. Another
  # refusal than 422 (400, say), or the input accepted and stored for its
  # owner alone, gains nothing: non-strict under the contract (createTask:
  # 422 for a title or description out of bounds)
  @tc-input-validation
  Scenario Outline: <input> is refused and nothing is created
    Given Alice is signed in
    When Alice creates a task with <input>
    Then the input is refused with 422
    And Alice has no tasks

    Examples:
      | input                       |
      | an empty title              |
      | a 201-character title       |
      | a 1001-character description |
