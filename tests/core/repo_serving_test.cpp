// The Universe Server's rules (universe-format.md §7.2), the entry digests of a build, and the
// HTTP caching helpers of repo-tool serve.
#include "cosmos/core/repo_serving.h"

#include <catch2/catch.hpp>

#include "cosmos/adapters/digest.h"
#include "cosmos/core/error.h"
#include "cosmos/core/repo_index.h"

using cosmos::core::ServeTarget;
using Kind = cosmos::core::ServeTarget::Kind;

namespace {

std::string v(int n) {
    return "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v" + std::to_string(n);
}

}  // namespace

TEST_CASE("the DC/OS release comes from the User-Agent as upstream nginx reads it",
          "[core][repo_serving]") {
    struct Row {
        std::optional<std::string> user_agent;
        std::string release;
    };
    const std::vector<Row> rows = {
        {std::nullopt, "2.0"},
        {"", "2.0"},
        {"curl/7.88", "2.0"},
        {"dcos/1.8", "1.8"},
        {"dcos/1.9", "1.9"},
        {"dcos/1.10", "1.10"},
        {"dcos/1.11", "1.11"},
        {"dcos/1.12", "1.12"},
        {"dcos/1.13", "1.13"},
        {"dcos/2.0", "2.0"},
        {"cosmos/0.6.1 dcos/1.10.4", "1.10"},  // what Cosmos sends
        {"dcos/1.7", "2.0"},                   // no rule for 1.7
        {"dcos/2.1", "2.0"},                   // nor for later releases
        {"DCOS/1.9", "2.0"},                   // the regexes are case-sensitive
        {"dcos/1.9 dcos/1.12", "1.12"},        // later tests override earlier ones
        {"dcos/1.12 dcos/1.9", "1.12"},        // ... whatever the header order
        {"dcos/1.80", "1.8"},                  // ".*dcos\/1\.8.*" is a substring test
        {"dcos/1.9x", "1.9"},
    };
    for (const auto& row : rows) {
        INFO("User-Agent: " << row.user_agent.value_or("(none)"));
        std::optional<std::string_view> ua;
        if (row.user_agent) ua = *row.user_agent;
        CHECK(cosmos::core::serving_release(ua) == row.release);
    }
}

TEST_CASE("the repository version is the highest exact media type anywhere in Accept",
          "[core][repo_serving]") {
    struct Row {
        std::optional<std::string> accept;
        std::optional<int> version;
    };
    const std::vector<Row> rows = {
        {std::nullopt, std::nullopt},
        {"", std::nullopt},
        {"*/*", std::nullopt},
        {"application/json", std::nullopt},
        {v(3), 3},
        {v(4), 4},
        {v(5), 5},
        {v(5) + "," + v(4) + "," + v(3), 5},  // Cosmos 0.6.2+
        {v(4) + "," + v(3), 4},               // Cosmos 1.10/1.11
        {v(3) + "," + v(5), 5},
        {v(5) + ";q=0.1," + v(3) + ";q=0.9", 5},  // q-values are not considered
        {"application/vnd.dcos.universe.repo+json;charset=utf-8; version=v4", std::nullopt},
        {"application/vnd.dcos.universe.repo+json;version=v4", std::nullopt},
        {"application/vnd.dcos.universe.repo+json;charset=UTF-8;version=v4", std::nullopt},
        {"application/vnd.dcos.universe.repo+json;charset=utf-8;version=v2", std::nullopt},
        {"text/plain, " + v(4) + "x", 4},  // a substring test, as the regex is
    };
    for (const auto& row : rows) {
        INFO("Accept: " << row.accept.value_or("(none)"));
        std::optional<std::string_view> accept;
        if (row.accept) accept = *row.accept;
        CHECK(cosmos::core::requested_repo_version(accept) == row.version);
    }
}

