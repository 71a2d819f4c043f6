// repo-tool add, build digests, verify, serve and publish, driven as a user drives them: the real
// binary on real folders and a real socket.
#include <catch2/catch.hpp>
#include <set>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/core/json.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/core/repo_serving.h"
#include "tests/support/http_test_client.h"
#include "tests/support/process.h"
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

const std::string kV3 = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3";
const std::string kV4 = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4";
const std::string kV5 = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5";

// An author's package folder.
void write_folder(const fs::path& dir, const std::string& name, const std::string& version,
                  const std::string& min_dcos = "") {
    Json package{{"packagingVersion", "4.0"},  {"name", name},
                 {"version", version},         {"maintainer", "author@example.org"},
                 {"description", "Say hello"}, {"tags", Json::array({"demo"})}};
    if (!min_dcos.empty()) package["minDcosReleaseVersion"] = min_dcos;
    write_text(dir / "package.json", package.dump(2) + "\n");
    write_text(dir / "config.json", R"({"type": "object", "properties": {"service": {
        "type": "object", "properties": {"name": {"type": "string", "default": ")" +
                                        name + R"("}}}}})");
    write_text(dir / "marathon.json.mustache",
               R"({"id": "{{service.name}}", "cmd": "sleep 3600", "cpus": 0.1, "mem": 32})");
    write_text(dir / "resource.json", R"({"images": {
        "icon-small": "https://example.org/s.png", "icon-medium": "https://example.org/m.png",
        "icon-large": "https://example.org/l.png"}})");
}

fs::path revision(const fs::path& tree, const std::string& name, const std::string& rev) {
    std::string letter(1, static_cast<char>(std::toupper(name[0])));
    return tree / "repo" / "packages" / letter / name / rev;
}

std::set<std::string> files_of(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& f : fs::directory_iterator(dir))
        out.insert(f.path().filename().string());
    return out;
}

// A tree of three packages, two revisions of one of them served only from DC/OS 1.10 on.
void make_tree(const TempDir& tmp, const fs::path& tree) {
    write_folder(tmp / "src-hello-1", "hello", "1.0");
    write_folder(tmp / "src-hello-2", "hello", "2.0", "1.10");
    write_folder(tmp / "src-zebra", "zebra", "0.1");
    for (auto src : {"src-hello-1", "src-hello-2", "src-zebra"}) {
        auto r = run_command(repo_tool() + " add --create " + q(tree) + " " + q(tmp / src));
        INFO(r.output);
        REQUIRE(r.exit_code == 0);
    }
}

HttpResponse get(std::uint16_t port, const std::string& target, HeaderList headers = {}) {
    HttpCall call;
    call.target = target;
    call.headers = std::move(headers);
    return http_call(port, call);
}

}  // namespace

TEST_CASE("add files a folder or a bundle as the next revision, checked first",
          "[tools][publish][add]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    write_folder(tmp / "v1", "hello", "1.0");
    write_folder(tmp / "v2", "hello", "2.0");

    auto first = run_command(repo_tool() + " add --create " + q(tree) + " " + q(tmp / "v1"));
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    CHECK_THAT(first.output, Catch::Contains("added hello 1.0"));
    CHECK(files_of(revision(tree, "hello", "0")) ==
          std::set<std::string>{"config.json", "marathon.json.mustache", "package.json",
                                "resource.json"});
    CHECK(read_text(revision(tree, "hello", "0") / "package.json") ==
          read_text(tmp / "v1/package.json"));

    REQUIRE(run_command(repo_tool() + " add " + q(tree) + " " + q(tmp / "v2")).exit_code == 0);
    CHECK(fs::is_directory(revision(tree, "hello", "1")));

    // The same version again: refused, nothing written, the existing revision untouched.
    std::string before = read_text(revision(tree, "hello", "0") / "package.json");
    auto again = run_command(repo_tool() + " add " + q(tree) + " " + q(tmp / "v1"));
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.output, Catch::Contains("version 1.0 of hello already exists (revision 0)"));
    CHECK_THAT(again.output, Catch::Contains("nothing added"));
    CHECK_FALSE(fs::exists(revision(tree, "hello", "2")));
    CHECK(read_text(revision(tree, "hello", "0") / "package.json") == before);

    // A bundle of a new version becomes revision 2, as files.
    write_folder(tmp / "v3", "hello", "3.0");
    REQUIRE(run_command(repo_tool() + " bundle " + q(tmp / "v3") + " " + q(tmp / "v3.dcos"))
                .exit_code == 0);
    auto bundled = run_command(repo_tool() + " add " + q(tree) + " " + q(tmp / "v3.dcos"));
    INFO(bundled.output);
    REQUIRE(bundled.exit_code == 0);
    auto rev2 = revision(tree, "hello", "2");
    CHECK(files_of(rev2) == std::set<std::string>{"config.json", "marathon.json.mustache",
                                                  "package.json", "resource.json"});
    CHECK(read_text(rev2 / "marathon.json.mustache") ==
          read_text(tmp / "v3/marathon.json.mustache"));
    auto package = cosmos::core::parse_json(read_text(rev2 / "package.json"));
    CHECK(package["version"] == "3.0");
    CHECK_FALSE(package.contains("config"));
    CHECK_FALSE(package.contains("marathon"));

    auto validate = run_command(repo_tool() + " validate " + q(tree));
    INFO(validate.output);
    CHECK(validate.exit_code == 0);
    CHECK_THAT(validate.output, Catch::Contains("1 packages, 3 revisions"));
}

