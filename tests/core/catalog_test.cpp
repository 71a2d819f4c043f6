#include "cosmos/core/catalog.h"

#include <catch2/catch.hpp>

#include "cosmos/core/bundle.h"
#include "cosmos/core/error.h"
#include "cosmos/core/repository.h"

using cosmos::core::Catalog;
using cosmos::core::Json;
using cosmos::core::Package;
using cosmos::core::RepositoryContent;

namespace {

Package pkg(const std::string& name, const std::string& version, std::uint64_t release,
            const std::string& description = "d", bool selected = false,
            std::vector<std::string> tags = {"t"}) {
    Json d{{"packagingVersion", "4.0"},
           {"name", name},
           {"version", version},
           {"releaseVersion", release},
           {"maintainer", "m"},
           {"description", description},
           {"tags", tags}};
    if (selected) d["selected"] = true;
    return cosmos::core::decode_package(d);
}

std::shared_ptr<const RepositoryContent> repo(const std::string& name,
                                              std::vector<Package> packages) {
    auto r = std::make_shared<RepositoryContent>();
    r->name = name;
    r->uri = "https://" + name + "/repo";
    r->packages = std::move(packages);
    return r;
}

std::vector<std::string> names(const std::vector<cosmos::core::SearchResult>& results) {
    std::vector<std::string> out;
    for (const auto& r : results)
        out.push_back(r.name);
    return out;
}

}  // namespace

TEST_CASE("merge: lower repository index wins, highest release inside a repository",
          "[core][catalog]") {
    Catalog c(
        {repo("one", {pkg("kafka", "1.0", 1), pkg("kafka", "1.0", 5), pkg("kafka", "2.0", 2)}),
         repo("two", {pkg("kafka", "1.0", 9), pkg("kafka", "3.0", 10)})});
    auto entries = c.named("kafka");
    REQUIRE(entries.size() == 3);
    // Order: repository index ascending, then releaseVersion descending.
    CHECK(entries[0].package->version.str() == "1.0");
    CHECK(entries[0].package->release_version == 5);
    CHECK(entries[0].repository_index == 0);
    CHECK(entries[1].package->version.str() == "2.0");
    CHECK(entries[2].package->version.str() == "3.0");
    CHECK(entries[2].repository_index == 1);
    CHECK(*entries[2].repository_uri == "https://two/repo");
}

TEST_CASE("selection takes the first merged entry, not the newest version anywhere",
          "[core][catalog]") {
    Catalog c({repo("one", {pkg("kafka", "1.0", 1)}), repo("two", {pkg("kafka", "9.0", 100)})});
    CHECK(c.select("kafka", std::nullopt).package->version.str() == "1.0");
    CHECK(c.select("kafka", std::string("9.0")).repository_index == 1);
    try {
        c.select("kafka", std::string("5.0"));
        FAIL("selected");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "VersionNotFound");
        CHECK(std::string(e.what()) == "Version [5.0] of package [kafka] not found");
    }
    try {
        c.select("nope", std::nullopt);
        FAIL("selected");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "PackageNotFound");
        CHECK(
            e.to_json().dump() ==
            R"({"type":"PackageNotFound","message":"Package [nope] not found","data":{"packageName":"nope"}})");
    }
}

