#include "cosmos/app/ports.h"

#include <cctype>

namespace cosmos::app {

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
