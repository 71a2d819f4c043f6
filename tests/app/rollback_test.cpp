// Rollback with fakes for Marathon, the repositories and the history: what is applied, what is
// recorded, and what a refused or failed rollback leaves alone.
#include "cosmos/app/rollback.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/app/job_runner.h"
#include "cosmos/app/service_manager.h"
#include "cosmos/core/app_id.h"
#include "cosmos/core/error.h"
#include "cosmos/core/render.h"
#include "tests/app/fakes.h"

using cosmos::app::OperationRecord;
using cosmos::app::RollbackRequest;
using cosmos::core::Json;
using namespace universe_test;

namespace {

const std::string kMarathon = "http://marathon.test";

// Marathon's apps in a map: GET and PUT of one app, POST of a new one. A PUT fault answers in
// place of Marathon and changes nothing.
class FakeMarathon : public cosmos::app::HttpClient {
public:
    cosmos::app::HttpReply send(const cosmos::app::HttpCall& call) override {
        std::string path = call.url.substr(kMarathon.size());
        path = path.substr(0, path.find('?'));
        const std::string prefix = "/v2/apps";
        std::string id = path.substr(prefix.size());
        if (call.method == "GET") {
            auto it = apps.find(id);
            if (it == apps.end())
                return reply(404, Json{{"message", "App '" + id + "' does not exist"}});
            return reply(200, Json{{"app", it->second}});
        }
        if (call.method == "POST") {
            Json app = Json::parse(call.body);
            app["id"] = cosmos::core::normalize_app_id(app["id"].get<std::string>());
            apps[app["id"].get<std::string>()] = app;
            return reply(201, app);
        }
        if (call.method == "PUT") {
            ++puts;
            if (put_fault) return reply(put_fault->first, Json::parse(put_fault->second));
            apps[id] = Json::parse(call.body);
            return reply(200, Json{{"deploymentId", "deployment-" + std::to_string(puts)},
                                   {"version", "2024-01-01T00:00:00.000Z"}});
        }
        return reply(405, Json::object());
    }

    std::map<std::string, Json> apps;  ///< by id ("/hello")
    std::optional<std::pair<int, std::string>> put_fault;
    int puts = 0;

private:
    static cosmos::app::HttpReply reply(int status, const Json& body) {
        cosmos::app::HttpReply r;
        r.status = status;
        r.headers = {{"Content-Type", "application/json"}};
        r.body = body.dump();
        return r;
    }
};

Json hello(const std::string& version) {
    std::string template_text =
        "{\"id\": \"{{service.name}}\", \"instances\": {{service.instances}}, "
        "\"cmd\": \"sleep 3600\", \"env\": {\"VERSION\": \"" +
        version + "\"}}";
    Json package{
        {"packagingVersion", "4.0"},
        {"name", "hello"},
        {"version", version},
        {"releaseVersion", version == "1.0" ? 0 : 1},
        {"maintainer", "m@example.org"},
        {"description", "says hello"},
        {"tags", Json::array()},
        {"config",
         {{"type", "object"},
          {"properties",
           {{"service",
             {{"type", "object"},
              {"properties",
               {{"name", {{"type", "string"}, {"default", "hello"}}},
                {"instances", {{"type", "integer"}, {"default", 1}}}}}}}}}}},
        {"marathon", {{"v2AppMustacheTemplate", cosmos::core::base64_encode(template_text)}}}};
    if (version != "1.0") package["upgradesFrom"] = Json::array({"1.0"});
    return package;
}

cosmos::core::Codec codec() {
    return {[](std::string_view b) { return cosmos::adapters::gzip_compress(b); },
            [](std::string_view b) { return cosmos::adapters::gzip_decompress(b, 64u << 20); }};
}

cosmos::app::RepositoryConfig repository_config() {
    cosmos::app::RepositoryConfig c;
    c.builtin["builtin:test"] = Json{{"packages", {hello("1.0"), hello("2.0")}}}.dump();
    c.codec = codec();
    return c;
}

cosmos::app::ServiceConfig service_config() {
    cosmos::app::ServiceConfig c;
    c.cluster.marathon_uri = kMarathon;
    c.codec = codec();
    return c;
}

// hello 1.0 installed with two instances, then updated to 2.0 with three: records 1 and 2.
struct World {
    MemoryRepositoryStore repository_store{{{"test", "builtin:test"}}};
    NoHttpClient no_network;
    FakeMarathon marathon;
    FixedClock clock;
    MemoryOperationStore records;
    cosmos::app::RepositoryService repositories{repository_store, no_network, clock,
                                                repository_config()};
    MemoryJobStore job_store;
    cosmos::app::JobRunner jobs{job_store, clock};
    cosmos::app::ServiceManager services{repositories, marathon, records,
                                         clock,        jobs,     service_config()};

