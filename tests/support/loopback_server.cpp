#include "tests/support/loopback_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace universe_test {

namespace {

// Limits that keep a confused client from making the server buffer without bound.
constexpr std::size_t kMaxHeadBytes = 1 << 20;
constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 30;

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string trim(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return std::string(text.substr(begin, end - begin));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Buffered reads that give up as soon as the server is stopping (the wake pipe is readable).
class SocketReader {
public:
    SocketReader(int fd, int wake) : fd_(fd), wake_(wake) {}

    bool fill() {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_, POLLIN, 0}};
        for (;;) {
            int r = ::poll(fds, 2, -1);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return false;
            break;
        }
        if (fds[1].revents != 0) return false;
        char chunk[16384];
        ssize_t n;
        do {
            n = ::recv(fd_, chunk, sizeof chunk, 0);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) return false;
        compact();
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    // A line without its CRLF (a bare LF is tolerated).
    bool read_line(std::string& line, std::size_t limit) {
        for (;;) {
            std::size_t nl = buffer_.find('\n', pos_);
            if (nl != std::string::npos) {
                std::size_t end = (nl > pos_ && buffer_[nl - 1] == '\r') ? nl - 1 : nl;
                line.assign(buffer_, pos_, end - pos_);
                pos_ = nl + 1;
                return true;
            }
            if (buffer_.size() - pos_ > limit) return false;
            if (!fill()) return false;
        }
    }

    bool read_exact(std::size_t count, std::string& out) {
        while (buffer_.size() - pos_ < count) {
            if (!fill()) return false;
        }
        out.append(buffer_, pos_, count);
        pos_ += count;
        return true;
    }

private:
    void compact() {
        if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
            buffer_.erase(0, pos_);
            pos_ = 0;
        }
    }

    int fd_;
    int wake_;
    std::string buffer_;
    std::size_t pos_ = 0;
};

enum class ReadResult { kOk, kClosed, kBad };

ReadResult read_chunked_body(SocketReader& reader, std::string& body) {
    std::string line;
    for (;;) {
        if (!reader.read_line(line, 4096)) return ReadResult::kClosed;
        std::size_t semicolon = line.find(';');
        std::string size_text = trim(line.substr(0, semicolon));
        if (size_text.empty()) return ReadResult::kBad;
        std::size_t size = 0;
        for (char c : size_text) {
            int v = hex_value(c);
            if (v < 0 || size > kMaxBodyBytes) return ReadResult::kBad;
            size = size * 16 + static_cast<std::size_t>(v);
        }
        if (body.size() + size > kMaxBodyBytes) return ReadResult::kBad;
        if (size == 0) break;
        if (!reader.read_exact(size, body)) return ReadResult::kClosed;
        if (!reader.read_line(line, 16)) return ReadResult::kClosed;
        if (!line.empty()) return ReadResult::kBad;
    }
    // Trailer fields are read and discarded.
    for (;;) {
        if (!reader.read_line(line, kMaxHeadBytes)) return ReadResult::kClosed;
        if (line.empty()) return ReadResult::kOk;
    }
}

