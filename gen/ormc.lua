-- ormc.lua: the command line of the ormc generator (bin/ormc runs it).
--
--   ormc gen [-o DIR] SCHEMA.lua...     write DIR/NAME.{h,c,sqlite.sql,postgres.sql}
--   ormc check [-o DIR] [--url URL] SCHEMA.lua...   exit 1 when DIR is
--                                       stale, 2 when a query's types
--                                       differ on that PostgreSQL
--   ormc ddl --dialect D SCHEMA.lua     the DDL on stdout
--   ormc diff --dialect D OLD.lua NEW.lua   a migration script on stdout
--   ormc doc [-o DIR] [--mermaid] SCHEMA.lua...   DIR/NAME.{dot,md}, and
--                                       NAME.svg when dot is on PATH
--   ormc pull URL [--tables a,b] [--schema S] [--name N] [-o FILE]
--                                       a schema file from a live database
--   ormc seed URL|--sql D SCHEMA.lua --rows T=N,... --seed N [-o FILE]
--                                       fill a database with fixtures, or
--                                       write them as a script
--
-- Phases: load (sandbox) -> check -> model -> check names -> queries
-- (query.lua) -> emit -> write.
-- Any error in any schema: report them all, exit 2, write nothing.

-- The address space of the process, in KiB (1 GiB): the hard backstop of
-- the limits on a schema file's run (load.lua), for what a single
-- instruction can allocate (`s = s .. s` doubles a string between two
-- checks of the heap). An allocation past it fails, and the schema gets the
-- error "schema uses too much memory". bin/ormc sets it with ulimit before
-- it starts Lua; run directly (as ormc_generate() does), ormc runs itself
-- again under the limit, through sh.
-- keep in sync with bin/ormc
local ADDRESS_SPACE_KB = 1048576
if os.getenv("ORMC_ADDRESS_SPACE") == nil and arg and arg[0] then
    local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
    local first = 0
    while arg[first - 1] do first = first - 1 end
    local words = {}
    for i = first, #arg do words[#words + 1] = quote(arg[i]) end
    -- The wall-clock limit too, as bin/ormc sets it.
    local cmd = string.format(
        "limit=%d; cur=$(ulimit -v 2>/dev/null); "
        .. "if [ \"$cur\" = unlimited ] || [ \"$cur\" -gt $limit ] "
        .. "2>/dev/null; then ulimit -S -v $limit 2>/dev/null; fi; "
        .. "export ORMC_ADDRESS_SPACE=$limit; "
        .. "if timeout --foreground --preserve-status 5 true >/dev/null "
        .. "2>&1; then exec timeout "
        .. "--foreground --preserve-status -s INT -k 10 "
        .. "\"${ORMC_TIME_LIMIT:-120}\" %s; fi; exec %s", ADDRESS_SPACE_KB,
        table.concat(words, " "), table.concat(words, " "))
    local ok, how, code = os.execute(cmd)
    if how == "exit" then os.exit(code) end
    if how == "signal" then os.exit(128 + code) end
    -- No shell: run as it is, without the backstop.
end

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua"
package.cpath = ""

local errors = require("errors")
local load = require("load")
local check = require("check")
local model = require("model")
local cgen = require("cgen")
local emit_c_header = require("emit_c_header")
local emit_c_source = require("emit_c_source")
local emit_ddl = require("emit_ddl")
local emit_doc = require("emit_doc")
local dialect = require("dialect")
local diff = require("diff")
local query = require("query")
local pull = require("pull")
local names = require("names")
local util = require("util")
local read_file, shell_quote = util.read_file, util.shell_quote

local format = string.format
local stdout, stderr = io.stdout, io.stderr

local VERSION = "0.1.0" -- keep in sync with ORMC_VERSION in runtime/include/ormc.h

