#include "cosmos/app/render_cache.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "cosmos/app/package_actions.h"
#include "cosmos/core/error.h"

using cosmos::core::Json;

namespace {

cosmos::core::Package package(const std::string& name, bool with_template) {
    Json definition{
        {"packagingVersion", "3.0"},
        {"name", name},
        {"version", "1.0"},
        {"releaseVersion", 0},
        {"maintainer", "m@example.org"},
        {"description", "d"},
        {"tags", Json::array()},
        {"config",
         {{"type", "object"},
          {"properties",
           {{"service",
             {{"type", "object"},
              {"properties",
               {{"name", {{"type", "string"}, {"default", name}}},
                {"instances", {{"type", "integer"}, {"default", 1}, {"minimum", 1}}}}}}}}}}}};
    if (with_template) {
        definition["marathon"] = {
            {"v2AppMustacheTemplate",
             cosmos::core::base64_encode(
                 R"({"id": "{{service.name}}", "instances": {{service.instances}}})")}};
    }
    return cosmos::core::decode_package(definition);
}

struct Fixture {
    int gzips = 0;
    cosmos::core::Codec codec{[this](std::string_view b) {
                                  ++gzips;
                                  return std::string(b);
                              },
                              [](std::string_view b) { return std::string(b); }};
    std::shared_ptr<cosmos::core::RepositoryContent> content =
        std::make_shared<cosmos::core::RepositoryContent>();
    std::shared_ptr<const cosmos::core::Catalog> catalog;

    Fixture() {
        content->uri = "https://repo.example/";
        content->packages = {package("alpha", true), package("cli-only", false)};
        catalog = std::make_shared<const cosmos::core::Catalog>(
            std::vector<std::shared_ptr<const cosmos::core::RepositoryContent>>{content});
    }
    cosmos::app::SelectedPackage selected(std::size_t i) const {
        return {&content->packages[i], content->uri, catalog, "repo"};
    }
};

std::string failure_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const cosmos::core::Error& e) {
        return std::string(e.type()) + ": " + e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a package is prepared once per catalog", "[app][render]") {
    Fixture f;
    cosmos::app::RenderCache cache;
    const auto& alpha = f.content->packages[0];
    auto first = cache.get(f.catalog, alpha, f.codec);
    CHECK(cache.get(f.catalog, alpha, f.codec) == first);
    CHECK(f.gzips == 1);  // the definition label
    auto other = cache.get(f.catalog, f.content->packages[1], f.codec);
    CHECK(other != first);

    // Another catalog with the same packages: prepared again.
    auto catalog = std::make_shared<const cosmos::core::Catalog>(
        std::vector<std::shared_ptr<const cosmos::core::RepositoryContent>>{f.content});
    CHECK(cache.get(catalog, alpha, f.codec) != first);
}

TEST_CASE("the least recently used preparation goes first", "[app][render]") {
    Fixture f;
    cosmos::app::RenderCache cache(1);
    const auto& alpha = f.content->packages[0];
    auto first = cache.get(f.catalog, alpha, f.codec);
    cache.get(f.catalog, f.content->packages[1], f.codec);
    CHECK(cache.get(f.catalog, alpha, f.codec) != first);
}

TEST_CASE("renders from a preparation equal renders without one", "[app][render]") {
    Fixture f;
    const Json cases[] = {Json::object(), Json{{"service", {{"instances", 3}}}},
                          Json{{"service", {{"instances", 0}}}},
                          Json{{"service", {{"instances", "three"}}}}};
    for (const auto& options : cases) {
        INFO(options.dump());
        for (std::size_t i = 0; i < f.content->packages.size(); ++i) {
            for (auto app_id : {std::optional<std::string>(), std::optional<std::string>("/x")}) {
                cosmos::core::RenderRequest request;
                request.package = &f.content->packages[i];
                request.source_uri = f.content->uri;
                request.user_options = options;
                request.app_id = app_id;
                std::string plain;
                std::string plain_error = failure_of([&] {
                    plain = cosmos::core::to_compact(
                        cosmos::core::render_marathon_app(request, f.codec).app);
                });
                // Twice through the server's path: the second render uses the preparation.
                for (int round = 0; round < 2; ++round) {
                    std::string cached;
                    std::string cached_error = failure_of([&] {
                        cached = cosmos::core::to_compact(
                            cosmos::app::render_package(f.selected(i), options, app_id, f.codec)
                                .app);
                    });
                    CHECK(cached_error == plain_error);
                    CHECK(cached == plain);
                }
            }
        }
    }
    CHECK(failure_of([&] {
              cosmos::app::render_package(f.selected(1), Json::object(), std::nullopt, f.codec);
          }).rfind("ServiceMarathonTemplateNotFound", 0) == 0);
}