TEST_CASE("/repo serves each release's file with the requested type", "[core][repo_serving]") {
    const std::vector<std::pair<std::optional<std::string>, std::string>> agents = {
        {std::nullopt, "2.0"}, {"dcos/1.8", "1.8"},   {"dcos/1.9", "1.9"},
        {"dcos/1.10", "1.10"}, {"dcos/1.11", "1.11"}, {"dcos/1.12", "1.12"},
        {"dcos/1.13", "1.13"}, {"dcos/2.0", "2.0"},   {"cosmos/0.4.3 dcos/1.8.9", "1.8"},
    };
    const std::vector<std::pair<std::optional<std::string>, std::optional<int>>> accepts = {
        {std::nullopt, std::nullopt}, {"application/json", std::nullopt},  {v(3), 3},
        {v(4) + "," + v(3), 4},       {v(5) + "," + v(4) + "," + v(3), 5},
    };
    for (const auto& [agent, release] : agents) {
        for (const auto& [accept, version] : accepts) {
            INFO("User-Agent " << agent.value_or("-") << ", Accept " << accept.value_or("-"));
            std::optional<std::string_view> a;
            std::optional<std::string_view> u;
            if (accept) a = *accept;
            if (agent) u = *agent;
            ServeTarget want;
            want.kind = Kind::kFile;
            want.negotiated = true;
            if (version) {
                want.file = "repo-up-to-" + release + ".json";
                want.content_type = v(*version);
            } else {
                want.file = "repo-up-to-" + release + ".zip";
                want.content_type = "application/zip";
            }
            CHECK(cosmos::core::route_repository_request("/repo", a, u) == want);

            // /repo-1.7: JSON clients (never 1.7 by User-Agent) get the empty v3 repository.
            ServeTarget legacy;
            legacy.kind = Kind::kFile;
            legacy.negotiated = true;
            legacy.file = version ? "repo-empty-v3.json" : "repo-up-to-1.7.zip";
            legacy.content_type = version ? v(3) : "application/zip";
            CHECK(cosmos::core::route_repository_request("/repo-1.7", a, u) == legacy);

            // /package/<name>: that name's entries of the same file.
            ServeTarget package;
            package.kind = Kind::kPackage;
            package.negotiated = true;
            package.file = "repo-up-to-" + release + ".json";
            package.package_name = "kafka";
            package.content_type = version ? v(*version) : "application/json";
            CHECK(cosmos::core::route_repository_request("/package/kafka", a, u) == package);
        }
    }
}

TEST_CASE("plain files are served by name, everything else is not found", "[core][repo_serving]") {
    struct Row {
        std::string path;
        Kind kind;
        std::string file;
        std::string content_type;
    };
    const std::vector<Row> rows = {
        {"/repo-up-to-1.10.json", Kind::kFile, "repo-up-to-1.10.json", "application/json"},
        {"/repo-empty-v3.json", Kind::kFile, "repo-empty-v3.json", "application/json"},
        {"/repo-up-to-1.7.zip", Kind::kFile, "repo-up-to-1.7.zip", "application/zip"},
        {"/universe.json", Kind::kNotFound, "", ""},  // not in the upstream image
        {"/repo-up-to-2.0.content_type", Kind::kNotFound, "", ""},
        {"/", Kind::kNotFound, "", ""},
        {"/repo/", Kind::kNotFound, "", ""},
        {"/v5", Kind::kNotFound, "", ""},  // internal locations upstream
        {"/package", Kind::kNotFound, "", ""},
        {"/package/", Kind::kNotFound, "", ""},
        {"/package/a/b", Kind::kNotFound, "", ""},
        {"/repo-x/../secret.json", Kind::kNotFound, "", ""},
        {"/repo-..json", Kind::kNotFound, "", ""},
        {"repo-up-to-2.0.json", Kind::kNotFound, "", ""},
    };
    for (const auto& row : rows) {
        INFO(row.path);
        auto target =
            cosmos::core::route_repository_request(row.path, v(5), std::string_view("dcos/1.9"));
        CHECK(target.kind == row.kind);
        CHECK(target.file == row.file);
        CHECK(target.content_type == row.content_type);
        CHECK_FALSE(target.negotiated);
    }
}

TEST_CASE("repository entries are split as written", "[core][repo_serving]") {
    std::string text =
        R"({"packages": [{"name": "a", "x": "}{]\"["}, {"name": "b", "n": [1, {"c": []}]}]})";
    auto entries = cosmos::core::split_repository_entries(text);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0] == R"({"name": "a", "x": "}{]\"["})");
    CHECK(entries[1] == R"({"name": "b", "n": [1, {"c": []}]})");

    CHECK(cosmos::core::split_repository_entries(R"({"packages": []})").empty());
    CHECK(cosmos::core::split_repository_entries(" {\n\"other\": {\"a\": [1]},\n\"packages\":"
                                                 "[ {} ] , \"z\": null }\n")
              .size() == 1);
    for (std::string bad :
         {"", "[]", "{}", R"({"packages": {}})", R"({"packages": [1]})", R"({"packages": [{}])",
          R"({"packages": [{}]} x)", R"({"packages": [{"a": "unterminated}]})"}) {
        INFO(bad);
        CHECK_THROWS_AS(cosmos::core::split_repository_entries(bad), cosmos::core::Error);
    }
}

