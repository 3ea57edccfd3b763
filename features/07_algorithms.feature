@forgery
Feature: Algorithm and signature attacks
  A verifier takes the algorithm and the key from its own configuration, never
  from the token (RFC 8725 §3.1, §3.2; jwt_tool's playbook). Every token here
  is one the target must refuse: 401, never a 2xx, never a 5xx, and nothing
  written.

  # gains: access as any user with a token nobody trusted signed (alg none, a null signature, an empty HMAC key, a key embedded in the token, a kid naming a file, a row or a command) or with claims changed under a kept signature; a 5xx on a garbled token
  @must
  Scenario Outline: <attack> on <route>
    Given Alice has a task
    When someone calls <route> on Alice's task with the attack "<attack>"
    Then the attack is refused
    And Alice's tasks are as they were

    @tc-alg-none
    Examples: no signature, alg none in any letter case
      | route  | attack   |
      | list   | alg none |
      | list   | alg None |
      | list   | alg NONE |
      | list   | alg nOnE |
      | update | alg nOnE |

    @tc-forged-token
    Examples: a signature that verifies nothing
      | route  | attack                 |
      | list   | a null signature       |
      | delete | a null signature       |
      | list   | HMAC with an empty key |
      | toggle | HMAC with an empty key |

    @tc-key-confusion
    Examples: a key the token brings
      | route | attack                                |
      | list  | an embedded HMAC jwk (CVE-2018-0114)  |
      | list  | an embedded EdDSA jwk (CVE-2018-0114) |

    @tc-kid-injection
    Examples: a kid that reaches a file or a query
      | route | attack                               |
      | list  | kid path traversal with an empty key |
      | list  | kid SQL injection with the key 1     |

    @tc-forged-token
    Examples: claims changed under a kept signature
      | route | attack                                      |
      | list  | sub swapped under the original signature    |
      | list  | exp pushed out under the original signature |

    @tc-malformed-token
    Examples: a garbled token
      | route | attack                      |
      | list  | non-base64url characters    |
      | list  | five segments (JWE-shaped)  |
      | list  | whitespace inside the token |
      | list  | a 64 KiB token              |

  # gains: any user's token, forged offline with a secret published in tutorials and samples
  @must @tc-weak-secret
  Scenario Outline: HMAC with the well-known weak secret "<secret>"
    Given Alice has a task
    When someone calls list on Alice's task with the attack "HMAC with the weak secret <secret>"
    Then the attack is refused

    Examples:
      | secret                                 |
      | secret                                 |
      | changeme                               |
      | your-secret-key                        |
      | your-256-bit-secret                    |
      | a-string-secret-at-least-256-bits-long |
      | shhhhh                                 |
      | secretkey                              |
      | supersecret                            |
      | mysecret                               |
      | jwt_secret                             |
      | your_jwt_secret                        |
      | password                               |
      | 123456                                 |
      | test                                   |
      | key                                    |

  # gains: access with a token that has expired (a string exp in the past)
  # or is not valid yet (a string nbf in the future): a verifier that skips
  # claims it cannot read as numbers never enforces them. A 5xx fails too.
  @must @needs-signing-key @tc-token-lifetime
  Scenario Outline: <attack>, signed with the trusted key
    Given Alice has a task
    When someone calls list on Alice's task with the attack "<attack>"
    Then the attack is refused

    Examples: a string exp or nbf that puts the token outside its lifetime
      | attack                          |
      | exp as a string, 10 minutes ago |
      | nbf as a string, an hour ahead  |

  # gains: nothing; non-strict under RFC 7519 §2 (a NumericDate is a JSON
  # number; python-jose converts a string one and enforces it, and the
  # scenarios above check that it is enforced). A 5xx fails: it is input
  # the target must survive.
  @should @needs-signing-key @tc-malformed-token
  Scenario Outline: <attack>, signed with the trusted key
    Given Alice has a task
    When someone calls list on Alice's task with the attack "<attack>"
    Then the attack is refused

    Examples: a string exp or nbf within the token's lifetime
      | attack                             |
      | exp as a string, 10 minutes ahead  |
      | nbf as a string, a minute ago      |

  # gains: nothing an attacker without the target's secret has (HS384 and
  # HS512 are signed with that secret); non-strict under RFC 8725 §3.1 (an
  # algorithm allow-list)
  @should @needs-signing-key @tc-alg-allow-list
  Scenario Outline: <attack>, signed with the trusted key
    Given Alice has a task
    When someone calls list on Alice's task with the attack "<attack>"
    Then the attack is refused

    @needs-secret
    Examples: HMAC algorithms outside the allow-list
      | attack                      |
      | HS384 with the right secret |
      | HS512 with the right secret |

  # gains: nothing; non-strict under RFC 7515 §4.1.11 (only the holder of
  # the trusted key can sign a token with a crit header; python-jose and
  # PyJWT before 2.12.0 ignore crit)
  @should @needs-signing-key @tc-malformed-token
  Scenario: a crit header naming an unknown extension, signed with the trusted key
    Given Alice has a task
    When someone calls list on Alice's task with the attack "a crit header naming an unknown extension"
    Then the attack is refused

  # gains: nothing (the signature still verifies); non-strict under RFC 7515 §2 (base64url), a token in many spellings defeats denylists keyed on its text
  @should @tc-malformed-token
  Scenario: Junk in a valid token's signature is refused
    # Python's base64 skips characters outside the alphabet, so python-jose
    # verifies such a token; it forges nothing, but RFC 7515 §2 wants
    # base64url, and a token that verifies in many spellings defeats
    # denylists keyed on the token string.
    Given Alice has a task
    When someone calls list on Alice's task with the attack "non-base64url characters in the signature"
    Then the attack is refused

  # gains: nothing an attacker without the key has (only its holder signs such a payload); non-strict under RFC 7519 §4 (a duplicate claim name makes the JWT invalid or takes the last)
  @should @needs-signing-key @tc-malformed-token
  Scenario: Duplicate sub keys in the payload
    Given Alice has a task
    When someone calls list on Alice's task with the attack "duplicate sub keys"
    Then the attack is refused

  # gains: access as any user with a token signed by a key the attacker hosts (jku, x5u)
  @must @tc-key-confusion
  Scenario Outline: <attack> is refused, and whether the key URL was fetched is reported
    Given Alice has a task
    When someone calls list on Alice's task with the attack "<attack>"
    Then whether the target fetched the attacker's key URL is reported
    And the attack is refused

    Examples:
      | attack                       |
      | jku pointing at the suite    |
      | x5u pointing at the suite    |

  # gains: a command run on the target's host (the kid reaches a shell), or access with the forged token
  @must @tc-kid-injection
  Scenario: A kid carrying a shell payload does not run
    Given Alice has a task
    When someone calls list on Alice's task with the attack "kid shell injection with an empty key"
    # Time first: a payload that ran may keep the answer past --timeout,
    # and a request without an answer stops the scenario unjudged.
    Then the answer came within 3 seconds
    And the attack is refused

  # gains: access as any user with a token forged offline, without any
  # secret, from the target's published public key used as an HS256 secret
  # under its kid (key confusion). Verifiers that let the token choose HS256
  # and refuse only some forms of a public key as an HMAC secret accept the
  # others: python-jose before 3.4.0 (CVE-2024-33663: OpenSSH ECDSA lines)
  # and through 3.5.0 (DER: python-jose#414, CVE-2026-85394), PyJWT before
  # 2.4.0 (CVE-2022-29217: ssh-ed25519 and ecdsa-sha2 lines) and before
  # 2.13.0 (CVE-2026-48526: a JWK's public material, when the allow-list
  # mixes HMAC and asymmetric algorithms)
  @must @tc-alg-confusion
  Scenario Outline: <attack>
    Given Alice has a task
    When someone calls list on Alice's task with the attack "<attack>"
    Then the attack is refused

    @needs-ed25519-key
    Examples: a trusted Ed25519 key
      | attack                                                          |
      | HS256 with the Ed25519 public key as PEM (SubjectPublicKeyInfo) |
      | HS256 with the Ed25519 public key as an OpenSSH key line        |
      | HS256 with the Ed25519 public key as JWK text                   |
      | HS256 with the Ed25519 public key as DER                        |
      | HS256 with the Ed25519 public key as the raw x bytes            |

    @needs-ec-key
    Examples: a trusted EC key
      | attack                                                     |
      | HS256 with the EC public key as PEM (SubjectPublicKeyInfo) |
      | HS256 with the EC public key as an OpenSSH key line        |
      | HS256 with the EC public key as JWK text                   |
      | HS256 with the EC public key as DER                        |
      | HS256 with the EC public key as the raw x bytes            |

    @needs-rsa-key
    Examples: a trusted RSA key
      | attack                                                      |
      | HS256 with the RSA public key as PEM (SubjectPublicKeyInfo) |
      | HS256 with the RSA public key as PEM (PKCS#1)               |
      | HS256 with the RSA public key as an OpenSSH key line        |
      | HS256 with the RSA public key as JWK text                   |
      | HS256 with the RSA public key as DER                        |
      | HS256 with the RSA public key as the raw n bytes            |

  # gains: access as any user with an all-zero ES256 signature under the
  # target's P-256 key's kid, which Java 15 to 18's ECDSA verified
  # (CVE-2022-21449)
  @must @needs-p256-key @tc-forged-token
  Scenario: a psychic ES256 signature (CVE-2022-21449)
    Given Alice has a task
    When someone calls list on Alice's task with the attack "a psychic ES256 signature (CVE-2022-21449)"
    Then the attack is refused

  # gains: nothing (only the holder of the target's keys signs such a
  # token); informational: a verifier that does not bind a kid to its key
  # lets any key it trusts stand in for any other
  @should @needs-signing-key @needs-two-keys @tc-key-confusion
  Scenario: Whether the target binds a kid to its key is reported
    Given Alice has a task
    When someone calls list on Alice's task with the attack "a token signed by one trusted key under another's kid"
    Then whether the target binds the kid to its key is reported
