-- API bearer tokens and the audit log of every mutation made through the API or web page.
-- A token is shown once at creation; only its SHA-256 (hex) is stored.

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  read_only    INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
  created_at   TEXT NOT NULL,
  last_used_at TEXT
);

-- token_name is copied, not a reference: the history outlives a removed token.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  token_name TEXT NOT NULL,
  method     TEXT NOT NULL,
  path       TEXT NOT NULL,
  status     INTEGER NOT NULL,
  change     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
