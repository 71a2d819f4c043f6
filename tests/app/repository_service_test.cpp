// The repository service with fakes for the store and the network: what a refresh does when the
// repository list changes while it is downloading.
#include "cosmos/app/repository_service.h"

#include <catch2/catch.hpp>

#include <functional>

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
