-- types.lua: the DSL's vocabulary: its column types and what each is in C
-- and in the runtime's descriptors (dialect.lua says what each is in SQL),
-- the on_delete actions, and the limits of the runtime and the databases.
--
-- keep in sync with runtime/include/ormc.h (ormc_type, ormc_param, the value
-- types) and with the type table of docs/generator.md.

local M = {}

-- In declaration order; the DSL defines one function per name.
M.names = { "integer", "bigint", "serial", "double", "boolean", "text",
            "blob", "timestamp", "json", "uuid", "enum" }

-- c: the C type of a field (enum: generated per column, see model.lua).
-- ormc: the ormc_type constant. member: the ormc_param union member.
-- pointer: NULL is the field's SQL NULL, so no has_ flag is needed.
M.info = {
    integer = { c = "int32_t", ormc = "ORMC_TYPE_INTEGER", member = "i32" },
    bigint = { c = "int64_t", ormc = "ORMC_TYPE_BIGINT", member = "i64" },
    serial = { c = "int64_t", ormc = "ORMC_TYPE_BIGINT", member = "i64" },
    double = { c = "double", ormc = "ORMC_TYPE_DOUBLE", member = "f64" },
    boolean = { c = "bool", ormc = "ORMC_TYPE_BOOLEAN", member = "b" },
    text = { c = "const char *", ormc = "ORMC_TYPE_TEXT", member = "text",
             pointer = true },
    blob = { c = "ormc_blob", ormc = "ORMC_TYPE_BLOB", member = "blob",
             pointer = true },
    timestamp = { c = "ormc_time", ormc = "ORMC_TYPE_TIMESTAMP",
                  member = "time" },
    json = { c = "const char *", ormc = "ORMC_TYPE_JSON", member = "text",
             pointer = true },
    uuid = { c = "ormc_uuid", ormc = "ORMC_TYPE_UUID", member = "uuid" },
    enum = { c = nil, ormc = "ORMC_TYPE_ENUM", member = "i32" },
}

-- The on_delete actions, in the order hints list them, and their SQL (the
-- same in both dialects).
M.ON_DELETE_NAMES = { "cascade", "restrict", "set_null", "set_default",
                      "no_action" }
M.ON_DELETE = {
    cascade = "CASCADE", restrict = "RESTRICT", set_null = "SET NULL",
    set_default = "SET DEFAULT", no_action = "NO ACTION",
}

-- A 32-bit serial (serial { bits = 32 }): an int32_t like integer.
local SERIAL32 = { c = "int32_t", ormc = "ORMC_TYPE_INTEGER", member = "i32" }

-- The info of column c (a checked column): its type's, but for a 32-bit
-- serial.
function M.info_of(c)
    if c.type == "serial" and c.bits == 32 then return SERIAL32 end
    return M.info[c.type]
end

-- The type a referencing column must have to point at a column of type t.
function M.ref_type(t)
    if t == "serial" then return "bigint" end
    return t
end

-- Column c's type as a message names it.
function M.describe(c)
    if c.type == "serial" and c.bits == 32 then return "serial { bits = 32 }" end
    return c.type
end

-- The type a referencing column must have to point at column c.
function M.ref_type_of(c)
    if c.type == "serial" and c.bits == 32 then return "integer" end
    return M.ref_type(c.type)
end

-- Limits of the runtime and of the databases.
M.MAX_COLUMNS = 64      -- ormc_colset is a uint64_t: bit i = column i
M.MAX_KEY_COLUMNS = 32  -- PostgreSQL's INDEX_MAX_KEYS
M.MAX_SQL_NAME = 63     -- PostgreSQL's NAMEDATALEN - 1, in bytes
M.MAX_TEXT = 10485760   -- the largest varchar(n) PostgreSQL accepts
M.MAX_TABLES = 65535    -- ormc_schema.n_tables is a uint16_t

return M
