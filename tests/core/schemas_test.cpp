// Our schemas (schemas/*.json) against the Universe's own (../shared/corpus/universe/repo/meta/
// schema): both must accept and reject the same documents.
#include "schemas/schema_catalog.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "schemas/embedded_schemas.h"
#include "tests/support/test_paths.h"

using cosmos::core::Json;
using cosmos::core::JsonSchema;
using cosmos::core::SchemaRegistry;
namespace fs = std::filesystem;

namespace {

Json read_json(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return cosmos::core::parse_json(text.str());
}

// Documents to compare: the real ones and variants of them.
struct Variant {
    std::string label;
    Json doc;
};

// Values that break (or, for some schemas, satisfy) a member of a given JSON type. Deep inside
// a document a few per type are enough.
std::vector<Json> replacements(const Json& v, bool all) {
    if (!all) {
        if (v.is_string()) return {42, "", "a b"};
        if (v.is_number()) return {"42", -1.5};
        return {"x", Json::array(), Json::object()};
    }
    switch (v.type()) {
        case Json::value_t::string:
            return {42,          Json::array(), "",
                    " ",         "Has Space",   "UPPER",
                    "-lead",     "trail-",      "1.0.",
                    "01.2",      "abc",         "QQ=",
                    "QUJD",      "ftp://x.y/z", "http://x.y/z",
                    "not a uri", "a\nb",        "\xC3\xBC",
                    "*"};
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return {"42", 1.5, -1, 0, 3.0};
        case Json::value_t::boolean:
            return {"true", 1};
        case Json::value_t::null:
            return {0};
        case Json::value_t::array:
            return {Json::object(), "x", Json::array(), Json::array({42})};
        case Json::value_t::object:
            return {Json::array(), "x", Json::object()};
        default:
            return {};
    }
}

void mutate_node(const Json& root, const Json::json_pointer& at, const Json& node, int level,
                 int depth, const std::set<std::string>& opaque, std::vector<Variant>& out) {
    auto variant = [&](const std::string& what, auto&& change) {
        Json copy = root;
        change(copy[at]);
        out.push_back({at.to_string() + ": " + what, std::move(copy)});
    };
    if (node.is_object()) {
        variant("add unknownField", [](Json& j) { j["unknownField"] = "x"; });
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string key = it.key();
            variant("drop " + key, [&key](Json& j) { j.erase(key); });
            for (const auto& r : replacements(it.value(), level < 2)) {
                variant(key + " = " + r.dump(), [&key, &r](Json& j) { j[key] = r; });
            }
            if (depth > 0 && opaque.count(key) == 0) {
                mutate_node(root, at / key, it.value(), level + 1, depth - 1, opaque, out);
            }
        }
    } else if (node.is_array()) {
        variant("empty", [](Json& j) { j = Json::array(); });
        variant("append 42", [](Json& j) { j.push_back(42); });
        if (!node.empty()) {
            variant("repeat first", [](Json& j) { j.push_back(j[0]); });
            for (std::size_t i = 0; i < std::min<std::size_t>(node.size(), 2); ++i) {
                for (const auto& r : replacements(node[i], level < 2)) {
                    variant("[" + std::to_string(i) + "] = " + r.dump(),
                            [i, &r](Json& j) { j[i] = r; });
                }
                if (depth > 0)
                    mutate_node(root, at / i, node[i], level + 1, depth - 1, opaque, out);
            }
        }
    }
}

