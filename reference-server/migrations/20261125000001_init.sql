-- Accounts for the contract's own /api/auth endpoints. Tasks do not reference
-- this table: tokens may come from an external issuer (Better Auth keeps its
-- users in its own database), so a task's owner is just the token's `sub`.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Emails are unique regardless of case.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE tasks (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     TEXT NOT NULL,
    title       VARCHAR(200) NOT NULL CHECK (char_length(title) >= 1),
    description VARCHAR(1000),
    completed   BOOLEAN NOT NULL DEFAULT false,
    -- A new task's two timestamps are equal; updates set updated_at.
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX tasks_user_id_created_at_idx ON tasks (user_id, created_at, id);