    World() {
        repositories.refresh();
        cosmos::app::InstallRequest install;
        install.package_name = "hello";
        install.package_version = "1.0";
        install.options = Json{{"service", {{"instances", 2}}}};
        services.install(install, std::nullopt, false);
        clock.now += 1000;
        cosmos::app::ServiceUpdateRequest update;
        update.app_id = "/hello";
        update.package_version = "2.0";
        update.options = Json{{"service", {{"instances", 3}}}};
        services.update(update, std::nullopt);
        clock.now += 1000;
        REQUIRE(records.records.size() == 2);
        REQUIRE(app()["env"]["VERSION"] == "2.0");
    }

    cosmos::app::RollbackResult rollback(std::int64_t record_id,
                                         const std::string& app_id = "/hello") {
        return cosmos::app::rollback(services, codec(), RollbackRequest{app_id, record_id},
                                     std::nullopt);
    }
    // The error a rollback throws (fails the test when it succeeds).
    cosmos::core::Error failure(std::int64_t record_id, const std::string& app_id = "/hello") {
        try {
            rollback(record_id, app_id);
        } catch (const cosmos::core::Error& e) {
            return e;
        }
        FAIL("the rollback succeeded");
        throw;
    }
    Json& app() { return marathon.apps.at("/hello"); }
};

OperationRecord restorable_record() {
    OperationRecord r;
    r.id = 7;
    r.operation = "update";
    r.package_name = "hello";
    r.package_version = "1.0";
    r.app_id = "/hello";
    r.outcome = "success";
    r.restore_point = cosmos::app::RestorePoint{"definition", "builtin:test"};
    return r;
}

}  // namespace

TEST_CASE("rolling back to an install applies its version and options again", "[app][rollback]") {
    World w;
    auto result = w.rollback(1);
    CHECK(result.package_name == "hello");
    CHECK(result.package_version == "1.0");
    CHECK(result.app_id == "/hello");
    CHECK(result.resolved_options["service"]["instances"] == 2);
    CHECK(result.resolved_options["service"]["name"] == "hello");  // the default, resolved
    CHECK(result.deployment_id == "deployment-2");
    CHECK(result.record_id == std::optional<std::int64_t>(3));

    // Marathon got the app as the install rendered it, labels included.
    CHECK(w.app()["env"]["VERSION"] == "1.0");
    CHECK(w.app()["instances"] == 2);
    const Json& labels = w.app()["labels"];
    CHECK(labels["DCOS_PACKAGE_VERSION"] == "1.0");
    CHECK(labels["DCOS_PACKAGE_SOURCE"] == "builtin:test");
    CHECK(labels["DCOS_PACKAGE_OPTIONS"] ==
          cosmos::core::encode_options_label(Json{{"service", {{"instances", 2}}}}));
    CHECK(labels["DCOS_PACKAGE_DEFINITION"] ==
          w.records.records[0].restore_point->package_definition);

    // The rollback is recorded, and can itself be rolled back to.
    const OperationRecord& recorded = w.records.records.back();
    CHECK(recorded.id == 3);
    CHECK(recorded.operation == "rollback");
    CHECK(recorded.rollback_of == std::optional<std::int64_t>(1));
    CHECK(recorded.outcome == "success");
    CHECK(recorded.package_version == "1.0");
    CHECK(recorded.options == Json{{"service", {{"instances", 2}}}});
    CHECK(recorded.restore_point == w.records.records[0].restore_point);
    CHECK_FALSE(cosmos::app::unrestorable_reason(recorded));

    // Forward again, to the update's version and options.
    auto forward = w.rollback(2);
    CHECK(forward.package_version == "2.0");
    CHECK(w.app()["env"]["VERSION"] == "2.0");
    CHECK(w.app()["instances"] == 3);
    CHECK(w.records.records.back().rollback_of == std::optional<std::int64_t>(2));
}

