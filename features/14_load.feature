@load @must @tc-load-isolation
Feature: Isolation under load
  Promise: with many users working at once, every read returns only the
  reader's tasks, every cross-user write changes nothing, and no request
  gets a server error. Runs only with --load USERS --duration SECS.

  # gains: another user's tasks seen or changed when requests race, or a 5xx the attacker can cause with ordinary traffic
  Scenario: Many users at once keep their tasks to themselves
    When many users work on their own tasks at once and probe each other's
    Then no user saw or changed another user's task
    And no request got a server error
    And every owner's own request succeeded
    And the throughput and latency are reported
