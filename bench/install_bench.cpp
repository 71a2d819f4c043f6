// The install round trip: cosmos-server (the real binary) in front of the Marathon and Mesos
// emulators, POST /package/install then POST /package/uninstall of one package, many times.
//
// Our overhead is the round trip minus the emulators' share. The emulators' share of one
// operation is measured by replaying the exact upstream requests cosmos-server made for it (taken
// from the emulators' request logs) straight to the emulators, over one keep-alive connection
// each, as cosmos-server's client does. A second, smaller estimate times the emulators' handlers
// alone, in-process; "our overhead" against it is an upper bound.
//
//   install-bench [--package NAME] [--iterations N] [--warmup N] [--listener beast|cpprest]
//                 [--log-level LEVEL]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/cosmos_client.h"
#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using cosmos::core::Json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string package = "nginx";
    int iterations = 500;
    int warmup = 50;
    std::string listener = "beast";
    std::string log_level = "info";
};

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

// The samples of one measured quantity, one per iteration.
struct Series {
    std::string name;
    std::vector<double> ms;
};

void print_series(const Series& s) {
    std::printf("| %-36s | %8.3f | %8.3f | %8.3f |\n", s.name.c_str(), percentile(s.ms, 0.5),
                percentile(s.ms, 0.99), percentile(s.ms, 1.0));
}

universe_test::HttpCall cosmos_call(const std::string& kind, const std::string& response_version,
                                    const Json& body) {
    universe_test::HttpCall call;
    call.method = "POST";
    call.target = "/package/" + kind;
    call.timeout = std::chrono::seconds(20);
    // The Python DC/OS CLI's headers (cosmos-api.md section 20).
    call.headers.add("Host", "cosmos.test");
    call.headers.add("User-Agent", "python-requests/2.18.4");
    call.headers.add("Accept-Encoding", "gzip, deflate");
    call.headers.add("Connection", "keep-alive");
    call.headers.add("Accept", universe_test::package_type(kind + "-response", response_version));
    call.headers.add("Content-Type", universe_test::package_type(kind + "-request"));
    call.body = body.dump();
    return call;
}

// The same request again, as it reached the emulator (framing headers are recomputed).
universe_test::HttpCall replay_call(const universe_test::Request& logged) {
    universe_test::HttpCall call;
    call.method = logged.method;
    call.target = logged.target;
    call.timeout = std::chrono::seconds(20);
    for (const auto& [name, value] : logged.headers.fields()) {
        if (universe_test::iequals(name, "Content-Length") ||
            universe_test::iequals(name, "Transfer-Encoding") ||
            universe_test::iequals(name, "Connection")) {
            continue;
        }
        call.headers.add(name, value);
    }
    call.body = logged.body;
    return call;
}

// Upstream requests of one operation, per emulator.
struct Upstream {
    std::vector<universe_test::Request> marathon;
    std::vector<universe_test::Request> mesos;
};

Upstream take_logs(universe_test::MarathonEmulator& marathon, universe_test::MesosEmulator& mesos) {
    Upstream u{marathon.log().entries(), mesos.log().entries()};
    marathon.log().clear();
    mesos.log().clear();
    return u;
}

// Sends the logged requests again over keep-alive connections; returns the elapsed time.
double replay_http(const Upstream& u, universe_test::HttpConnection& marathon,
                   universe_test::HttpConnection& mesos) {
    auto start = Clock::now();
    for (const auto& r : u.marathon)
        marathon.request(replay_call(r));
    for (const auto& r : u.mesos)
        mesos.request(replay_call(r));
    return ms_since(start);
}

// Hands the logged Marathon requests to the emulator's handlers directly (no sockets). The Mesos
// emulator has no such entry point, so its requests (none for a plain app) still go over HTTP.
double replay_in_process(const Upstream& u, universe_test::MarathonEmulator& marathon,
                         universe_test::HttpConnection& mesos) {
    auto start = Clock::now();
    for (const auto& r : u.marathon)
        marathon.serve(r);
    for (const auto& r : u.mesos)
        mesos.request(replay_call(r));
    return ms_since(start);
}

