#include "cosmos/core/app_id.h"

#include <cstdio>

#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

bool is_label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

std::string describe_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    char buffer[8];
    std::snprintf(buffer, sizeof(buffer), "0x%02X", u);
    return buffer;
}

std::optional<std::string> segment_problem(std::string_view segment) {
    if (segment.empty()) return "it has an empty segment ('//' or a '/' at the end)";
    if (segment == "." || segment == "..") {
        return "the relative segment '" + std::string(segment) + "' is not allowed";
    }
    for (char c : segment) {
        if (!is_label_char(c) && c != '.') {
            return "segment '" + std::string(segment) + "' has the character " + describe_char(c) +
                   "; only lower-case letters, digits, '-' and '.' are allowed";
        }
    }
    std::size_t start = 0;
    while (start <= segment.size()) {
        std::size_t end = segment.find('.', start);
        if (end == std::string_view::npos) end = segment.size();
        std::string_view label = segment.substr(start, end - start);
        if (label.empty() || label.front() == '-' || label.back() == '-') {
            return "segment '" + std::string(segment) +
                   "' must start and end with a letter or digit, also around each '.'";
        }
        start = end + 1;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> app_id_problem(std::string_view app_id) {
    if (app_id.empty() || app_id.front() != '/') return "it must start with '/'";
    if (app_id == "/") return "'/' is the root group, not an app";
    std::size_t start = 1;
    while (start <= app_id.size()) {
        std::size_t end = app_id.find('/', start);
        if (end == std::string_view::npos) end = app_id.size();
        if (auto problem = segment_problem(app_id.substr(start, end - start))) return problem;
        start = end + 1;
    }
    return std::nullopt;
}

void check_app_id(std::string_view app_id) {
    if (auto problem = app_id_problem(app_id)) throw invalid_app_id(app_id, *problem);
}

}  // namespace cosmos::core