// Members whose presence or value differs between packaging versions and file kinds.
const char* kTopLevelExtras = R"({
  "packagingVersion": ["1.0", "2.0", "3.0", "4.0", "5.0", 4],
  "upgradesFrom": [["*"], ["1.0"], [1]],
  "downgradesTo": [["1.0.0"], "1.0"],
  "command": [{"pip": ["https://x.example/y.whl"]}, {"pip": []}, {"pip": "x"}, {}, "x"],
  "manager": [{"packageName": "kubernetes"}, {"minPackageVersion": "1.0"},
              {"packageName": "Bad Name"}, {"packageName": "kubernetes", "other": 1}, "x"],
  "minDcosReleaseVersion": ["1.10", "01.10", "1.10.", 1.1],
  "hasKnownIssues": [true, "no"],
  "lastUpdated": [1500000000, 1.5e9, "1500000000"],
  "releaseVersion": [7, -1, 1.5, "7", 7.0],
  "selected": [true, "yes"],
  "marathon": [{"v2AppMustacheTemplate": "QUJD"}, {"v2AppMustacheTemplate": "QUJ"},
               {"v2AppMustacheTemplate": ""}, {}, {"v2AppMustacheTemplate": "QUJD", "x": 1}],
  "resource": [{}, {"images": {"icon-small": "x"}}, {"x": 1}, "x", {"assets": {"uris": {"a": 1}}}],
  "config": [{}, 42, {"type": "object"}],
  "name": ["Bad Name", "ok-name", "a", "name-"],
  "version": ["1.0 beta", "1.0-beta.2", ""],
  "tags": [["a b"], [], ["ok"], "ok"],
  "licenses": [[{"name": "x", "url": "ftp://x.example"}], [{"name": "x", "url": "https://x.example"}],
               [{"name": "x", "url": "x"}], [{"name": "x"}], [{"name": "x", "url": "https://x", "y": 1}]],
  "images": [{"icon-small": "x", "screenshots": ["a", 1]}, {"icon-tiny": "x"}],
  "assets": [{"uris": {"a": "b"}}, {"container": {"docker": {"x": "y"}, "other": 1}}, {"uris": []}],
  "pip": [["a"], [1]]
})";

const char* kCliVariants = R"([
  {"binaries": {"linux": {"x86-64": {"kind": "executable", "url": "https://d.example/x",
                                     "contentHash": [{"algo": "sha256", "value": "ab12"}]}}}},
  {"binaries": {"linux": {"x86-64": {"kind": "executable", "url": "https://d.example/x",
                                     "contentHash": []}}}},
  {"binaries": {"darwin": {"x86-64": {"kind": "zip", "url": "ftp://d.example/x",
                                      "contentHash": [{"algo": "sha256", "value": "ab12"}]}}}},
  {"binaries": {"windows": {"x86-64": {"kind": "zip", "url": "",
                                       "contentHash": [{"algo": "sha256", "value": "ab12"}]}}}},
  {"binaries": {"windows": {"x86-64": {"kind": "zip", "url": "not a uri",
                                       "contentHash": [{"algo": "sha256", "value": "ab12"}]}}}},
  {"binaries": {"linux": {"x86-64": {"kind": "tar", "url": "https://d.example/x",
                                     "contentHash": [{"algo": "sha256", "value": "ab12"}]}}}},
  {"binaries": {"linux": {"x86-64": {"kind": "zip", "url": "https://d.example/x",
                                     "contentHash": [{"algo": "md5", "value": "ab12"}]}}}},
  {"binaries": {"linux": {"x86-64": {"kind": "zip", "url": "https://d.example/x",
                                     "contentHash": [{"algo": "sha256"}]}}}},
  {"binaries": {}},
  {"binaries": {"linux": {}}},
  {"binaries": {"solaris": {}}},
  {},
  "x"
])";

// Variants of doc: generic breakage down to `depth`, then the version-specific members.
std::vector<Variant> variants_of(const Json& doc, int depth, const std::set<std::string>& opaque,
                                 const std::string& cli_at) {
    std::vector<Variant> out;
    out.push_back({"original", doc});
    mutate_node(doc, Json::json_pointer(), doc, 0, depth, opaque, out);
    if (!doc.is_object()) return out;
    const Json extras = Json::parse(kTopLevelExtras);
    for (auto it = extras.begin(); it != extras.end(); ++it) {
        for (const auto& value : it.value()) {
            Json copy = doc;
            copy[it.key()] = value;
            out.push_back({"set " + it.key() + " = " + value.dump(), std::move(copy)});
        }
    }
    for (const auto& cli : Json::parse(kCliVariants)) {
        Json copy = doc;
        if (cli_at.empty()) {
            copy["cli"] = cli;
        } else {
            if (!copy[cli_at].is_object()) copy[cli_at] = Json::object();
            copy[cli_at]["cli"] = cli;
        }
        out.push_back({"cli = " + cli.dump(), std::move(copy)});
    }
    return out;
}

struct Pair {
    std::string ours;      // catalog ref
    std::string upstream;  // ref relative to the upstream schema folder
};

class Comparison {
public:
    explicit Comparison(const fs::path& upstream_dir) {
        for (const auto& entry : fs::directory_iterator(upstream_dir)) {
            if (entry.path().extension() == ".json") {
                upstream_.add(kUpstreamBase + entry.path().filename().string(),
                              read_json(entry.path()));
            }
        }
    }

