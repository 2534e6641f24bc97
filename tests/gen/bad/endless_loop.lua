while true do end

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/endless_loop.lua:1: error: the schema file runs too long (an endless loop?)
--! ormc: 1 error; no files written
