// The local repository use-cases (POST /package/add, delete, state listing) with fakes for the
// stores, and the catalog they feed.
#include "cosmos/app/publish_service.h"
#include "cosmos/adapters/digest.h"

#include <catch2/catch.hpp>

#include "cosmos/core/bundle.h"
#include "cosmos/core/error.h"
#include "cosmos/core/repo_serving.h"
#include "tests/app/fakes.h"

using cosmos::core::Json;
using namespace universe_test;

namespace {

const std::string kTemplate = cosmos::core::base64_encode(R"({"id": "{{name}}", "cpus": 0.1})");

Json metadata(const std::string& name, const std::string& version) {
    return Json{{"packagingVersion", "3.0"},
                {"name", name},
                {"version", version},
                {"maintainer", "m@example.org"},
                {"description", "a package called " + name},
                {"tags", Json::array({"test"})},
                {"marathon", Json{{"v2AppMustacheTemplate", kTemplate}}}};
}

Json entry(const std::string& packaging, const std::string& name, const std::string& version,
           int release) {
    Json e = metadata(name, version);
    e["packagingVersion"] = packaging;
    e["releaseVersion"] = release;
    return e;
}

// Stands in for the zip adapter: the "bytes" are metadata.json itself, read with the core rules.
cosmos::app::CheckedBundle read_fake_bundle(std::string_view bytes) {
    if (bytes == "corrupt") throw cosmos::core::invalid_bundle("not a zip archive");
    cosmos::app::CheckedBundle out;
    out.metadata = cosmos::core::parse_json(bytes);
    out.package = cosmos::core::package_from_bundle_metadata(bytes, nullptr, 0);
    out.sha256 = cosmos::adapters::sha256_hex(bytes);
    return out;
}

std::string bundle(const std::string& name, const std::string& version) {
    return metadata(name, version).dump();
}

// A repository service with one built-in repository ("Upstream") and the local repository.
struct World {
    MemoryRepositoryStore repositories{{{"Upstream", "builtin:upstream"}}};
    MemoryLocalPackageStore local;
    NoHttpClient client;
    FixedClock clock;
    cosmos::app::RepositoryService service{repositories, client, clock, config()};
    cosmos::app::PublishService publish{local, service, clock, read_fake_bundle};

    World() {
        service.load_stored();
        publish.attach();
    }

    static cosmos::app::RepositoryConfig config() {
        cosmos::app::RepositoryConfig c;
        Json packages =
            Json::array({entry("3.0", "hello", "1.0", 0), entry("3.0", "hello", "1.1", 1),
                         entry("2.0", "old", "0.1", 0), entry("3.0", "shared", "9.9", 0)});
        c.builtin["builtin:upstream"] = Json{{"packages", packages}}.dump();
        return c;
    }

    std::string source_of(const std::string& name, const std::optional<std::string>& version) {
        auto catalog = service.catalog();
        return *catalog->select(name, version).repository_uri;
    }
};

}  // namespace

TEST_CASE("an added bundle is Installed, numbered, and served from the local repository first",
          "[app][publish]") {
    World w;
    auto first = w.publish.add_bundle(bundle("mine", "1.0"), false);
    CHECK(first.release_version == 0);
    CHECK(first.status == "Installed");
    CHECK(first.sha256 == cosmos::adapters::sha256_hex(bundle("mine", "1.0")));
    CHECK(first.definition["releaseVersion"] == 0);
    CHECK(first.definition["name"] == "mine");
    CHECK(first.added_at_ms == w.clock.now);

    CHECK(w.publish.add_bundle(bundle("mine", "2.0"), false).release_version == 1);
    CHECK(w.publish.add_bundle(bundle("mine", "1.5"), false).release_version == 2);
    CHECK(w.publish.add_bundle(bundle("other", "1.0"), false).release_version == 0);

    auto catalog = w.service.catalog();
    auto versions = catalog->list_versions("mine");
    CHECK(versions.size() == 3);
    // The highest releaseVersion is the current one, and it comes from the local repository.
    CHECK(catalog->select("mine", std::nullopt).package->version.str() == "1.5");
    CHECK(w.source_of("mine", "2.0") == cosmos::app::kLocalRepositoryUri);
    CHECK(w.source_of("hello", std::nullopt) == "builtin:upstream");

    // The local repository is consulted first: its version of a shared name wins.
    w.publish.add_bundle(bundle("shared", "9.9"), false);
    CHECK(w.source_of("shared", "9.9") == cosmos::app::kLocalRepositoryUri);
}

TEST_CASE("the same version twice is a conflict unless replaced", "[app][publish]") {
    World w;
    w.publish.add_bundle(bundle("mine", "1.0"), false);
    w.publish.add_bundle(bundle("mine", "2.0"), false);
    int writes = w.local.writes;
    try {
        w.publish.add_bundle(bundle("mine", "1.0"), false);
        FAIL("no conflict");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "PackageVersionAlreadyExists");
        CHECK(e.code() == cosmos::core::ErrorCode::kConflict);
    }
    CHECK(w.local.writes == writes);

    Json changed = metadata("mine", "1.0");
    changed["description"] = "replaced";
    w.clock.now += 1000;
    auto replaced = w.publish.add_bundle(changed.dump(), true);
    CHECK(replaced.release_version == 0);  // keeps its place
    auto catalog = w.service.catalog();
    CHECK(catalog->select("mine", "1.0").package->description == "replaced");
    CHECK(w.local.list_packages().size() == 2);
}