    // Compares the verdicts of every pair on every variant; returns the number of comparisons.
    void compare(const std::string& what, const std::vector<Variant>& variants,
                 const std::vector<Pair>& pairs) {
        for (const auto& pair : pairs) {
            const auto ours = cosmos::schemas::compiled(pair.ours);
            const JsonSchema& theirs = upstream(pair.upstream);
            for (const auto& v : variants) {
                const bool our_verdict = ours->is_valid(v.doc);
                const bool their_verdict = theirs.is_valid(v.doc);
                if (our_verdict != their_verdict) {
                    FAIL_CHECK(what << " / " << v.label << ": ours (" << pair.ours << ") says "
                                    << our_verdict << ", upstream (" << pair.upstream << ") says "
                                    << their_verdict);
                }
                // The full report must agree with the fast check.
                if (our_verdict != ours->validate(v.doc).empty()) {
                    FAIL_CHECK(what << " / " << v.label
                                    << ": validate() disagrees with is_valid()");
                }
                auto& tally = tallies_[pair.ours];
                ++(our_verdict ? tally.accepted : tally.rejected);
                ++compared_;
            }
        }
    }

    std::size_t compared() const { return compared_; }

    // Every pair saw documents it accepts and documents it rejects.
    void check_both_verdicts_seen() const {
        for (const auto& [ref, tally] : tallies_) {
            INFO(ref << ": accepted " << tally.accepted << ", rejected " << tally.rejected);
            CHECK(tally.accepted > 0);
            CHECK(tally.rejected > 0);
        }
    }

private:
    static constexpr const char* kUpstreamBase = "http://upstream.test/schema/";

    const JsonSchema& upstream(const std::string& ref) {
        auto it = upstream_schemas_.find(ref);
        if (it == upstream_schemas_.end()) {
            it = upstream_schemas_
                     .emplace(ref, JsonSchema(Json{{"$ref", kUpstreamBase + ref}}, "", &upstream_))
                     .first;
        }
        return it->second;
    }

    struct Tally {
        std::size_t accepted = 0;
        std::size_t rejected = 0;
    };

    SchemaRegistry upstream_;
    std::map<std::string, JsonSchema> upstream_schemas_;
    std::map<std::string, Tally> tallies_;
    std::size_t compared_ = 0;
};

const std::vector<std::string> kVersions = {"20", "30", "40", "50"};

// A repository entry as .dcos bundle metadata: the same package without the two members that
// only repositories have.
Json as_metadata(Json package) {
    package.erase("releaseVersion");
    package.erase("selected");
    return package;
}

Json slimmed(Json package) {
    if (package.contains("marathon") && package["marathon"].is_object()) {
        package["marathon"]["v2AppMustacheTemplate"] = "e30=";
    }
    if (package.contains("config")) package["config"] = Json{{"type", "object"}};
    return package;
}

}  // namespace

TEST_CASE("every embedded schema is registered and is itself a valid draft-04 schema",
          "[core][schemas]") {
    std::set<std::string> on_disk;
    for (const auto& entry : fs::directory_iterator(universe_test::source_dir() / "schemas")) {
        if (entry.path().extension() == ".json") on_disk.insert(entry.path().filename().string());
    }
    std::set<std::string> embedded;
    for (auto name : cosmos::schemas::names())
        embedded.emplace(name);
    CHECK(embedded == on_disk);

    const auto meta = cosmos::schemas::compiled("config-schema.json");
    const auto uris = cosmos::schemas::registry().uris();
    for (auto name : cosmos::schemas::names()) {
        INFO(name);
        CHECK(std::count(uris.begin(), uris.end(), cosmos::schemas::uri_of(name)) == 1);
        const Json* doc = cosmos::schemas::registry().find(cosmos::schemas::uri_of(name));
        REQUIRE(doc != nullptr);
        CHECK(meta->validate(*doc).empty());
        CHECK_NOTHROW(cosmos::schemas::compiled(std::string(name)));
    }
}