TEST_CASE("add refuses what validate refuses and writes nothing", "[tools][publish][add]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    write_folder(tmp / "bad", "hello", "1.0");
    write_text(tmp / "bad/package.json",
               R"({"packagingVersion": "4.0", "name": "hello", "version": "1.0",
                   "maintainer": "m", "description": "d", "tags": "not-a-list"})");
    auto r = run_command(repo_tool() + " add --create " + q(tree) + " " + q(tmp / "bad"));
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("repo/packages/H/hello/0/package.json"));
    CHECK_THAT(r.output, Catch::Contains("nothing added"));
    CHECK_FALSE(fs::exists(revision(tree, "hello", "0")));

    write_text(tmp / "bad/package.json", "{\"name\": ");
    auto unnamed = run_command(repo_tool() + " add --create " + q(tree) + " " + q(tmp / "bad"));
    CHECK(unnamed.exit_code == 1);
    CHECK_THAT(unnamed.output, Catch::Contains("nothing added"));

    write_text(tmp / "not.dcos", "not a zip");
    auto not_zip =
        run_command(repo_tool() + " add --create " + q(tree) + " " + q(tmp / "not.dcos"));
    CHECK(not_zip.exit_code == 1);
    CHECK_THAT(not_zip.output, Catch::Contains("Invalid package bundle"));

    auto missing = run_command(repo_tool() + " add --create " + q(tree) + " " + q(tmp / "nowhere"));
    CHECK(missing.exit_code == 2);
    CHECK_FALSE(fs::exists(tree / "repo"));
}

TEST_CASE("build records a digest in every served entry, deterministically",
          "[tools][publish][digest]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    make_tree(tmp, tree);
    REQUIRE(run_command(repo_tool() + " build " + q(tree) + " " + q(tmp / "a")).exit_code == 0);
    REQUIRE(run_command(repo_tool() + " build " + q(tree) + " " + q(tmp / "b")).exit_code == 0);
    std::size_t entries = 0;
    for (const auto& f : fs::directory_iterator(tmp / "a")) {
        std::string name = f.path().filename().string();
        INFO(name);
        CHECK(read_text(f.path()) == read_text(tmp / "b" / name));
        if (f.path().extension() != ".json") continue;
        std::string text = read_text(f.path());
        for (auto entry : cosmos::core::split_repository_entries(text)) {
            ++entries;
            auto json = cosmos::core::parse_json(entry);
            REQUIRE(json.contains("sha256"));
            std::string recorded = json["sha256"].get<std::string>();
            // The digest is the last member and covers the entry as served without it.
            CHECK(std::string_view(entry).ends_with(", \"sha256\": \"" + recorded + "\"}"));
            json.erase("sha256");
            CHECK(recorded == cosmos::adapters::sha256_hex(cosmos::core::to_python_text(json)));
        }
    }
    // universe.json 3, 1.8 and 1.9: 2 each, 1.10 to 2.0: 3 each.
    CHECK(entries == 3 + 2 * 2 + 3 * 5);
    // The pre-1.10 form of an entry differs from the later one, and so does its digest.
    auto old = cosmos::core::parse_json(read_text(tmp / "a/repo-up-to-1.9.json"));
    auto now = cosmos::core::parse_json(read_text(tmp / "a/repo-up-to-1.10.json"));
    CHECK(old["packages"][0]["packagingVersion"] == "3.0");
    CHECK(now["packages"][0]["packagingVersion"] == "4.0");
    CHECK(old["packages"][0]["sha256"] != now["packages"][0]["sha256"]);
}