TEST_CASE("a rollback needs no repository to hold the version any more", "[app][rollback]") {
    World w;
    w.repositories.remove(std::string("test"), std::nullopt);
    REQUIRE(w.repositories.catalog()->entries().empty());
    auto result = w.rollback(1);
    CHECK(result.package_version == "1.0");
    CHECK(w.app()["env"]["VERSION"] == "1.0");
    CHECK(w.app()["labels"]["DCOS_PACKAGE_SOURCE"] == "builtin:test");
}

TEST_CASE("refused rollbacks record nothing and leave Marathon alone", "[app][rollback]") {
    World w;
    Json before = w.app();
    int puts = w.marathon.puts;

    auto unknown = w.failure(99);
    CHECK(unknown.type() == "HistoryRecordNotFound");
    CHECK(unknown.code() == cosmos::core::ErrorCode::kNotFound);
    CHECK(unknown.what() == std::string("History record [99] not found"));
    CHECK(unknown.data() == Json{{"recordId", 99}});

    auto other = w.failure(1, "/other");
    CHECK(other.type() == "HistoryRecordAppMismatch");
    CHECK(other.what() ==
          std::string("History record [1] is of app [/hello], not of app [/other]"));
    CHECK(other.data() == Json{{"recordId", 1}, {"appId", "/other"}, {"recordAppId", "/hello"}});

    // A record whose kept definition no longer decodes.
    OperationRecord corrupt = restorable_record();
    corrupt.restore_point->package_definition = "not base64 JSON";
    w.records.record(corrupt);
    auto unreadable = w.failure(3);
    CHECK(unreadable.type() == "HistoryRecordNotRestorable");
    CHECK_THAT(unreadable.data()["reason"].get<std::string>(),
               Catch::StartsWith("the package definition it keeps cannot be read: "));

    CHECK(w.records.records.size() == 3);
    CHECK(w.marathon.puts == puts);
    CHECK(w.app() == before);
}

TEST_CASE("which records can be rolled back to", "[app][rollback]") {
    struct Row {
        const char* what;
        void (*change)(OperationRecord&);
        const char* reason;  // nullptr: restorable
    };
    const Row rows[] = {
        {"a successful update", [](OperationRecord&) {}, nullptr},
        {"a successful install", [](OperationRecord& r) { r.operation = "install"; }, nullptr},
        {"a successful rollback", [](OperationRecord& r) { r.operation = "rollback"; }, nullptr},
        {"an uninstall",
         [](OperationRecord& r) {
             r.operation = "uninstall";
             r.restore_point.reset();
         },
         "it records an uninstall, which left no app to restore"},
        {"a failure", [](OperationRecord& r) { r.outcome = "failure"; },
         "it records a failed update, which left nothing to restore"},
        {"a CLI-only install",
         [](OperationRecord& r) {
             r.operation = "install";
             r.app_id.clear();
             r.restore_point.reset();
         },
         "the install created no Marathon app (the package has no Marathon template)"},
        {"a record from before rollback", [](OperationRecord& r) { r.restore_point.reset(); },
         "it does not keep the package definition that a rollback needs (it was recorded before "
         "records kept one)"},
    };
    for (const auto& row : rows) {
        INFO(row.what);
        OperationRecord r = restorable_record();
        row.change(r);
        auto reason = cosmos::app::unrestorable_reason(r);
        if (row.reason) {
            CHECK(reason == std::optional<std::string>(row.reason));
        } else {
            CHECK_FALSE(reason);
        }
    }
}

