#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cosmos::http {

/// One header line as received or to be sent. Names keep the sender's spelling.
struct Header {
    std::string name;
    std::string value;
};

/// One decoded query parameter (`?url=a%2Fb` arrives as {"url", "a/b"}).
struct QueryParam {
    std::string name;
    std::string value;
};

/// True when a and b are equal ignoring ASCII case (header names).
inline bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

/// Returns the value of the first header named `name` (ASCII case-insensitive), or nullopt.
/// The view points into `headers`.
inline std::optional<std::string_view> find_header(const std::vector<Header>& headers,
                                                   std::string_view name) {
    for (const auto& h : headers) {
        if (equals_ignore_case(h.name, name)) return std::string_view(h.value);
    }
    return std::nullopt;
}

/// A request as the listener hands it over: no library types, body already read.
struct HttpRequest {
    std::string method;             ///< "GET", "POST", ...
    std::string path;               ///< Decoded path without the query, e.g. "/package/search".
    std::vector<QueryParam> query;  ///< Decoded parameters in request order.
    std::vector<Header> headers;    ///< In request order; repeated headers stay separate.
    std::string body;               ///< Raw bytes; empty when the request had none.
    std::string scheme = "http";    ///< The listener's scheme: "http" or "https".

    /// First value of a header (case-insensitive name), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const {
        return find_header(headers, name);
    }
    /// First value of a query parameter (case-sensitive name), or nullopt.
    std::optional<std::string_view> query_param(std::string_view name) const {
        for (const auto& p : query) {
            if (p.name == name) return std::string_view(p.value);
        }
        return std::nullopt;
    }
};

/// A response for the listener to write. Headers are written in this order.
struct HttpResponse {
    HttpResponse() = default;
    /// {status, headers, body}.
    HttpResponse(int status_code, std::vector<Header> header_list = {}, std::string body_text = {})
        : status(status_code), headers(std::move(header_list)), body(std::move(body_text)) {}

    int status = 200;
    std::vector<Header> headers;
    std::string body;
    /// A body kept elsewhere (an answer cache) and shared instead of copied. When set, it is what
    /// is sent, and body is empty.
    std::shared_ptr<const std::string> shared_body;

    /// The bytes to send.
    std::string_view payload() const { return shared_body ? std::string_view(*shared_body) : body; }

    /// First value of a header (case-insensitive name), or nullopt.
    std::optional<std::string_view> header(std::string_view name) const {
        return find_header(headers, name);
    }
};

}  // namespace cosmos::http