local USAGE = [[
usage: ormc gen [-o DIR] SCHEMA.lua...
       ormc check [-o DIR] [--url URL] SCHEMA.lua...
       ormc ddl --dialect sqlite|postgres SCHEMA.lua
       ormc diff --dialect sqlite|postgres OLD.lua NEW.lua
       ormc doc [-o DIR] [--mermaid] SCHEMA.lua...
       ormc pull URL [--tables T,...] [--schema S] [--name N] [-o FILE]
       ormc seed URL SCHEMA.lua --rows T=N,... --seed N
       ormc seed --sql sqlite|postgres SCHEMA.lua --rows T=N,... --seed N
                 [-o FILE]
       ormc --help | --version

ormc turns schema files (the Lua DSL) into typed C and DDL.

commands:
  gen     write DIR/NAME.h, DIR/NAME.c, DIR/NAME.sqlite.sql and
          DIR/NAME.postgres.sql for each schema (NAME is the schema's name).
          Output is deterministic; files whose content is unchanged are not
          touched; the files are replaced as a set (all or none).
  check   compare DIR with what gen would write; name the stale files and
          exit 1 when they differ (for CI). With --url, first prepare every
          query on that PostgreSQL (in a schema of its own, rolled back) and
          exit 2 when the types it describes differ from the generated
          ones; with --url and no -o, only that.
  ddl     print one schema's DDL for one dialect.
  diff    print the migration script that takes a database from schema
          OLD.lua to NEW.lua, as one transaction (migrations.md, below).
  doc     write DIR/NAME.dot (a Graphviz diagram of the tables, columns,
          keys and relations) and DIR/NAME.md (a page of the tables and
          their docs); NAME.svg too when Graphviz's dot is on PATH.
  pull    read a live SQLite file (sqlite:PATH) or PostgreSQL schema
          (postgres://...) and write a schema file in the DSL for its
          tables (stdout, or FILE with -o, written whole or not at all);
          what the DSL cannot say is a `-- not mapped:` comment (pull.md).
  seed    fill the tables of SCHEMA.lua in a live database with N rows
          each, deterministic in the seed, keys and constraints kept; with
          --sql, write the same rows as a script for that dialect instead
          (stdout, or FILE with -o) (fixtures.md).

options:
  -o, --output DIR        output directory (default: .)
  -d, --dialect DIALECT   sqlite or postgres (ddl, diff)
  -u, --url URL           a PostgreSQL to check the queries on (check)
      --mermaid           add a Mermaid erDiagram to NAME.md (doc)
      --tables T,...      only these tables (pull)
      --schema S          the PostgreSQL schema (pull; default: the
                          current one)
      --name N            the schema's name (pull; default: the file's or
                          the PostgreSQL schema's name)
      --rows T=N,...      how many rows to add to each table (seed)
      --seed N            the seed the rows follow (seed)
      --sql DIALECT       write a script instead of filling a database (seed)
  -h, --help              this text
  -V, --version           the generator's version

environment:
  ORMC_TIME_LIMIT         seconds ormc may run (default 120)

exit status: 0 success, 1 check found stale files (or counts seed cannot
fill: nothing written), 2 bad schema or usage (or a pull that failed:
nothing written).
Errors are printed as FILE:LINE: error: MESSAGE.
]]

-- The documentation: docs/ beside gen/, in a checkout as in an installed
-- package (where share/ormc/docs links to the installed pages, see
-- cmake/OrmcPackage.cmake). For --help: the directory as an absolute path,
-- symlinks resolved, so that it can be opened from anywhere; nil when it
-- is not there.
local function docs_dir()
    local dir = here .. "/../docs"
    local f = io.open(dir .. "/migrations.md", "r")
    if not f then return nil end
    f:close()
    local p = io.popen("cd '" .. dir:gsub("'", "'\\''") .. "' && pwd -P")
    local abs = p and p:read("l")
    if p then p:close() end
    return abs ~= "" and abs or nil
end

local function help_text()
    local dir = docs_dir() or "docs/ in ormc's source (not found here)"
    return USAGE .. format("\ndocumentation: %s\n  generator.md (schemas "
        .. "and this command), migrations.md (diff), pull.md (pull),\n"
        .. "  fixtures.md (seed)\n", dir)
end

local function usage_error(msg)
    stderr:write("ormc: ", msg, "\n", "Try 'ormc --help'.\n")
    os.exit(2)
end

-- The path as shown in banners and errors: as given, without "./", and
-- relative to the working directory when it is inside it.
local cwd
local function display_path(p)
    if p:sub(1, 1) == "/" and cwd == nil then
        local f = io.popen("pwd")
        cwd = f and f:read("l") or ""
        if f then f:close() end
    end
    local pwd = cwd
    if pwd and pwd ~= "" and p:sub(1, 1) == "/" then
        local prefix = pwd:gsub("/$", "") .. "/"
        if p:sub(1, #prefix) == prefix then p = p:sub(#prefix + 1) end
    end
    while p:sub(1, 2) == "./" do p = p:sub(3) end
    return p
end

-- The schema file being worked on (as shown), for the errors that happen
-- outside its sandbox: the time limit, an allocation that fails.
local current

-- Temporaries of write_set not yet renamed, removed if ormc is stopped.
local temporaries = {}

-- Load, check and model every schema. Returns the models, or reports the
-- errors and exits 2.
local function build(paths)
    local errs = errors.new()
    for _, p in ipairs(paths) do errs:file_order(display_path(p)) end
    local models = {}
    for _, p in ipairs(paths) do
        current = display_path(p)
        local raw = load.load_file(p, errs, current)
        if raw then
            local s = check.schema(raw, errs)
            if s then
                local ok, m = pcall(model.build, s)
                if ok then
                    models[#models + 1] = m
                elseif errs:count() == 0 then
                    error(m, 0) -- an internal error: let it show
                end
            end
        end
    end
    local registry, by_name = {}, {}
    for _, m in ipairs(models) do
        if by_name[m.name] then
            errs:addf(m, "each schema writes files named after it",
                      "schema '%s' is also declared in %s", m.name,
                      by_name[m.name].file)
        else
            by_name[m.name] = m
            check.model(m, errs, registry)
            -- The queries are prepared on the schema's tables: only when
            -- the tables are right.
            if errs:count() == 0 then query.describe(m, errs) end
        end
    end
    if errs:count() > 0 then
        errs:report(stderr)
        os.exit(2)
    end
    return models
end

-- The files of the i-th model: a list of { name, text }.
--
-- ormc is a short batch run that makes many short-lived strings and keeps
-- few: the collector would cost about as much as the work itself, so it
-- rests (see main) and runs once before each schema after the first, which
-- bounds the memory of a run to about that of its largest schema. It does
-- not run after the last one: the process exits without freeing anything,
-- and a full collection of a large schema's garbage costs a tenth of a
-- second.
local function render(m, i)
    current = m.file
    if i > 1 then
        collectgarbage("collect")
        collectgarbage("stop")
    end
    local banner = cgen.banner(VERSION, m.file)
    local ctx = { version = VERSION, banner = banner }
    return {
        { m.name .. ".h", emit_c_header.emit(m, ctx) },
        { m.name .. ".c", emit_c_source.emit(m, ctx) },
        { m.name .. ".sqlite.sql", emit_ddl.emit(dialect.sqlite, m, banner) },
        { m.name .. ".postgres.sql",
          emit_ddl.emit(dialect.postgres, m, banner) },
    }
end

local function dir_exists(dir)
    -- Opening DIR/. for reading succeeds exactly when DIR is a directory
    -- (glibc's fopen opens directories; a file gives ENOTDIR). Renaming a
    -- directory onto itself would not do: rename(".", ".") fails.
    local f = io.open(dir .. "/.", "r")
    if f == nil then return false end
    f:close()
    return true
end

-- A temporary file in dir holding text, for write_set to rename into place
-- (same directory, so rename(2) replaces atomically). Returns its path, or
-- nil and why.
local function write_temp(dir, name, text)
    local tmp = format("%s/.%s.tmp-%d-%d", dir, name, os.time(),
                       math.random(1, 1 << 30))
    local f, why = io.open(tmp, "wb")
    if not f then return nil, why end
    local ok, werr = f:write(text)
    local cok, cerr = f:close()
    if not ok or not cok then
        os.remove(tmp)
        return nil, werr or cerr
    end
    return tmp
end

-- Write the files of a run as a set: every changed file to a temporary
-- first, then rename them all. A failure while writing (a full disk) leaves
-- every old file as it was; a rename that fails (a directory in the way)
-- puts back the files already renamed. Returns true, or nil, the file's
-- name and why.
local function write_set(dir, files)
    local pending = {}
    local function drop(from)
        for j = from, #pending do os.remove(pending[j].tmp) end
    end
    for _, f in ipairs(files) do
        local name, text = f[1], f[2]
        local path = dir .. "/" .. name
        local old = read_file(path)
        if old ~= text then
            local tmp, why = write_temp(dir, name, text)
            if not tmp then
                drop(1)
                return nil, name, why
            end
            pending[#pending + 1] = { name = name, path = path, tmp = tmp,
                                      old = old }
            temporaries[tmp] = true
        end
    end
    for i, p in ipairs(pending) do
        local ok, why = os.rename(p.tmp, p.path)
        temporaries[p.tmp] = nil
        if not ok then
            drop(i)
            for j = i - 1, 1, -1 do
                local q = pending[j]
                if q.old == nil then
                    os.remove(q.path)
                else
                    local tmp = write_temp(dir, q.name, q.old)
                    if tmp then os.rename(tmp, q.path) end
                end
            end
            return nil, p.name, why
        end
    end
    return true
end

local function parse(args, spec)
    local opts, rest = {}, {}
    local i = 1
    while i <= #args do
        local a = args[i]
        local long, value = a:match("^%-%-([%w-]+)=(.*)$")
        local key
        if long then
            key = spec["--" .. long]
            if not key then usage_error("unknown option '--" .. long .. "'") end
        elseif spec[a] then
            key = spec[a]
            i = i + 1
            value = args[i]
            if value == nil then usage_error("option " .. a .. " needs a value") end
        elseif a:match("^%-%a.") and spec[a:sub(1, 2)] then
            key, value = spec[a:sub(1, 2)], a:sub(3)
        elseif a == "--" then
            for j = i + 1, #args do rest[#rest + 1] = args[j] end
            break
        elseif a:match("^%-.") then
            usage_error("unknown option '" .. a .. "'")
        else
            rest[#rest + 1] = a
        end
        if key then opts[key] = value end
        i = i + 1
    end
    return opts, rest
end

local OUT = { ["-o"] = "output", ["--output"] = "output" }

-- Write the files of outputs into dir (made when missing), all or none;
-- on failure report it and exit 2.
local function write_outputs(dir, outputs)
    if not dir_exists(dir) then
        if not os.execute("mkdir -p -- " .. shell_quote(dir)) then
            stderr:write(format("ormc: cannot create directory %s\n", dir))
            os.exit(2)
        end
    end
    local ok, name, why = write_set(dir, outputs)
    if not ok then
        stderr:write(format("ormc: cannot write %s/%s: %s; no files "
                            .. "written\n", dir, name, tostring(why)))
        os.exit(2)
    end
end

local function cmd_gen(args)
    local opts, paths = parse(args, OUT)
    if #paths == 0 then usage_error("gen: name at least one schema file") end
    local dir = display_path(opts.output or ".")
    local models = build(paths)
    -- Notes (a foreign key without relation functions) do not stop the run.
    for _, m in ipairs(models) do
        for _, n in ipairs(m.notes or {}) do
            stderr:write(format("%s:%d: note: %s\n", n.file or m.file,
                                n.line or 1, n.message))
        end
    end
    local outputs = {}
    for i, m in ipairs(models) do
        for _, f in ipairs(render(m, i)) do outputs[#outputs + 1] = f end
    end
    write_outputs(dir, outputs)
    return 0
end

-- Whether a program is on PATH.
local function on_path(prog)
    return os.execute("command -v " .. shell_quote(prog) .. " >/dev/null 2>&1")
        == true
end

-- The SVG Graphviz's dot makes of a .dot text, or nil and why.
local function render_svg(dot_text)
    local src, svg = os.tmpname(), os.tmpname()
    local f = io.open(src, "wb")
    if not f then
        os.remove(src)
        os.remove(svg)
        return nil, "cannot write a temporary file"
    end
    f:write(dot_text)
    f:close()
    local errf = os.tmpname()
    local ok = os.execute(format("dot -Tsvg -o %s %s 2>%s", shell_quote(svg),
                                 shell_quote(src), shell_quote(errf)))
    local text, why = read_file(svg), read_file(errf)
    os.remove(src)
    os.remove(svg)
    os.remove(errf)
    if not ok or not text then
        why = (why or ""):gsub("%s+$", "")
        return nil, why ~= "" and why or "dot failed"
    end
    return text
end

-- ormc doc: a picture of each schema (emit_doc.lua), written as a set like
-- gen's files. Graphviz is not required: without dot on PATH there is no
-- .svg, and stderr says so.
local function cmd_doc(args)
    local mermaid, rest = false, {}
    for i, a in ipairs(args) do
        if a == "--" then
            table.move(args, i, #args, #rest + 1, rest)
            break
        elseif a == "--mermaid" then
            mermaid = true
        else
            rest[#rest + 1] = a
        end
    end
    local opts, paths = parse(rest, OUT)
    if #paths == 0 then usage_error("doc: name at least one schema file") end
    local dir = display_path(opts.output or ".")
    local models = build(paths)
    local svg = on_path("dot")
    local outputs = {}
    for _, m in ipairs(models) do
        current = m.file
        local banner = cgen.banner(VERSION, m.file)
        local dot_text = emit_doc.dot(m, banner)
        outputs[#outputs + 1] = { m.name .. ".dot", dot_text }
        outputs[#outputs + 1] = { m.name .. ".md",
                                  emit_doc.markdown(m, banner,
                                                    { mermaid = mermaid }) }
        if svg then
            local text, why = render_svg(dot_text)
            if not text then
                stderr:write(format("ormc: dot could not render %s.dot: "
                                    .. "%s\normc: no files written\n",
                                    m.name, why))
                os.exit(2)
            end
            outputs[#outputs + 1] = { m.name .. ".svg", text }
        end
    end
    if not svg then
        stderr:write("ormc: dot (Graphviz) is not on PATH: no .svg "
                     .. "written; the .dot files can be rendered with "
                     .. "dot -Tsvg\n")
    end
    write_outputs(dir, outputs)
    return 0
end

local CHECK = { ["-o"] = "output", ["--output"] = "output",
                ["-u"] = "url", ["--url"] = "url" }

-- ormc check --url: every query prepared on that PostgreSQL, its types
-- compared with the generated ones (query.lua). Returns 0, or 2 after
-- reporting the mismatches.
local function check_url(models, url)
    local errs = errors.new()
    for _, m in ipairs(models) do
        errs:file_order(m.file)
        current = m.file
        query.check_url(m, url, errs)
    end
    if errs:count() == 0 then return 0 end
    errs:report(stderr)
    return 2
end

local function cmd_check(args)
    local opts, paths = parse(args, CHECK)
    if #paths == 0 then usage_error("check: name at least one schema file") end
    local dir = display_path(opts.output or ".")
    local models = build(paths)
    if opts.url then
        local rc = check_url(models, opts.url)
        -- without -o, --url checks the queries only
        if rc ~= 0 or opts.output == nil then return rc end
    end
    local stale = 0
    for i, m in ipairs(models) do
        for _, f in ipairs(render(m, i)) do
            local path = dir .. "/" .. f[1]
            local old = read_file(path)
            if old == nil then
                stderr:write(format("ormc: %s is missing\n", path))
                stale = stale + 1
            elseif old ~= f[2] then
                stderr:write(format("ormc: %s is stale\n", path))
                stale = stale + 1
            end
        end
    end
    if stale > 0 then
        local quoted = {}
        for i, p in ipairs(paths) do quoted[i] = shell_quote(display_path(p)) end
        stderr:write(format("ormc: %d file%s differ from the schemas; run: "
                            .. "ormc gen -o %s %s\n", stale,
                            stale == 1 and "" or "s", shell_quote(dir),
                            table.concat(quoted, " ")))
        return 1
    end
    return 0
end

local DIALECT = { ["-d"] = "dialect", ["--dialect"] = "dialect" }

-- The dialect of --dialect, or a usage error naming cmd.
local function dialect_of(cmd, opts)
    local name = opts.dialect
    if name == nil then
        usage_error(cmd .. ": --dialect sqlite|postgres is required")
    end
    local d = dialect.by_name[name]
    if not d then
        usage_error(cmd .. ": unknown dialect '" .. name
                    .. "' (sqlite or postgres)")
    end
    return d
end

local function cmd_ddl(args)
    local opts, paths = parse(args, DIALECT)
    local d = dialect_of("ddl", opts)
    if #paths ~= 1 then usage_error("ddl: name exactly one schema file") end
    local m = build(paths)[1]
    stdout:write(emit_ddl.emit(d, m, cgen.banner(VERSION, m.file)))
    return 0
end

local function cmd_diff(args)
    local opts, paths = parse(args, DIALECT)
    local d = dialect_of("diff", opts)
    if #paths ~= 2 then
        usage_error("diff: name two schema files, the old one and the new one")
    end
    -- One at a time: the two versions declare the same schema.
    local old_m, new_m = build({ paths[1] })[1], build({ paths[2] })[1]
    local errs = errors.new()
    errs:file_order(new_m.file)
    local header = format("Generated by ormc %s: the migration of schema %s "
                          .. "from %s to %s, %s dialect.", VERSION,
                          new_m.name, old_m.file, new_m.file,
                          d.name)
    local text = diff.script(d, old_m, new_m, errs, header)
    if not text then
        errs:report(stderr)
        return 2
    end
    stdout:write(text)
    return 0
end

local PULL = { ["-o"] = "output", ["--output"] = "output",
               ["--tables"] = "tables", ["--schema"] = "schema",
               ["--name"] = "name" }

-- ormc pull: a schema file from a live database (pull.lua). Any failure:
-- the reason on stderr, exit 2, and no -o file written or changed.
local function cmd_pull(args)
    local opts, rest = parse(args, PULL)
    if #rest ~= 1 then usage_error("pull: name one database URL") end
    local url = rest[1]
    local function fail(msg)
        stderr:write("ormc: pull: ", msg, "\n")
        os.exit(2)
    end
    local tables
    if opts.tables then
        tables = {}
        for n in opts.tables:gmatch("[^,]+") do
            tables[#tables + 1] = n:match("^%s*(.-)%s*$")
        end
        if #tables == 0 then usage_error("pull: --tables names no table") end
    end
    if opts.name and (not opts.name:match("^[a-z][a-z0-9_]*$")
                      or opts.name:find("__", 1, true)
                      or opts.name:sub(-1) == "_") then
        usage_error("pull: --name '" .. opts.name .. "' is no schema name "
                    .. "(lower-case letters, digits and underscores)")
    end
    local cat, why = pull.read(url, { schema = opts.schema })
    if not cat then fail(why) end
    local s
    s, why = pull.map(cat, { tables = tables })
    if not s then fail(why) end
    local name = opts.name or names.to_name(cat.default_name) or "pulled"
    local where = cat.dialect == "sqlite"
        and format("the SQLite file %s",
                   display_path(pull.parse_url(url).path))
        or format("schema %s of a PostgreSQL database", cat.schema)
    local header = { format("Written by ormc pull %s from %s. Edit it as "
                            .. "your own: see docs/pull.md for what a pull "
                            .. "cannot know.", VERSION, where) }
    local text, unmapped = pull.render(s, name, header)
    local function summary(in_file)
        if unmapped > 0 then
            stderr:write(format("ormc: pull: %d thing%s the DSL cannot say: "
                                .. "see the `-- not mapped:` comments%s\n",
                                unmapped, unmapped == 1 and "" or "s",
                                in_file))
        end
    end
    if not opts.output then
        stdout:write(text)
        summary("")
        return 0
    end
    local path = display_path(opts.output)
    local dir, base = path:match("^(.*)/([^/]*)$")
    if not dir then dir, base = ".", path end
    if dir == "" then dir = "/" end
    if base == "" then fail(format("-o %s names a directory, not a file",
                                   path)) end
    if not dir_exists(dir) then
        fail(format("cannot write %s: there is no directory %s", path, dir))
    end
    local ok, _, werr = write_set(dir, { { base, text } })
    if not ok then
        fail(format("cannot write %s: %s", path, tostring(werr)))
    end
    summary(" in " .. path)
    return 0
end

-- ormc seed URL SCHEMA.lua --rows T=N,... --seed N: fill a database with
-- fixtures; --sql DIALECT [-o FILE] instead of URL: write them as a script
-- (seed.lua, docs/fixtures.md).
local SEED = { ["-o"] = "output", ["--output"] = "output",
               ["--rows"] = "rows", ["--seed"] = "seed", ["--sql"] = "sql" }

local function cmd_seed(args)
    local seeding = require("seed")
    local opts, rest = parse(args, SEED)
    local target, path = {}, nil
    if opts.sql then
        if not dialect.by_name[opts.sql] then
            usage_error("seed: unknown dialect '" .. opts.sql
                        .. "' (sqlite or postgres)")
        end
        if #rest ~= 1 then
            usage_error("seed: with --sql, name one schema file (no URL)")
        end
        target.sql, target.output, path = opts.sql, opts.output, rest[1]
    else
        if #rest ~= 2 then
            usage_error("seed: give a database URL and one schema file, or "
                        .. "--sql DIALECT and one schema file")
        end
        if opts.output then usage_error("seed: -o goes with --sql") end
        target.url, path = rest[1], rest[2]
    end
    if not opts.rows then
        usage_error("seed: --rows TABLE=COUNT,... is required")
    end
    if not opts.seed then usage_error("seed: --seed N is required") end
    local seed, why = seeding.parse_seed(opts.seed)
    if not seed then usage_error("seed: " .. why) end
    -- The schema as gen reads it, less its queries' check (which may need
    -- a C compiler; seeding never runs them).
    local errs = errors.new()
    current = display_path(path)
    errs:file_order(current)
    local raw = load.load_file(path, errs, current)
    local s = raw and check.schema(raw, errs)
    local m = s and errs:count() == 0 and model.build(s)
    if m then check.model(m, errs, {}) end
    if errs:count() > 0 or not m then
        errs:report(stderr)
        return 2
    end
    local counts
    counts, why = seeding.parse_rows(m, opts.rows)
    if not counts then usage_error("seed: " .. why) end
    local rc
    rc, why = seeding.run(here, m, counts, seed, target)
    if not rc then
        stderr:write("ormc: seed: ", why, "\n")
        return 1
    end
    return rc
end

local function main(args)
    collectgarbage("stop")
    local cmd = args[1]
    local rest = { table.unpack(args, 2) }
    if cmd == nil then
        stderr:write(USAGE)
        return 2
    elseif cmd == "-h" or cmd == "--help" or cmd == "help" then
        stdout:write(help_text())
        return 0
    elseif cmd == "-V" or cmd == "--version" or cmd == "version" then
        stdout:write("ormc ", VERSION, "\n")
        return 0
    elseif cmd == "gen" then
        return cmd_gen(rest)
    elseif cmd == "check" then
        return cmd_check(rest)
    elseif cmd == "ddl" then
        return cmd_ddl(rest)
    elseif cmd == "diff" then
        return cmd_diff(rest)
    elseif cmd == "doc" then
        return cmd_doc(rest)
    elseif cmd == "pull" then
        return cmd_pull(rest)
    elseif cmd == "seed" then
        return cmd_seed(rest)
    end
    usage_error("unknown command '" .. cmd .. "'")
end

-- Errors that escape the phases: SIGINT (the wall-clock limit bin/ormc
-- sets, or Ctrl-C; lua.c makes it an error) and a failed allocation, both
-- reported against the schema being worked on; anything else is a bug in
-- ormc, shown with its traceback.
local STOPPED = {}
local ok, status = xpcall(main, function(e)
    local msg = tostring(e)
    if msg:find("interrupted!", 1, true) then
        return { STOPPED, format("ormc ran past its time limit (%s s) or "
                                 .. "was interrupted",
                                 os.getenv("ORMC_TIME_LIMIT") or "120") }
    elseif msg:find("not enough memory", 1, true) then
        return { STOPPED, load.TOO_BIG }
    end
    return debug.traceback(msg, 2)
end, arg)
if ok then os.exit(status) end
if type(status) == "table" and status[1] == STOPPED then
    for tmp in pairs(temporaries) do os.remove(tmp) end
    stderr:write(current and format("%s:1: error: ", current)
                 or "ormc: error: ", status[2], "\n",
                 "ormc: 1 error; no files written\n")
    os.exit(2)
end
stderr:write("ormc: internal error: ", tostring(status), "\n")
os.exit(1)
