// The real Universe templates (../shared/corpus/universe), rendered with contexts built the way
// Cosmos builds them (cosmos-api.md 9.1 and 9.4): config defaults, then "resource" on top.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cosmos/core/mustache.h"
#include "tests/support/test_paths.h"

namespace {

using cosmos::core::Json;
using cosmos::core::MustacheTemplate;
namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Defaults from a config schema: a property's "default", else its nested properties' defaults
// when there are any. Nothing else ($ref, items, ...) is followed.
Json extract_defaults(const Json& schema) {
    Json defaults = Json::object();
    const auto properties = schema.find("properties");
    if (properties == schema.end() || !properties->is_object()) return defaults;
    for (const auto& [name, property] : properties->items()) {
        if (!property.is_object()) continue;
        if (property.contains("default")) {
            defaults[name] = property.at("default");
        } else if (property.contains("properties")) {
            Json nested = extract_defaults(property);
            if (!nested.empty()) defaults[name] = std::move(nested);
        }
    }
    return defaults;
}

// Objects merge recursively; anything else in overlay replaces base.
void merge_into(Json& base, const Json& overlay) {
    for (const auto& [key, value] : overlay.items()) {
        if (value.is_object() && base.contains(key) && base[key].is_object()) {
            merge_into(base[key], value);
        } else {
            base[key] = value;
        }
    }
}

struct Package {
    std::string id;  // "K/kafka/1200"
    fs::path dir;
};

std::vector<Package> corpus_packages(const fs::path& corpus) {
    std::vector<Package> packages;
    const fs::path root = corpus / "repo" / "packages";
    for (const auto& letter : fs::directory_iterator(root)) {
        if (!letter.is_directory()) continue;
        for (const auto& name : fs::directory_iterator(letter.path())) {
            if (!name.is_directory()) continue;
            for (const auto& revision : fs::directory_iterator(name.path())) {
                if (!fs::exists(revision.path() / "marathon.json.mustache")) continue;
                packages.push_back(
                    Package{fs::relative(revision.path(), root).generic_string(), revision.path()});
            }
        }
    }
    std::sort(packages.begin(), packages.end(),
              [](const Package& a, const Package& b) { return a.id < b.id; });
    return packages;
}

Json package_context(const fs::path& dir, const Json& options = Json::object()) {
    Json context = Json::object();
    if (fs::exists(dir / "config.json")) {
        context = extract_defaults(Json::parse(read_text(dir / "config.json")));
    }
    merge_into(context, options);
    if (fs::exists(dir / "resource.json")) {
        context["resource"] = Json::parse(read_text(dir / "resource.json"));
    }
    return context;
}

std::string render_package(const fs::path& dir, const Json& options = Json::object()) {
    const MustacheTemplate tpl = MustacheTemplate::parse(read_text(dir / "marathon.json.mustache"));
    return tpl.render(package_context(dir, options));
}

}  // namespace

TEST_CASE("mustache corpus: every template compiles and renders a JSON object",
          "[core][mustache][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    const std::vector<Package> packages = corpus_packages(corpus);
    CHECK(packages.size() >= 45);
    std::size_t objects = 0;
    for (const Package& package : packages) {
        INFO(package.id);
        std::string rendered;
        REQUIRE_NOTHROW(rendered = render_package(package.dir));
        // Unresolved tags would leave braces behind.
        CHECK(rendered.find("{{") == std::string::npos);
        if (package.id == "N/namerd/4") {
            // "[{{{namerd.resource-roles}}}]" over the default "\"*\", \"slave_public\"" relies
            // on the unescaped strings of Cosmos before 0.4 (DC/OS < 1.10).
            CHECK_THROWS_AS(Json::parse(rendered), Json::parse_error);
            continue;
        }
        Json app;
        REQUIRE_NOTHROW(app = Json::parse(rendered));
        CHECK(app.is_object());
        if (app.is_object()) ++objects;
    }
    WARN(packages.size() << " templates rendered, " << objects << " parse as JSON objects");
}

TEST_CASE("mustache corpus: kafka 1200 values", "[core][mustache][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    const fs::path dir = corpus / "repo/packages/K/kafka/1200";
    const std::string rendered = render_package(dir);
    const Json app = Json::parse(rendered);
    CHECK(app.at("id") == "kafka");
    CHECK(app.at("cpus") == 1.0);
    const Json& env = app.at("env");
    // A string default holding JSON, inserted with its quotes escaped.
    CHECK(rendered.find(R"("PLACEMENT_CONSTRAINTS": "[[\"hostname\", \"MAX_PER\", \"1\"]]")") !=
          std::string::npos);
    CHECK(env.at("PLACEMENT_CONSTRAINTS") == R"([["hostname", "MAX_PER", "1"]])");
    // Whole-valued float default 1.0 prints as an integer; fractions as Java doubles.
    CHECK(env.at("BROKER_CPUS") == "1");
    CHECK(env.at("TASKCFG_ALL_KAFKA_LOG_CLEANER_IO_BUFFER_LOAD_FACTOR") == "0.9");
    // 1.7976931348623157e+308 is whole: its exact digits.
    CHECK(env.at("TASKCFG_ALL_KAFKA_LOG_CLEANER_IO_MAX_BYTES_PER_SECOND") ==
          "17976931348623157" + std::string(292, '0'));
    CHECK(env.at("FRAMEWORK_NAME") == "kafka");
}

TEST_CASE("mustache corpus: spark 1100 numbers, arrays and the isEmpty sections",
          "[core][mustache][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    const fs::path dir = corpus / "repo/packages/S/spark/1100";

    const std::string rendered = render_package(dir);
    const Json app = Json::parse(rendered);
    // service.mem defaults to 1024.0 and is interpolated unquoted.
    CHECK(rendered.find("\"mem\": 1024,") != std::string::npos);
    CHECK(app.at("mem").is_number_integer());
    CHECK(app.at("mem") == 1024);
    CHECK(app.at("constraints") == Json::array());
    CHECK_FALSE(app.contains("networks"));

    // Virtual network on, no plugin labels: "{{^labels.isEmpty}}" hides the labels.
    const Json network_on = {{"service", {{"virtual_network_enabled", true}}}};
    const Json plain = Json::parse(render_package(dir, network_on));
    REQUIRE(plain.contains("networks"));
    CHECK(plain.at("networks").at(0).at("name") == "dcos");
    CHECK_FALSE(plain.at("networks").at(0).contains("labels"));
    CHECK_FALSE(plain.at("env").contains("VIRTUAL_NETWORK_PLUGIN_LABELS"));

    // With labels the inverted isEmpty sections render, and the section iterates the array.
    Json labelled_options = network_on;
    labelled_options["service"]["virtual_network_plugin_labels"] =
        Json::parse(R"([{"key": "k1", "value": "v1"}, {"key": "k2", "value": "v2"}])");
    const Json labelled = Json::parse(render_package(dir, labelled_options));
    CHECK(labelled.at("networks").at(0).at("labels") ==
          Json::parse(R"({"k1": "v1", "k2": "v2", "network_name": "dcos"})"));
    CHECK(labelled.at("env").at("VIRTUAL_NETWORK_PLUGIN_LABELS") == "k1:v1,k2:v2,");
}

TEST_CASE("mustache corpus: hdfs 800 fractional defaults", "[core][mustache][corpus]") {
    REQUIRE_SHARED(corpus, "corpus/universe");
    const Json app = Json::parse(render_package(corpus / "repo/packages/H/hdfs/800"));
    CHECK(app.at("env").at("JOURNAL_CPUS") == "0.3");
    CHECK(app.at("env").at("DATA_CPUS") == "0.3");
}
