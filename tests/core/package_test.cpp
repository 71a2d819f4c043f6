#include "cosmos/core/package.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "cosmos/core/error.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;
using cosmos::core::Nulls;
using cosmos::core::Package;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> keys(const Json& j) {
    std::vector<std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it)
        out.push_back(it.key());
    return out;
}

// A package of the given packaging version with every optional field set.
Json full_definition(const std::string& pv) {
    Json d = Json::parse(R"({
      "hasKnownIssues": false, "lastUpdated": 1500000000, "manager": {"packageName": "mgr"},
      "downgradesTo": ["0.9"], "upgradesFrom": ["*"], "command": {"pip": ["x"]},
      "config": {"type": "object"}, "resource": {
        "cli": {"binaries": {"linux": {"x86-64": {"kind": "executable", "url": "https://c/l",
                "contentHash": [{"algo": "sha256", "value": "ab"}]}}}},
        "images": {"screenshots": ["https://s"], "icon-large": "https://l", "icon-small": "https://s"},
        "assets": {"container": {"docker": {"img": "repo/img:1"}}, "uris": {"jar": "https://j"}}},
      "marathon": {"v2AppMustacheTemplate": "e30="}, "minDcosReleaseVersion": "1.10",
      "licenses": [{"name": "Apache License 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}],
      "postUninstallNotes": "c", "postInstallNotes": "b", "preInstallNotes": "a",
      "framework": true, "website": "https://w", "scm": "https://s", "selected": true,
      "tags": ["t"], "description": "d", "maintainer": "m", "releaseVersion": 3,
      "version": "1.0", "name": "pkg", "unknownField": 1})");
    d["packagingVersion"] = pv;
    return d;
}

}  // namespace

TEST_CASE("encoding follows Cosmos's field order for each packaging version", "[core][package]") {
    using V = std::vector<std::string>;
    const V head = {"packagingVersion", "name",       "version",
                    "releaseVersion",   "maintainer", "description"};
    const V notes = {"selected",
                     "scm",
                     "website",
                     "framework",
                     "preInstallNotes",
                     "postInstallNotes",
                     "postUninstallNotes",
                     "licenses"};
    auto cat = [](std::initializer_list<V> parts) {
        V out;
        for (const auto& p : parts)
            out.insert(out.end(), p.begin(), p.end());
        return out;
    };
    CHECK(
        keys(cosmos::core::encode_package(cosmos::core::decode_package(full_definition("2.0")))) ==
        cat({head, {"marathon", "tags"}, notes, {"resource", "config", "command"}}));
    CHECK(
        keys(cosmos::core::encode_package(cosmos::core::decode_package(full_definition("3.0")))) ==
        cat({head,
             {"tags"},
             notes,
             {"minDcosReleaseVersion", "marathon", "resource", "config", "command", "lastUpdated",
              "hasKnownIssues"}}));
    CHECK(
        keys(cosmos::core::encode_package(cosmos::core::decode_package(full_definition("4.0")))) ==
        cat({head,
             {"tags"},
             notes,
             {"minDcosReleaseVersion", "marathon", "resource", "config", "lastUpdated",
              "hasKnownIssues", "upgradesFrom", "downgradesTo"}}));
    CHECK(
        keys(cosmos::core::encode_package(cosmos::core::decode_package(full_definition("5.0")))) ==
        cat({head,
             {"tags"},
             notes,
             {"minDcosReleaseVersion", "marathon", "resource", "config", "upgradesFrom",
              "downgradesTo", "manager", "lastUpdated", "hasKnownIssues"}}));
}

TEST_CASE("resource encoding order and the 2.0 shape", "[core][package]") {
    auto p = cosmos::core::decode_package(full_definition("3.0"));
    Json r = cosmos::core::encode_resource(*p.resource, true);
    CHECK(keys(r) == std::vector<std::string>{"assets", "images", "cli"});
    CHECK(keys(r["images"]) == std::vector<std::string>{"icon-small", "icon-large", "screenshots"});
    CHECK(keys(r["cli"]["binaries"]["linux"]["x86-64"]) ==
          std::vector<std::string>{"kind", "url", "contentHash"});
    // 2.0 packages have no CLI: it is dropped when decoding.
    auto p2 = cosmos::core::decode_package(full_definition("2.0"));
    CHECK_FALSE(p2.resource->cli.has_value());
    CHECK_FALSE(p2.min_dcos_release_version.has_value());
    CHECK_FALSE(p2.last_updated.has_value());
}

TEST_CASE("fields a packaging version does not have are dropped", "[core][package]") {
    auto p3 = cosmos::core::decode_package(full_definition("3.0"));
    CHECK_FALSE(p3.upgrades_from);
    CHECK_FALSE(p3.manager);
    CHECK(p3.command_pip);
    auto p4 = cosmos::core::decode_package(full_definition("4.0"));
    CHECK_FALSE(p4.command_pip);
    CHECK_FALSE(p4.manager);
    CHECK(p4.upgrades_from);
    auto p5 = cosmos::core::decode_package(full_definition("5.0"));
    REQUIRE(p5.manager);
    CHECK(p5.manager->package_name == "mgr");
}

