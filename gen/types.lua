-- types.lua: the column types of the DSL and what each is in C, in the
-- runtime's descriptors, in SQLite and in PostgreSQL.
--
-- keep in sync with runtime/include/ormc.h (ormc_type, ormc_param, the value
-- types) and with the type table of DESIGN.md.

local M = {}

-- In declaration order; the DSL defines one function per name.
M.names = { "integer", "bigint", "serial", "double", "boolean", "text",
            "blob", "timestamp", "json", "uuid", "enum" }

-- c: the C type of a field (enum: generated per column, see model.lua).
-- ormc: the ormc_type constant. member: the ormc_param union member.
-- pointer: NULL is the field's SQL NULL, so no has_ flag is needed.
-- sqlite / postgres: the column type in each dialect's DDL.
-- in_elem: the element type of the _in builders' array.
M.info = {
    integer = { c = "int32_t", ormc = "ORMC_TYPE_INTEGER", member = "i32",
                sqlite = "INTEGER", postgres = "integer" },
    bigint = { c = "int64_t", ormc = "ORMC_TYPE_BIGINT", member = "i64",
               sqlite = "INTEGER", postgres = "bigint" },
    serial = { c = "int64_t", ormc = "ORMC_TYPE_BIGINT", member = "i64",
               sqlite = "INTEGER", postgres = "bigint" },
    double = { c = "double", ormc = "ORMC_TYPE_DOUBLE", member = "f64",
               sqlite = "REAL", postgres = "double precision" },
    boolean = { c = "bool", ormc = "ORMC_TYPE_BOOLEAN", member = "b",
                sqlite = "INTEGER", postgres = "boolean" },
    text = { c = "const char *", ormc = "ORMC_TYPE_TEXT", member = "text",
             pointer = true, sqlite = "TEXT", postgres = "text" },
    blob = { c = "ormc_blob", ormc = "ORMC_TYPE_BLOB", member = "blob",
             pointer = true, sqlite = "BLOB", postgres = "bytea" },
    timestamp = { c = "ormc_time", ormc = "ORMC_TYPE_TIMESTAMP",
                  member = "time", sqlite = "TEXT",
                  postgres = "timestamptz" },
    json = { c = "const char *", ormc = "ORMC_TYPE_JSON", member = "text",
             pointer = true, sqlite = "TEXT", postgres = "jsonb" },
    uuid = { c = "ormc_uuid", ormc = "ORMC_TYPE_UUID", member = "uuid",
             sqlite = "TEXT", postgres = "uuid" },
    enum = { c = nil, ormc = "ORMC_TYPE_ENUM", member = "i32",
             sqlite = "TEXT", postgres = "text" },
}

-- The type a referencing column must have to point at a column of type t.
function M.ref_type(t)
    if t == "serial" then return "bigint" end
    return t
end

-- Limits of the runtime and of the databases.
M.MAX_COLUMNS = 64      -- ormc_colset is a uint64_t: bit i = column i
M.MAX_KEY_COLUMNS = 32  -- PostgreSQL's INDEX_MAX_KEYS
M.MAX_SQL_NAME = 63     -- PostgreSQL's NAMEDATALEN - 1, in bytes
M.MAX_TEXT = 10485760   -- the largest varchar(n) PostgreSQL accepts
M.MAX_TABLES = 65535    -- ormc_schema.n_tables is a uint16_t

return M
