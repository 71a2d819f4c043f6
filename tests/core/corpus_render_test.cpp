// Every corpus revision rendered exactly as Cosmos 0.6 renders it, then checked against
// Marathon's AppDefinition schema (unknown fields allowed, as Marathon 1.4+ ignores them).
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "cosmos/adapters/disk_tree.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/app/tree_actions.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"
#include "cosmos/core/options.h"
#include "cosmos/core/render.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;

TEST_CASE("every corpus revision but namerd 4 renders to a valid Marathon app",
          "[core][render][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    REQUIRE_SHARED(schema_file, "spec/marathon/AppDefinition.relaxed.json");
    std::ifstream in(schema_file);
    cosmos::core::JsonSchema relaxed(Json::parse(in));
    cosmos::core::Codec codec{
        [](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
        [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 64u << 20); }};

    cosmos::adapters::DiskTreeSource source(corpus);
    std::vector<cosmos::core::Problem> problems;
    std::size_t rendered = 0;
    std::set<std::string> failures;
    std::set<std::string> needs_options;
    for (const auto& ref : source.list(problems)) {
        auto files = source.read(ref, problems);
        auto checked = cosmos::core::check_revision(files, cosmos::app::tree_schemas(), {});
        REQUIRE(checked.entry);
        auto package = cosmos::core::decode_package(*checked.entry);
        const std::string id = ref.name + "/" + ref.revision;
        INFO(id);
        cosmos::core::RenderRequest request;
        request.package = &package;
        request.source_uri = "https://universe.example/repo";
        try {
            auto app = cosmos::core::render_marathon_app(request, codec).app;
            auto violations = relaxed.validate(app);
            for (const auto& v : violations)
                UNSCOPED_INFO(v.instance_pointer << ": " << v.message);
            CHECK(violations.empty());
            ++rendered;
        } catch (const cosmos::core::Error& e) {
            if (e.type() == "JsonSchemaMismatch") {
                // The package needs options that have no default (an API key, a token): Cosmos
                // refuses it too. Render the template with the default context instead.
                needs_options.insert(id);
                auto context = cosmos::core::extract_defaults(package.config->value());
                auto app =
                    cosmos::core::render_template(package, *package.marathon_template(), context);
                CHECK(relaxed.validate(app).empty());
                ++rendered;
            } else {
                failures.insert(id + " " + e.type());
            }
        }
    }
    // namerd 4 relies on the escaping of DC/OS before 1.10 and fails as in Cosmos 0.6.
    CHECK(failures == std::set<std::string>{"namerd/4 JsonParsingError"});
    CHECK(needs_options ==
          std::set<std::string>{"datadog/5", "datadog/6", "dynatrace/0", "dynatrace/1", "ruxit/0"});
    CHECK(rendered == 48);
}