TEST_CASE("compiled() caches, selects definitions and rejects unknown names", "[core][schemas]") {
    const auto a = cosmos::schemas::compiled("package-schema.json#/definitions/v30Package");
    CHECK(a == cosmos::schemas::compiled("package-schema.json#/definitions/v30Package"));
    CHECK(a != cosmos::schemas::compiled("package-schema.json#/definitions/v40Package"));

    const Json v30 = Json::parse(R"({"packagingVersion":"3.0","name":"x-y","version":"1.0",
        "maintainer":"m","description":"d","tags":[],"upgradesFrom":["*"]})");
    CHECK_FALSE(a->is_valid(v30));
    const auto violations = a->validate(v30);
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].keyword == "additionalProperties");
    CHECK(violations[0].schema_uri == cosmos::schemas::uri_of("package-schema.json") + "#");
    CHECK(violations[0].schema_pointer == "/definitions/v30Package");
    Json v40 = v30;
    v40["packagingVersion"] = "4.0";
    CHECK(cosmos::schemas::compiled("package-schema.json#/definitions/v40Package")->is_valid(v40));
    CHECK(cosmos::schemas::compiled("package-schema.json")->is_valid(v40));

    CHECK_THROWS_AS(cosmos::schemas::compiled("nope.json"), cosmos::core::Error);
    CHECK_THROWS_AS(cosmos::schemas::compiled("package-schema.json#/definitions/nope"),
                    cosmos::core::Error);

    // Many threads asking at once get one shared schema.
    std::vector<std::shared_ptr<const JsonSchema>> got(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i) {
        threads.emplace_back(
            [&got, i] { got[i] = cosmos::schemas::compiled("metadata-schema.json"); });
    }
    for (auto& t : threads)
        t.join();
    for (const auto& g : got)
        CHECK(g == got.front());
}

TEST_CASE("the named refs compile and select what their names say", "[core][schemas]") {
    namespace s = cosmos::schemas;
    for (auto ref :
         {s::kPackage,     s::kPackage20,    s::kPackage30,    s::kPackage40,    s::kPackage50,
          s::kConfig,      s::kCommand,      s::kResourceV2,   s::kResourceV3,   s::kRepoEntry20,
          s::kRepoEntry30, s::kRepoEntry40,  s::kRepoEntry50,  s::kRepoEntryV3,  s::kRepoEntryV4,
          s::kRepoEntryV5, s::kRepositoryV3, s::kRepositoryV4, s::kRepositoryV5, s::kMetadata}) {
        INFO(ref);
        CHECK_NOTHROW(s::compiled(ref));
    }
    Json entry = Json::parse(R"({"packagingVersion":"4.0","name":"x-y","version":"1.0",
        "releaseVersion":0,"maintainer":"m","description":"d","tags":[]})");
    CHECK_FALSE(s::compiled(s::kRepoEntryV3)->is_valid(entry));
    CHECK(s::compiled(s::kRepoEntryV4)->is_valid(entry));
    CHECK(s::compiled(s::kRepoEntryV5)->is_valid(entry));
    CHECK(s::compiled(s::kRepoEntry40)->is_valid(entry));
    CHECK_FALSE(s::compiled(s::kRepoEntry30)->is_valid(entry));
    entry["packagingVersion"] = "3.0";
    CHECK(s::compiled(s::kRepoEntryV3)->is_valid(entry));
    CHECK(s::compiled(s::kRepositoryV3)->is_valid(Json{{"packages", Json::array({entry})}}));
    entry.erase("releaseVersion");
    CHECK_FALSE(s::compiled(s::kRepoEntryV3)->is_valid(entry));
    CHECK(s::compiled(s::kMetadata)->is_valid(entry));
    CHECK(s::compiled(s::kPackage30)->is_valid(entry));
    CHECK_FALSE(s::compiled(s::kPackage20)->is_valid(entry));
}

