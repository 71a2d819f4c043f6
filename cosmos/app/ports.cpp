#include "cosmos/app/ports.h"

#include <cctype>
#include <cstdio>
#include <limits>

namespace cosmos::app {

std::optional<OperationRecord> OperationStore::find(std::int64_t id) {
    HistoryFilter all;
    all.limit = std::numeric_limits<std::size_t>::max();
    for (auto& record : history(all)) {
        if (record.id == id) return std::move(record);
    }
    return std::nullopt;
}

std::optional<std::string> HttpReply::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < k.size() && same; ++i) {
            same = std::tolower(static_cast<unsigned char>(k[i])) ==
                   std::tolower(static_cast<unsigned char>(name[i]));
        }
        if (same) return v;
    }
    return std::nullopt;
}

std::string duration_text(std::chrono::milliseconds duration) {
    auto ms = duration.count();
    if (ms < 1000) return std::to_string(ms) + " ms";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f s", static_cast<double>(ms) / 1000.0);
    return text;
}

std::string call_failure_cause(const core::Error& error, std::chrono::milliseconds timeout) {
    if (error.type() == "TimeoutError") return "timed out after " + duration_text(timeout);
    const auto& data = error.data();
    if (data.is_object() && data.contains("cause") && data["cause"].is_string()) {
        return data["cause"].get<std::string>();
    }
    return error.what();
}

}  // namespace cosmos::app