TEST_CASE("nulls are written for absent optional fields when asked", "[core][package]") {
    Json d = Json::parse(R"({"packagingVersion": "4.0", "name": "a", "version": "1",
        "releaseVersion": 0, "maintainer": "m", "description": "d", "tags": [],
        "resource": {"images": {"icon-small": "https://x"}}})");
    Json written = cosmos::core::encode_package(cosmos::core::decode_package(d), Nulls::kWrite);
    CHECK(written["selected"].is_null());
    CHECK(written["marathon"].is_null());
    CHECK(written["upgradesFrom"].is_null());
    CHECK(written["resource"]["assets"].is_null());
    CHECK(written["resource"]["images"]["icon-medium"].is_null());
    CHECK(written["resource"]["cli"].is_null());
    CHECK_FALSE(written.contains("command"));
    Json dropped = cosmos::core::encode_package(cosmos::core::decode_package(d));
    CHECK_FALSE(dropped.contains("selected"));
    CHECK_FALSE(dropped["resource"].contains("assets"));
}

TEST_CASE("decoding failures name the field", "[core][package]") {
    struct Case {
        const char* mutation;  // JSON merge applied to a valid 3.0 definition
        const char* expected;  // a part of the decoding message
    };
    const Case cases[] = {
        {R"({"packagingVersion": "6.0"})",
         "Expected one of [2.0, 3.0, 4.0, 5.0] for packaging version, but found [6.0]"},
        {R"({"name": 5})", "String: DownField(name)"},
        {R"({"maintainer": null})",
         "Attempt to decode value on failed cursor: DownField(maintainer)"},
        {R"({"releaseVersion": -1})", "Expected integer value >= 0 for release version"},
        {R"({"tags": ["a b"]})", "does not conform to expected format"},
        {R"({"minDcosReleaseVersion": "1.x"})", "minDcosReleaseVersion"},
        {R"({"marathon": {"v2AppMustacheTemplate": "%%%"}})", "v2AppMustacheTemplate"},
        {R"({"selected": "yes"})", "Boolean: DownField(selected)"},
    };
    for (const auto& c : cases) {
        INFO(c.mutation);
        Json d = full_definition("3.0");
        d.merge_patch(Json::parse(c.mutation));
        if (d.contains("maintainer") && d["maintainer"].is_null()) d.erase("maintainer");
        try {
            cosmos::core::decode_package(d);
            FAIL("decoded");
        } catch (const cosmos::core::Error& e) {
            CHECK(e.type() == "JsonDecodingError");
            CHECK_THAT(e.data()["decodingErrorMessage"].get<std::string>(),
                       Catch::Contains(c.expected));
        }
    }
}

TEST_CASE("2.0 packages must have a template", "[core][package]") {
    Json d = full_definition("2.0");
    d.erase("marathon");
    CHECK_THROWS_AS(cosmos::core::decode_package(d), cosmos::core::Error);
    Json d3 = full_definition("3.0");
    d3.erase("marathon");
    CHECK_NOTHROW(cosmos::core::decode_package(d3));
}

TEST_CASE("describe v2 conversion rules", "[core][package]") {
    auto p4 = cosmos::core::decode_package(full_definition("4.0"));
    CHECK_THROWS_WITH(cosmos::core::encode_describe_v2(p4),
                      "A v4 package cannot be converted into a v2 DescribeResponse");
    p4.upgrades_from = std::vector<std::string>{};
    p4.downgrades_to.reset();
    Json v2 = cosmos::core::encode_describe_v2(p4);
    CHECK(v2["packagingVersion"] == "3.0");
    CHECK_FALSE(v2.contains("releaseVersion"));
    CHECK(v2["selected"] == true);
    CHECK(v2["framework"] == true);
    auto p5 = cosmos::core::decode_package(full_definition("5.0"));
    CHECK_THROWS(cosmos::core::encode_describe_v2(p5));
    Json d2 = full_definition("2.0");
    d2.erase("selected");
    d2.erase("framework");
    Json v2b = cosmos::core::encode_describe_v2(cosmos::core::decode_package(d2));
    CHECK(v2b["packagingVersion"] == "2.0");
    CHECK(v2b["selected"] == false);
    CHECK(v2b["framework"] == false);
}

TEST_CASE("5.0 search description is the maintainer (Cosmos quirk)", "[core][package]") {
    auto p5 = cosmos::core::decode_package(full_definition("5.0"));
    CHECK(p5.search_description() == "m");
    auto p4 = cosmos::core::decode_package(full_definition("4.0"));
    CHECK(p4.search_description() == "d");
}

TEST_CASE("resource URLs are listed and rewritten, docker images untouched", "[core][package]") {
    auto p = cosmos::core::decode_package(full_definition("3.0"));
    auto urls = cosmos::core::resource_urls(*p.resource);
    CHECK(urls == std::vector<std::string>{"https://j", "https://s", "https://l", "https://s",
                                           "https://c/l"});
    auto r = cosmos::core::rewrite_resource_urls(*p.resource,
                                                 [](const std::string& u) { return "P" + u; });
    CHECK(r.assets->uris->front().second == "Phttps://j");
    CHECK(r.assets->docker->front().second == "repo/img:1");
    CHECK(r.cli->linux_x86_64->url == "Phttps://c/l");
}

TEST_CASE("every corpus repository entry survives a decode/encode round trip",
          "[core][package][corpus]") {
    REQUIRE_SHARED(expected, "corpus/universe/expected");
    for (const char* file : {"universe.json", "repo-up-to-1.9.json"}) {
        INFO(file);
        Json repo = Json::parse(slurp(expected / file));
        REQUIRE(repo["packages"].size() > 30);
        for (const auto& entry : repo["packages"]) {
            INFO(entry["name"].get<std::string>() << " " << entry["releaseVersion"]);
            Package p = cosmos::core::decode_package(entry);
            Json encoded = cosmos::core::encode_package(p);
            // Same members and values as the source (compared without key order).
            CHECK(nlohmann::json::parse(encoded.dump()) == nlohmann::json::parse(entry.dump()));
            CHECK(cosmos::core::decode_package(encoded) == p);
        }
    }
}
