-- A profile's preferences (generation defaults, price table, concurrency, notifications): one JSON
-- document per key, so new preferences need no migration. Secrets never go here: the API key lives
-- in the OS keychain.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,                 -- JSON
    updated_at INTEGER NOT NULL               -- Unix ms
);
