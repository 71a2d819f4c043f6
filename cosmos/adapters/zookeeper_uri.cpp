#include "cosmos/adapters/zookeeper_uri.h"

#include <charconv>
#include <string_view>

namespace cosmos::adapters {

namespace {

bool valid_server(std::string_view server) {
    auto colon = server.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == server.size()) return false;
    std::string_view host = server.substr(0, colon);
    std::string_view port = server.substr(colon + 1);
    for (char c : host) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';
        if (!ok) return false;
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    return ec == std::errc() && end == port.data() + port.size() && value > 0 && value < 65536;
}

// ZooKeeper's path rules: '/'-separated, no empty, "." or ".." segment, no control characters.
bool valid_path(std::string_view path) {
    if (path.size() < 2 || path.front() != '/' || path.back() == '/') return false;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        for (char c : segment) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
        }
        start = end + 1;
    }
    return true;
}

}  // namespace

std::optional<ZooKeeperUri> parse_zookeeper_uri(const std::string& uri) {
    constexpr std::string_view kScheme = "zk://";
    if (uri.compare(0, kScheme.size(), kScheme) != 0) return std::nullopt;
    std::string_view rest = std::string_view(uri).substr(kScheme.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    std::string_view servers = rest.substr(0, slash);
    std::string_view path = rest.substr(slash);
    std::size_t start = 0;
    while (start <= servers.size()) {
        auto comma = servers.find(',', start);
        if (comma == std::string_view::npos) comma = servers.size();
        if (!valid_server(servers.substr(start, comma - start))) return std::nullopt;
        start = comma + 1;
    }
    if (!valid_path(path)) return std::nullopt;
    return ZooKeeperUri{std::string(servers), std::string(path)};
}

std::string zookeeper_uri_message(const std::string& uri) {
    return "ZooKeeper URI not parsable: " + uri;
}

}  // namespace cosmos::adapters
