// Publishing end to end: an author's package folder goes through repo-tool into a running
// cosmos-server (POST /package/add) or into a tree served by repo-tool serve, and comes out as
// something the CLI can search, describe, install and uninstall. Bad bundles leave nothing behind.
#include <catch2/catch.hpp>
#include <thread>

#include "cosmos/adapters/digest.h"
#include "cosmos/core/json.h"
#include "cosmos/core/repo_serving.h"
#include "tests/adapters/raw_zip.h"
#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/tools/serve_process.h"

using cosmos::core::Json;
using namespace universe_test;
namespace fs = std::filesystem;

namespace {

const std::string kBundleType = "application/vnd.dcos.universe.package+zip;version=v1";
const std::string kLocalSource = "urn:dcos:cosmos:local-repository";

std::string repo_tool() {
    return shell_quote((binary_dir() / "repo-tool" / "repo-tool").string());
}

std::string q(const fs::path& p) {
    return shell_quote(p.string());
}

const char* kTemplate =
    R"({"id": "{{service.name}}", "cmd": "sleep 3600", "cpus": 0.1, "mem": 32, "instances": 1})";

// An author's package folder, as `repo-tool bundle` and `repo-tool add` take it.
void write_folder(const fs::path& dir, const std::string& name, const std::string& version) {
    Json package{{"packagingVersion", "4.0"},
                 {"name", name},
                 {"version", version},
                 {"maintainer", "author@example.org"},
                 {"description", "Greets the cluster"},
                 {"tags", Json::array({"greeting", "demo"})},
                 {"postInstallNotes", "Hello is running."}};
    write_text(dir / "package.json", package.dump(2) + "\n");
    write_text(dir / "config.json", R"({"type": "object", "properties": {"service": {
        "type": "object", "properties": {"name": {"type": "string", "default": ")" +
                                        name + R"("}}}}})");
    write_text(dir / "marathon.json.mustache", kTemplate);
    write_text(dir / "resource.json", "{}");
}

// metadata.json of a bundle, for archives built by hand.
Json metadata(const std::string& name, const std::string& version) {
    return Json{{"packagingVersion", "4.0"},
                {"name", name},
                {"version", version},
                {"maintainer", "author@example.org"},
                {"description", "Built by hand"},
                {"tags", Json::array({"demo"})},
                {"marathon", Json{{"v2AppMustacheTemplate",
                                   cosmos::core::base64_encode(R"({"id": "/)" + name + "\"}")}}}};
}

std::string zip_of(const Json& meta) {
    return build_raw_zip({{"metadata.json", meta.dump(2)}});
}

// A cluster of emulators and a cosmos-server pointed at it.
struct Cluster {
    MarathonEmulator marathon;
    MesosEmulator mesos;
    TempDir dir;
    std::unique_ptr<ServerProcess> server;

    explicit Cluster(std::vector<std::string> extra = {}) { start(std::move(extra)); }

    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {
            "--marathon-uri",     marathon.url(), "--mesos-uri",        mesos.url(),
            "--admin-router-uri", mesos.url(),    "--upstream-timeout", "3"};
        for (auto& a : extra)
            args.push_back(std::move(a));
        server.reset();
        server = std::make_unique<ServerProcess>(dir / "data", args);
    }
    std::uint16_t port() const { return server->port(); }

    HttpResponse rpc(const std::string& kind, const Json& body, const std::string& version = "v1") {
        return package_rpc(port(), Cli::kPython, kind, body, version);
    }
    HttpResponse add(const std::string& bytes, const std::string& target = "/package/add") {
        return http_send(
            port(), "POST", target, bytes, kBundleType,
            {{"Accept",
              "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1"}});
    }
    Json local_list() {
        auto r =
            cli_post(port(), Cli::kPython, "/package/local/list",
                     package_type("local.list-request"), package_type("local.list-response"), "{}");
        REQUIRE(r.status == 200);
        CHECK(r.header("Content-Type") == package_type("local.list-response"));
        return r.json()["packages"];
    }
    HttpResponse remove(const std::string& name, const std::string& version) {
        return cli_post(port(), Cli::kPython, "/package/delete", package_type("delete-request"),
                        package_type("delete-response"),
                        Json{{"packageName", name}, {"packageVersion", version}}.dump());
    }
    std::vector<std::string> search_names(const std::string& query) {
        auto r = rpc("search", Json{{"query", query}});
        REQUIRE(r.status == 200);
        Json body = r.json();
        std::vector<std::string> names;
        for (const auto& p : body["packages"])
            names.push_back(p["name"].get<std::string>());
        return names;
    }
};

