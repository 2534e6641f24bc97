-- emit_sqlite.lua: NAME.sqlite.sql, the schema's DDL for SQLite.
--
-- SQLite has few types, so the rest of the contract is written as
-- constraints: serial is INTEGER PRIMARY KEY AUTOINCREMENT (a rowid alias
-- that is never reused), booleans are INTEGER 0/1, text with a max gets
-- CHECK (length(x) <= n) so that SQLite refuses what PostgreSQL's varchar(n)
-- refuses, enums get CHECK (x IN (...)), and timestamps are TEXT in the
-- runtime's "YYYY-MM-DD HH:MM:SS.ffffff" form (UTC), which sorts as time.

local ddl = require("ddl")
local types = require("types")
local util = require("util")

local M = {}

M.dialect = {
    name = "SQLite",
    column_type = function(c)
        return types.info[c.type].sqlite
    end,
    -- strftime's %f has milliseconds; three zeros make the microseconds of
    -- the runtime's format.
    default_now = function()
        return "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')"
    end,
    bool = function(v) return v and "1" or "0" end,
    serial = function(c, t)
        return "CONSTRAINT " .. util.sql_ident(t.pk_constraint)
            .. " PRIMARY KEY AUTOINCREMENT", true
    end,
    text_max_check = true,
}

-- The statements, for the C source's ddl_sqlite array.
function M.statements(m)
    return ddl.statements(M.dialect, m)
end

function M.emit(m, banner)
    return ddl.file(M.dialect, m, M.statements(m), banner)
end

return M