TEST_CASE("our schemas and the Universe's accept and reject the same documents",
          "[core][schemas][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    Comparison cmp(corpus / "repo" / "meta" / "schema");

    // --- the files of each package revision ---
    std::vector<fs::path> revisions;
    for (const auto& entry : fs::recursive_directory_iterator(corpus / "repo" / "packages")) {
        if (entry.is_regular_file() && entry.path().filename() == "package.json") {
            revisions.push_back(entry.path().parent_path());
        }
    }
    std::sort(revisions.begin(), revisions.end());
    REQUIRE(revisions.size() >= 40);

    std::vector<Pair> package_pairs = {{"package-schema.json", "package-schema.json"}};
    for (const auto& v : kVersions) {
        package_pairs.push_back({"package-schema.json#/definitions/v" + v + "Package",
                                 "package-schema.json#/definitions/v" + v + "Package"});
    }
    const std::vector<Pair> resource_pairs = {
        {"resource-v2-schema.json", "v2-resource-schema.json"},
        {"resource-v3-schema.json", "v3-resource-schema.json"}};
    for (const auto& dir : revisions) {
        const std::string rev = fs::relative(dir, corpus).generic_string();
        const Json package = read_json(dir / "package.json");
        CHECK(cosmos::schemas::compiled("package-schema.json")->is_valid(package));
        cmp.compare(rev + "/package.json", variants_of(package, 2, {}, "resource"), package_pairs);
        if (fs::exists(dir / "config.json")) {
            const Json config = read_json(dir / "config.json");
            CHECK(cosmos::schemas::compiled("config-schema.json")->is_valid(config));
            cmp.compare(rev + "/config.json", variants_of(config, 2, {}, ""),
                        {{"config-schema.json", "config-schema.json"}});
        }
        if (fs::exists(dir / "resource.json")) {
            const Json resource = read_json(dir / "resource.json");
            cmp.compare(rev + "/resource.json", variants_of(resource, 4, {}, ""), resource_pairs);
        }
        if (fs::exists(dir / "command.json")) {
            const Json command = read_json(dir / "command.json");
            CHECK(cosmos::schemas::compiled("command-schema.json")->is_valid(command));
            cmp.compare(rev + "/command.json", variants_of(command, 2, {}, ""),
                        {{"command-schema.json", "command-schema.json"}});
        }
    }

    // --- generated repository files and their entries ---
    std::vector<Pair> entry_pairs;
    std::vector<Pair> metadata_pairs = {{"metadata-schema.json", "metadata-schema.json"}};
    for (const auto& v : kVersions) {
        entry_pairs.push_back({"repository-package-schema.json#/definitions/v" + v + "Package",
                               "vX-repo-definitions.json#/v" + v + "Package"});
        if (v != "20") {
            metadata_pairs.push_back({"metadata-schema.json#/definitions/v" + v + "Metadata",
                                      "metadata-schema.json#/definitions/v" + v + "Metadata"});
        }
    }
    std::vector<Pair> repo_pairs;
    for (const char* n : {"3", "4", "5"}) {
        repo_pairs.push_back({std::string("repository-v") + n + "-schema.json",
                              std::string("v") + n + "-repo-schema.json"});
    }
    std::set<std::string> seen_entries;
    std::size_t entries = 0;
    for (const auto& entry : fs::directory_iterator(corpus / "expected")) {
        if (entry.path().extension() != ".json") continue;
        const Json repo = read_json(entry.path());
        const std::string file = entry.path().filename().string();
        std::vector<Variant> repo_variants = {{"original", repo}};
        repo_variants.push_back({"no packages", Json::object()});
        repo_variants.push_back({"extra member", repo});
        repo_variants.back().doc["unknownField"] = 1;
        repo_variants.push_back({"packages not an array", Json{{"packages", Json::object()}}});
        repo_variants.push_back({"a string entry", Json{{"packages", Json::array({"x"})}}});
        cmp.compare(file, repo_variants, repo_pairs);

        for (const auto& package : repo.at("packages")) {
            const std::string key = package.dump();
            if (!seen_entries.insert(key).second) continue;
            ++entries;
            const std::string label = file + " " + package.value("name", "?") + " " +
                                      std::to_string(package.value("releaseVersion", -1));
            cmp.compare(label, {{"original", package}}, entry_pairs);
            Json metadata = as_metadata(package);
            cmp.compare(label + " as metadata", {{"original", metadata}}, metadata_pairs);

            // Variants of a slimmer copy: the template and the config are large and opaque
            // here (the template only has to be base64, which the variants test on their own;
            // config may be any JSON), so they shrink to keep the run short.
            const Json slim = slimmed(package);
            // "config" holds any JSON at this level: breaking it proves nothing.
            cmp.compare(label, variants_of(slim, 3, {"config"}, "resource"), entry_pairs);
            cmp.compare(label + " as metadata",
                        variants_of(as_metadata(slim), 3, {"config"}, "resource"), metadata_pairs);
        }
    }
    CHECK(entries >= 40);

    cmp.check_both_verdicts_seen();
    WARN("schema differential: " << cmp.compared() << " verdicts compared over " << revisions.size()
                                 << " package revisions and " << entries
                                 << " distinct repository entries");
    CHECK(cmp.compared() > 100000);
}
