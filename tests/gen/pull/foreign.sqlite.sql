-- A SQLite database ormc did not create: the types SQLAlchemy writes
-- (VARCHAR(n), BOOLEAN, DATETIME), keys without AUTOINCREMENT and one with
-- it, a default of CURRENT_TIMESTAMP, a type ormc has none for, CHECKs it
-- cannot read, indexes on expressions and partial ones, a table without a
-- primary key, a table and a column under names the DSL cannot take, a
-- view, a trigger, a VARCHAR with a CHECK IN list (what SQLAlchemy's
-- non-native Enum makes), booleans as INTEGER or BOOLEAN with CHECK (x IN
-- (0, 1)).
CREATE TABLE slack_bots (
	id INTEGER NOT NULL,
	client_id VARCHAR(32) NOT NULL,
	is_enterprise_install BOOLEAN NOT NULL,
	installed_at DATETIME NOT NULL,
	seen DATETIME DEFAULT CURRENT_TIMESTAMP,
	price NUMERIC(10, 2),
	anything,
	kind TEXT CONSTRAINT kind_ok CHECK (kind IN ('a', 'b'))
	    CHECK (length(kind) < 5),
	PRIMARY KEY (id)
);
CREATE INDEX slack_bots_idx ON slack_bots (client_id, installed_at);
CREATE INDEX bots_lower ON slack_bots (lower(client_id));
CREATE INDEX bots_partial ON slack_bots (client_id) WHERE seen IS NULL;
CREATE TABLE "Odd Name" (x INTEGER PRIMARY KEY);
CREATE TABLE log (
    msg TEXT,
    bot_id INTEGER REFERENCES slack_bots (id) ON UPDATE CASCADE
);
CREATE VIEW recent AS SELECT * FROM log;
CREATE TRIGGER log_insert AFTER INSERT ON log BEGIN SELECT 1; END;
CREATE TABLE strict_t (id INTEGER PRIMARY KEY, n INT, "order" TEXT) STRICT;
CREATE TABLE job (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state VARCHAR(7) NOT NULL CHECK (state IN ('queued', 'done')),
    urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    paused BOOLEAN CHECK (paused IN (0, 1))
);
