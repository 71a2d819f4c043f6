// The bundled Universe (universe/): complete, valid, and every package installable.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>

#include "cosmos/adapters/disk_tree.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/adapters/package_tree.h"
#include "cosmos/app/tree_actions.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json_schema.h"
#include "cosmos/core/render.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;
namespace fs = std::filesystem;

namespace {

struct Revision {
    std::string name;
    std::string revision;
    Json entry;
};

// Every revision of universe/, checked the way repo-tool checks it.
const std::vector<Revision>& revisions() {
    static const std::vector<Revision> all = [] {
        std::vector<Revision> out;
        cosmos::adapters::DiskTreeSource source(universe_test::source_dir() / "universe");
        std::vector<cosmos::core::Problem> problems;
        for (const auto& ref : source.list(problems)) {
            auto files = source.read(ref, problems);
            auto checked = cosmos::core::check_revision(files, cosmos::app::tree_schemas(), {true});
            for (auto& p : checked.problems)
                problems.push_back(p);
            if (checked.entry) out.push_back({ref.name, ref.revision, *checked.entry});
        }
        for (const auto& p : problems)
            UNSCOPED_INFO(cosmos::core::format_problem(p));
        REQUIRE(problems.empty());
        return out;
    }();
    return all;
}

std::map<std::string, std::vector<const Revision*>> by_package() {
    std::map<std::string, std::vector<const Revision*>> out;
    for (const auto& r : revisions())
        out[r.name].push_back(&r);
    return out;
}

cosmos::core::Codec codec() {
    return {[](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
            [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 64u << 20); }};
}

}  // namespace

TEST_CASE("the catalog has the 25 day-1 packages with no problem at all", "[universe]") {
    auto packages = by_package();
    std::set<std::string> names;
    for (const auto& [name, revs] : packages)
        names.insert(name);
    CHECK(names == std::set<std::string>{
                       "arangodb", "cassandra",      "crate",    "datadog", "elasticsearch",
                       "etcd",     "exhibitor",      "hdfs",     "hue",     "jenkins",
                       "kafka",    "linkerd",        "mr-redis", "namerd",  "nginx",
                       "openvpn",  "openvpn-admin",  "quobyte",  "riak",    "ruxit",
                       "spark",    "spark-notebook", "storm",    "swarm",   "zeppelin"});
}

TEST_CASE("licenses group the catalog 20 / 2 / 3", "[universe]") {
    const std::map<std::string, std::string> kLicenses = {
        {"Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0"},
        {"Simplified BSD License", "https://opensource.org/licenses/BSD-2-Clause"},
        {"MIT License", "https://opensource.org/licenses/MIT"}};
    std::map<std::string, std::set<std::string>> groups;
    for (const auto& [name, revs] : by_package()) {
        std::set<std::string> declared;
        for (const auto* r : revs) {
            INFO(name << " revision " << r->revision);
            REQUIRE(r->entry.contains("licenses"));
            REQUIRE(r->entry["licenses"].size() == 1);
            const auto& l = r->entry["licenses"][0];
            REQUIRE(kLicenses.count(l["name"].get<std::string>()) == 1);
            CHECK(l["url"] == kLicenses.at(l["name"].get<std::string>()));
            declared.insert(l["name"].get<std::string>());
        }
        REQUIRE(declared.size() == 1);  // the same license in every revision
        groups[*declared.begin()].insert(name);
    }
    CHECK(groups["Apache License 2.0"].size() == 20);
    CHECK(groups["Simplified BSD License"] == std::set<std::string>{"datadog", "nginx"});
    CHECK(groups["MIT License"] == std::set<std::string>{"openvpn", "openvpn-admin", "ruxit"});
}

TEST_CASE("packaging 2.0 to 5.0 and upgrade paths are represented", "[universe]") {
    std::set<std::string> packaging;
    for (const auto& r : revisions())
        packaging.insert(r.entry["packagingVersion"].get<std::string>());
    CHECK(packaging == std::set<std::string>{"2.0", "3.0", "4.0", "5.0"});

    int with_paths = 0;
    for (const auto& [name, revs] : by_package()) {
        if (revs.size() < 2) continue;
        std::set<std::string> versions;
        for (const auto* r : revs)
            versions.insert(r->entry["version"].get<std::string>());
        CHECK(versions.size() == revs.size());  // versions are distinct inside a package
        bool linked = false;
        for (const auto* r : revs) {
            for (const char* field : {"upgradesFrom", "downgradesTo"}) {
                if (!r->entry.contains(field)) continue;
                for (const auto& v : r->entry[field]) {
                    INFO(name << " " << field << " " << v);
                    CHECK(versions.count(v.get<std::string>()) == 1);  // names a real version
                    linked = true;
                }
            }
        }
        with_paths += linked;
    }
    CHECK(with_paths >= 5);
}

TEST_CASE("every package renders with defaults and with its options file to a valid Marathon app",
          "[universe][render]") {
    REQUIRE_SHARED(schema_file, "spec/marathon/AppDefinition.json");
    std::ifstream in(schema_file);
    cosmos::core::JsonSchema strict(Json::parse(in));
    const fs::path options_dir = universe_test::source_dir() / "tests/data/options";
    std::size_t renders = 0;
    std::set<std::string> with_options;
    for (const auto& r : revisions()) {
        auto package = cosmos::core::decode_package(r.entry);
        std::vector<std::pair<std::string, Json>> cases = {{"defaults", Json::object()}};
        for (auto file : {options_dir / (r.name + "-" + r.revision + ".json"),
                          options_dir / (r.name + ".json")}) {
            if (!fs::exists(file)) continue;
            std::ifstream options(file);
            cases.emplace_back(file.filename().string(), Json::parse(options));
            with_options.insert(r.name);
            break;
        }
        for (const auto& [label, options] : cases) {
            INFO(r.name << "/" << r.revision << " with " << label);
            cosmos::core::RenderRequest request;
            request.package = &package;
            request.source_uri = "builtin:universe";
            request.user_options = options;
            cosmos::core::RenderedApp rendered;
            try {
                rendered = cosmos::core::render_marathon_app(request, codec());
            } catch (const cosmos::core::Error& e) {
                FAIL(e.type() << ": " << e.what() << " " << e.data().dump());
            }
            auto violations = strict.validate(rendered.app);
            for (const auto& v : violations)
                UNSCOPED_INFO(v.instance_pointer << ": " << v.message);
            CHECK(violations.empty());
            if (label != "defaults") {
                // Non-default options really change the app.
                cosmos::core::RenderRequest plain = request;
                plain.user_options = Json::object();
                auto defaults = cosmos::core::render_marathon_app(plain, codec()).app;
                defaults["labels"].erase("DCOS_PACKAGE_OPTIONS");
                Json changed = rendered.app;
                changed["labels"].erase("DCOS_PACKAGE_OPTIONS");
                CHECK(changed != defaults);
            }
            ++renders;
        }
    }
    CHECK(with_options.size() == 25);
    CHECK(renders >= 2 * 25);
}