TEST_CASE("a refused bundle stores nothing", "[app][publish]") {
    World w;
    CHECK_THROWS_AS(w.publish.add_bundle("corrupt", false), cosmos::core::Error);
    CHECK_THROWS_AS(w.publish.add_bundle("{\"name\": \"x\"}", false), cosmos::core::Error);
    CHECK(w.local.writes == 0);
    CHECK(w.publish.list().empty());
}

TEST_CASE("copies come from the configured repositories, never 2.0", "[app][publish]") {
    World w;
    auto copy = w.publish.add_copy({"hello", std::nullopt}, false);
    CHECK(copy.version == "1.1");
    CHECK(copy.release_version == 0);  // numbered in the local repository
    CHECK(copy.sha256.empty());
    CHECK(w.publish.add_copy({"hello", "1.0"}, false).release_version == 1);
    CHECK(w.source_of("hello", "1.0") == cosmos::app::kLocalRepositoryUri);

    try {
        w.publish.add_copy({"old", std::nullopt}, false);
        FAIL("2.0 copied");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "InvalidPackageVersionForAdd");
        CHECK(std::string(e.what()) ==
              "Unable to add version [0.1] of package [old]. Packaging format not supported for "
              "this operation.");
    }
    CHECK_THROWS_WITH(w.publish.add_copy({"nothing", std::nullopt}, false),
                      Catch::Contains("nothing"));
    CHECK_THROWS_AS(w.publish.add_copy({"hello", "7.7"}, false), cosmos::core::Error);

    // A package that only the local repository has cannot be copied again.
    w.publish.add_bundle(bundle("mine", "1.0"), false);
    try {
        w.publish.add_copy({"mine", std::nullopt}, false);
        FAIL("copied from the local repository");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "PackageNotFound");
    }
}

TEST_CASE("delete removes a local package and its catalog entry", "[app][publish]") {
    World w;
    w.publish.add_bundle(bundle("mine", "1.0"), false);
    w.publish.add_bundle(bundle("mine", "2.0"), false);
    auto removed = w.publish.remove("mine", "2.0");
    CHECK(removed.release_version == 1);
    CHECK(w.service.catalog()->list_versions("mine").size() == 1);
    try {
        w.publish.remove("mine", "2.0");
        FAIL("removed twice");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "LocalPackageNotFound");
    }
    w.publish.remove("mine", "1.0");
    CHECK_THROWS_AS(w.service.catalog()->select("mine", std::nullopt), cosmos::core::Error);
}

TEST_CASE("the state listing: Cosmos order, digests, and Invalid for what no longer decodes",
          "[app][publish]") {
    World w;
    w.publish.add_bundle(bundle("alpha", "1"), false);
    w.publish.add_bundle(bundle("alpha", "2"), false);
    w.publish.add_bundle(bundle("beta", "1"), false);
    // A stored definition from some other format, and states the model must keep.
    cosmos::app::LocalPackage broken;
    broken.name = "gamma";
    broken.version = "1";
    broken.definition = Json{{"packagingVersion", "9.0"}, {"name", "gamma"}};
    broken.status = "Installed";
    w.local.put(broken, false);
    cosmos::app::LocalPackage failed = broken;
    failed.name = "delta";
    failed.definition = entry("3.0", "delta", "1", 0);
    failed.status = "Failed";
    failed.error = Json{{"type", "Whatever"}, {"message", "it failed"}};
    w.local.put(failed, false);
    w.service.rebuild();

    auto list = w.publish.list();
    std::vector<std::string> order;
    for (const auto& s : list)
        order.push_back(s.record.name + "/" + s.record.version + ":" + s.record.status);
    CHECK(order == std::vector<std::string>{"gamma/1:Invalid", "delta/1:Failed", "beta/1:Installed",
                                            "alpha/2:Installed", "alpha/1:Installed"});
    CHECK(list[0].record.error);
    CHECK((*list[0].record.error)["type"] == "JsonDecodingError");
    CHECK_FALSE(list[0].package);
    CHECK(list[1].package);
    CHECK(list[2].record.sha256 == cosmos::adapters::sha256_hex(bundle("beta", "1")));

    // Neither the undecodable nor the failed package reaches the catalog; the rest still does.
    auto catalog = w.service.catalog();
    CHECK(catalog->named("gamma").empty());
    CHECK(catalog->named("delta").empty());
    CHECK(catalog->named("alpha").size() == 2);
    CHECK(w.publish.digest("beta", "1") == cosmos::adapters::sha256_hex(bundle("beta", "1")));
    CHECK_FALSE(w.publish.digest("beta", "9"));
}

TEST_CASE("releaseVersions continue after a restart", "[app][publish]") {
    World w;
    w.publish.add_bundle(bundle("mine", "1.0"), false);
    w.publish.add_bundle(bundle("mine", "2.0"), false);
    // A new service over the same store: what a restarted server sees.
    cosmos::app::RepositoryService service(w.repositories, w.client, w.clock, World::config());
    service.load_stored();
    cosmos::app::PublishService publish(w.local, service, w.clock, read_fake_bundle);
    publish.attach();
    CHECK(service.catalog()->list_versions("mine").size() == 2);
    CHECK(publish.add_bundle(bundle("mine", "3.0"), false).release_version == 2);
}

TEST_CASE("the catalog keeps the last local packages when the store cannot be read",
          "[app][publish]") {
    World w;
    w.publish.add_bundle(bundle("mine", "1.0"), false);
    w.local.fail_reads = true;
    w.service.rebuild();
    CHECK(w.service.catalog()->named("mine").size() == 1);
}