int usage() {
    std::fprintf(stderr,
                 "usage: install-bench [--package NAME] [--iterations N] [--warmup N] "
                 "[--listener beast|cpprest] [--log-level LEVEL]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string flag = argv[i];
        if (i + 1 >= argc) return usage();
        std::string value = argv[++i];
        if (flag == "--package") {
            o.package = value;
        } else if (flag == "--iterations") {
            o.iterations = std::atoi(value.c_str());
        } else if (flag == "--warmup") {
            o.warmup = std::atoi(value.c_str());
        } else if (flag == "--listener") {
            o.listener = value;
        } else if (flag == "--log-level") {
            o.log_level = value;
        } else {
            return usage();
        }
    }

    universe_test::MarathonEmulator marathon;
    universe_test::MesosEmulator mesos;
    mesos.attach_marathon(&marathon);
    universe_test::TempDir dir;
    universe_test::ServerProcess server(
        dir / "data", {"--marathon-uri", marathon.url(), "--mesos-uri", mesos.url(),
                       "--admin-router-uri", mesos.url(), "--listener", o.listener, "--log-level",
                       o.log_level, "--refresh-interval", "3600"});

    universe_test::HttpConnection cosmos(server.port());
    universe_test::HttpConnection marathon_direct(marathon.port());
    universe_test::HttpConnection mesos_direct(mesos.port());

    const auto install =
        cosmos_call("install", "v2", Json{{"packageName", o.package}, {"options", Json::object()}});
    const auto uninstall =
        cosmos_call("uninstall", "v1", Json{{"packageName", o.package}, {"all", true}});

    std::map<std::string, Series> series;
    const char* names[] = {"install round trip",
                           "install emulator (HTTP replay)",
                           "install emulator (handlers only)",
                           "install overhead",
                           "install overhead (upper bound)",
                           "uninstall round trip",
                           "uninstall emulator (HTTP replay)",
                           "uninstall emulator (handlers only)",
                           "uninstall overhead",
                           "uninstall overhead (upper bound)"};
    std::size_t install_calls = 0;
    std::size_t uninstall_calls = 0;
    take_logs(marathon, mesos);
    // Milliseconds of one request to cosmos-server; nullopt (reported) when it is not a 200.
    auto timed = [&cosmos](const auto& request, const char* what) -> std::optional<double> {
        auto start = Clock::now();
        auto answer = cosmos.request(request);
        double ms = ms_since(start);
        if (answer.status == 200) return ms;
        std::fprintf(stderr, "%s answered %d: %s\n", what, answer.status, answer.body.c_str());
        return std::nullopt;
    };
    for (int i = 0; i < o.warmup + o.iterations; ++i) {
        auto install_time = timed(install, "install");
        if (!install_time) return 1;
        double install_ms = *install_time;
        auto install_upstream = take_logs(marathon, mesos);

        auto uninstall_time = timed(uninstall, "uninstall");
        if (!uninstall_time) return 1;
        double uninstall_ms = *uninstall_time;
        auto uninstall_upstream = take_logs(marathon, mesos);

        // The replays recreate and remove the app, so each starts from the same state.
        double install_http = replay_http(install_upstream, marathon_direct, mesos_direct);
        double uninstall_http = replay_http(uninstall_upstream, marathon_direct, mesos_direct);
        double install_handlers = replay_in_process(install_upstream, marathon, mesos_direct);
        double uninstall_handlers = replay_in_process(uninstall_upstream, marathon, mesos_direct);
        take_logs(marathon, mesos);
        if (!marathon.apps().empty()) {
            std::fprintf(stderr, "an app is left over after iteration %d\n", i);
            return 1;
        }
        if (i < o.warmup) continue;
        install_calls = install_upstream.marathon.size() + install_upstream.mesos.size();
        uninstall_calls = uninstall_upstream.marathon.size() + uninstall_upstream.mesos.size();
        double values[] = {install_ms,
                           install_http,
                           install_handlers,
                           install_ms - install_http,
                           install_ms - install_handlers,
                           uninstall_ms,
                           uninstall_http,
                           uninstall_handlers,
                           uninstall_ms - uninstall_http,
                           uninstall_ms - uninstall_handlers};
        for (std::size_t k = 0; k < std::size(names); ++k) {
            auto& s = series[names[k]];
            s.name = names[k];
            s.ms.push_back(values[k]);
        }
    }

    std::printf("package %s, %d iterations after %d warm-up, listener %s, log level %s\n",
                o.package.c_str(), o.iterations, o.warmup, o.listener.c_str(), o.log_level.c_str());
    std::printf("upstream calls per install: %zu, per uninstall: %zu\n\n", install_calls,
                uninstall_calls);
    std::printf("| %-36s | %8s | %8s | %8s |\n", "ms", "median", "p99", "max");
    std::printf("|%s|%s|%s|%s|\n", std::string(38, '-').c_str(), std::string(10, '-').c_str(),
                std::string(10, '-').c_str(), std::string(10, '-').c_str());
    for (const char* name : names)
        print_series(series[name]);
    server.stop();
    return 0;
}
