// repo-tool, driven as a user drives it: the real binary on real folders.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"

using universe_test::read_text;
using universe_test::run_command;
using universe_test::shell_quote;
using universe_test::TempDir;
using universe_test::write_text;
namespace fs = std::filesystem;

namespace {

std::string repo_tool() {
    return shell_quote((universe_test::binary_dir() / "repo-tool" / "repo-tool").string());
}

const char* kPackage = R"({
  "packagingVersion": "3.0", "name": "NAME", "version": "1.0.0", "maintainer": "m@example.org",
  "description": "A test package", "tags": ["test"]
})";
const char* kConfig = R"({"type": "object", "properties": {"service": {"type": "object",
  "properties": {"name": {"type": "string", "default": "NAME"}}}}})";
const char* kTemplate = R"({"id": "{{service.name}}", "cmd": "sleep 100", "cpus": 0.1})";

void write_package(const fs::path& tree, const std::string& name, const std::string& rev,
                   bool with_package = true) {
    std::string letter(1, static_cast<char>(std::toupper(name[0])));
    fs::path dir = tree / "repo" / "packages" / letter / name / rev;
    auto fill = [&](std::string text) {
        for (std::size_t at; (at = text.find("NAME")) != std::string::npos;)
            text.replace(at, 4, name);
        return text;
    };
    if (with_package) write_text(dir / "package.json", fill(kPackage));
    write_text(dir / "config.json", fill(kConfig));
    write_text(dir / "marathon.json.mustache", kTemplate);
    write_text(dir / "resource.json", "{}");
}

fs::path revision_dir(const fs::path& tree, const std::string& name, const std::string& rev) {
    std::string letter(1, static_cast<char>(std::toupper(name[0])));
    return tree / "repo" / "packages" / letter / name / rev;
}

// One broken thing per package, plus one good package.
void write_broken_tree(const fs::path& tree) {
    write_package(tree, "apple", "0");
    write_text(revision_dir(tree, "apple", "0") / "package.json", "{\"name\": \"apple\",");
    write_package(tree, "banana", "0");
    write_text(revision_dir(tree, "banana", "0") / "package.json",
               R"({"packagingVersion": "3.0", "name": "banana", "version": "1", "version": "2",
                   "maintainer": "m", "description": "d", "tags": []})");
    write_package(tree, "cherry", "0");
    write_text(revision_dir(tree, "cherry", "0") / "package.json",
               R"({"packagingVersion": "3.0", "name": "cherry", "version": "1",
                   "description": "d", "tags": ["has space"]})");
    write_package(tree, "date", "0");
    write_text(revision_dir(tree, "date", "0") / "marathon.json.mustache",
               "{\"id\": \"{{#service}}{{name}}\"}");
    write_package(tree, "elder", "0", false);
    write_package(tree, "fig", "latest");
    write_package(tree, "grape", "0");
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        out.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        out.insert(fs::relative(e.path(), dir).string() + "=" +
                   (e.is_regular_file() ? read_text(e.path()) : std::string("/")));
    }
    return out;
}

}  // namespace

TEST_CASE("help lists every command and each command has --help", "[tools][repo_tool]") {
    auto help = run_command(repo_tool() + " help");
    CHECK(help.exit_code == 0);
    for (const char* command : {"validate", "build", "bundle", "inspect", "render"}) {
        INFO(command);
        CHECK_THAT(help.output, Catch::Contains(std::string("  ") + command));
        auto usage = run_command(repo_tool() + " " + command + " --help");
        CHECK(usage.exit_code == 0);
        CHECK_THAT(usage.output, Catch::StartsWith(std::string("repo-tool ") + command));
    }
    auto unknown = run_command(repo_tool() + " frobnicate");
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.output, Catch::Contains("unknown command 'frobnicate'"));
    auto missing = run_command(repo_tool() + " build onlyone");
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.output, Catch::Contains("usage: repo-tool build TREE OUT"));
}

