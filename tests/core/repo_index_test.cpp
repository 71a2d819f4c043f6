#include "cosmos/core/repo_index.h"

#include <catch2/catch.hpp>

using cosmos::core::Json;

TEST_CASE("escape compatibility adds a backslash before unescaped quotes", "[core][repo_index]") {
    Json config = Json::parse(R"({"properties": {
        "a": {"type": "string", "description": "say \"hi\"", "default": "x\"y"},
        "b": {"type": "integer", "description": "\"q\"", "default": 1},
        "c": {"type": "string", "default": "already \\\" escaped"},
        "o": {"type": "object", "properties": {"d": {"type": "string", "default": "\"\""}}},
        "s": {"type": "string", "default": "\"start"}}})");
    Json out = cosmos::core::escape_config_for_old_dcos(config);
    CHECK(out["properties"]["a"]["description"] == "say \\\"hi\\\"");
    CHECK(out["properties"]["a"]["default"] == "x\\\"y");
    // description is escaped for any type; the default only for strings
    CHECK(out["properties"]["b"]["description"] == "\"q\\\"");
    CHECK(out["properties"]["b"]["default"] == 1);
    CHECK(out["properties"]["c"]["default"] == "already \\\" escaped");
    // matches do not overlap: only the first of two adjacent quotes gets a backslash
    CHECK(out["properties"]["o"]["properties"]["d"]["default"] == "\"\\\"");
    CHECK(out["properties"]["s"]["default"] == "\"start");
}

TEST_CASE("downgrade for DC/OS before 1.10", "[core][repo_index]") {
    Json e = Json::parse(R"({"packagingVersion": "4.0", "name": "k", "upgradesFrom": ["1"],
        "downgradesTo": ["1"], "version": "2", "releaseVersion": 1})");
    Json d = cosmos::core::downgrade_for_old_dcos(e);
    CHECK(d.dump() == R"({"packagingVersion":"3.0","name":"k","version":"2","releaseVersion":1})");
    Json two = Json::parse(R"({"packagingVersion": "2.0", "name": "k"})");
    CHECK(cosmos::core::downgrade_for_old_dcos(two) == two);
}

TEST_CASE("served_to follows LooseVersion", "[core][repo_index]") {
    Json none = Json::object();
    Json v19 = {{"minDcosReleaseVersion", "1.9"}};
    Json v190 = {{"minDcosReleaseVersion", "1.9.0"}};
    Json hidden = {{"minDcosReleaseVersion", "999"}};
    CHECK(cosmos::core::served_to(none, "1.8"));
    CHECK(cosmos::core::served_to(v19, "1.9"));
    CHECK_FALSE(cosmos::core::served_to(v19, "1.8"));
    CHECK_FALSE(cosmos::core::served_to(v190, "1.9"));
    CHECK(cosmos::core::served_to(v190, "1.10"));
    CHECK_FALSE(cosmos::core::served_to(hidden, "2.0"));
    CHECK(cosmos::core::repo_version_for("1.8") == 3);
    CHECK(cosmos::core::repo_version_for("1.11") == 4);
    CHECK(cosmos::core::repo_version_for("1.12") == 5);
    CHECK(cosmos::core::repo_version_for("2.1") == 5);
}

TEST_CASE("repository files are assembled from prepared entries in order", "[core][repo_index]") {
    cosmos::core::RepoSchemas none;
    std::vector<cosmos::core::PreparedEntry> entries;
    entries.push_back(cosmos::core::prepare_entry(
        Json::parse(R"({"packagingVersion":"4.0","name":"b","version":"1","releaseVersion":2,
                        "minDcosReleaseVersion":"1.10","upgradesFrom":["0"]})"),
        "b", none));
    entries.push_back(cosmos::core::prepare_entry(
        Json::parse(R"({"packagingVersion":"2.0","name":"a","version":"1","releaseVersion":0,
                        "marathon":{"v2AppMustacheTemplate":"e30="}})"),
        "a", none));
    cosmos::core::sort_entries(entries);
    std::map<std::string, std::string> files;
    cosmos::core::assemble_repository_files(
        entries, [&](const std::string& name, std::string&& bytes) { files[name] = bytes; });
    CHECK(files.size() == 18);
    CHECK(files["repo-empty-v3.json"] == R"({"packages": []})");
    CHECK(files["universe.content_type"] ==
          "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5");
    CHECK(files["repo-up-to-1.9.content_type"] ==
          "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3");
    CHECK(files["repo-up-to-1.11.content_type"] ==
          "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4");
    // a (2.0, no minimum) everywhere; b only from 1.10, in its 4.0 form.
    CHECK(Json::parse(files["repo-up-to-1.9.json"])["packages"].size() == 1);
    auto v110 = Json::parse(files["repo-up-to-1.10.json"])["packages"];
    REQUIRE(v110.size() == 2);
    CHECK(v110[0]["name"] == "a");
    CHECK(v110[1]["packagingVersion"] == "4.0");
    CHECK(files["universe.json"].rfind("{\"packages\": [{\"packagingVersion\": \"2.0\"", 0) == 0);
    auto legacy = cosmos::core::legacy_zip_files(entries);
    REQUIRE(legacy.size() == 4);
    CHECK(legacy[0].first == "universe/repo/meta/index.json");
    CHECK(legacy[2].first == "universe/repo/packages/A/a/0/package.json");
    CHECK(legacy[3].second == "{}");
    auto index = Json::parse(legacy[0].second);
    CHECK(index["packages"][0]["versions"]["1"] == "0");
}
