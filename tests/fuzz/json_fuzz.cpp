// Fuzz target "json": the JSON reader every other parser starts from (duplicate keys, depth,
// line and column errors), and the writers whose output is read back: compact text, the Python
// layout of repository files, and JsonText.

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/json_scan.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos::core;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "json";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = universe_fuzz::as_text(data, size);
    ParsedDocument doc;
    try {
        doc = parse_document(text);
    } catch (const Error& e) {
        expect(!universe_fuzz::leaks_library_text(e.what(), universe_fuzz::as_text(data, size)),
               kTarget, std::string("parse error leaks library text: ") + e.what());
        bool adopted = true;
        try {
            JsonText::from_text(text);
        } catch (const Error&) {
            adopted = false;
        }
        expect(!adopted, kTarget, "JsonText adopts text that parse_document refuses");
        return 0;
    }

    // What we write must read back as the same value.
    const std::string compact = to_compact(doc.value);
    expect(parse_json(compact) == doc.value, kTarget, "compact text reads back differently");
    expect(parse_json(to_python_text(doc.value)) == doc.value, kTarget,
           "Python-layout text reads back differently");
    const JsonText adopted = JsonText::from_text(text);
    expect(adopted.value() == doc.value, kTarget, "JsonText holds a different value");
    expect(adopted.text() == compact || parse_json(adopted.text()) == doc.value, kTarget,
           "JsonText text reads back differently");
    const Json without_nulls = drop_nulls(doc.value);
    expect(drop_nulls(without_nulls) == without_nulls, kTarget, "drop_nulls is not idempotent");

    // The scanner that cuts repository files finds the same single value.
    JsonScanner scan(text, "one value");
    try {
        scan.value_token();
        expect(scan.done(), kTarget, "the scanner stops before the end of one JSON value");
    } catch (const Error& e) {
        universe_fuzz::fail(kTarget, std::string("the scanner refuses valid JSON: ") + e.what());
    }
    return 0;
}
