// The repository service with fakes for the store and the network: what a refresh does when the
// repository list changes while it is downloading.
#include "cosmos/app/repository_service.h"

#include <catch2/catch.hpp>

#include <functional>
#include <tuple>

#include "cosmos/core/error.h"
#include "cosmos/core/repo_index.h"
#include "tests/app/fakes.h"

using cosmos::app::RepositoryRef;
using cosmos::core::Json;
using namespace universe_test;

namespace {

// Answers each repository URL with a one-package repository named after its host, and runs
// on_fetch (once) before answering the URL it names.
class ScriptedRepositories : public cosmos::app::HttpClient {
public:
    cosmos::app::HttpReply send(const cosmos::app::HttpCall& call) override {
        if (call.url == hook_url && on_fetch) {
            auto hook = std::move(on_fetch);
            on_fetch = nullptr;
            hook();
        }
        auto host = call.url.substr(7, call.url.find('/', 7) - 7);
        Json package{{"packagingVersion", "3.0"},
                     {"name", "pkg-" + host},
                     {"version", "1.0"},
                     {"releaseVersion", 0},
                     {"maintainer", "m@example.org"},
                     {"description", "from " + host},
                     {"tags", Json::array()}};
        cosmos::app::HttpReply reply;
        reply.status = 200;
        reply.headers = {{"Content-Type", cosmos::core::repo_media_type(4)}};
        reply.body = Json{{"packages", Json::array({package})}}.dump();
        return reply;
    }
    std::string hook_url;
    std::function<void()> on_fetch;
};

cosmos::app::RepositoryConfig config() {
    cosmos::app::RepositoryConfig c;
    c.fetch.max_retries = 0;
    c.fetch.sleep = [](std::chrono::milliseconds) {};
    return c;
}

std::vector<std::string> names(const cosmos::core::Catalog& catalog) {
    std::vector<std::string> out;
    for (const auto& e : catalog.entries())
        out.push_back(e.package->name);
    return out;
}

}  // namespace

TEST_CASE("a repository added while a refresh runs stays in the catalog", "[app][repository]") {
    MemoryRepositoryStore store(std::vector<RepositoryRef>{{"a", "http://a/repo"}});
    ScriptedRepositories network;
    FixedClock clock;
    cosmos::app::RepositoryService service(store, network, clock, config());
    service.refresh();
    REQUIRE(names(*service.catalog()) == std::vector<std::string>{"pkg-a"});

    network.hook_url = "http://a/repo";
    network.on_fetch = [&] { service.add("b", "http://b/repo", std::nullopt); };
    service.refresh();
    CHECK(names(*service.catalog()) == std::vector<std::string>{"pkg-a", "pkg-b"});
    auto status = service.status();
    REQUIRE(status.size() == 2);
    CHECK(status[1].ref.name == "b");
    CHECK(status[1].packages == 1);
}

TEST_CASE("a repository removed while a refresh runs leaves the catalog", "[app][repository]") {
    MemoryRepositoryStore store(
        std::vector<RepositoryRef>{{"a", "http://a/repo"}, {"b", "http://b/repo"}});
    ScriptedRepositories network;
    FixedClock clock;
    cosmos::app::RepositoryService service(store, network, clock, config());
    service.refresh();
    REQUIRE(names(*service.catalog()) == std::vector<std::string>{"pkg-a", "pkg-b"});

    // Removed before the refresh reaches it: the refresh still downloads b (its list was read
    // first), and must not bring it back.
    network.hook_url = "http://a/repo";
    network.on_fetch = [&] { service.remove(std::string("b"), std::nullopt); };
    service.refresh();
    CHECK(names(*service.catalog()) == std::vector<std::string>{"pkg-a"});
    auto status = service.status();
    REQUIRE(status.size() == 1);
    CHECK(status[0].ref.name == "a");
    CHECK(service.list() == std::vector<RepositoryRef>{{"a", "http://a/repo"}});
    CHECK(names(*service.catalog()) == std::vector<std::string>{"pkg-a"});
}

TEST_CASE("an add makes one attempt within its own timeout, and refreshes keep their retries",
          "[app][repository]") {
    // Fails every call as a timeout and records what it was asked.
    class TimingOut : public cosmos::app::HttpClient {
    public:
        cosmos::app::HttpReply send(const cosmos::app::HttpCall& call) override {
            timeouts.push_back(call.timeout);
            throw cosmos::core::timeout_error("GET", call.url, 1);
        }
        std::vector<std::chrono::milliseconds> timeouts;
    };
    MemoryRepositoryStore store(std::vector<RepositoryRef>{{"a", "http://a/repo"}});
    TimingOut network;
    FixedClock clock;
    std::vector<std::chrono::milliseconds> pauses;
    auto c = config();
    c.fetch.max_retries = 3;
    c.fetch.timeout = std::chrono::seconds(60);
    c.fetch.retry_pause = std::chrono::seconds(5);
    c.fetch.sleep = [&](std::chrono::milliseconds d) { pauses.push_back(d); };
    c.add_timeout = std::chrono::seconds(10);
    cosmos::app::RepositoryService service(store, network, clock, c);

    try {
        service.add("b", "http://b/repo", std::nullopt);
        FAIL("the add should fail");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.type() == "RepositoryUriConnection");
        CHECK(e.data()["cause"] == "timed out after 10 s");
    }
    REQUIRE(network.timeouts.size() == 1);
    CHECK(network.timeouts[0] <= std::chrono::seconds(10));
    CHECK(network.timeouts[0] > std::chrono::seconds(9));
    CHECK(pauses.empty());
    CHECK(store.list().size() == 1);

    network.timeouts.clear();
    service.refresh();
    CHECK(network.timeouts.size() == 4);
    CHECK(pauses.size() == 3);
    auto status = service.status();
    REQUIRE(status.size() == 1);
    REQUIRE(status[0].last_error);
    CHECK((*status[0].last_error)["data"]["cause"] == "timed out after 60 s");
}

TEST_CASE("status counts distinct packages and their revisions apart", "[app][repository]") {
    // Two revisions of one package and one of another.
    class TwoPackages : public cosmos::app::HttpClient {
    public:
        cosmos::app::HttpReply send(const cosmos::app::HttpCall&) override {
            Json packages = Json::array();
            for (auto [name, version, release] :
                 {std::tuple{"x", "1.0", 0}, std::tuple{"x", "2.0", 1},
                  std::tuple{"y", "1.0", 0}}) {
                packages.push_back(Json{{"packagingVersion", "3.0"},
                                        {"name", name},
                                        {"version", version},
                                        {"releaseVersion", release},
                                        {"maintainer", "m@example.org"},
                                        {"description", "d"},
                                        {"tags", Json::array()}});
            }
            cosmos::app::HttpReply reply;
            reply.status = 200;
            reply.headers = {{"Content-Type", cosmos::core::repo_media_type(4)}};
            reply.body = Json{{"packages", packages}}.dump();
            return reply;
        }
    };
    MemoryRepositoryStore store(std::vector<RepositoryRef>{{"a", "http://a/repo"}});
    TwoPackages network;
    FixedClock clock;
    cosmos::app::RepositoryService service(store, network, clock, config());
    service.refresh();
    auto status = service.status();
    REQUIRE(status.size() == 1);
    CHECK(status[0].packages == 2);
    CHECK(status[0].revisions == 3);
    // The age is now minus the fetch time, whatever the last attempt was.
    CHECK(status[0].age_seconds == 0.0);
    clock.now += 7'500;
    CHECK(service.status()[0].age_seconds == 7.5);
}