ReadResult read_request(SocketReader& reader, int fd, Request& request, bool& keep_alive) {
    std::string line;
    // Blank lines between pipelined requests are allowed (RFC 9112 section 2.2).
    do {
        if (!reader.read_line(line, kMaxHeadBytes)) return ReadResult::kClosed;
    } while (line.empty());

    std::size_t sp1 = line.find(' ');
    std::size_t sp2 = line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return ReadResult::kBad;
    request.method = line.substr(0, sp1);
    request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string version = line.substr(sp2 + 1);
    if (version.rfind("HTTP/1.", 0) != 0 || request.target.empty()) return ReadResult::kBad;

    std::size_t head_bytes = line.size();
    for (;;) {
        if (!reader.read_line(line, kMaxHeadBytes)) return ReadResult::kClosed;
        if (line.empty()) break;
        head_bytes += line.size();
        if (head_bytes > kMaxHeadBytes) return ReadResult::kBad;
        std::size_t colon = line.find(':');
        if (colon == std::string::npos || colon == 0) return ReadResult::kBad;
        request.headers.add(line.substr(0, colon), trim(std::string_view(line).substr(colon + 1)));
    }

    std::size_t question = request.target.find('?');
    std::string raw_path = request.target.substr(0, question);
    request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
    request.path = percent_decode(raw_path);
    request.params = parse_query(request.query);

    auto connection = request.headers.get("Connection");
    bool close_requested = connection && iequals(trim(*connection), "close");
    bool keep_alive_requested = connection && iequals(trim(*connection), "keep-alive");
    keep_alive = version == "HTTP/1.1" ? !close_requested : keep_alive_requested;

    auto expect = request.headers.get("Expect");
    if (expect && iequals(*expect, "100-continue")) {
        if (!send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return ReadResult::kClosed;
    }

    auto transfer_encoding = request.headers.get("Transfer-Encoding");
    if (transfer_encoding) {
        std::string te = trim(*transfer_encoding);
        std::transform(te.begin(), te.end(), te.begin(), lower);
        if (te.size() < 7 || te.compare(te.size() - 7, 7, "chunked") != 0) return ReadResult::kBad;
        return read_chunked_body(reader, request.body);
    }
    auto content_length = request.headers.get("Content-Length");
    if (content_length) {
        std::string text = trim(*content_length);
        if (text.empty() || text.size() > 12 ||
            !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return ReadResult::kBad;
        }
        std::size_t length = std::stoull(text);
        if (length > kMaxBodyBytes) return ReadResult::kBad;
        if (!reader.read_exact(length, request.body)) return ReadResult::kClosed;
    }
    return ReadResult::kOk;
}

// Sleeps up to timeout (forever when negative). Returns true when the full time passed, false
// when the server is stopping or the peer hung up, in which case nobody wants the answer.
bool wait_quietly(int fd, int wake, std::chrono::milliseconds timeout) {
    pollfd fds[2] = {{wake, POLLIN, 0}, {fd, POLLRDHUP, 0}};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int ms = -1;
        if (timeout.count() >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
        }
        int r = ::poll(fds, 2, ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        if (r == 0) return true;
        return false;
    }
}

std::string format_reply(const Reply& reply, bool head_request, bool closing) {
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " ";
    out += reason_phrase(reply.status);
    out += "\r\n";
    for (const auto& [name, value] : reply.headers.fields()) {
        if (reply.truncate && iequals(name, "Content-Length")) continue;
        out += name + ": " + value + "\r\n";
    }
    bool bodiless = reply.status / 100 == 1 || reply.status == 204 || reply.status == 304;
    if (reply.truncate) {
        // Promise more than will come, so the client sees the body end early.
        out += "Content-Length: " +
               std::to_string(reply.body.size() + std::max<std::size_t>(16, reply.body.size())) +
               "\r\n";
    } else if (!bodiless && !reply.headers.has("Content-Length")) {
        out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    }
    if (closing && !reply.headers.has("Connection")) out += "Connection: close\r\n";
    out += "\r\n";
    if (!head_request && !bodiless) out += reply.body;
    return out;
}

}  // namespace

// --- HeaderList ---

HeaderList::HeaderList(std::initializer_list<std::pair<std::string, std::string>> fields)
    : fields_(fields) {}

void HeaderList::add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
}

void HeaderList::set(std::string name, std::string value) {
    remove(name);
    add(std::move(name), std::move(value));
}

void HeaderList::remove(std::string_view name) {
    std::erase_if(fields_, [&](const auto& field) { return iequals(field.first, name); });
}

std::optional<std::string> HeaderList::get(std::string_view name) const {
    for (const auto& [key, value] : fields_) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::vector<std::string> HeaderList::get_all(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : fields_) {
        if (iequals(key, name)) values.push_back(value);
    }
    return values;
}

bool HeaderList::has(std::string_view name) const {
    return get(name).has_value();
}

// --- free helpers ---

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int hi = hex_value(text[i + 1]);
            int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (plus_is_space && c == '+') ? ' ' : c;
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view raw) {
    std::vector<std::pair<std::string, std::string>> params;
    while (!raw.empty()) {
        std::size_t amp = raw.find('&');
        std::string_view part = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
        if (part.empty()) continue;
        std::size_t eq = part.find('=');
        std::string_view key = part.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
        params.emplace_back(percent_decode(key, true), percent_decode(value, true));
    }
    return params;
}

bool glob_matches(std::string_view pattern, std::string_view text) {
    // Iterative matcher with single-star backtracking: linear enough for short paths.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return pattern.empty();
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size() || pattern.empty();
}

std::optional<std::string> Request::param(std::string_view name) const {
    for (const auto& [key, value] : params) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::vector<std::string> Request::param_all(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : params) {
        if (key == name) values.push_back(value);
    }
    return values;
}

Reply Reply::json(int status, std::string json_text) {
    Reply reply;
    reply.status = status;
    reply.headers.add("Content-Type", "application/json");
    reply.body = std::move(json_text);
    return reply;
}

Reply Reply::text(int status, std::string body, std::string content_type) {
    Reply reply;
    reply.status = status;
    reply.headers.add("Content-Type", std::move(content_type));
    reply.body = std::move(body);
    return reply;
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 304:
            return "Not Modified";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 417:
            return "Expectation Failed";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Unknown";
    }
}

// --- RequestLog ---

void RequestLog::record(const Request& request) {
    {
        std::lock_guard lock(mutex_);
        entries_.push_back(request);
    }
    changed_.notify_all();
}

std::vector<Request> RequestLog::entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
}

std::vector<Request> RequestLog::matching(std::string_view method,
                                          std::string_view path_pattern) const {
    std::lock_guard lock(mutex_);
    std::vector<Request> out;
    for (const auto& request : entries_) {
        bool method_ok = method.empty() || method == "*" || request.method == method;
        if (method_ok && glob_matches(path_pattern, request.path)) out.push_back(request);
    }
    return out;
}

