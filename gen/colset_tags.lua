-- colset_tags.lua: each table's mark on its column sets.
--
-- A column set (ormc_colset) is a uint64_t whose bit i is column i, so a
-- column macro of one table passed to another table's function compiles
-- silently (C has no per-table integer types that | would keep). The
-- generated column macros therefore carry their table's tag in bits 48..63
-- (ORMC_TABLE_COLUMN), and the runtime refuses a set whose tag is not its
-- table's, naming the table the columns belong to.
--
-- A tag is a 16-bit word with exactly 8 bits set: 12,870 of them. The |
-- of columns of two different tables has more than 8 bits set in its tag,
-- so a mix is told from either table's own set. Each table's tag is chosen
-- from a hash of the schema's and the table's names, the next free one when
-- another table of the schema has it, so that within a schema every tag
-- names one table. Tables of more than 48 columns need the top bits for
-- their columns and have no tag (their sets are checked only for bits past
-- their last column).

local util = require("util")

local M = {}

M.MAX_TAGGED_COLUMNS = 48
local BITS, ONES = 16, 8

-- The binomial coefficients C(n, k) for n <= 16.
local choose = {}
for n = 0, BITS do
    choose[n] = {}
    for k = 0, n do
        if k == 0 or k == n then
            choose[n][k] = 1
        else
            choose[n][k] = choose[n - 1][k - 1] + choose[n - 1][k]
        end
    end
end
local N_TAGS = choose[BITS][ONES]

-- The rank-th 16-bit word with 8 bits set (0 <= rank < N_TAGS), by the
-- combinatorial number system: the highest bit first.
local function tag_of_rank(rank)
    local tag, k = 0, ONES
    for bit = BITS - 1, 0, -1 do
        if k == 0 then break end
        local below = choose[bit][k] or 0 -- words whose top set bit is lower
        if rank >= below then
            tag = tag | (1 << bit)
            rank = rank - below
            k = k - 1
        end
    end
    return tag
end

-- Set t.colset_tag (a number, or nil for a table too wide for one) on every
-- table of the model m.
function M.assign(m)
    local taken = {}
    for _, t in ipairs(m.tables) do
        if t.n_columns <= M.MAX_TAGGED_COLUMNS then
            local h = util.fnv1a64(m.name .. "." .. t.name)
            local rank = tonumber(h:sub(-8), 16) % N_TAGS
            while taken[rank] do rank = (rank + 1) % N_TAGS end
            taken[rank] = true
            t.colset_tag = tag_of_rank(rank)
        end
    end
end

return M
