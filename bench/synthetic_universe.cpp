// Writes a synthetic Universe source tree shaped like the real one: N packages x M revisions,
// about 25 KB per revision (config.json ~16 KB nested 3 to 5 levels deep, a template of ~7 KB,
// resource.json and package.json), packaging 3.0 and 4.0. Deterministic for a given seed.
//
//   synthetic-universe OUT_TREE [--packages N] [--revisions M] [--seed S]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

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
void fill(Json& schema, int depth, int max_depth, const std::string& prefix,
          std::vector<std::pair<std::string, std::string>>& paths, int& budget) {
    schema["type"] = "object";
    schema["description"] = sentence(8);
    Json properties = Json::object();
    int count = depth == 0 ? 7 : pick(4, 10);
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

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(
            stderr,
            "usage: synthetic-universe OUT_TREE [--packages N] [--revisions M] [--seed S]\n");
        return 2;
    }
    fs::path out = argv[1];
    int packages = 1000, revisions = 10;
    unsigned long seed = 1;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--packages") packages = std::atoi(argv[i + 1]);
        if (flag == "--revisions") revisions = std::atoi(argv[i + 1]);
        if (flag == "--seed") seed = std::strtoul(argv[i + 1], nullptr, 10);
    }
    rng.seed(seed);
    std::uintmax_t bytes = 0;
    for (int p = 0; p < packages; ++p) {
        std::string name = "pkg-" + word() + "-" + std::to_string(p);
        std::string letter(1, static_cast<char>(std::toupper(name[0])));
        for (int r = 0; r < revisions; ++r) {
            fs::path dir = out / "repo" / "packages" / letter / name / std::to_string(r);
            fs::create_directories(dir);
            bool v4 = r % 2 == 1;
            Json package = {{"packagingVersion", v4 ? "4.0" : "3.0"},
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
                               {"url", "https://www.apache.org/licenses/LICENSE-2.0"}}}},
                            {"minDcosReleaseVersion", r % 3 == 0 ? "1.8" : "1.10"},
                            {"lastUpdated", 1500000000 + r}};
            if (v4 && r > 0) {
                package["upgradesFrom"] = {"1." + std::to_string(r - 1) + ".0"};
                package["downgradesTo"] = {"1." + std::to_string(r - 1) + ".0"};
            }
            Json config;
            std::vector<std::pair<std::string, std::string>> paths;
            int budget = 220;
            fill(config, 0, pick(3, 5), "", paths, budget);
            config["properties"]["service"] = {
                {"type", "object"},
                {"description", "Service settings"},
                {"properties",
                 {{"name",
                   {{"type", "string"}, {"default", name}, {"description", "Marathon app id"}}}}}};
            std::string tmpl =
                "{\n  \"id\": \"{{service.name}}\",\n  \"cpus\": 1.0,\n  \"mem\": 512,\n"
                "  \"cmd\": \"./run\",\n  \"env\": {\n";
            for (std::size_t i = 0; i < paths.size(); ++i) {
                const auto& [path, kind] = paths[i];
                std::string key = "OPT_" + std::to_string(i);
                if (kind == "string") {
                    tmpl += "    \"" + key + "\": \"{{" + path + "}}\",\n";
                } else if (kind == "bool") {
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
                   {{"jar", "https://downloads.example.org/" + name + "/" + std::to_string(r) +
                                "/app.jar"}}},
                  {"container",
                   {{"docker", {{"image", "example/" + name + ":" + std::to_string(r)}}}}}}},
                {"images",
                 {{"icon-small", "https://downloads.example.org/icons/s.png"},
                  {"icon-medium", "https://downloads.example.org/icons/m.png"},
                  {"icon-large", "https://downloads.example.org/icons/l.png"}}}};
            std::string texts[] = {package.dump(2), config.dump(2), tmpl, resource.dump(2)};
            write(dir / "package.json", texts[0]);
            write(dir / "config.json", texts[1]);
            write(dir / "marathon.json.mustache", texts[2]);
            write(dir / "resource.json", texts[3]);
            for (const auto& t : texts)
                bytes += t.size();
        }
    }
    std::printf("wrote %d packages x %d revisions, %.1f MB (%.1f KB per revision) to %s\n",
                packages, revisions, bytes / 1e6, bytes / 1e3 / (packages * revisions),
                out.string().c_str());
    return 0;
}