TEST_CASE("search: substring, wildcard, ordering", "[core][catalog]") {
    Catalog c({repo("one", {pkg("arangodb", "1", 0, "A distributed free and open-source database"),
                            pkg("cassandra", "1", 0, "Apache Cassandra", true, {"database"}),
                            pkg("crate", "1", 0, "A Distributed SQL Database"),
                            pkg("kafka", "1", 0, "Message broker", true),
                            pkg("marathon", "1", 0, "multi\nline database", false, {"paas"})})});
    CHECK(names(c.search(std::nullopt)) ==
          std::vector<std::string>{"cassandra", "kafka", "arangodb", "crate", "marathon"});
    CHECK(names(c.search(std::string(""))).size() == 5);
    CHECK(names(c.search(std::string("cass"))) == std::vector<std::string>{"cassandra"});
    CHECK(names(c.search(std::string("CASS"))) == std::vector<std::string>{"cassandra"});
    CHECK(names(c.search(std::string("databas"))) ==
          std::vector<std::string>{"cassandra", "arangodb", "crate", "marathon"});
    // Wildcards are anchored, case-sensitive, whole-field, and do not cross line ends.
    CHECK(names(c.search(std::string("cassan*a"))) == std::vector<std::string>{"cassandra"});
    CHECK(names(c.search(std::string("c*a"))) == std::vector<std::string>{"cassandra"});
    CHECK(names(c.search(std::string("cass*"))) == std::vector<std::string>{"cassandra"});
    CHECK(names(c.search(std::string("data*e"))) == std::vector<std::string>{"cassandra"});
    CHECK(names(c.search(std::string("*Database"))) == std::vector<std::string>{"crate"});
    CHECK(names(c.search(std::string("multi*database"))).empty());
    CHECK(names(c.search(std::string("Cass*"))).empty());
}