TEST_CASE("a broken tree gives one line per problem, exit 1 and an untouched OUT",
          "[tools][repo_tool]") {
    TempDir tmp;
    write_broken_tree(tmp.path() / "tree");
    write_text(tmp / "out/keep.txt", "previous build");
    auto before = listing(tmp / "out");

    auto result = run_command(repo_tool() + " build " + shell_quote((tmp / "tree").string()) + " " +
                              shell_quote((tmp / "out").string()));
    INFO(result.output);
    CHECK(result.exit_code == 1);
    auto lines = lines_of(result.output);
    auto count = [&](const std::string& needle) {
        return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.find(needle) != std::string::npos && l.find("warning") == std::string::npos;
        });
    };
    CHECK(count("repo/packages/A/apple/0/package.json: invalid JSON") == 1);
    // A duplicate key is only a warning: the last value wins, as in the Universe's generator.
    CHECK(count("banana") == 0);
    CHECK_THAT(result.output, Catch::Contains("repo/packages/B/banana/0/package.json: warning: "
                                              "duplicate key /version with different values"));
    CHECK(count("repo/packages/C/cherry/0/package.json: /: object has missing required properties "
                "([\"maintainer\"])") == 1);
    CHECK(count("repo/packages/C/cherry/0/package.json: /tags/0: ECMA 262 regex") == 1);
    CHECK(count("repo/packages/D/date/0/marathon.json.mustache: template does not parse") == 1);
    CHECK(count("repo/packages/E/elder/0/package.json: package.json is missing") == 1);
    CHECK(count("repo/packages/F/fig/latest: revision folder 'latest' must be a non-negative "
                "integer") == 1);
    CHECK(count("grape") == 0);
    // Every error line is "path: message".
    for (const auto& l : lines) {
        if (l.rfind("repo/", 0) == 0) CHECK(l.find(": ") != std::string::npos);
    }
    CHECK_THAT(result.output, Catch::Contains("nothing written to"));
    CHECK(listing(tmp / "out") == before);
    CHECK_FALSE(fs::exists(tmp / "out/universe.json"));

    auto validate = run_command(repo_tool() + " validate " + shell_quote((tmp / "tree").string()));
    CHECK(validate.exit_code == 1);
    CHECK(lines_of(validate.output).size() == lines.size() - 1);  // no "nothing written" line
}

TEST_CASE("with --strict, a template that renders to a non-object is an error",
          "[tools][repo_tool]") {
    TempDir tmp;
    write_package(tmp.path() / "tree", "honeydew", "0");
    write_text(revision_dir(tmp.path() / "tree", "honeydew", "0") / "marathon.json.mustache",
               "[\"{{service.name}}\"]");
    std::string tree = shell_quote((tmp / "tree").string());
    auto lenient = run_command(repo_tool() + " validate " + tree);
    CHECK(lenient.exit_code == 0);
    CHECK_THAT(lenient.output, Catch::Contains("marathon.json.mustache: warning: does not render"));
    CHECK_THAT(lenient.output, Catch::Contains("MarathonTemplateMustBeJsonObject$"));
    auto strict = run_command(repo_tool() + " validate --strict " + tree);
    CHECK(strict.exit_code == 1);
    CHECK_THAT(strict.output, Catch::Contains("marathon.json.mustache: does not render"));
}