std::size_t RequestLog::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void RequestLog::clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

bool RequestLog::wait_for_size(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return entries_.size() >= count; });
}

// --- LoopbackServer ---

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {}

LoopbackServer::~LoopbackServer() {
    stop();
}

std::uint16_t LoopbackServer::start(std::uint16_t port, const std::string& address) {
    std::lock_guard lock(state_mutex_);
    if (running_) throw std::logic_error("LoopbackServer::start: already running");
    if (port == 0) port = port_;

    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
        throw std::runtime_error("LoopbackServer: not an IPv4 address: " + address);
    }
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 128) != 0) {
        std::string why = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("LoopbackServer: cannot listen on " + address + ":" +
                                 std::to_string(port) + ": " + why);
    }
    socklen_t length = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        ::close(fd);
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
    listen_fd_ = fd;
    wake_read_ = pipe_fds[0];
    wake_write_ = pipe_fds[1];
    port_ = ntohs(addr.sin_port);
    address_ = address;
    running_ = true;
    accept_thread_ = std::thread([this] { accept_loop(); });
    return port_;
}

void LoopbackServer::stop() {
    {
        std::lock_guard lock(state_mutex_);
        if (!running_) return;
        running_ = false;
    }
    // The pipe is never drained, so every later poll() on it returns at once.
    ssize_t ignored = ::write(wake_write_, "x", 1);
    (void)ignored;
    accept_thread_.join();
    ::close(listen_fd_);
    listen_fd_ = -1;

    std::list<Connection> finishing;
    {
        std::lock_guard lock(connections_mutex_);
        for (auto& connection : connections_) {
            // Unblocks a send() to a client that stopped reading.
            if (connection.fd >= 0) ::shutdown(connection.fd, SHUT_RDWR);
        }
        finishing.splice(finishing.begin(), connections_);
    }
    for (auto& connection : finishing)
        connection.thread.join();
    ::close(wake_read_);
    ::close(wake_write_);
    wake_read_ = wake_write_ = -1;
}

bool LoopbackServer::running() const {
    std::lock_guard lock(state_mutex_);
    return running_;
}

std::uint16_t LoopbackServer::port() const {
    std::lock_guard lock(state_mutex_);
    return port_;
}

std::string LoopbackServer::host_port() const {
    std::lock_guard lock(state_mutex_);
    std::string host = address_ == "0.0.0.0" ? "127.0.0.1" : address_;
    return host + ":" + std::to_string(port_);
}

std::string LoopbackServer::base_url() const {
    return "http://" + host_port();
}

void LoopbackServer::accept_loop() {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    for (;;) {
        int r = ::poll(fds, 2, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 || fds[1].revents != 0) return;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ++accepted_;
        reap_finished();
        std::lock_guard lock(connections_mutex_);
        Connection& connection = connections_.emplace_back();
        connection.fd = fd;
        connection.thread =
            std::thread([this, &connection, fd] { serve_connection(&connection, fd); });
    }
}

void LoopbackServer::reap_finished() {
    std::list<Connection> finished;
    {
        std::lock_guard lock(connections_mutex_);
        for (auto it = connections_.begin(); it != connections_.end();) {
            auto next = std::next(it);
            if (it->done.load()) finished.splice(finished.end(), connections_, it);
            it = next;
        }
    }
    for (auto& connection : finished)
        connection.thread.join();
}

void LoopbackServer::release(Connection* connection, int fd) {
    std::lock_guard lock(connections_mutex_);
    connection->fd = -1;
    ::close(fd);
    connection->done = true;
}

void LoopbackServer::serve_connection(Connection* connection, int fd) {
    SocketReader reader(fd, wake_read_);
    for (;;) {
        Request request;
        bool keep_alive = true;
        ReadResult result = read_request(reader, fd, request, keep_alive);
        if (result == ReadResult::kClosed) break;
        if (result == ReadResult::kBad) {
            Reply bad = Reply::text(400, "Bad Request\n");
            send_all(fd, format_reply(bad, false, true));
            break;
        }
        log_.record(request);

        Reply reply;
        try {
            reply = handler_(request);
        } catch (const std::exception& e) {
            reply = Reply::text(500, std::string("handler failed: ") + e.what() + "\n");
        }

        if (reply.delay.count() > 0 && !wait_quietly(fd, wake_read_, reply.delay)) break;
        if (reply.hang) {
            wait_quietly(fd, wake_read_, std::chrono::milliseconds(-1));
            break;
        }
        if (reply.drop) break;
        if (reply.raw) {
            send_all(fd, *reply.raw);
            break;
        }
        bool closing = !keep_alive || reply.close || reply.truncate;
        if (!send_all(fd, format_reply(reply, request.method == "HEAD", closing))) break;
        if (closing) break;
    }
    release(connection, fd);
}

}  // namespace universe_test
