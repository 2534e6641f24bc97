-- emit_ddl.lua: NAME.sqlite.sql and NAME.postgres.sql, the schema's DDL in
-- one dialect (dialect.lua), as ddl.lua writes it, with comments: the
-- schema's doc, and each table's provenance and doc.

local ddl = require("ddl")
local util = require("util")

local M = {}

-- The .sql file: a banner, the schema's doc, and the statements.
function M.emit(d, m, banner)
    local stmts = ddl.statements(d, m)
    local b = util.buffer()
    b:line("-- %s", banner)
    b:line("--")
    b:line("-- Schema %s, %s dialect: tables in dependency order.", m.name,
           d.name)
    if m.doc then
        b:line("--")
        for _, l in ipairs(util.wrap(m.doc, 77)) do b:line("-- %s", l) end
    end
    local last_table
    for _, st in ipairs(stmts) do
        b:line()
        if st.table ~= last_table then
            b:line("-- %s (%s:%d)", st.table.name, st.table.file,
                   st.table.line)
            last_table = st.table
        end
        if st.doc then
            for _, l in ipairs(util.wrap(st.doc, 77)) do
                b:line("-- %s", l)
            end
        end
        b:line("%s;", st.sql)
    end
    return b:text()
end

return M