TEST_CASE("verify finds missing, extra, changed and undigested entries",
          "[tools][publish][verify]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    fs::path out = tmp / "out";
    make_tree(tmp, tree);
    REQUIRE(run_command(repo_tool() + " build " + q(tree) + " " + q(out)).exit_code == 0);
    auto clean = run_command(repo_tool() + " verify " + q(tree) + " " + q(out));
    INFO(clean.output);
    CHECK(clean.exit_code == 0);
    CHECK_THAT(clean.output, Catch::Contains("19 files"));

    // A changed description (the digest no longer matches), a dropped entry and a foreign one.
    auto file = out / "repo-up-to-2.0.json";
    auto repo = cosmos::core::parse_json(read_text(file));
    repo["packages"][0]["description"] = "tampered";
    Json zebra = repo["packages"][2];
    repo["packages"].erase(2);
    Json extra = zebra;
    extra["name"] = "intruder";
    extra.erase("sha256");
    repo["packages"].push_back(extra);
    write_text(file, cosmos::core::to_python_text(repo));
    fs::remove(out / "repo-up-to-1.12.content_type");
    write_text(out / "repo-up-to-9.9.json", "{\"packages\": []}");

    auto r = run_command(repo_tool() + " verify " + q(tree) + " " + q(out));
    INFO(r.output);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("repo-up-to-2.0.json: entry hello/0 has a wrong sha256"));
    CHECK_THAT(r.output,
               Catch::Contains("repo-up-to-2.0.json: entry hello/0 differs from the tree"));
    CHECK_THAT(r.output, Catch::Contains("repo-up-to-2.0.json: missing entry zebra/0"));
    CHECK_THAT(r.output,
               Catch::Contains("repo-up-to-2.0.json: extra entry intruder/0 (not in the tree)"));
    CHECK_THAT(r.output,
               Catch::Contains("repo-up-to-2.0.json: entry intruder/0 has no sha256 digest"));
    CHECK_THAT(r.output, Catch::Contains("repo-up-to-1.12.content_type: missing file"));
    CHECK_THAT(r.output,
               Catch::Contains("repo-up-to-9.9.json: extra file (not produced from the tree)"));
    CHECK_THAT(r.output, Catch::Contains("7 problems"));
    CHECK_THAT(r.output, !Catch::Contains("repo-up-to-1.13.json"));
}

