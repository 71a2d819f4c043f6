#include "cosmos/app/ports.h"

#include <cctype>
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

}  // namespace cosmos::app