TEST_CASE("glob matching", "[core][catalog]") {
    using cosmos::core::glob_match;
    CHECK(glob_match("a*c", "abbbc"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("**", "x"));
    CHECK_FALSE(glob_match("a*c", "abbbd"));
    CHECK_FALSE(glob_match("a*c", "ab\nc"));
    CHECK(glob_match("a*b*c", "axxbyyc"));
    CHECK_FALSE(glob_match("abc", "abcd"));
    CHECK(glob_match("a.c", "a.c"));
    CHECK_FALSE(glob_match("a.c", "abc"));
}

TEST_CASE("search results carry versions, first entry's fields and licenses", "[core][catalog]") {
    Json d{
        {"packagingVersion", "3.0"},
        {"name", "x"},
        {"version", "2"},
        {"releaseVersion", 2},
        {"maintainer", "m"},
        {"description", "new"},
        {"tags", {"a"}},
        {"framework", true},
        {"licenses", {{{"name", "MIT License"}, {"url", "https://opensource.org/licenses/MIT"}}}},
        {"resource", {{"images", {{"icon-small", "https://i/s.png"}}}}}};
    Catalog c({repo("one", {pkg("x", "1", 1, "old"), cosmos::core::decode_package(d)})});
    auto results = c.search(std::nullopt);
    REQUIRE(results.size() == 1);
    Json encoded = cosmos::core::encode_search_result(
        results[0], [](const std::string& u) { return "http://h/package/resource?url=" + u; });
    CHECK(
        encoded.dump() ==
        R"({"name":"x","currentVersion":"2","versions":{"2":2,"1":1},"description":"new",)"
        R"("framework":true,"tags":["a"],"images":{"icon-small":"http://h/package/resource?url=https://i/s.png"},)"
        R"("licenses":[{"name":"MIT License","url":"https://opensource.org/licenses/MIT"}],)"
        R"("repository":{"name":"one","uri":"https://one/repo"}})");
}

TEST_CASE("search results name the first repository that has the package", "[core][catalog]") {
    // kafka is in both; the higher-priority repository supplies the result even though the other
    // has a newer release. zk is only in the second one.
    Catalog c({repo("one", {pkg("kafka", "1.0", 1)}),
               repo("two", {pkg("kafka", "2.0", 7), pkg("zk", "3.4", 0)})});
    auto results = c.search(std::nullopt);
    REQUIRE(names(results) == std::vector<std::string>{"kafka", "zk"});
    CHECK(results[0].current_version == "1.0");
    CHECK(results[0].repository.name == "one");
    CHECK(results[0].repository.uri == "https://one/repo");
    CHECK(results[1].repository.name == "two");
    CHECK(cosmos::core::encode_search_result(results[1], nullptr)["repository"] ==
          Json{{"name", "two"}, {"uri", "https://two/repo"}});
    // Selection agrees: describe of the latest kafka comes from "one".
    CHECK(*c.select("kafka", std::nullopt).repository_name == "one");
    CHECK(*c.select("kafka", std::string("2.0")).repository_name == "two");
}

TEST_CASE("list-versions, upgradesTo and downgradesTo", "[core][catalog]") {
    Json a{{"packagingVersion", "4.0"}, {"name", "h"},       {"version", "0.1.0"},
           {"releaseVersion", 0},       {"maintainer", "m"}, {"description", "d"},
           {"tags", Json::array()}};
    Json b = a;
    b["version"] = "0.4.2";
    b["releaseVersion"] = 5;
    b["upgradesFrom"] = {"0.1.0"};
    b["downgradesTo"] = {"*"};
    Json c2 = a;
    c2["version"] = "0.4.1";
    c2["releaseVersion"] = 4;
    c2["upgradesFrom"] = {"*"};
    Catalog c({repo("one", {cosmos::core::decode_package(a), cosmos::core::decode_package(b),
                            cosmos::core::decode_package(c2)})});
    auto versions = c.list_versions("h");
    REQUIRE(versions.size() == 3);
    CHECK(versions[0] == std::make_pair(std::string("0.4.2"), std::uint64_t{5}));
    CHECK(c.upgrades_to("h", "0.1.0") == std::vector<std::string>{"0.4.2", "0.4.1"});
    CHECK(c.upgrades_to("h", "0.4.1") == std::vector<std::string>{"0.4.1"});
    CHECK(c.downgrades_to(*c.named("h")[0].package) ==
          std::vector<std::string>{"0.4.2", "0.4.1", "0.1.0"});
    CHECK(c.downgrades_to(*c.named("h")[1].package).empty());
    CHECK_THROWS_AS(c.list_versions("nope"), cosmos::core::Error);
}

TEST_CASE("the proxy allow-list holds every resource URL of every repository", "[core][catalog]") {
    Json d{{"packagingVersion", "3.0"},
           {"name", "x"},
           {"version", "1"},
           {"releaseVersion", 1},
           {"maintainer", "m"},
           {"description", "d"},
           {"tags", Json::array()},
           {"resource",
            {{"assets", {{"uris", {{"jar", "https://a/x.jar"}}}}},
             {"images", {{"screenshots", {"https://a/s.png"}}}}}}};
    Json shadowed = d;
    shadowed["resource"]["assets"]["uris"]["jar"] = "https://b/other.jar";
    Catalog c({repo("one", {cosmos::core::decode_package(d)}),
               repo("two", {cosmos::core::decode_package(shadowed)})});
    CHECK(c.allows_url("https://a/x.jar"));
    CHECK(c.allows_url("https://a/s.png"));
    CHECK(c.allows_url("https://b/other.jar"));  // shadowed in the merge, still in a repository
    CHECK_FALSE(c.allows_url("https://evil/x.jar"));
}

TEST_CASE("a zip repository or bundle whose version fields are not strings gets a typed error",
          "[core][repository]") {
    // Found by fuzzing: both reached the JSON library's type error, which ended the process.
    using cosmos::core::Error;
    const std::vector<std::pair<std::string, std::string>> files = {
        {"universe-version-2.x/repo/meta/index.json", R"({"version": []})"}};
    try {
        cosmos::core::decode_zip_repository(files, "https://repo.test/u.zip", nullptr);
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.type() == "UnsupportedRepositoryVersion");
        CHECK(std::string(e.what()) == "Repository version [[]] is not supported");
    }
    try {
        cosmos::core::bundle_metadata(Json{{"packagingVersion", 4}, {"name", "x"}});
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.type() == "InvalidBundle");
        CHECK_THAT(e.what(), Catch::Contains("packagingVersion must be a string"));
    }
}
