-- The slack_bots table as a SQLAlchemy user would have it on SQLite (what
-- its create_all writes for the same model): VARCHAR(n) without CHECK, an
-- INTEGER PRIMARY KEY without AUTOINCREMENT. bench/run.py runs the
-- hand-written C of W1 and W6 on it, to compare ormc with the schema people
-- write by hand as well as with ormc's own.
CREATE TABLE IF NOT EXISTS slack_bots (
    id INTEGER NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    bot_token VARCHAR(200),
    bot_id VARCHAR(32),
    bot_user_id VARCHAR(32),
    bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200),
    bot_token_expires_at DATETIME,
    is_enterprise_install BOOLEAN NOT NULL,
    installed_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS slack_bots_idx
    ON slack_bots (client_id, enterprise_id, team_id, installed_at);