// Checks an error answer: status, Cosmos type, and a message fragment.
void check_error(const HttpResponse& r, int status, const std::string& type,
                 const std::string& fragment) {
    INFO(r.body);
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") ==
          "application/vnd.dcos.package.error+json;charset=utf-8;version=v1");
    auto body = r.json();
    CHECK(body["type"] == type);
    CHECK_THAT(body["message"].get<std::string>(), Catch::Contains(fragment));
}

}  // namespace

TEST_CASE("an author's package: bundle, publish, search, describe, install, uninstall",
          "[e2e][publish]") {
    Cluster cluster;
    TempDir author;
    write_folder(author / "hello-world", "hello-world", "1.0.0");
    auto bundled = run_command(repo_tool() + " bundle " + q(author / "hello-world") + " " +
                               q(author / "hello-world.dcos"));
    INFO(bundled.output);
    REQUIRE(bundled.exit_code == 0);
    std::string bytes = read_text(author / "hello-world.dcos");
    std::string digest = cosmos::adapters::sha256_hex(bytes);

    auto published = run_command(repo_tool() + " publish " + q(author / "hello-world.dcos") +
                                 " --to " + cluster.server->base_url() + "/ --token t0k3n");
    INFO(published.output);
    REQUIRE(published.exit_code == 0);
    CHECK_THAT(published.output,
               Catch::Contains("published hello-world 1.0.0 (releaseVersion 0) to http://"));

    // Search finds it; describe shows where it came from and the bundle's digest.
    auto found = cluster.rpc("search", Json{{"query", "greet"}});
    REQUIRE(found.status == 200);
    REQUIRE(found.json()["packages"].size() == 1);
    CHECK(found.json()["packages"][0]["name"] == "hello-world");
    CHECK(found.json()["packages"][0]["versions"]["1.0.0"] == 0);

    auto describe = cluster.rpc("describe", Json{{"packageName", "hello-world"}}, "v3");
    REQUIRE(describe.status == 200);
    Json described = describe.json();
    CHECK(described["package"]["version"] == "1.0.0");
    CHECK(described["package"]["releaseVersion"] == 0);
    CHECK(described["sha256"] == digest);
    auto flat = cluster.rpc("describe", Json{{"packageName", "hello-world"}}, "v2");
    CHECK(flat.status == 200);
    CHECK_FALSE(flat.json().contains("sha256"));
    auto versions = cluster.rpc(
        "list-versions", Json{{"packageName", "hello-world"}, {"includePackageVersions", true}});
    CHECK(versions.json()["results"] == Json{{"1.0.0", "0"}});

    // The state listing: Installed, with the digest and the definition.
    Json local = cluster.local_list();
    REQUIRE(local.size() == 1);
    CHECK(local[0]["status"] == "Installed");
    CHECK(local[0]["packageCoordinate"] == Json{{"name", "hello-world"}, {"version", "1.0.0"}});
    CHECK(local[0]["metadata"]["name"] == "hello-world");
    CHECK(local[0]["sha256"] == digest);

    // Install through Marathon, labelled with Cosmos's local source.
    auto install = cluster.rpc("install",
                               Json{{"packageName", "hello-world"},
                                    {"packageVersion", "1.0.0"},
                                    {"options", Json::object()}},
                               "v2");
    INFO(install.body);
    REQUIRE(install.status == 200);
    CHECK(install.json()["appId"] == "/hello-world");
    CHECK(install.json()["postInstallNotes"] == "Hello is running.");
    auto app = cluster.marathon.app("/hello-world");
    REQUIRE(app);
    CHECK((*app)["cmd"] == "sleep 3600");
    CHECK((*app)["labels"]["DCOS_PACKAGE_SOURCE"] == kLocalSource);
    CHECK((*app)["labels"]["DCOS_PACKAGE_NAME"] == "hello-world");
    auto listed = cluster.rpc("list", Json::object());
    REQUIRE(listed.status == 200);
    REQUIRE(listed.json()["packages"].size() == 1);
    CHECK(listed.json()["packages"][0]["packageInformation"]["packageDefinition"]["name"] ==
          "hello-world");

    auto uninstall = cluster.rpc("uninstall", Json{{"packageName", "hello-world"}});
    INFO(uninstall.body);
    REQUIRE(uninstall.status == 200);
    CHECK(uninstall.json()["results"][0]["appId"] == "/hello-world");
    CHECK_FALSE(cluster.marathon.app("/hello-world"));

    // A restart keeps the package and its releaseVersion; the next version gets the next one.
    cluster.start();
    CHECK(cluster.search_names("hello") == std::vector<std::string>{"hello-world"});
    write_folder(author / "v2", "hello-world", "2.0.0");
    REQUIRE(run_command(repo_tool() + " bundle " + q(author / "v2") + " " + q(author / "v2.dcos"))
                .exit_code == 0);
    auto second = cluster.add(read_text(author / "v2.dcos"));
    REQUIRE(second.status == 202);
    CHECK(second.header("Content-Type") ==
          "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1");
    CHECK(second.json()["releaseVersion"] == 1);
    CHECK(cluster.rpc("describe", Json{{"packageName", "hello-world"}}, "v3")
              .json()["package"]["version"] == "2.0.0");

    // Delete (our addition), then it is gone from the catalog.
    auto removed = cluster.remove("hello-world", "2.0.0");
    REQUIRE(removed.status == 200);
    CHECK(removed.header("Content-Type") == package_type("delete-response"));
    CHECK(removed.json() ==
          Json{{"packageName", "hello-world"}, {"packageVersion", "2.0.0"}, {"releaseVersion", 1}});
    check_error(cluster.remove("hello-world", "2.0.0"), 400, "LocalPackageNotFound",
                "Version [2.0.0] of package [hello-world] is not in the local repository");
    CHECK(cluster.rpc("describe", Json{{"packageName", "hello-world"}}, "v3")
              .json()["package"]["version"] == "1.0.0");
}

