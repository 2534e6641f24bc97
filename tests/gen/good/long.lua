-- Strings longer than the 4095 characters ISO C promises in a string
-- literal: a text and a json default (an array in the .c that X_INIT points
-- at) and an enum with hundreds of labels (a long CHECK in both dialects).
-- The tests compile the output with -Wpedantic -Werror, the header's X_INIT
-- in tests/gen/usage.c style code too, and apply the DDL.
local labels = {}
for i = 1, 600 do labels[i] = ("label_number_%03d"):format(i) end
local words = ("All work and no play makes a long default. "):rep(120)

return schema "long" {
    table "note" {
        serial "id",
        text   "body"    { not_null = true, default = words },
        json   "payload" { default = '{"text": "' .. words .. '"}' },
        enum   "label"   { values = labels, default = "label_number_600" },
    },
}
