// Fuzz target "mustache": a Marathon template and its context (template, NUL, context JSON),
// compiled and rendered in the Cosmos dialect (what install and render use) and in the spec
// dialect (partials: the context's "partials" object).

#include <optional>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/mustache.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos::core;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "mustache";

void render(std::string_view text, MustacheDialect dialect, const Json& context,
            const Json& partials) {
    std::optional<MustacheTemplate> compiled;
    try {
        compiled.emplace(MustacheTemplate::parse(text, dialect));
    } catch (const MustacheError& e) {
        expect(e.line() >= 1, kTarget, std::string("error without a line: ") + e.what());
        return;
    }
    try {
        std::string out = compiled->render(context, partials);
        std::string again = compiled->render(context, partials);
        expect(out == again, kTarget, "rendering twice gives different text");
    } catch (const MustacheError& e) {
        expect(e.line() >= 1, kTarget, std::string("error without a line: ") + e.what());
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parts = universe_fuzz::split_parts(universe_fuzz::as_text(data, size), 2);
    Json context = Json::object();
    try {
        if (!parts[1].empty()) context = parse_json(parts[1]);
    } catch (const Error&) {
        return 0;
    }
    Json partials = Json::object();
    if (context.is_object() && context.contains("partials")) partials = context["partials"];
    render(parts[0], MustacheDialect::kCosmos, context, partials);
    render(parts[0], MustacheDialect::kSpec, context, partials);
    return 0;
}
