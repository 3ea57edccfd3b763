@must @forged-token @tc-forged-token
Feature: Forged token
  Promise: a token the target did not sign, or signed and then altered, gets
  401 on every route, and a write attempted with it does not happen.

  # gains: access as Alice with a token the target never signed (another secret, a payload swapped under a kept signature, alg none, no signature), or a write that happened despite the refusal; a 5xx on the forged token. A refusal without the Bearer challenge gains nothing: non-strict (RFC 6750 §3)
  Scenario Outline: <forgery> on <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with <forgery>
    Then the answer is 401 with a Bearer challenge
    And the answer carries no task data
    And Alice's tasks are as they were

    Examples: task routes
      | route  | forgery                                   |
      | list   | a token signed with another secret        |
      | create | a token signed with another secret        |
      | get    | a token signed with another secret        |
      | update | a token signed with another secret        |
      | delete | a token signed with another secret        |
      | toggle | a token signed with another secret        |
      | list   | Bob's token with its payload set to Alice |
      | create | Bob's token with its payload set to Alice |
      | get    | Bob's token with its payload set to Alice |
      | update | Bob's token with its payload set to Alice |
      | delete | Bob's token with its payload set to Alice |
      | toggle | Bob's token with its payload set to Alice |
      | list   | an alg none token                         |
      | create | an alg none token                         |
      | get    | an alg none token                         |
      | update | an alg none token                         |
      | delete | an alg none token                         |
      | toggle | an alg none token                         |
      | list   | a token without its signature             |
      | create | a token without its signature             |
      | get    | a token without its signature             |
      | update | a token without its signature             |
      | delete | a token without its signature             |
      | toggle | a token without its signature             |

    @needs-logout
    Examples: logout
      | route  | forgery                                   |
      | logout | a token signed with another secret        |
      | logout | Bob's token with its payload set to Alice |
      | logout | an alg none token                         |
      | logout | a token without its signature             |