TEST_CASE("entry digests cover the entry's text without the digest member",
          "[core][repo_serving][digest]") {
    std::string text = R"({"packagingVersion": "3.0", "name": "a", "releaseVersion": 0})";
    std::string served = cosmos::core::with_entry_digest(text, cosmos::adapters::sha256_hex);
    std::string hex = cosmos::adapters::sha256_hex(text);
    CHECK(served == R"({"packagingVersion": "3.0", "name": "a", "releaseVersion": 0, "sha256": ")" +
                        hex + "\"}");
    auto digest = cosmos::core::read_entry_digest(served, cosmos::adapters::sha256_hex);
    REQUIRE(digest);
    CHECK(digest->recorded == hex);
    CHECK(digest->ok());

    std::string tampered = served;
    tampered.replace(tampered.find("\"a\""), 3, "\"b\"");
    auto wrong = cosmos::core::read_entry_digest(tampered, cosmos::adapters::sha256_hex);
    REQUIRE(wrong);
    CHECK_FALSE(wrong->ok());
    CHECK_FALSE(cosmos::core::read_entry_digest(text, cosmos::adapters::sha256_hex));
    CHECK_FALSE(
        cosmos::core::read_entry_digest(R"({"sha256": "xyz"})", cosmos::adapters::sha256_hex));
}

TEST_CASE("build adds digests to both served forms of an entry", "[core][repo_serving][digest]") {
    std::vector<cosmos::core::PreparedEntry> entries(1);
    entries[0].text = R"({"name": "a"})";
    entries[0].old_text = R"({"name": "a", "old": true})";
    cosmos::core::add_entry_digests(entries, cosmos::adapters::sha256_hex);
    auto now = cosmos::core::read_entry_digest(entries[0].text, cosmos::adapters::sha256_hex);
    auto old = cosmos::core::read_entry_digest(*entries[0].old_text, cosmos::adapters::sha256_hex);
    REQUIRE(now);
    REQUIRE(old);
    CHECK(now->ok());
    CHECK(old->ok());
    CHECK(now->recorded != old->recorded);
}

TEST_CASE("entity tags and If-None-Match", "[core][repo_serving][http]") {
    std::string tag = cosmos::core::entity_tag("hello", cosmos::adapters::sha256_hex);
    CHECK(tag.size() == 34);
    CHECK(tag.front() == '"');
    CHECK(tag.back() == '"');
    CHECK(cosmos::core::entity_tag("hello", cosmos::adapters::sha256_hex) == tag);
    CHECK(cosmos::core::entity_tag("hello!", cosmos::adapters::sha256_hex) != tag);
    std::string gz = cosmos::core::entity_tag("hello", cosmos::adapters::sha256_hex, "-gzip");
    CHECK(gz == tag.substr(0, 33) + "-gzip\"");

    const std::vector<std::string> tags = {tag, gz};
    CHECK(cosmos::core::if_none_match_hits(tag, tags));
    CHECK(cosmos::core::if_none_match_hits(gz, tags));
    CHECK(cosmos::core::if_none_match_hits("W/" + tag, tags));
    CHECK(cosmos::core::if_none_match_hits("\"other\", " + tag, tags));
    CHECK(cosmos::core::if_none_match_hits("*", tags));
    CHECK_FALSE(cosmos::core::if_none_match_hits("\"other\"", tags));
    CHECK_FALSE(cosmos::core::if_none_match_hits("", tags));
    CHECK_FALSE(cosmos::core::if_none_match_hits(tag.substr(1, 32), tags));  // unquoted
}

TEST_CASE("Accept-Encoding decides gzip", "[core][repo_serving][http]") {
    const std::vector<std::pair<std::optional<std::string>, bool>> rows = {
        {std::nullopt, false},
        {"", false},
        {"identity", false},
        {"gzip", true},
        {"GZIP", true},
        {"x-gzip", true},
        {"deflate, gzip;q=1.0, br", true},
        {"gzip;q=0", false},
        {"gzip; q=0.000", false},
        {"gzip;q=0.001", true},
        {"*", true},
        {"*;q=0", false},
        {"*, gzip;q=0", false},
        {"br, deflate", false},
    };
    for (const auto& [header, gzip] : rows) {
        INFO("Accept-Encoding: " << header.value_or("(none)"));
        std::optional<std::string_view> h;
        if (header) h = *header;
        CHECK(cosmos::core::accepts_gzip(h) == gzip);
    }
}
