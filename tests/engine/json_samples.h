/*
 * json_samples.h: JSON texts and what ormc_row_validate says of them (the
 * offset of the first bad byte, or -1: valid). test_validate checks the
 * offsets; data_crud checks, on PostgreSQL, that jsonb accepts exactly the
 * texts marked valid, so that validate answers as the server does.
 */
#ifndef ENGINE_JSON_SAMPLES_H
#define ENGINE_JSON_SAMPLES_H

typedef struct json_sample {
    const char *text;
    int bad; /* offset of the first bad byte; -1: valid JSON */
} json_sample;

static const json_sample json_samples[] = {
    /* valid: every kind of value, nesting, whitespace, escapes */
    {"{}", -1},
    {"[]", -1},
    {" \t\r\n{ \"a\" : [ 1 , -2.5e+3 , 0.0 , 1E-2 , true , false , null ] } ",
     -1},
    {"\"just a string\"", -1},
    {"0", -1},
    {"-0", -1},
    {"123456789012345678901234567890", -1},
    {"null", -1},
    {"{\"a\":{\"b\":{\"c\":[[[]]]}},\"d\":\"\"}", -1},
    {"\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", -1},
    {"\"\\u00e9\\u20AC \\ud83d\\ude00\"", -1}, /* a surrogate pair */
    {"\"caf\xC3\xA9\"", -1},                   /* UTF-8 as is */
    {"[\"}\", \"]\", \"{\", \"[\", \",\"]", -1},
    /* invalid */
    {"", 0},
    {"   ", 3},
    {"{x}", 1},
    {"{'a': 1}", 1},
    {"{\"a\" 1}", 5},
    {"{\"a\": 1,}", 8},
    {"[1, 2,]", 6},
    {"[1 2]", 3},
    {"{\"a\": 1", 7},
    {"[", 1},
    {"]", 0},
    {"{} {}", 3},
    {"{}x", 2},
    {"01", 1},
    {"1.", 2},
    {".5", 0},
    {"1e", 2},
    {"+1", 0},
    {"-", 1},
    {"NaN", 0},
    {"tru", 0},
    {"nul", 0},
    {"True", 0},
    {"\"abc", 4},
    {"\"a\tb\"", 2},           /* a raw control character */
    {"\"\\x41\"", 1},          /* an escape JSON does not have */
    {"\"\\u12\"", 1},          /* too few hex digits */
    {"\"\\u0000\"", 1},        /* jsonb refuses it */
    {"\"\\ud83d\"", 1},        /* a high surrogate alone */
    {"\"\\ude00\"", 1},        /* a low surrogate alone */
    {"\"\\ud83d\\u0041\"", 1}, /* a high surrogate, then no low one */
    {"[1] // comment", 4},
    {"{\"a\": undefined}", 6},
};

#define JSON_SAMPLES_N (sizeof json_samples / sizeof json_samples[0])

#endif /* ENGINE_JSON_SAMPLES_H */
