// Writes a synthetic Universe source tree. Deterministic for a given seed.
//
//   synthetic-universe OUT_TREE [--packages N] [--revisions M] [--seed S]
//   synthetic-universe OUT_TREE --shape universe [--seed S]
//
// The default shape is N packages x M revisions of about 25 KB each (config.json ~16 KB nested 3
// to 5 levels deep, a template of ~7 KB, resource.json and package.json), packaging 3.0 and 4.0.
//
// "--shape universe" is the shape of the real Universe (mesosphere/universe, version-3.x): 185
// packages and 1,235 revisions, about 33 MB of sources. Revision counts per package are skewed
// (most packages have a few, some have dozens); one package in eight is an SDK-style framework
// whose revisions are large (a config schema of 50 to 130 KB and a template of 15 to 40 KB, like
// hdfs, kafka or cassandra), the others are small (3 to 20 KB). Packaging versions are mixed:
// the small packages are 2.0 (no minDcosReleaseVersion, so they also fill the legacy zip
// repository), 3.0 or 4.0; the SDK-style ones 4.0 for DC/OS 1.10 or 1.11.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

std::mt19937_64 rng;

int pick(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::string word() {
    static const char* words[] = {"broker", "node",  "heap",  "cache",  "disk",   "replica",
                                  "zone",   "port",  "agent", "worker", "master", "queue",
                                  "log",    "index", "shard", "proxy",  "store",  "tier"};
    return words[pick(0, 17)];
}

std::string sentence(int words) {
    std::string out = "The";
    for (int i = 0; i < words; ++i)
        out += " " + word();
    return out + ".";
}

// Adds properties to an object schema and mirrors them in the template through `paths`.
// width is the number of top-level properties.
void fill(Json& schema, int depth, int max_depth, const std::string& prefix,
          std::vector<std::pair<std::string, std::string>>& paths, int& budget, int width = 7) {
    schema["type"] = "object";
    schema["description"] = sentence(8);
    Json properties = Json::object();
    int count = depth == 0 ? width : pick(4, 10);
    for (int i = 0; i < count && budget > 0; ++i) {
        std::string name = word() + "_" + std::to_string(i);
        std::string path = prefix.empty() ? name : prefix + "." + name;
        Json p;
        if (depth + 1 < max_depth && pick(0, 3) == 0) {
            fill(p, depth + 1, max_depth, path, paths, budget);
        } else {
            --budget;
            switch (pick(0, 4)) {
                case 0:
                    p = {{"type", "string"},
                         {"description", sentence(14)},
                         {"default", "value-" + std::to_string(pick(0, 9999))}};
                    if (pick(0, 3) == 0) p["pattern"] = "^[a-z0-9-]+$";
                    paths.emplace_back(path, "string");
                    break;
                case 1:
                    p = {{"type", "integer"},
                         {"description", sentence(9)},
                         {"default", pick(1, 4096)},
                         {"minimum", 0}};
                    paths.emplace_back(path, "number");
                    break;
                case 2:
                    p = {{"type", "number"},
                         {"description", sentence(9)},
                         {"default", pick(1, 40) / 10.0},
                         {"minimum", 0}};
                    paths.emplace_back(path, "number");
                    break;
                case 3:
                    p = {{"type", "boolean"},
                         {"description", sentence(7)},
                         {"default", pick(0, 1) == 1}};
                    paths.emplace_back(path, "bool");
                    break;
                default:
                    p = {{"type", "string"},
                         {"description", sentence(6)},
                         {"enum", {"one", "two", "three"}},
                         {"default", "two"}};
                    paths.emplace_back(path, "string");
            }
        }
        properties[name] = std::move(p);
    }
    schema["properties"] = std::move(properties);
    schema["additionalProperties"] = false;
}

void write(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
}

// What one revision looks like.
struct RevisionSpec {
    std::string packaging = "3.0";        // "2.0" has no minDcosReleaseVersion or lastUpdated
    std::optional<std::string> min_dcos;  // for 3.0 and later
    int width = 7;                        // top-level config properties
    int depth_lo = 3, depth_hi = 5;       // nesting of the config schema
    int budget = 220;                     // leaf properties at most
};

// Writes one revision folder and returns the bytes written.
std::uintmax_t write_revision(const fs::path& out, const std::string& name, int r,
                              const RevisionSpec& spec) {
    std::string letter(1, static_cast<char>(std::toupper(name[0])));
    fs::path dir = out / "repo" / "packages" / letter / name / std::to_string(r);
    fs::create_directories(dir);
    const bool v2 = spec.packaging == "2.0";
    const bool v4 = spec.packaging == "4.0";
    Json package = {{"packagingVersion", spec.packaging},
                    {"name", name},
                    {"version", "1." + std::to_string(r) + ".0"},
                    {"maintainer", "team@example.org"},
                    {"description", sentence(25)},
                    {"tags", {word(), word()}},
                    {"framework", true},
                    {"preInstallNotes", sentence(30)},
                    {"postInstallNotes", sentence(30)},
                    {"licenses",
                     {{{"name", "Apache License 2.0"},
                       {"url", "https://www.apache.org/licenses/LICENSE-2.0"}}}}};
    if (!v2) {
        if (spec.min_dcos) package["minDcosReleaseVersion"] = *spec.min_dcos;
        package["lastUpdated"] = 1500000000 + r;
    }
    if (v4 && r > 0) {
        package["upgradesFrom"] = {"1." + std::to_string(r - 1) + ".0"};
        package["downgradesTo"] = {"1." + std::to_string(r - 1) + ".0"};
    }
    Json config;
    std::vector<std::pair<std::string, std::string>> paths;
    int budget = spec.budget;
    fill(config, 0, pick(spec.depth_lo, spec.depth_hi), "", paths, budget, spec.width);
    config["properties"]["service"] = {
        {"type", "object"},
        {"description", "Service settings"},
        {"properties",
         {{"name", {{"type", "string"}, {"default", name}, {"description", "Marathon app id"}}}}}};
    std::string tmpl =
        "{\n  \"id\": \"{{service.name}}\",\n  \"cpus\": 1.0,\n  \"mem\": 512,\n"
        "  \"cmd\": \"./run\",\n  \"env\": {\n";
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const auto& [path, kind] = paths[i];
        std::string key = "OPT_" + std::to_string(i);
        if (kind == "bool") {
            tmpl += "    {{#" + path + "}}\"" + key + "\": \"on\",{{/" + path + "}}\n";
        } else {
            tmpl += "    \"" + key + "\": \"{{" + path + "}}\",\n";
        }
    }
    tmpl +=
        "    \"LAST\": \"1\"\n  },\n  \"fetch\": [{\"uri\": "
        "\"{{resource.assets.uris.jar}}\"}]\n}\n";
    Json resource = {
        {"assets",
         {{"uris",
           {{"jar",
             "https://downloads.example.org/" + name + "/" + std::to_string(r) + "/app.jar"}}},
          {"container", {{"docker", {{"image", "example/" + name + ":" + std::to_string(r)}}}}}}},
        {"images",
         {{"icon-small", "https://downloads.example.org/icons/s.png"},
          {"icon-medium", "https://downloads.example.org/icons/m.png"},
          {"icon-large", "https://downloads.example.org/icons/l.png"}}}};
    std::string texts[] = {package.dump(2), config.dump(2), tmpl, resource.dump(2)};
    write(dir / "package.json", texts[0]);
    write(dir / "config.json", texts[1]);
    write(dir / "marathon.json.mustache", texts[2]);
    write(dir / "resource.json", texts[3]);
    std::uintmax_t bytes = 0;
    for (const auto& t : texts)
        bytes += t.size();
    return bytes;
}