TEST_CASE("what the Universe's own tools accept builds with warnings, --strict refuses it",
          "[tools][repo_tool]") {
    TempDir tmp;
    const fs::path tree = tmp.path() / "tree";
    // Duplicate keys with different values, as in hdfs (licenses) and redis (website).
    write_package(tree, "twice", "0");
    write_text(revision_dir(tree, "twice", "0") / "package.json",
               R"({"packagingVersion": "3.0", "name": "twice", "version": "1.0.0",
                   "maintainer": "m@example.org", "description": "d", "tags": ["t"],
                   "website": "https://first.example.org",
                   "licenses": [{"name": "First", "url": "https://example.org/1"}],
                   "licenses": [{"name": "Last", "url": "https://example.org/2"}],
                   "website": "https://last.example.org"})");
    write_package(tree, "config-twice", "0");
    write_text(revision_dir(tree, "config-twice", "0") / "config.json",
               R"({"type": "object", "properties": {"service": {"type": "object", "properties": {
                   "name": {"type": "string", "default": "first"},
                   "name": {"type": "string", "default": "config-twice"}}}}})");
    // Formats, which the Universe's tools never check: a license URL with a space, a pattern
    // with a lookahead (Python's re has it; the package service's regex engine does not).
    write_package(tree, "spaced", "0");
    write_text(revision_dir(tree, "spaced", "0") / "package.json",
               R"({"packagingVersion": "3.0", "name": "spaced", "version": "1.0.0",
                   "maintainer": "m@example.org", "description": "d", "tags": ["t"],
                   "licenses": [{"name": "Apache", "url": "https://example.org/Apache 2.0"}]})");
    write_package(tree, "lookahead", "0");
    write_text(revision_dir(tree, "lookahead", "0") / "config.json",
               R"({"type": "object", "properties": {"service": {"type": "object", "properties": {
                   "name": {"type": "string", "default": "lookahead",
                            "pattern": "^(?!admin$)[a-z]+$"}}}}})");
    // A fractional lastUpdated: a number to the schemas, not an integer to the package service.
    write_package(tree, "fraction", "0");
    write_text(revision_dir(tree, "fraction", "0") / "package.json",
               R"({"packagingVersion": "3.0", "name": "fraction", "version": "1.0.0",
                   "maintainer": "m@example.org", "description": "d", "tags": ["t"],
                   "lastUpdated": 1500000000.5})");
    // A package folder without revisions, and a folder inside a revision: never read.
    fs::create_directories(tree / "repo/packages/E/empty");
    write_package(tree, "nested", "0");
    write_text(revision_dir(tree, "nested", "0") / "docs/README.md", "notes");

    const std::string quoted = shell_quote(tree.string());
    auto lenient = run_command(repo_tool() + " validate " + quoted);
    INFO(lenient.output);
    CHECK(lenient.exit_code == 0);
    const std::vector<std::string> warnings = {
        "T/twice/0/package.json: warning: duplicate key /licenses with different values",
        "T/twice/0/package.json: warning: duplicate key /website with different values",
        "C/config-twice/0/config.json: warning: duplicate key "
        "/properties/service/properties/name with different values",
        "S/spaced/0/package.json: warning: /licenses/0/url:",
        "L/lookahead/0/config.json: warning: /properties/service/properties/name/pattern:",
        "F/fraction/0/package.json: warning: the package service cannot decode this package",
        "repo/packages/E/empty: warning: package folder has no revision folders",
        "N/nested/0/docs: warning: unexpected folder inside a revision; it is ignored",
    };
    for (const auto& w : warnings)
        CHECK_THAT(lenient.output, Catch::Contains(w));

    auto built =
        run_command(repo_tool() + " build " + quoted + " " + shell_quote((tmp / "out").string()));
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    auto universe = nlohmann::json::parse(read_text(tmp / "out/universe.json"));
    std::map<std::string, nlohmann::json> by_name;
    for (auto& p : universe["packages"])
        by_name[p["name"]] = p;
    CHECK(by_name.size() == 6);
    CHECK(by_name["twice"]["licenses"] ==
          nlohmann::json::parse(R"([{"name": "Last", "url": "https://example.org/2"}])"));
    CHECK(by_name["twice"]["website"] == "https://last.example.org");
    CHECK(by_name["config-twice"]["config"]["properties"]["service"]["properties"]["name"]
                 ["default"] == "config-twice");
    CHECK(by_name["fraction"]["lastUpdated"] == 1500000000.5);
    // The key keeps its first position, as a Python dict does.
    std::string text = read_text(tmp / "out/universe.json");
    auto twice_at = text.find("\"name\": \"twice\"");
    CHECK(text.find("\"website\"", twice_at) < text.find("\"licenses\"", twice_at));

    auto strict = run_command(repo_tool() + " validate --strict " + quoted);
    CHECK(strict.exit_code == 1);
    for (const auto& w : warnings) {
        std::string as_error = w;
        as_error.erase(as_error.find("warning: "), 9);
        INFO(as_error);
        bool layout = w.find("E/empty") != std::string::npos || w.find("docs") != std::string::npos;
        CHECK_THAT(strict.output, Catch::Contains(layout ? w : as_error));
    }
}

TEST_CASE("the corpus validates and builds to what the Universe generator produced",
          "[tools][repo_tool][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    TempDir tmp;
    auto validate = run_command(repo_tool() + " validate " + shell_quote(corpus.string()));
    INFO(validate.output);
    CHECK(validate.exit_code == 0);
    CHECK_THAT(validate.output, Catch::Contains("28 packages, 49 revisions"));

    auto build = run_command(repo_tool() + " build " + shell_quote(corpus.string()) + " " +
                             shell_quote((tmp / "out").string()));
    REQUIRE(build.exit_code == 0);
    std::size_t compared = 0;
    for (const auto& file : fs::directory_iterator(corpus / "expected")) {
        std::string name = file.path().filename().string();
        INFO(name);
        if (file.path().extension() == ".content_type") {
            CHECK(read_text(tmp / ("out/" + name)) == read_text(file.path()));
            continue;
        }
        if (file.path().extension() != ".json") continue;
        auto expected = nlohmann::json::parse(read_text(file.path()));
        auto actual = nlohmann::json::parse(read_text(tmp / ("out/" + name)));
        std::map<std::pair<std::string, int>, nlohmann::json> want, got;
        for (auto& p : expected["packages"])
            want[{p["name"], p["releaseVersion"]}] = p;
        for (auto& p : actual["packages"]) {
            p.erase("sha256");  // our digest, which the generator does not write
            got[{p["name"], p["releaseVersion"]}] = p;
        }
        CHECK(want == got);
        compared += want.size();
    }
    CHECK(compared > 300);
}

TEST_CASE("build output is byte-identical for the same input and ordered", "[tools][repo_tool]") {
    TempDir tmp;
    write_package(tmp.path() / "tree", "zeta", "2");
    write_package(tmp.path() / "tree", "zeta", "10");
    write_package(tmp.path() / "tree", "alpha", "0");
    std::string tree = shell_quote((tmp / "tree").string());
    REQUIRE(run_command(repo_tool() + " build " + tree + " " + shell_quote((tmp / "a").string()))
                .exit_code == 0);
    REQUIRE(run_command(repo_tool() + " build " + tree + " " + shell_quote((tmp / "b").string()))
                .exit_code == 0);
    std::size_t files = 0;
    for (const auto& f : fs::directory_iterator(tmp / "a")) {
        INFO(f.path().filename());
        CHECK(read_text(f.path()) == read_text(tmp / "b" / f.path().filename()));
        ++files;
    }
    CHECK(files == 19);  // 9 JSON files, 9 content types, the legacy zip
    auto universe = nlohmann::json::parse(read_text(tmp / "a/universe.json"));
    std::vector<std::pair<std::string, int>> order;
    for (auto& p : universe["packages"])
        order.emplace_back(p["name"], p["releaseVersion"]);
    CHECK(order ==
          std::vector<std::pair<std::string, int>>{{"alpha", 0}, {"zeta", 2}, {"zeta", 10}});
    CHECK(read_text(tmp / "a/universe.json")
              .rfind("{\"packages\": [{\"packagingVersion\": \"3.0\", ", 0) == 0);
}

TEST_CASE("bundle and inspect round trip, and inspect refuses a non-bundle", "[tools][repo_tool]") {
    TempDir tmp;
    write_package(tmp.path() / "tree", "kiwi", "0");
    auto dir = revision_dir(tmp.path() / "tree", "kiwi", "0");
    auto bundle = run_command(repo_tool() + " bundle " + shell_quote(dir.string()) + " " +
                              shell_quote((tmp / "kiwi.dcos").string()));
    INFO(bundle.output);
    REQUIRE(bundle.exit_code == 0);
    CHECK_THAT(bundle.output, Catch::Contains("kiwi 1.0.0"));
    auto inspect =
        run_command(repo_tool() + " inspect " + shell_quote((tmp / "kiwi.dcos").string()));
    CHECK(inspect.exit_code == 0);
    CHECK_THAT(inspect.output, Catch::Contains("name:             kiwi"));
    CHECK_THAT(inspect.output, Catch::Contains("entries:          1\n  metadata.json\n"));
    auto json =
        run_command(repo_tool() + " inspect --json " + shell_quote((tmp / "kiwi.dcos").string()));
    auto metadata = nlohmann::json::parse(json.output);
    CHECK(metadata["name"] == "kiwi");
    CHECK_FALSE(metadata.contains("releaseVersion"));
    CHECK(metadata["marathon"]["v2AppMustacheTemplate"].is_string());

    write_text(tmp / "not.dcos", "this is not a zip");
    auto bad = run_command(repo_tool() + " inspect " + shell_quote((tmp / "not.dcos").string()));
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.output, Catch::Contains("Invalid package bundle"));

    // 2.0 packages cannot be bundled.
    write_text(dir / "package.json", R"({"packagingVersion": "2.0", "name": "kiwi", "version": "1",
        "maintainer": "m", "description": "d", "tags": []})");
    auto old = run_command(repo_tool() + " bundle " + shell_quote(dir.string()) + " " +
                           shell_quote((tmp / "old.dcos").string()));
    CHECK(old.exit_code == 1);
    CHECK_FALSE(fs::exists(tmp / "old.dcos"));
}