TEST_CASE("serve negotiates as the Universe Server, with ETags, gzip and a request log",
          "[tools][publish][serve]") {
    TempDir tmp;
    fs::path tree = tmp / "tree";
    fs::path out = tmp / "out";
    make_tree(tmp, tree);
    REQUIRE(run_command(repo_tool() + " build " + q(tree) + " " + q(out)).exit_code == 0);
    RepoToolServe server(out, tmp / "serve.log");
    auto port = server.port();

    struct Row {
        std::string user_agent;
        std::string accept;
        std::string file;
        std::string type;
    };
    const std::vector<Row> rows = {
        {"", kV5 + "," + kV4 + "," + kV3, "repo-up-to-2.0.json", kV5},
        {"cosmos/0.6.1 dcos/1.12.0", kV5 + "," + kV4 + "," + kV3, "repo-up-to-1.12.json", kV5},
        {"cosmos/0.5 dcos/1.10.2", kV4 + "," + kV3, "repo-up-to-1.10.json", kV4},
        {"cosmos/0.4 dcos/1.9", kV3, "repo-up-to-1.9.json", kV3},
        {"dcos/1.8", kV5, "repo-up-to-1.8.json", kV5},  // the type is the requested one
    };
    for (const auto& row : rows) {
        INFO(row.user_agent << " / " << row.accept);
        HeaderList headers{{"Accept", row.accept}};
        if (!row.user_agent.empty()) headers.add("User-Agent", row.user_agent);
        auto r = get(port, "/repo", headers);
        CHECK(r.status == 200);
        CHECK(r.header("Content-Type") == row.type);
        CHECK(r.body == read_text(out / row.file));
        CHECK(r.header("Vary") == "Accept, User-Agent, Accept-Encoding");
    }
    // Without a JSON Accept: the zip of that release, which build does not write (1.7 only).
    CHECK(get(port, "/repo").status == 404);
    auto legacy = get(port, "/repo-1.7");
    CHECK(legacy.status == 200);
    CHECK(legacy.header("Content-Type") == "application/zip");
    CHECK(legacy.body == read_text(out / "repo-up-to-1.7.zip"));
    auto empty = get(port, "/repo-1.7", {{"Accept", kV3}, {"User-Agent", "dcos/1.8"}});
    CHECK(empty.header("Content-Type") == kV3);
    CHECK(empty.body == "{\"packages\": []}");

    // /package/<name>: that name's entries of the chosen file.
    auto hello = get(port, "/package/hello", {{"Accept", kV4}, {"User-Agent", "dcos/1.9"}});
    CHECK(hello.status == 200);
    CHECK(hello.header("Content-Type") == kV4);
    auto hello_json = hello.json();
    REQUIRE(hello_json["packages"].size() == 1);  // 2.0 needs DC/OS 1.10
    CHECK(hello_json["packages"][0]["version"] == "1.0");
    CHECK(get(port, "/package/hello", {{"Accept", kV5}}).json()["packages"].size() == 2);
    CHECK(get(port, "/package/hello").header("Content-Type") == "application/json");
    CHECK(get(port, "/package/nobody", {{"Accept", kV5}}).status == 404);

    // Plain files by name; nothing else.
    auto plain = get(port, "/repo-up-to-1.10.json");
    CHECK(plain.status == 200);
    CHECK(plain.header("Content-Type") == "application/json");
    CHECK(plain.body == read_text(out / "repo-up-to-1.10.json"));
    CHECK(get(port, "/universe.json").status == 404);
    CHECK(get(port, "/v5").status == 404);
    HttpCall post;
    post.method = "POST";
    post.target = "/repo";
    CHECK(http_call(port, post).status == 405);

    // ETag and If-None-Match.
    auto first = get(port, "/repo", {{"Accept", kV5}});
    auto etag = first.header("ETag");
    REQUIRE(etag);
    auto again = get(port, "/repo", {{"Accept", kV5}, {"If-None-Match", *etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.header("ETag") == etag);
    CHECK(get(port, "/repo", {{"Accept", kV5}, {"If-None-Match", "\"stale\""}}).status == 200);
    CHECK(get(port, "/repo", {{"Accept", kV5}, {"User-Agent", "dcos/1.9"}}).header("ETag") != etag);

    // gzip, precompressed; the compressed answer has its own tag.
    auto zipped = get(port, "/repo", {{"Accept", kV5}, {"Accept-Encoding", "gzip, deflate"}});
    CHECK(zipped.status == 200);
    CHECK(zipped.header("Content-Encoding") == "gzip");
    CHECK(zipped.header("ETag") != etag);
    CHECK(zipped.body.size() < first.body.size());
    CHECK(cosmos::adapters::gzip_decompress(zipped.body, 1 << 20) == first.body);
    CHECK(get(port, "/repo", {{"Accept", kV5}, {"If-None-Match", *zipped.header("ETag")}}).status ==
          304);
    CHECK_FALSE(get(port, "/repo", {{"Accept", kV5}, {"Accept-Encoding", "gzip;q=0"}})
                    .header("Content-Encoding"));

    HttpCall head;
    head.method = "HEAD";
    head.target = "/repo-empty-v3.json";
    auto head_reply = http_call(port, head);
    CHECK(head_reply.status == 200);
    CHECK(head_reply.body.empty());

    // One line per request; a clean stop on SIGTERM.
    CHECK(server.stop() == 0);
    std::string log = server.log();
    CHECK_THAT(log, Catch::Contains("GET /repo 200 "));
    CHECK_THAT(log, Catch::Contains("\"cosmos/0.5 dcos/1.10.2\""));
    CHECK_THAT(log, Catch::Contains("GET /repo 304 0 "));
    CHECK_THAT(log, Catch::Contains("POST /repo 405 "));
    CHECK_THAT(log, Catch::Contains("HEAD /repo-empty-v3.json 200 0 "));
    CHECK_THAT(log, Catch::Contains("stopped"));
}

TEST_CASE("publish reports an unreachable service and usage errors", "[tools][publish]") {
    TempDir tmp;
    write_folder(tmp / "src", "hello", "1.0");
    REQUIRE(run_command(repo_tool() + " bundle " + q(tmp / "src") + " " + q(tmp / "h.dcos"))
                .exit_code == 0);
    auto no_to = run_command(repo_tool() + " publish " + q(tmp / "h.dcos"));
    CHECK(no_to.exit_code == 2);
    CHECK_THAT(no_to.output, Catch::Contains("--to URL is required"));
    // Port 9 (discard) on loopback: nothing listens there in a test environment.
    auto refused =
        run_command(repo_tool() + " publish " + q(tmp / "h.dcos") + " --to http://127.0.0.1:9");
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.output, Catch::Contains("repo-tool publish:"));
}
