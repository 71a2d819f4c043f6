// Fuzz target "media_type": Content-Type and Accept headers as clients send them. A parsed media
// type must print to text that parses back to the same type; negotiation must answer with one of
// the server's types or a request error.

#include <algorithm>
#include <variant>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/http/media_types.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "media_type";

const std::vector<http::MediaType>& server_types() {
    static const std::vector<http::MediaType> types = [] {
        std::vector<http::MediaType> out;
        for (auto text : http::all_media_types())
            out.push_back(http::media_type(text));
        return out;
    }();
    return types;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view header = universe_fuzz::as_text(data, size);

    if (auto parsed = http::parse_media_type(header)) {
        const std::string text = parsed->to_string();
        // Cosmos prints parameter values as they are, unquoted (its error messages show types
        // that way), so only a type whose values are plain tokens prints back to parseable text.
        const bool plain = std::all_of(
            parsed->parameters.begin(), parsed->parameters.end(), [](const auto& parameter) {
                const std::string& value = parameter.second;
                return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
                    return c > ' ' && c < 0x7f &&
                           std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
                });
            });
        if (plain) {
            auto again = http::parse_media_type(text);
            expect(again.has_value(), kTarget, "printed media type does not parse: " + text);
            expect(*again == *parsed, kTarget, "printed media type parses differently: " + text);
            expect(again->to_string() == text, kTarget, "printing is not stable: " + text);
        }
        const double q = http::quality(*parsed);
        expect(q >= 0 && q <= 1, kTarget, "quality outside [0, 1]");
    }

    auto accepted = http::parse_accept(header);
    if (auto* items = std::get_if<std::vector<http::MediaType>>(&accepted)) {
        auto ranked = http::rank_accept(*items, server_types());
        for (const auto& item : ranked) {
            expect(!item.parameter("q"), kTarget, "a ranked item keeps its q parameter");
        }
    }
    auto chosen = http::negotiate_accept(header, server_types());
    if (auto* index = std::get_if<std::size_t>(&chosen)) {
        expect(*index < server_types().size(), kTarget, "negotiated an index out of range");
    }
    for (const auto& expected : server_types()) {
        auto checked = http::check_content_type(header, expected);
        if (auto* type = std::get_if<http::MediaType>(&checked)) {
            expect(http::compatible(expected, *type), kTarget, "accepted an incompatible type");
        }
    }
    return 0;
}
