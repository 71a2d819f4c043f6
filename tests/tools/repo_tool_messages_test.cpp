// repo-tool where a new user goes wrong: mistyped paths, the wrong folder, a bad metadata.json,
// limits. Every message names the thing at fault and the reason, without internal tags.
#include <catch2/catch.hpp>

#include "cosmos/adapters/zip_archive.h"
#include "cosmos/core/json.h"
#include "tests/support/http_test_client.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/tools/serve_process.h"

using cosmos::core::Json;
using namespace universe_test;
namespace fs = std::filesystem;

namespace {

std::string repo_tool() {
    return shell_quote((binary_dir() / "repo-tool" / "repo-tool").string());
}

std::string q(const fs::path& p) {
    return shell_quote(p.string());
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

Json package_json(const std::string& name, const std::string& version) {
    return Json{{"packagingVersion", "3.0"},  {"name", name},
                {"version", version},         {"maintainer", "author@example.org"},
                {"description", "Say hello"}, {"tags", Json::array({"demo"})}};
}

void write_folder(const fs::path& dir, const Json& package) {
    write_text(dir / "package.json", package.dump(2) + "\n");
    write_text(dir / "config.json", R"({"type": "object", "properties": {}})");
    write_text(dir / "marathon.json.mustache", R"({"id": "hello", "cmd": "sleep 3600"})");
    write_text(dir / "resource.json", "{}");
}

// A bundle whose metadata.json is metadata, plus extra files until it has `entries` entries.
std::string bundle_with(const Json& metadata, std::size_t entries) {
    std::vector<cosmos::adapters::ArchiveEntry> files;
    files.push_back({"metadata.json", metadata.dump()});
    for (std::size_t i = 1; i < entries; ++i)
        files.push_back({"extra/" + std::to_string(i) + ".txt", "x"});
    return cosmos::adapters::write_zip(files);
}

Json metadata(const std::string& name) {
    Json m = package_json(name, "1.0");
    m["marathon"] = Json{{"v2AppMustacheTemplate", "eyJpZCI6ICJoZWxsbyJ9"}};
    return m;
}

}  // namespace

TEST_CASE("repo-tool --version prints the project version", "[tools][messages]") {
    auto r = run_command(repo_tool() + " --version");
    CHECK(r.exit_code == 0);
    CHECK(r.output == "repo-tool " UNIVERSE_VERSION "\n");
}

TEST_CASE("files that are missing or unwritable are named, with the reason", "[tools][messages]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    write_folder(tree / "repo/packages/H/hello/0", package_json("hello", "1.0"));

    auto options = run_command(repo_tool() + " render " + q(tree) + " hello --options " +
                               q(tmp / "missing.json"));
    CHECK(options.exit_code == 2);
    CHECK(first_line(options.output) == "repo-tool render: cannot read " +
                                            (tmp / "missing.json").string() +
                                            ": no such file or directory (--options)");

    auto into_missing = run_command(repo_tool() + " bundle " + q(tree / "repo/packages/H/hello/0") +
                                    " " + q(tmp / "nowhere" / "hello.dcos"));
    CHECK(into_missing.exit_code == 1);
    CHECK(first_line(into_missing.output) ==
          "repo-tool bundle: cannot write " + (tmp / "nowhere" / "hello.dcos").string() +
              ": the folder " + (tmp / "nowhere").string() + " does not exist");

    auto verify = run_command(repo_tool() + " verify " + q(tree) + " " + q(tmp / "missing"));
    CHECK(verify.exit_code == 2);
    CHECK(first_line(verify.output) == "repo-tool verify: " + (tmp / "missing").string() +
                                           " is not a folder (give the folder 'repo-tool build' "
                                           "wrote)");

    for (const auto& r : {options, into_missing, verify}) {
        CHECK_THAT(r.output, !Catch::Contains("unhandled_exception"));
        CHECK_THAT(r.output, !Catch::Contains("filesystem error"));
    }
}

TEST_CASE("mistyped tree paths are caught", "[tools][messages]") {
    TempDir tmp;
    write_folder(tmp / "src", package_json("hello", "1.0"));

    auto add = run_command(repo_tool() + " add " + q(tmp / "typo") + " " + q(tmp / "src"));
    CHECK(add.exit_code == 2);
    CHECK(first_line(add.output) == "repo-tool add: " + (tmp / "typo").string() +
                                        " does not exist; pass --create to start a new tree "
                                        "there");
    CHECK_FALSE(fs::exists(tmp / "typo"));
    auto created =
        run_command(repo_tool() + " add --create " + q(tmp / "typo") + " " + q(tmp / "src"));
    INFO(created.output);
    CHECK(created.exit_code == 0);
    CHECK(fs::is_directory(tmp / "typo/repo/packages/H/hello/0"));

    auto render = run_command(repo_tool() + " render " + q(tmp / "missing") + " kafka");
    CHECK(render.exit_code == 2);
    CHECK(first_line(render.output) ==
          "repo-tool render: " + (tmp / "missing").string() + " does not exist");
    CHECK_THAT(render.output, !Catch::Contains("no valid package"));
    auto not_tree = run_command(repo_tool() + " render " + q(tmp / "src") + " hello");
    CHECK(first_line(not_tree.output) ==
          "repo-tool render: " + (tmp / "src").string() +
              " is not a Universe source tree: it has no repo/packages folder");
}

TEST_CASE("bundle takes the latest revision of a package folder and explains 2.0",
          "[tools][messages]") {
    TempDir tmp;
    fs::path package = tmp / "tree/repo/packages/H/hello";
    write_folder(package / "0", package_json("hello", "1.0"));
    write_folder(package / "1", package_json("hello", "2.0"));
    write_folder(package / "10", package_json("hello", "3.0"));
    auto r = run_command(repo_tool() + " bundle " + q(package) + " " + q(tmp / "hello.dcos"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(first_line(r.output) == package.string() + " has revisions; bundling the latest, 10");
    CHECK_THAT(r.output, Catch::Contains("hello 3.0"));
    CHECK_THAT(r.output, !Catch::Contains("///"));

    auto empty = run_command(repo_tool() + " bundle " + q(tmp.path()) + " " + q(tmp / "x.dcos"));
    CHECK(empty.exit_code == 2);
    CHECK(first_line(empty.output) ==
          "repo-tool bundle: " + tmp.path().string() +
              " holds neither a package.json nor revision folders (0, 1, ...); pass a folder "
              "with package.json, config.json, marathon.json.mustache and resource.json");

    Json unversioned = package_json("old", "1.0");
    unversioned.erase("packagingVersion");
    write_folder(tmp / "old", unversioned);
    auto old = run_command(repo_tool() + " bundle " + q(tmp / "old") + " " + q(tmp / "old.dcos"));
    CHECK(old.exit_code == 1);
    CHECK(old.output == (tmp / "old" / "package.json").string() +
                            ": packagingVersion is missing; a bundle needs packaging 3.0 or later: "
                            "add \"packagingVersion\": \"3.0\" (or \"4.0\", \"5.0\")\n"
                            "no bundle written\n");
    CHECK_FALSE(fs::exists(tmp / "old.dcos"));
}

TEST_CASE("a bad metadata.json names the field and what was expected", "[tools][messages]") {
    TempDir tmp;
    Json no_maintainer = metadata("hello");
    no_maintainer.erase("maintainer");
    write_text(tmp / "a.dcos", bundle_with(no_maintainer, 1));
    auto missing = run_command(repo_tool() + " inspect " + q(tmp / "a.dcos"));
    CHECK(missing.exit_code == 1);
    CHECK(first_line(missing.output) ==
          "repo-tool inspect: Invalid package bundle: metadata.json does not match the bundle "
          "schema: /: object has missing required properties ([\"maintainer\"])");

    Json bad_tags = metadata("hello");
    bad_tags["tags"] = "demo";
    write_text(tmp / "b.dcos", bundle_with(bad_tags, 1));
    auto tags = run_command(repo_tool() + " inspect " + q(tmp / "b.dcos"));
    CHECK(first_line(tags.output) ==
          "repo-tool inspect: Invalid package bundle: metadata.json does not match the bundle "
          "schema: /tags: instance type (string) does not match any allowed primitive type "
          "(allowed: [\"array\"])");

    Json unversioned = metadata("hello");
    unversioned.erase("packagingVersion");
    write_text(tmp / "c.dcos", bundle_with(unversioned, 1));
    auto none = run_command(repo_tool() + " inspect " + q(tmp / "c.dcos"));
    CHECK(first_line(none.output) ==
          "repo-tool inspect: Invalid package bundle: metadata.json has no packagingVersion: set "
          "it to \"3.0\", \"4.0\" or \"5.0\"");
    for (const auto& r : {missing, tags, none}) {
        CHECK_THAT(r.output, !Catch::Contains("matched 0 out of 3"));
        CHECK_THAT(r.output, !Catch::Contains("(InvalidBundle)"));
    }
}

TEST_CASE("inspect and publish apply the same limits", "[tools][messages]") {
    TempDir tmp;
    write_text(tmp / "full.dcos", bundle_with(metadata("full"), 1000));
    write_text(tmp / "over.dcos", bundle_with(metadata("over"), 1002));

    auto full = run_command(repo_tool() + " inspect " + q(tmp / "full.dcos"));
    INFO(full.output);
    CHECK(full.exit_code == 0);
    // One entry per line, and not all thousand of them.
    CHECK_THAT(full.output, Catch::Contains("entries:          1000\n  metadata.json\n"));
    CHECK_THAT(full.output, Catch::Contains("  ... and 980 more\n"));
    auto over = run_command(repo_tool() + " inspect " + q(tmp / "over.dcos"));
    CHECK(over.exit_code == 1);

    ServerProcess server(tmp / "data", {});
    auto published = run_command(repo_tool() + " publish " + q(tmp / "full.dcos") + " --to " +
                                 server.base_url());
    INFO(published.output);
    CHECK(published.exit_code == 0);
    auto refused = run_command(repo_tool() + " publish " + q(tmp / "over.dcos") + " --to " +
                               server.base_url());
    CHECK(refused.exit_code == 1);
    auto nobody =
        run_command(repo_tool() + " publish " + q(tmp / "full.dcos") + " --to http://127.0.0.1:1");
    CHECK(nobody.exit_code == 1);
    CHECK(nobody.output ==
          "repo-tool publish: cannot reach http://127.0.0.1:1/package/add: connection refused\n");
    // Both refuse the bundle for the same reason, in the same words.
    std::string reason = first_line(over.output).substr(std::string("repo-tool inspect: ").size());
    CHECK_THAT(refused.output, Catch::Contains(reason));
}

TEST_CASE("serve refuses a source tree and explains /repo without a repository Accept",
          "[tools][messages]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    write_folder(tree / "repo/packages/H/hello/0", package_json("hello", "1.0"));
    auto source = run_command(repo_tool() + " serve " + q(tree) + " --listen 127.0.0.1:0");
    CHECK(source.exit_code == 2);
    CHECK(first_line(source.output) ==
          "repo-tool serve: " + tree.string() +
              " is a Universe source tree, not a built repository: build it first ('repo-tool "
              "build " +
              tree.string() + " OUT') and serve OUT");

    REQUIRE(run_command(repo_tool() + " build " + q(tree) + " " + q(tmp / "out")).exit_code == 0);
    RepoToolServe serve(tmp / "out", tmp / "serve.log");
    auto plain = http_get(serve.port(), "/repo");
    CHECK(plain.status == 404);
    CHECK_THAT(plain.body,
               Catch::Contains("application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3, "
                               "v4 or v5"));
}
