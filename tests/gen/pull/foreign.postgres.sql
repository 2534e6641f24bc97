-- A PostgreSQL schema ormc did not create: a serial (integer) key, types
-- ormc's mapping does not write but can hold (varchar without a length,
-- char(n), smallint, real, json), types it has none for (numeric, an enum
-- type, an array), a default it cannot write, a CHECK under another name,
-- one it cannot read and a length CHECK on text, comments, an expression
-- index and a descending one, an identity key GENERATED ALWAYS, ON UPDATE,
-- a table without a primary key, a varchar with a CHECK IN list (what
-- SQLAlchemy's non-native Enum makes), a view.
CREATE TYPE mood_t AS ENUM ('ok', 'sad');
CREATE TABLE slack_bots (
	id SERIAL NOT NULL,
	client_id VARCHAR(32) NOT NULL,
	name varchar,
	code char(3),
	small smallint DEFAULT 7,
	ratio real,
	price numeric(10,2),
	doc json,
	mood mood_t,
	is_enterprise_install BOOLEAN NOT NULL,
	installed_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
	token uuid DEFAULT gen_random_uuid(),
	kind text CONSTRAINT kind_ok CHECK (kind IN ('a', 'b')),
	n integer CHECK (n > 0),
	title text CHECK (length(title) <= 80),
	PRIMARY KEY (id)
);
COMMENT ON TABLE slack_bots IS 'Bots.';
COMMENT ON COLUMN slack_bots.client_id IS 'The app''s client.';
CREATE INDEX slack_bots_idx ON slack_bots (client_id, installed_at);
COMMENT ON INDEX slack_bots_idx IS 'Find a bot.';
CREATE INDEX bots_lower ON slack_bots (lower(client_id));
CREATE INDEX bots_desc ON slack_bots (installed_at DESC);
CREATE TABLE item (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bot integer REFERENCES slack_bots ON DELETE CASCADE ON UPDATE CASCADE,
    tags text[]
);
CREATE TABLE log (msg text);
CREATE TABLE job (
    id bigserial PRIMARY KEY,
    state varchar(7) NOT NULL CHECK (state IN ('queued', 'done'))
);
CREATE VIEW recent AS SELECT * FROM log;
