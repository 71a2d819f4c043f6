#include "tests/support/http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace universe_test {

namespace {

enum class Fill { kData, kEof, kTimeout };

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

std::string trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return std::string(text);
}

[[noreturn]] void fail(HttpFailure failure, const std::string& what) {
    throw HttpClientError(failure, "HTTP client: " + what);
}

}  // namespace

std::string_view to_string(HttpFailure failure) {
    switch (failure) {
        case HttpFailure::kRefused:
            return "refused";
        case HttpFailure::kTimedOut:
            return "timed out";
        case HttpFailure::kClosed:
            return "closed";
        case HttpFailure::kTruncated:
            return "truncated";
        case HttpFailure::kMalformed:
            return "malformed";
    }
    return "unknown";
}

cosmos::core::Json HttpResponse::json() const {
    return cosmos::core::parse_json(body);
}

HttpConnection::HttpConnection(std::uint16_t port, std::string host)
    : host_(std::move(host)), port_(port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1) {
        fail(HttpFailure::kRefused, "not an IPv4 address: " + host_);
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail(HttpFailure::kRefused, std::string("socket: ") + std::strerror(errno));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::string why = std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        fail(HttpFailure::kRefused,
             "connect to " + host_ + ":" + std::to_string(port) + ": " + why);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
    if (fd_ >= 0) ::close(fd_);
}

void HttpConnection::send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(HttpFailure::kClosed, std::string("send: ") + std::strerror(errno));
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool HttpConnection::fill(std::chrono::steady_clock::time_point deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    for (;;) {
        int r = ::poll(&pfd, 1, remaining_ms(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) fail(HttpFailure::kTimedOut, "no answer in time");
        break;
    }
    char chunk[16384];
    ssize_t n;
    do {
        n = ::recv(fd_, chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

HttpResponse HttpConnection::read_response(std::chrono::milliseconds timeout, bool head_request) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::size_t head_end;
        while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(deadline)) {
                fail(buffer_.empty() ? HttpFailure::kClosed : HttpFailure::kMalformed,
                     "connection closed before a complete response head");
            }
        }
        std::string head = buffer_.substr(0, head_end);
        buffer_.erase(0, head_end + 4);

        HttpResponse response;
        std::size_t line_end = head.find("\r\n");
        std::string status_line = head.substr(0, line_end);
        if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
            fail(HttpFailure::kMalformed, "bad status line: " + status_line);
        }
        try {
            response.status = std::stoi(status_line.substr(9, 3));
        } catch (const std::exception&) {
            fail(HttpFailure::kMalformed, "bad status line: " + status_line);
        }
        response.reason = status_line.size() > 13 ? status_line.substr(13) : "";
        std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
            std::size_t next = head.find("\r\n", pos);
            if (next == std::string::npos) next = head.size();
            std::string line = head.substr(pos, next - pos);
            pos = next + 2;
            std::size_t colon = line.find(':');
            if (colon == std::string::npos) fail(HttpFailure::kMalformed, "bad header: " + line);
            response.headers.add(line.substr(0, colon), trim(line.substr(colon + 1)));
        }
        // Interim answers (100 Continue) precede the real one.
        if (response.status / 100 == 1) continue;

        if (head_request || response.status == 204 || response.status == 304) return response;

        auto transfer_encoding = response.header("Transfer-Encoding");
        if (transfer_encoding && transfer_encoding->find("chunked") != std::string::npos) {
            for (;;) {
                std::size_t eol;
                while ((eol = buffer_.find("\r\n")) == std::string::npos) {
                    if (!fill(deadline)) fail(HttpFailure::kTruncated, "chunked body cut short");
                }
                std::size_t size = 0;
                try {
                    size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
                } catch (const std::exception&) {
                    fail(HttpFailure::kMalformed, "bad chunk size line");
                }
                buffer_.erase(0, eol + 2);
                if (size == 0) {
                    // Skip trailers up to the blank line.
                    std::size_t end;
                    while ((end = buffer_.find("\r\n")) != 0) {
                        if (end != std::string::npos) {
                            buffer_.erase(0, end + 2);
                            continue;
                        }
                        if (!fill(deadline)) fail(HttpFailure::kTruncated, "trailers cut short");
                    }
                    buffer_.erase(0, 2);
                    return response;
                }
                while (buffer_.size() < size + 2) {
                    if (!fill(deadline)) fail(HttpFailure::kTruncated, "chunk cut short");
                }
                response.body.append(buffer_, 0, size);
                buffer_.erase(0, size + 2);
            }
        }
        auto content_length = response.header("Content-Length");
        if (content_length) {
            std::size_t length = 0;
            try {
                length = std::stoull(*content_length);
            } catch (const std::exception&) {
                fail(HttpFailure::kMalformed, "bad Content-Length: " + *content_length);
            }
            while (buffer_.size() < length) {
                if (!fill(deadline)) {
                    response.body = buffer_;
                    fail(HttpFailure::kTruncated, "body has " + std::to_string(buffer_.size()) +
                                                      " of " + std::to_string(length) + " bytes");
                }
            }
            response.body = buffer_.substr(0, length);
            buffer_.erase(0, length);
            return response;
        }
        while (fill(deadline)) {
        }
        response.body = std::move(buffer_);
        buffer_.clear();
        return response;
    }
}

HttpResponse HttpConnection::request(const HttpCall& call) {
    std::string out = call.method + " " + call.target + " HTTP/1.1\r\n";
    if (!call.headers.has("Host")) out += "Host: " + host_ + ":" + std::to_string(port_) + "\r\n";
    for (const auto& [name, value] : call.headers.fields())
        out += name + ": " + value + "\r\n";
    bool wants_length = !call.body.empty() || call.method == "POST" || call.method == "PUT";
    if (wants_length && !call.headers.has("Content-Length") &&
        !call.headers.has("Transfer-Encoding")) {
        out += "Content-Length: " + std::to_string(call.body.size()) + "\r\n";
    }
    out += "\r\n";
    out += call.body;
    send_raw(out);
    return read_response(call.timeout, call.method == "HEAD");
}

bool HttpConnection::closed_by_peer(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
        while (fill(deadline)) {
        }
        return true;
    } catch (const HttpClientError&) {
        return false;
    }
}

HttpResponse http_call(std::uint16_t port, const HttpCall& call) {
    HttpConnection connection(port);
    return connection.request(call);
}

HttpResponse http_get(std::uint16_t port, const std::string& target, HeaderList headers) {
    HttpCall call;
    call.target = target;
    call.headers = std::move(headers);
    return http_call(port, call);
}

HttpResponse http_json(std::uint16_t port, const std::string& method, const std::string& target,
                       const cosmos::core::Json& body, HeaderList headers) {
    return http_send(port, method, target, body.dump(), "application/json", std::move(headers));
}

HttpResponse http_send(std::uint16_t port, const std::string& method, const std::string& target,
                       std::string body, const std::string& content_type, HeaderList headers) {
    HttpCall call;
    call.method = method;
    call.target = target;
    call.headers = std::move(headers);
    if (!call.headers.has("Content-Type")) call.headers.add("Content-Type", content_type);
    call.body = std::move(body);
    return http_call(port, call);
}

}  // namespace universe_test