// The real Universe's shape: kUniversePackages packages, kUniverseRevisions revisions.
constexpr int kUniversePackages = 185;
constexpr int kUniverseRevisions = 1235;

std::uintmax_t write_universe_shape(const fs::path& out) {
    struct Plan {
        std::string name;
        bool sdk;
        int revisions;
        int first_packaging;  // 0: 2.0, 1: 3.0, 2: 4.0
    };
    std::vector<Plan> plans;
    int total = 0;
    for (int p = 0; p < kUniversePackages; ++p) {
        Plan plan;
        plan.name = word() + "-" + std::to_string(p);
        plan.sdk = p % 8 == 3;
        if (plan.sdk) {
            plan.revisions = pick(6, 24);
            plan.first_packaging = 2;
        } else {
            int bucket = pick(0, 9);
            plan.revisions = bucket < 6 ? pick(1, 3) : bucket < 9 ? pick(4, 10) : pick(11, 30);
            int kind = pick(0, 19);
            plan.first_packaging = kind < 10 ? 0 : kind < 17 ? 1 : 2;
        }
        total += plan.revisions;
        plans.push_back(std::move(plan));
    }
    // Exactly kUniverseRevisions: take from or give to packages picked at random.
    while (total != kUniverseRevisions) {
        auto& plan = plans[static_cast<std::size_t>(pick(0, kUniversePackages - 1))];
        if (total > kUniverseRevisions && plan.revisions > 1) {
            --plan.revisions;
            --total;
        } else if (total < kUniverseRevisions) {
            ++plan.revisions;
            ++total;
        }
    }
    static const char* kPackaging[] = {"2.0", "3.0", "4.0"};
    std::uintmax_t bytes = 0;
    for (const auto& plan : plans) {
        for (int r = 0; r < plan.revisions; ++r) {
            RevisionSpec spec;
            if (plan.sdk) {
                spec.packaging = "4.0";
                spec.min_dcos = r % 2 == 0 ? "1.10" : "1.11";
                spec.width = pick(40, 80);
                spec.depth_lo = 2;
                spec.depth_hi = 3;
                spec.budget = pick(320, 800);
            } else {
                // Later revisions of a package move to newer packaging versions.
                int packaging = std::min(2, plan.first_packaging + (2 * r >= plan.revisions));
                spec.packaging = kPackaging[packaging];
                if (packaging > 0 && pick(0, 2) > 0) spec.min_dcos = pick(0, 1) ? "1.8" : "1.9";
                spec.width = pick(4, 9);
                spec.budget = pick(8, 90);
            }
            bytes += write_revision(out, plan.name, r, spec);
        }
    }
    return bytes;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: synthetic-universe OUT_TREE [--packages N] [--revisions M] [--seed "
                     "S]\n       synthetic-universe OUT_TREE --shape universe [--seed S]\n");
        return 2;
    }
    fs::path out = argv[1];
    int packages = 1000, revisions = 10;
    unsigned long seed = 1;
    std::string shape = "grid";
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--packages") packages = std::atoi(argv[i + 1]);
        if (flag == "--revisions") revisions = std::atoi(argv[i + 1]);
        if (flag == "--seed") seed = std::strtoul(argv[i + 1], nullptr, 10);
        if (flag == "--shape") shape = argv[i + 1];
    }
    rng.seed(seed);
    if (shape == "universe") {
        std::uintmax_t bytes = write_universe_shape(out);
        std::printf("wrote %d packages, %d revisions, %.1f MB (%.1f KB per revision) to %s\n",
                    kUniversePackages, kUniverseRevisions, bytes / 1e6,
                    bytes / 1e3 / kUniverseRevisions, out.string().c_str());
        return 0;
    }
    if (shape != "grid") {
        std::fprintf(stderr, "synthetic-universe: --shape is \"universe\" or absent\n");
        return 2;
    }
    std::uintmax_t bytes = 0;
    for (int p = 0; p < packages; ++p) {
        std::string name = "pkg-" + word() + "-" + std::to_string(p);
        for (int r = 0; r < revisions; ++r) {
            RevisionSpec spec;
            spec.packaging = r % 2 == 1 ? "4.0" : "3.0";
            spec.min_dcos = r % 3 == 0 ? "1.8" : "1.10";
            bytes += write_revision(out, name, r, spec);
        }
    }
    std::printf("wrote %d packages x %d revisions, %.1f MB (%.1f KB per revision) to %s\n",
                packages, revisions, bytes / 1e6, bytes / 1e3 / (packages * revisions),
                out.string().c_str());
    return 0;
}
