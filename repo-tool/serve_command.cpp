// repo-tool serve: a Universe Server for a built repository, with the upstream nginx server's
// negotiation (universe-format.md §7.2), entity tags and precompressed gzip.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/adapters/package_tree.h"
#include "cosmos/core/error.h"
#include "cosmos/core/json.h"
#include "cosmos/core/repo_serving.h"
#include "cosmos/http/listener.h"
#include "repo-tool/args.h"
#include "repo-tool/commands.h"
#include "repo-tool/console.h"

namespace repo_tool {

namespace fs = std::filesystem;
using cosmos::http::HttpRequest;
using cosmos::http::HttpResponse;

namespace {

constexpr const char* kDefaultListen = "127.0.0.1:8085";

// One servable body, with its compressed form and tags computed once.
struct Body {
    std::string bytes;
    std::optional<std::string> gzip;  // only when smaller, as the upstream image keeps .gz files
    std::string etag;
    std::string gzip_etag;
};

std::shared_ptr<const Body> make_body(std::string bytes, bool compress) {
    auto body = std::make_shared<Body>();
    body->etag = cosmos::core::entity_tag(bytes, cosmos::adapters::sha256_hex);
    body->gzip_etag = cosmos::core::entity_tag(bytes, cosmos::adapters::sha256_hex, "-gzip");
    if (compress) {
        std::string packed = cosmos::adapters::gzip_compress(bytes);
        if (packed.size() < bytes.size()) body->gzip = std::move(packed);
    }
    body->bytes = std::move(bytes);
    return body;
}

// The build output in memory, and the per-package answers, made when first asked for.
class Repository {
public:
    explicit Repository(const fs::path& out) {
        for (const auto& entry : fs::directory_iterator(out)) {
            if (!entry.is_regular_file()) continue;
            std::string name = entry.path().filename().string();
            auto target =
                cosmos::core::route_repository_request("/" + name, std::nullopt, std::nullopt);
            if (target.kind != cosmos::core::ServeTarget::Kind::kFile) continue;
            files_[name] =
                make_body(cosmos::adapters::read_file(entry.path()), name.ends_with(".json"));
        }
    }

    std::size_t size() const { return files_.size(); }

    std::shared_ptr<const Body> file(const std::string& name) const {
        auto it = files_.find(name);
        return it == files_.end() ? nullptr : it->second;
    }

    // {"packages": [the entries of name]} in file order, as the generator wrote
    // <release>/package/<name>.json; null when the file or the name is unknown.
    std::shared_ptr<const Body> package(const std::string& file_name, const std::string& name) {
        auto source = file(file_name);
        if (!source) return nullptr;
        std::lock_guard lock(mutex_);
        auto& index = indexes_[file_name];
        if (!index) index = make_index(source->bytes);
        auto key = std::make_pair(file_name, name);
        if (auto it = packages_.find(key); it != packages_.end()) return it->second;
        auto entries = index->find(name);
        if (entries == index->end()) return nullptr;
        std::string text = "{\"packages\": [";
        for (std::size_t i = 0; i < entries->second.size(); ++i) {
            if (i) text += ", ";
            text += entries->second[i];
        }
        text += "]}";
        auto body = make_body(std::move(text), true);
        packages_[key] = body;
        return body;
    }

private:
    using Index = std::map<std::string, std::vector<std::string_view>>;

    static std::unique_ptr<Index> make_index(std::string_view text) {
        auto index = std::make_unique<Index>();
        for (auto entry : cosmos::core::split_repository_entries(text)) {
            auto json = cosmos::core::parse_json(entry);
            if (json.contains("name") && json["name"].is_string()) {
                (*index)[json["name"].get<std::string>()].push_back(entry);
            }
        }
        return index;
    }