TEST_CASE("/package/add copies from a repository, replaces on request, and checks Content-Type",
          "[e2e][publish]") {
    Cluster cluster;
    auto copy_of = [&](const std::string& name) {
        return http_send(
            cluster.port(), "POST", "/package/add", Json{{"packageName", name}}.dump(),
            "application/vnd.dcos.package.add-request+json;charset=utf-8;version=v1",
            {{"Accept",
              "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1"}});
    };
    // Packaging 2.0 cannot be added, as in Cosmos 0.4.
    check_error(copy_of("nginx"), 400, "InvalidPackageVersionForAdd",
                "Unable to add version [1.10.3] of package [nginx]. Packaging format not "
                "supported for this operation.");
    // A copy of a bundled package (the JSON body type), answered 202 with the definition.
    auto copy = copy_of("etcd");
    INFO(copy.body);
    REQUIRE(copy.status == 202);
    std::string version = copy.json()["version"];
    CHECK(copy.json()["releaseVersion"] == 0);
    auto local = cluster.local_list();
    REQUIRE(local.size() == 1);
    CHECK(local[0]["packageCoordinate"] == Json{{"name", "etcd"}, {"version", version}});
    CHECK_FALSE(local[0].contains("sha256"));
    auto render = cluster.rpc("render", Json{{"packageName", "etcd"}});
    REQUIRE(render.status == 200);
    CHECK(render.json()["marathonJson"]["labels"]["DCOS_PACKAGE_SOURCE"] == kLocalSource);

    // The same version again: 409, unless replace=true.
    std::string bundle = zip_of(metadata("handmade", "1"));
    REQUIRE(cluster.add(bundle).status == 202);
    check_error(cluster.add(bundle), 409, "PackageVersionAlreadyExists",
                "Version [1] of package [handmade] is already in the local repository");
    Json changed = metadata("handmade", "1");
    changed["description"] = "Rebuilt";
    auto replaced = cluster.add(zip_of(changed), "/package/add?replace=true");
    REQUIRE(replaced.status == 202);
    CHECK(replaced.json()["releaseVersion"] == 0);
    CHECK(cluster.rpc("describe", Json{{"packageName", "handmade"}}, "v3")
              .json()["package"]["description"] == "Rebuilt");
    CHECK(cluster.local_list().size() == 2);

    // Any other Content-Type is refused with Cosmos's message.
    auto wrong = http_send(
        cluster.port(), "POST", "/package/add", bundle, "application/zip",
        {{"Accept", "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1"}});
    check_error(wrong, 400, "not_valid",
                "Item header 'Content-Type' deemed invalid by rule: Media type was "
                "application/zip, but should be one of "
                "[application/vnd.dcos.package.add-request+json;charset=utf-8;version=v1, "
                "application/vnd.dcos.universe.package+zip;version=v1]");
}

