#include "cosmos/http/listener.h"

#include <cctype>
#include <cerrno>
#include <system_error>
#include <utility>

#include "cosmos/core/error.h"
#include "cosmos/http/rpc.h"

namespace cosmos::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decodes `in`; form encoding (the query) also reads '+' as a space.
bool percent_decode(std::string_view in, bool plus_is_space, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int high = hex_value(in[i + 1]);
            int low = hex_value(in[i + 2]);
            if (high < 0 || low < 0) return false;
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return true;
}

}  // namespace

std::unique_ptr<Listener> make_listener(ListenerKind kind, const ListenerOptions& options,
                                        Handler handler) {
    switch (kind) {
        case ListenerKind::kCpprest:
            return make_cpprest_listener(options, std::move(handler));
        case ListenerKind::kBeast:
            break;
    }
    return make_beast_listener(options, std::move(handler));
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
    // Absolute form, as sent to proxies: keep what follows the authority.
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() >= scheme.size() &&
            equals_ignore_case(target.substr(0, scheme.size()), scheme)) {
            std::size_t slash = target.find_first_of("/?", scheme.size());
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
            if (!target.empty() && target.front() == '?') return std::nullopt;
            break;
        }
    }
    if (target == "*") return RequestTarget{"*", {}};
    if (target.empty() || target.front() != '/') return std::nullopt;
    if (std::size_t hash = target.find('#'); hash != std::string_view::npos) {
        target = target.substr(0, hash);
    }

    RequestTarget result;
    std::size_t question = target.find('?');
    if (!percent_decode(target.substr(0, question), false, result.path)) return std::nullopt;
    if (question == std::string_view::npos) return result;

    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        QueryParam param;
        if (!percent_decode(pair.substr(0, equals), true, param.name)) return std::nullopt;
        if (equals != std::string_view::npos &&
            !percent_decode(pair.substr(equals + 1), true, param.value)) {
            return std::nullopt;
        }
        result.query.push_back(std::move(param));
    }
    return result;
}

std::string listen_failure_cause(int error_number, std::string fallback) {
    if (error_number == 0) {
        // Some libraries only give the text ("bind: Address already in use").
        for (int known : {EADDRINUSE, EACCES, EADDRNOTAVAIL}) {
            if (fallback.find(std::generic_category().message(known)) != std::string::npos) {
                error_number = known;
            }
        }
    }
    switch (error_number) {
        case EADDRINUSE:
            return "the address is already in use (is another server running there?)";
        case EACCES:
            return "permission denied (ports below 1024 need privileges)";
        case EADDRNOTAVAIL:
            return "the address does not belong to this machine";
        default:
            break;
    }
    if (!fallback.empty()) {
        fallback[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(fallback[0])));
    }
    return fallback;
}

HttpResponse payload_too_large_response(std::size_t limit) {
    return error_response(core::payload_too_large("Request body", limit));
}

HttpResponse bad_request_response() {
    return HttpResponse{400,
                        {{"Content-Type", "text/plain;charset=utf-8"}, {"Connection", "close"}},
                        "Malformed HTTP request\n"};
}

HttpResponse shutting_down_response() {
    return HttpResponse{503,
                        {{"Content-Type", "text/plain;charset=utf-8"}, {"Connection", "close"}},
                        "The server is shutting down\n"};
}

}  // namespace cosmos::http