    std::map<std::string, std::shared_ptr<const Body>> files_;  // read-only after construction
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Index>> indexes_;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<const Body>> packages_;
};

HttpResponse plain(int status, std::string text) {
    HttpResponse response;
    response.status = status;
    response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    response.body = std::move(text);
    return response;
}

HttpResponse answer(Repository& repository, const HttpRequest& request) {
    if (request.method != "GET" && request.method != "HEAD") {
        auto response = plain(405, "405 Method Not Allowed\n");
        response.headers.push_back({"Allow", "GET, HEAD"});
        return response;
    }
    auto target = cosmos::core::route_repository_request(request.path, request.header("Accept"),
                                                         request.header("User-Agent"));
    std::shared_ptr<const Body> body;
    if (target.kind == cosmos::core::ServeTarget::Kind::kFile) {
        body = repository.file(target.file);
    } else if (target.kind == cosmos::core::ServeTarget::Kind::kPackage) {
        body = repository.package(target.file, target.package_name);
    }
    if (!body && request.path == "/repo") {
        // Without a repository Accept the upstream server looks for a zip; say what is served.
        return plain(404,
                     "404 Not Found: no repository for this request.\n"
                     "/repo answers an Accept of "
                     "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v3, v4 or v5\n"
                     "(the DC/OS release comes from a 'dcos/X.Y' User-Agent, default 2.0), and\n"
                     "other clients with repo-up-to-<X.Y>.zip when the build wrote one.\n");
    }
    if (!body) return plain(404, "404 Not Found\n");

    bool gzip = body->gzip && cosmos::core::accepts_gzip(request.header("Accept-Encoding"));
    HttpResponse response;
    response.headers.push_back({"Content-Type", target.content_type});
    response.headers.push_back({"ETag", gzip ? body->gzip_etag : body->etag});
    if (target.negotiated) {
        response.headers.push_back({"Vary", "Accept, User-Agent, Accept-Encoding"});
    } else if (body->gzip) {
        response.headers.push_back({"Vary", "Accept-Encoding"});
    }
    // Both tags name the same content, so either one lets the client keep its copy.
    if (auto tags = request.header("If-None-Match");
        tags && cosmos::core::if_none_match_hits(*tags, {body->etag, body->gzip_etag})) {
        response.status = 304;
        return response;
    }
    response.status = 200;
    if (gzip) {
        response.headers.push_back({"Content-Encoding", "gzip"});
        response.body = *body->gzip;
    } else {
        response.body = body->bytes;
    }
    return response;
}

void log_request(const HttpRequest& request, const HttpResponse& response, double ms) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    auto agent = request.header("User-Agent");
    std::string user_agent = agent ? std::string(*agent) : "-";
    std::fprintf(stderr, "%s %s %s %d %zu %.2fms \"%s\"\n", stamp, request.method.c_str(),
                 request.path.c_str(), response.status,
                 request.method == "HEAD" ? std::size_t{0} : response.body.size(), ms,
                 user_agent.c_str());
}

}  // namespace

int run_serve(const std::vector<std::string>& argv) {
    Args args(argv, {"listen", "threads"}, {});
    args.expect_positionals(1, 1);
    fs::path out = args.positionals()[0];
    if (!fs::is_directory(out)) throw UsageError{out.string() + " is not a folder"};
    if (fs::is_directory(out / "repo" / "packages")) {
        throw UsageError{out.string() +
                         " is a Universe source tree, not a built repository: build it first "
                         "('repo-tool build " +
                         out.string() + " OUT') and serve OUT"};
    }
    std::string listen = args.value("listen").value_or(kDefaultListen);
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw UsageError{"--listen takes HOST:PORT"};
    cosmos::http::ListenerOptions options;
    options.host = listen.substr(0, colon);
    try {
        unsigned long port = std::stoul(listen.substr(colon + 1));
        if (port > 65535) throw std::out_of_range("port");
        options.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        throw UsageError{"--listen takes HOST:PORT, not " + listen};
    }
    if (auto t = args.number("threads")) options.threads = *t;
    options.max_body_bytes = 64 << 10;  // requests carry no body worth reading

    // Signals go to sigwait below only: block them before the listener starts its threads.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    Stopwatch loading;
    Repository repository(out);
    if (repository.size() == 0) {
        throw UsageError{out.string() +
                         " holds no repository files (repo-up-to-<X.Y>.json, ...): serve the "
                         "folder 'repo-tool build' wrote"};
    }
    if (!repository.file("repo-empty-v3.json")) {
        std::fprintf(stderr,
                     "repo-tool serve: warning: %s has no repo-empty-v3.json; is it the output of "
                     "'repo-tool build'?\n",
                     out.string().c_str());
    }
    options.on_refused = [](const HttpRequest& request, const HttpResponse& response) {
        log_request(request, response, 0);
    };
    auto listener = cosmos::http::make_beast_listener(options, [&](const HttpRequest& request) {
        auto start = std::chrono::steady_clock::now();
        HttpResponse response;
        try {
            response = answer(repository, request);
        } catch (const std::exception& e) {
            // The reason goes to the log, not to the client.
            std::fprintf(stderr, "repo-tool serve: %s %s failed: %s\n", request.method.c_str(),
                         request.path.c_str(), e.what());
            response = plain(500, "500 Internal Server Error\n");
        }
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        log_request(request, response, ms);
        return response;
    });
    try {
        listener->start();
    } catch (const cosmos::core::Error& e) {
        if (e.type() != "ListenFailed") throw;
        std::fprintf(stderr,
                     "repo-tool serve: %s; choose another address with --listen HOST:PORT\n",
                     e.what());
        return kExitProblems;
    }
    std::fprintf(stderr, "repo-tool serve: %zu files of %s loaded in %.2f s; listening on %s:%u\n",
                 repository.size(), out.string().c_str(), loading.seconds(), options.host.c_str(),
                 listener->port());
    std::fflush(stderr);

    int signal_number = 0;
    sigwait(&signals, &signal_number);
    std::fprintf(stderr, "repo-tool serve: signal %d, stopping\n", signal_number);
    listener->stop(5000);
    std::fprintf(stderr, "repo-tool serve: stopped\n");
    return kExitOk;
}

}  // namespace repo_tool
