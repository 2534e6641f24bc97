return schema "s" {
    table "bot" {
        serial "id",
        text   "x",
    },
    table "bot_list" {
        serial "id",
    },
    table "item" {
        serial  "id",
        bigint  "row" { unique = true },
        boolean "flag",
        boolean "has_flag",
    },
}

-- Expected (the test compares stderr with the --! lines):
--! tests/gen/bad/c_name_collision.lua:6: error: C name 's_bot_list' is the row type of table 'bot_list' and also the list type of table 'bot' (line 2) (rename one of them)
--! tests/gen/bad/c_name_collision.lua:6: error: C name 's_bot_list_free' is the function _free of table 'bot_list' and also the function _list_free of table 'bot' (line 2) (rename one of them)
--! tests/gen/bad/c_name_collision.lua:11: error: C name 'row' is the parameter of column 'row' and also the parameter row of s_item_get_by_row (line 9) (rename one of them)
--! tests/gen/bad/c_name_collision.lua:13: error: C name 'has_flag' is column 'has_flag' of table 'item' and also the has_ flag of column 'flag' of table 'item' (line 12) (rename one of them)
--! ormc: 4 errors; no files written
