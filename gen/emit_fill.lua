-- emit_fill.lua: the generated fixtures of a whole database:
-- <schema>_counts (one size_t per table, so that the compiler checks the
-- table names) and <schema>_fixtures_fill, which hands them to the
-- runtime's ormc_schema_fill (runtime/src/fill.c, docs/fixtures.md) in the
-- order of the schema descriptor's tables.
--
-- seed.lua describes the same schema to ormc_seed for `ormc seed`; both
-- reach the one generator in fill.c.

local cgen = require("cgen")
local keywords = require("keywords")
local util = require("util")

local format, concat = string.format, table.concat

local M = {}

-- The field of table t in <schema>_counts: its name, with a trailing _
-- when that is a C or C++ keyword or a reserved identifier.
function M.field(t)
    if keywords.c[t.name] or keywords.reserved_c(t.name) then
        return t.name .. "_"
    end
    return t.name
end

local function fn_args(m)
    return { "ormc_db *db", format("const %s_counts *counts", m.name),
             "uint64_t seed" }
end

function M.emit_header(b, m)
    b:line("/* === Fixtures of the whole schema (docs/fixtures.md) === */")
    b:line()
    util.comment(b, "", format("How many rows %s_fixtures_fill() adds to "
                               .. "each table; 0 = none.", m.name))
    b:line("typedef struct %s_counts {", m.name)
    local fields = {}
    for _, t in ipairs(m.tables) do
        fields[#fields + 1] = { decl = format("size_t %s;", M.field(t)),
                                comment = format("rows of \"%s\"",
                                                 t.sql_name) }
    end
    cgen.fields(b, "    ", fields)
    b:line("} %s_counts;", m.name)
    b:line()
    util.comment_block(b, "", {
        "Add counts->TABLE rows to each table, all or nothing (a "
        .. "transaction of its own, or a savepoint of the caller's; in "
        .. "the default mode, the implicit transaction: commit it), "
        .. "deterministic in seed: the same seed gives the same rows on "
        .. "SQLite and on PostgreSQL, and as `ormc seed` writes them. "
        .. "Foreign keys point at the rows it adds, children spread over "
        .. "their parents; a table asked for 0 rows that a NOT NULL "
        .. "foreign key needs gets some. Keys are distinct, and into "
        .. "tables with rows the new ones are numbered after them. "
        .. "Returns ORMC_OK, ORMC_INVALID with ormc_errmsg() saying why "
        .. "(nothing sent), or a statement's error (nothing added).",
    })
    b:lines(cgen.call_lines("int " .. m.name .. "_fixtures_fill", fn_args(m),
                            ";"))
    b:line()
end

function M.emit_source(b, m)
    b:line("/* === Fixtures of the whole schema === */")
    b:line()
    b:lines(cgen.call_lines("int " .. m.name .. "_fixtures_fill", fn_args(m),
                            ""))
    b:line("{")
    local items = {}
    for _, t in ipairs(m.order) do
        items[#items + 1] = "counts->" .. M.field(t)
    end
    local one = "    const size_t n[] = {" .. concat(items, ", ") .. "};"
    local schema, n = "&" .. m.name .. "_schema", format("%d", #m.order)
    b:line("    if (counts == NULL)")
    b:indented("        ", cgen.call_lines("return ormc_schema_fill",
                                           { "db", schema, "NULL", n, "seed" },
                                           ";", 8))
    b:line("    /* in the order of %s_schema.tables */", m.name)
    if #one <= 80 then
        b:line("%s", one)
    else
        b:line("    const size_t n[] = {")
        for _, item in ipairs(items) do b:line("        %s,", item) end
        b:line("    };")
    end
    b:indented("    ", cgen.call_lines("return ormc_schema_fill",
                                       { "db", schema, "n", n, "seed" }, ";",
                                       4))
    b:line("}")
    b:line()
end

return M