TEST_CASE("render prints the app Cosmos would post, labels included", "[tools][repo_tool]") {
    TempDir tmp;
    write_package(tmp.path() / "tree", "lime", "0");
    write_text(tmp / "options.json", R"({"service": {"name": "lemon"}})");
    std::string tree = shell_quote((tmp / "tree").string());
    auto result =
        run_command(repo_tool() + " render " + tree + " lime --options " +
                    shell_quote((tmp / "options.json").string()) + " --source https://r/repo");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    auto app = nlohmann::json::parse(result.output);
    CHECK(app["id"] == "lemon");
    CHECK(app["labels"]["DCOS_PACKAGE_NAME"] == "lime");
    CHECK(app["labels"]["DCOS_PACKAGE_SOURCE"] == "https://r/repo");
    // The options label holds only what the user gave: base64 of {"service":{"name":"lemon"}}.
    CHECK(app["labels"]["DCOS_PACKAGE_OPTIONS"] == "eyJzZXJ2aWNlIjp7Im5hbWUiOiJsZW1vbiJ9fQ==");
    auto with_id = run_command(repo_tool() + " render " + tree + " lime --app-id group/x");
    CHECK(nlohmann::json::parse(with_id.output)["id"] == "/group/x");

    write_text(tmp / "bad.json", R"({"service": {"name": 5}})");
    auto invalid = run_command(repo_tool() + " render " + tree + " lime --options " +
                               shell_quote((tmp / "bad.json").string()));
    CHECK(invalid.exit_code == 1);
    CHECK_THAT(invalid.output,
               Catch::Contains("repo-tool render: Options JSON failed validation\n"));
    CHECK_THAT(invalid.output,
               Catch::Contains("/service/name: instance type (integer) does not match"));
    auto missing = run_command(repo_tool() + " render " + tree + " nope");
    CHECK(missing.exit_code == 1);
}
