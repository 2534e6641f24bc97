-- More errors than are printed: the rest are counted.
local columns = { serial "id" }
for i = 1, 55 do
    columns[#columns + 1] = integer("c" .. i) { colour = "red" }
end
return schema "s" {
    table "t" (columns),
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c1' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c2' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c3' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c4' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c5' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c6' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c7' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c8' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c9' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c10' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c11' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c12' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c13' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c14' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c15' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c16' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c17' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c18' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c19' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c20' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c21' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c22' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c23' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c24' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c25' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c26' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c27' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c28' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c29' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c30' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c31' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c32' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c33' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c34' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c35' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c36' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c37' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c38' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c39' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c40' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c41' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c42' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c43' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c44' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c45' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c46' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c47' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c48' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c49' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! tests/gen/bad/error_cap.lua:4: error: unknown option 'colour' for column 'c50' (the options are default, doc, inverse, max, not_null, on_delete, primary_key, references, relation, renamed_from, secret, sql_name, tz, unique, values)
--! ormc: ... and 5 more errors
--! ormc: 55 errors; no files written
