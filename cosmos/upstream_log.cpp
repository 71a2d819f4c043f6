#include "cosmos/upstream_log.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "cosmos/core/error.h"

namespace cosmos {

namespace {

std::string milliseconds_since(std::chrono::steady_clock::time_point start) {
    char text[32];
    std::snprintf(
        text, sizeof(text), "%.1f ms",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    return text;
}

}  // namespace

LoggingHttpClient::LoggingHttpClient(app::HttpClient& inner, Sink sink)
    : inner_(inner), sink_(std::move(sink)) {}

app::HttpReply LoggingHttpClient::send(const app::HttpCall& call) {
    if (!sink_) return inner_.send(call);
    auto start = std::chrono::steady_clock::now();
    try {
        auto reply = inner_.send(call);
        sink_("upstream " + call.method + " " + call.url + " -> " + std::to_string(reply.status) +
              " in " + milliseconds_since(start) + ", " + std::to_string(reply.body.size()) +
              " bytes");
        return reply;
    } catch (const core::Error& e) {
        sink_("upstream " + call.method + " " + call.url + " failed after " +
              milliseconds_since(start) + ": " + app::call_failure_cause(e, call.timeout));
        throw;
    }
}

}  // namespace cosmos