TEST_CASE("a rollback to an unrestorable record is refused with the reason", "[app][rollback]") {
    World w;
    w.records.records[0].outcome = "failure";
    auto e = w.failure(1);
    CHECK(e.type() == "HistoryRecordNotRestorable");
    CHECK(e.what() == std::string("History record [1] cannot be rolled back to: it records a "
                                  "failed install, which left nothing to restore"));
    CHECK(e.data() ==
          Json{{"recordId", 1},
               {"reason", "it records a failed install, which left nothing to restore"}});
    CHECK(w.records.records.size() == 2);
}

TEST_CASE("a failed rollback changes nothing and is recorded as a failure", "[app][rollback]") {
    World w;
    Json before = w.app();

    SECTION("Marathon answers 5xx") {
        w.marathon.put_fault = {503, R"({"message":"leader unknown"})"};
        auto e = w.failure(1);
        CHECK(e.type() == "MarathonBadGateway");
        CHECK(e.data()["marathonStatus"] == 503);
    }
    SECTION("Marathon refuses the app") {
        w.marathon.put_fault = {422, R"({"message":"Object is not valid","details":[]})"};
        auto e = w.failure(1);
        CHECK(e.type() == "MarathonBadResponse");
        CHECK(e.what() == std::string("Object is not valid"));
    }
    SECTION("the app is no longer installed") {
        w.marathon.apps.erase("/hello");
        auto e = w.failure(1);
        CHECK(e.type() == "MarathonAppNotFound");
        CHECK(w.marathon.apps.empty());  // not recreated
        w.marathon.apps["/hello"] = before;
    }
    SECTION("the options would move the app (the update path's AppIdChanged)") {
        OperationRecord moved = w.records.records[0];
        moved.options = Json{{"service", {{"name", "elsewhere"}}}};
        w.records.record(moved);
        auto e = w.failure(3);
        CHECK(e.type() == "AppIdChanged");
        CHECK(w.marathon.puts == 1);  // only the update's
    }
    CHECK(w.app() == before);
    const OperationRecord& recorded = w.records.records.back();
    CHECK(recorded.operation == "rollback");
    CHECK(recorded.outcome == "failure");
    CHECK(recorded.rollback_of.has_value());
    CHECK(recorded.package_name == "hello");
    CHECK(recorded.package_version == "1.0");
    REQUIRE(recorded.error.has_value());
    CHECK((*recorded.error)["type"].is_string());
    CHECK_FALSE(recorded.restore_point.has_value());
    CHECK(cosmos::app::unrestorable_reason(recorded).has_value());
}

TEST_CASE("a rollback whose record cannot be written still answers", "[app][rollback]") {
    World w;
    w.records.fail_writes = true;
    auto result = w.rollback(1);
    CHECK_FALSE(result.record_id.has_value());
    CHECK(w.app()["env"]["VERSION"] == "1.0");
}

TEST_CASE("install and update records keep a restore point, failures do not", "[app][rollback]") {
    World w;
    const auto& install = w.records.records[0];
    REQUIRE(install.restore_point.has_value());
    CHECK(install.restore_point->source_uri == "builtin:test");
    auto package =
        cosmos::core::decode_definition_label(install.restore_point->package_definition, codec());
    CHECK(package.name == "hello");
    CHECK(package.version.str() == "1.0");
    CHECK(w.records.records[1].restore_point.has_value());

    cosmos::app::ServiceUpdateRequest bad;
    bad.app_id = "/hello";
    bad.options = Json{{"service", {{"instances", "many"}}}};
    CHECK_THROWS_AS(w.services.update(bad, std::nullopt), cosmos::core::Error);
    CHECK(w.records.records.back().outcome == "failure");
    CHECK_FALSE(w.records.records.back().restore_point.has_value());
}
