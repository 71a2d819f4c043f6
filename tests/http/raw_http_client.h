#pragma once

// A minimal blocking HTTP/1.1 client over POSIX sockets, for tests that must control the bytes on
// the wire (repeated headers, pipelining, malformed requests, half-sent bodies).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace universe_test {

inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

struct RawResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::optional<std::string> header(std::string_view name) const {
        for (const auto& [n, v] : headers) {
            if (iequals(n, name)) return v;
        }
        return std::nullopt;
    }
    std::size_t count(std::string_view name) const {
        return static_cast<std::size_t>(std::count_if(
            headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }));
    }
};

/// Builds the bytes of one request; Content-Length is added when `body` is not empty.
inline std::string request_bytes(std::string_view method, std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string_view body = {}) {
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    out += "Host: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (!body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n";
    out.append(body);
    return out;
}

/// One TCP connection to 127.0.0.1:port with a receive timeout (tests never hang).
class RawConnection {
public:
    explicit RawConnection(std::uint16_t port, int timeout_ms = 15000) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
            int error = errno;
            ::close(fd_);
            fd_ = -1;
            throw std::runtime_error("connect failed: " + std::to_string(error));
        }
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// Sends all bytes; false when the peer closed or reset the connection.
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    /// Reads one response (Content-Length or read-to-close bodies). Throws on timeout or when the
    /// connection closes before a status line arrives.
    RawResponse read_response() {
        RawResponse response = read_response_head();
        if (response.status == 100) return read_response();
        if (auto length = response.header("Content-Length")) {
            std::size_t size = std::stoul(*length);
            while (buffer_.size() < size) {
                if (!fill()) throw std::runtime_error("connection closed inside a body");
            }
            response.body = buffer_.substr(0, size);
            buffer_.erase(0, size);
        } else {
            while (fill()) {
            }
            response.body = std::move(buffer_);
            buffer_.clear();
        }
        return response;
    }

    /// Reads the status line and headers of one response and nothing more (the answer to HEAD
    /// has no body, whatever its Content-Length says).
    RawResponse read_response_head() {
        std::size_t end;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
            if (!fill()) throw std::runtime_error("connection closed before a response");
        }
        std::string head = buffer_.substr(0, end);
        buffer_.erase(0, end + 4);
        RawResponse response;
        std::size_t line_end = head.find("\r\n");
        std::string status_line = head.substr(0, line_end);
        response.status = std::stoi(status_line.substr(9, 3));
        std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
            std::size_t next = head.find("\r\n", pos);
            if (next == std::string::npos) next = head.size();
            std::string line = head.substr(pos, next - pos);
            std::size_t colon = line.find(':');
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.erase(0, 1);
            response.headers.emplace_back(line.substr(0, colon), value);
            pos = next + 2;
        }
        return response;
    }

    /// True when the peer closes the connection (reads end) before the receive timeout.
    bool closed_by_peer() {
        char scratch[4096];
        for (;;) {
            ssize_t n = ::recv(fd_, scratch, sizeof(scratch), 0);
            if (n == 0) return true;
            if (n < 0) return errno == ECONNRESET;
        }
    }

private:
    bool fill() {
        char scratch[65536];
        ssize_t n = ::recv(fd_, scratch, sizeof(scratch), 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            throw std::runtime_error("timed out waiting for the server");
        }
        if (n <= 0) return false;
        buffer_.append(scratch, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string buffer_;
};

/// True when a TCP connection to 127.0.0.1:port is accepted.
inline bool can_connect(std::uint16_t port) {
    try {
        RawConnection connection(port);
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

/// One request on a fresh connection.
inline RawResponse round_trip(std::uint16_t port, const std::string& bytes) {
    RawConnection connection(port);
    if (!connection.send(bytes)) throw std::runtime_error("send failed");
    return connection.read_response();
}

}  // namespace universe_test
