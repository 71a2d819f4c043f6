// Repository load time and memory: what cosmos-server does with a downloaded repository file
// before it can answer, timed step by step. Decoding (app::decode_content, as the server does;
// or core::decode_repository_json with --whole-document), building the merged Catalog, and the
// first search over it (the encoded "all packages" answer).
//
//   load-bench REPO.json [--runs N] [--whole-document]
//   load-bench REPO.json --check
//
// --check decodes the file both ways and compares the packages (or the errors); exit status 1
// when they differ.
// Each run starts from the bytes in memory. RSS figures come from /proc/self/status and are those
// of the last run.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cosmos/app/repository_fetch.h"
#include "cosmos/core/catalog.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/repository.h"

using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A "VmRSS:" style line of /proc/self/status, in MB.
double status_mb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0) {
            return std::strtod(line.c_str() + std::string(field).size(), nullptr) / 1024.0;
        }
    }
    return 0;
}

// The packages, or the error's type and message.
std::string outcome(const std::function<std::vector<cosmos::core::Package>()>& decode,
                    std::vector<cosmos::core::Package>& packages) {
    try {
        packages = decode();
        return "ok";
    } catch (const cosmos::core::Error& e) {
        return e.type() + ": " + e.what();
    }
}

int check(const std::string& body) {
    std::vector<cosmos::core::Package> whole, by_package;
    auto a = outcome([&] { return cosmos::core::decode_repository_json(body); }, whole);
    cosmos::app::StoredContent stored;
    stored.body = body;
    stored.media_type = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5";
    auto b = outcome([&] { return cosmos::app::decode_content(stored, nullptr); }, by_package);
    if (a != b || whole != by_package) {
        std::printf(
            "DIFFERENT\n  whole document: %s, %zu packages\n  as the server: %s, %zu "
            "packages\n",
            a.c_str(), whole.size(), b.c_str(), by_package.size());
        return 1;
    }
    std::printf("identical: %s, %zu packages\n", a.c_str(), whole.size());
    return 0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: load-bench REPO.json [--runs N] [--whole-document] [--check]\n");
        return 2;
    }
    int runs = 5;
    bool whole_document = false;
    bool check_only = false;
    for (int i = 2; i < argc; ++i) {
        std::string flag = argv[i];
        if (flag == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        if (flag == "--whole-document") whole_document = true;
        if (flag == "--check") check_only = true;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "load-bench: cannot read %s\n", argv[1]);
        return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string body = buffer.str();
    if (check_only) return check(body);
    const double base_rss = status_mb("VmRSS:");

    std::vector<double> decode_ms, catalog_ms, search_ms, total_ms;
    std::size_t packages = 0, entries = 0, answer_bytes = 0;
    double loaded_rss = 0, trimmed_rss = 0, peak = 0;
    for (int run = 0; run < runs; ++run) {
        auto content = std::make_shared<cosmos::core::RepositoryContent>();
        content->name = "bench";
        content->uri = "file:///bench/repo.json";
        auto start = Clock::now();
        if (whole_document) {
            content->packages = cosmos::core::decode_repository_json(body);
        } else {
            // The server decodes the body it downloaded; making that copy is not timed.
            cosmos::app::StoredContent stored;
            stored.uri = content->uri;
            stored.body = body;
            stored.media_type = "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5";
            start = Clock::now();
            content->packages = cosmos::app::decode_content(stored, nullptr);
        }
        decode_ms.push_back(ms_since(start));

        auto step = Clock::now();
        cosmos::core::Catalog catalog({content});
        catalog_ms.push_back(ms_since(step));

        step = Clock::now();
        cosmos::core::UrlRewriter identity = [](const std::string& url) { return url; };
        cosmos::core::Json packages_json = cosmos::core::Json::array();
        for (const auto& result : catalog.search(std::nullopt))
            packages_json.push_back(cosmos::core::encode_search_result(result, identity));
        std::string answer =
            cosmos::core::to_compact(cosmos::core::Json{{"packages", std::move(packages_json)}});
        search_ms.push_back(ms_since(step));
        total_ms.push_back(ms_since(start));

        packages = content->packages.size();
        entries = catalog.entries().size();
        answer_bytes = answer.size();
        loaded_rss = status_mb("VmRSS:");
        peak = status_mb("VmHWM:");
        // Memory the allocator holds but no longer uses (freed parse trees) goes back to the
        // kernel here, so that what remains is what the catalog itself occupies.
        malloc_trim(0);
        trimmed_rss = status_mb("VmRSS:");
    }

    const double file_mb = static_cast<double>(body.size()) / (1024.0 * 1024.0);
    std::printf("%s: %.1f MB, %zu packages, %zu catalog entries, search answer %.1f KB\n", argv[1],
                file_mb, packages, entries, static_cast<double>(answer_bytes) / 1024.0);
    std::printf("decoder: %s\n", whole_document ? "core::decode_repository_json (whole document)"
                                                : "app::decode_content (as cosmos-server)");
    std::printf(
        "median of %d runs (ms): decode %.1f, catalog %.1f, first search %.1f, total %.1f\n", runs,
        median(decode_ms), median(catalog_ms), median(search_ms), median(total_ms));
    std::printf(
        "RSS (MB): before decoding %.1f (the file, held twice); with the catalog %.1f (+%.1f, "
        "%.2fx the file); after malloc_trim %.1f (+%.1f, %.2fx); peak %.1f\n",
        base_rss, loaded_rss, loaded_rss - base_rss, (loaded_rss - base_rss) / file_mb, trimmed_rss,
        trimmed_rss - base_rss, (trimmed_rss - base_rss) / file_mb, peak);
    return 0;
}
