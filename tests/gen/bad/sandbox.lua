local f = io.open("/etc/passwd")
return schema "s" {
    table "t" { serial "id" },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/sandbox.lua:1: error: 'io' is not available in a schema file (a schema file runs in a sandbox that has only the DSL's words)
--! ormc: 1 error; no files written