TEST_CASE("bad bundles are refused with a clear error and leave nothing behind", "[e2e][publish]") {
    Cluster cluster;
    const Json good = metadata("victim", "1.0");
    const std::string valid = zip_of(good);

    std::string tampered = valid;
    // Flip bytes inside the compressed data of metadata.json (after its 30-byte local header
    // and 13-byte name).
    for (std::size_t i = 60; i < 70; ++i)
        tampered[i] = static_cast<char>(tampered[i] ^ 0x5A);

    RawZipEntry link{"metadata.json", "/etc/passwd"};
    link.external_attributes = 0120777u << 16;

    RawZipEntry bomb{"padding.bin"};
    const std::uint64_t kZeros = 12ull << 20;
    bomb.body = raw_deflate_zeros(kZeros);
    bomb.crc = crc32_of_zeros(kZeros);
    bomb.uncompressed_size = static_cast<std::uint32_t>(kZeros);

    RawZipEntry huge{"metadata.json", std::string(17u << 20, ' ') + good.dump()};
    huge.deflate = false;

    std::vector<RawZipEntry> crowd = {{"metadata.json", good.dump()}};
    for (int i = 0; i < 1000; ++i)
        crowd.push_back({"docs/" + std::to_string(i) + ".txt", "x"});

    Json schema_violation = good;
    schema_violation.erase("maintainer");
    schema_violation["tags"] = "not-a-list";

    struct Case {
        std::string what;
        std::string bytes;
        int status;
        std::string type;
        std::string fragment;
    };
    const std::vector<Case> cases = {
        {"tampered", tampered, 400, "InvalidBundle", "Invalid package bundle"},
        {"not a zip", "this is not a zip archive", 400, "InvalidBundle", "not a zip archive"},
        {"traversal",
         build_raw_zip({{"metadata.json", good.dump()}, {"../../etc/cron.d/evil", "x"}}), 400,
         "InvalidBundle", "../../etc/cron.d/evil"},
        {"absolute path", build_raw_zip({{"metadata.json", good.dump()}, {"/tmp/evil", "x"}}), 400,
         "InvalidBundle", "/tmp/evil"},
        {"symbolic link", build_raw_zip({link}), 400, "InvalidBundle", "symbolic link"},
        {"zip bomb", build_raw_zip({{"metadata.json", good.dump()}, bomb}), 413, "PayloadTooLarge",
         "larger than the limit"},
        {"entry over the zip limits", build_raw_zip({huge}), 413, "PayloadTooLarge",
         "Entry 'metadata.json' is larger than the limit of 16777216 bytes"},
        {"too many entries", build_raw_zip(crowd), 400, "InvalidBundle", "1000"},
        {"invalid metadata", zip_of(schema_violation), 400, "InvalidBundle",
         "metadata.json does not match the bundle schema"},
        {"missing metadata", build_raw_zip({{"package.json", good.dump()}}), 400, "InvalidBundle",
         "missing metadata.json"},
        {"empty body", "", 400, "not_present", "Item body not present but required"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        check_error(cluster.add(c.bytes), c.status, c.type, c.fragment);
        CHECK(cluster.local_list().empty());
    }
    CHECK(cluster.search_names("victim").empty());

    // Duplicate version: the first is kept, the second refused.
    REQUIRE(cluster.add(valid).status == 202);
    check_error(cluster.add(valid), 409, "PackageVersionAlreadyExists", "victim");
    REQUIRE(cluster.local_list().size() == 1);
    CHECK(cluster.local_list()[0]["sha256"] == cosmos::adapters::sha256_hex(valid));
    REQUIRE(cluster.remove("victim", "1.0").status == 200);

    // After a restart with a small body limit: the listener refuses a large upload first.
    cluster.start({"--max-body-bytes", "65536"});
    CHECK(cluster.local_list().empty());
    CHECK(cluster.search_names("victim").empty());
    RawZipEntry big{"metadata.json", std::string(100000, ' ') + good.dump()};
    big.deflate = false;
    check_error(cluster.add(build_raw_zip({big})), 413, "PayloadTooLarge",
                "Request body is larger than the limit of 65536 bytes");
    CHECK(cluster.local_list().empty());
}

TEST_CASE("an author's package through a tree: add, build, serve, repository add, search",
          "[e2e][publish]") {
    TempDir tmp;
    write_folder(tmp / "src", "hello-tree", "0.9");
    auto added =
        run_command(repo_tool() + " add --create " + q(tmp / "tree") + " " + q(tmp / "src"));
    INFO(added.output);
    REQUIRE(added.exit_code == 0);
    auto built = run_command(repo_tool() + " build " + q(tmp / "tree") + " " + q(tmp / "out"));
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    REQUIRE(
        run_command(repo_tool() + " verify " + q(tmp / "tree") + " " + q(tmp / "out")).exit_code ==
        0);

    RepoToolServe universe(tmp / "out", tmp / "serve.log");
    Cluster cluster;
    auto add =
        cluster.rpc("repository.add",
                    Json{{"name", "authors"}, {"uri", universe.url() + "/repo"}, {"index", 0}});
    INFO(add.body);
    REQUIRE(add.status == 200);
    CHECK(add.json()["repositories"][0]["name"] == "authors");

    auto found = cluster.rpc("search", Json{{"query", "hello-tree"}});
    REQUIRE(found.status == 200);
    REQUIRE(found.json()["packages"].size() == 1);
    CHECK(found.json()["packages"][0]["versions"] == Json{{"0.9", 0}});
    auto render = cluster.rpc("render", Json{{"packageName", "hello-tree"}});
    INFO(render.body);
    REQUIRE(render.status == 200);
    CHECK(render.json()["marathonJson"]["labels"]["DCOS_PACKAGE_SOURCE"] ==
          universe.url() + "/repo");
    // cosmos-server asked as Cosmos does: v5 to v3, gzip, its DC/OS version in the User-Agent.
    CHECK_THAT(universe.log(), Catch::Contains("GET /repo 200 "));
    CHECK_THAT(universe.log(), Catch::Contains("dcos/"));
}

TEST_CASE("the first repository that has a package wins: a local copy shadows newer versions",
          "[e2e][publish]") {
    // Cosmos's selection (cosmos-api.md 8.2): without a version, the highest release of the
    // highest-priority repository that has the name, even when a lower one has a newer version.
    Cluster cluster;
    auto copy = http_send(
        cluster.port(), "POST", "/package/add",
        Json{{"packageName", "cassandra"}, {"packageVersion", "2.9.0-3.11.6"}}.dump(),
        "application/vnd.dcos.package.add-request+json;charset=utf-8;version=v1",
        {{"Accept", "application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1"}});
    INFO(copy.body);
    REQUIRE(copy.status == 202);
    auto describe = cluster.rpc("describe", Json{{"packageName", "cassandra"}}, "v3");
    CHECK(describe.json()["package"]["version"] == "2.9.0-3.11.6");
    auto install = cluster.rpc("install", Json{{"packageName", "cassandra"}}, "v2");
    REQUIRE(install.status == 200);
    CHECK(install.json()["packageVersion"] == "2.9.0-3.11.6");
    auto app = cluster.marathon.app("/cassandra");
    REQUIRE(app.has_value());
    CHECK((*app)["labels"]["DCOS_PACKAGE_SOURCE"] == kLocalSource);
    // Search shows the local copy's version as the current one, and both versions.
    auto search = cluster.rpc("search", Json{{"query", "cassandra"}}).json()["packages"][0];
    CHECK(search["currentVersion"] == "2.9.0-3.11.6");
    CHECK(search["versions"].contains("2.10.0-3.11.6"));
    // Naming the version reaches the Universe's newer one.
    auto newer = cluster.rpc(
        "describe", Json{{"packageName", "cassandra"}, {"packageVersion", "2.10.0-3.11.6"}}, "v3");
    CHECK(newer.json()["package"]["version"] == "2.10.0-3.11.6");
    // Deleting the copy lets the Universe's latest through again.
    REQUIRE(cluster.remove("cassandra", "2.9.0-3.11.6").status == 200);
    CHECK(cluster.rpc("describe", Json{{"packageName", "cassandra"}}, "v3")
              .json()["package"]["version"] == "2.10.0-3.11.6");
}
