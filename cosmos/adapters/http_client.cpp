#include "cosmos/adapters/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "cosmos/core/error.h"

namespace cosmos::adapters {

namespace {

namespace cphttp = web::http;
using cphttp::client::http_client;
using cphttp::client::http_client_config;
using Byte = uint8_t;

// cpprest adds "User-Agent: cpprestsdk/x.y.z" to every request without one. A call without a
// User-Agent carries this marker instead, and a pipeline stage removes it before sending.
constexpr char kNoUserAgent[] = "cosmos-no-user-agent-7c1e";

// call.timeout bounds the exchange; cpprest's own (inactivity) timer only needs to stay out of
// its way.
constexpr auto kLibraryTimeout = std::chrono::hours(24);

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool starts_with_ignore_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// A write-only stream buffer that keeps the response body and fails once it would pass the
// limit, so an oversized body stops the download instead of filling memory.
class BoundedSink final : public concurrency::streams::details::streambuf_state_manager<Byte> {
public:
    explicit BoundedSink(std::uint64_t limit)
        : streambuf_state_manager<Byte>(std::ios_base::out), limit_(limit) {}

    bool exceeded() const { return exceeded_; }
    std::string take() { return std::move(body_); }

    bool can_seek() const override { return false; }
    bool has_size() const override { return false; }
    size_t buffer_size(std::ios_base::openmode) const override { return 0; }
    void set_buffer_size(size_t, std::ios_base::openmode) override {}
    size_t in_avail() const override { return 0; }
    pos_type getpos(std::ios_base::openmode) const override {
        return static_cast<pos_type>(traits::eof());
    }
    pos_type seekpos(pos_type, std::ios_base::openmode) override {
        return static_cast<pos_type>(traits::eof());
    }
    pos_type seekoff(off_type, std::ios_base::seekdir, std::ios_base::openmode) override {
        return static_cast<pos_type>(traits::eof());
    }
    bool acquire(Byte*& ptr, size_t& count) override {
        ptr = nullptr;
        count = 0;
        return false;
    }
    void release(Byte*, size_t) override {}

protected:
    pplx::task<int_type> _putc(Byte ch) override {
        return _putn(&ch, 1).then([ch](size_t) { return static_cast<int_type>(ch); });
    }
    pplx::task<size_t> _putn(const Byte* ptr, size_t count) override {
        if (body_.size() + count > limit_) {
            exceeded_ = true;
            return pplx::task_from_exception<size_t>(
                std::make_exception_ptr(std::length_error("response body over the limit")));
        }
        body_.append(reinterpret_cast<const char*>(ptr), count);
        return pplx::task_from_result(count);
    }
    pplx::task<int_type> _bumpc() override { return pplx::task_from_result(traits::eof()); }
    int_type _sbumpc() override { return traits::eof(); }
    pplx::task<int_type> _getc() override { return pplx::task_from_result(traits::eof()); }
    int_type _sgetc() override { return traits::eof(); }
    pplx::task<int_type> _nextc() override { return pplx::task_from_result(traits::eof()); }
    pplx::task<int_type> _ungetc() override { return pplx::task_from_result(traits::eof()); }
    pplx::task<size_t> _getn(Byte*, size_t) override { return pplx::task_from_result<size_t>(0); }
    size_t _scopy(Byte*, size_t) override { return 0; }
    pplx::task<bool> _sync() override { return pplx::task_from_result(true); }
    Byte* _alloc(size_t) override { return nullptr; }
    void _commit(size_t) override {}

private:
    std::uint64_t limit_;
    std::string body_;
    std::atomic<bool> exceeded_{false};
};

// Thrown inside the cpprest continuation when the declared length is already too large.
struct DeclaredTooLarge {};

int timeout_seconds(std::chrono::milliseconds timeout) {
    return static_cast<int>((timeout.count() + 999) / 1000);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return std::nullopt;
        int high = hex_value(in[i + 1]);
        int low = hex_value(in[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

app::HttpReply read_file_url(const app::HttpCall& call) {
    namespace fs = std::filesystem;
    if (call.method != "GET") {
        throw core::endpoint_uri_syntax(call.url, "file URLs support GET only");
    }
    std::string_view rest = std::string_view(call.url).substr(std::string_view("file://").size());
    if (starts_with_ignore_case(rest, "localhost/")) rest.remove_prefix(9);
    rest = rest.substr(0, rest.find_first_of("?#"));
    if (rest.empty() || rest.front() != '/') {
        throw core::endpoint_uri_syntax(call.url, "a file URL needs an absolute path");
    }
    auto path = percent_decode(rest);
    if (!path) throw core::endpoint_uri_syntax(call.url, "malformed percent escape");

    std::error_code ec;
    if (!fs::is_regular_file(*path, ec)) return app::HttpReply{404, {}, ""};
    std::ifstream in(*path, std::ios::binary);
    if (!in) throw core::endpoint_uri_connection(call.url, "the file cannot be read");
    std::string body;
    if (auto size = fs::file_size(*path, ec); !ec && size <= call.max_response_bytes) {
        body.reserve(static_cast<std::size_t>(size));
    }
    char chunk[64 * 1024];
    // The size is checked while reading: the file may change between stat and read.
    while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
        auto n = static_cast<std::size_t>(in.gcount());
        if (body.size() + n > call.max_response_bytes) {
            throw core::payload_too_large("The response from " + call.url, call.max_response_bytes);
        }
        body.append(chunk, n);
    }
    if (in.bad()) throw core::endpoint_uri_connection(call.url, "reading the file failed");
    std::string length = std::to_string(body.size());
    return app::HttpReply{200, {{"Content-Length", length}}, std::move(body)};
}

// The result of a plain connect to host:port (0, or the errno), waiting at most a second.
std::optional<int> connect_result(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 ||
        found == nullptr) {
        return std::nullopt;
    }
    int result = 0;
    int fd =
        ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
    if (fd < 0) {
        result = errno;
    } else if (::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        result = errno;
        if (result == EINPROGRESS) {
            pollfd waiting{fd, POLLOUT, 0};
            if (::poll(&waiting, 1, 1000) == 1) {
                socklen_t length = sizeof(result);
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &length);
            } else {
                result = ETIMEDOUT;
            }
        }
    }
    if (fd >= 0) ::close(fd);
    ::freeaddrinfo(found);
    return result;
}

// Why a connection failed, in words. cpprest's text ("Failed to connect to any resolved
// endpoint") names the step, not the reason, and it reports a refused connection as "host
// unreachable"; so for a failed connect the system is asked again with a plain connect.
std::string connection_failure(const std::exception& e, const std::string& url) {
    std::string what = e.what();
    if (what.find("Error resolving") != std::string::npos) {
        return "the host name does not resolve";
    }
    if (what.find("Failed to connect") != std::string::npos) {
        try {
            web::uri uri(utility::conversions::to_string_t(url));
            bool https = uri.scheme() == "https";
            int port = uri.port() > 0 ? uri.port() : (https ? 443 : 80);
            switch (connect_result(uri.host(), port).value_or(-1)) {
                case ECONNREFUSED:
                    return "connection refused";
                case EHOSTUNREACH:
                case ENETUNREACH:
                    return "the host cannot be reached";
                case ETIMEDOUT:
                    return "the host does not answer connection attempts";
                default:
                    break;
            }
        } catch (const std::exception&) {
        }
        return "the connection could not be made";
    }
    if (what.find("Failed to read") != std::string::npos) {
        return "the connection closed before the whole answer arrived";
    }
    return what;
}

struct Target {
    std::string origin;    // scheme://host:port
    std::string resource;  // path?query, still encoded
};

Target parse_target(const std::string& url) {
    web::uri uri;
    try {
        uri = web::uri(utility::conversions::to_string_t(url));
    } catch (const std::exception& e) {
        throw core::endpoint_uri_syntax(url, e.what());
    }
    std::string scheme = uri.scheme();
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "http" && scheme != "https") {
        throw core::endpoint_uri_syntax(url, "the scheme must be http, https or file");
    }
    if (uri.host().empty()) throw core::endpoint_uri_syntax(url, "the URL has no host");
    int port = uri.port() > 0 ? uri.port() : (scheme == "https" ? 443 : 80);
    Target target;
    target.origin = scheme + "://" + uri.host() + ":" + std::to_string(port);
    target.resource = uri.path().empty() ? "/" : uri.path();
    if (!uri.query().empty()) target.resource += "?" + uri.query();
    return target;
}

}  // namespace

struct CpprestHttpClient::Clients {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<http_client>> by_origin;
};

CpprestHttpClient::CpprestHttpClient() : CpprestHttpClient(Options{}) {}

CpprestHttpClient::CpprestHttpClient(Options options)
    : options_(options), clients_(std::make_unique<Clients>()) {}

CpprestHttpClient::~CpprestHttpClient() = default;

app::HttpReply CpprestHttpClient::send(const app::HttpCall& call) {
    if (starts_with_ignore_case(call.url, "file://")) return read_file_url(call);
    Target target = parse_target(call.url);

    std::shared_ptr<http_client> client;
    {
        std::lock_guard lock(clients_->mutex);
        auto found = clients_->by_origin.find(target.origin);
        if (found != clients_->by_origin.end()) {
            client = found->second;
        } else {
            if (clients_->by_origin.size() >= options_.max_cached_origins) {
                clients_->by_origin.clear();
            }
            http_client_config config;
            config.set_timeout(kLibraryTimeout);
            config.set_max_redirects(0);
            config.set_request_compressed_response(false);
            config.set_validate_certificates(options_.validate_certificates);
            try {
                client = std::make_shared<http_client>(
                    utility::conversions::to_string_t(target.origin), config);
            } catch (const std::exception& e) {
                throw core::endpoint_uri_syntax(call.url, e.what());
            }
            client->add_handler([](cphttp::http_request request,
                                   std::shared_ptr<cphttp::http_pipeline_stage> next) {
                auto agent = request.headers().find(cphttp::header_names::user_agent);
                if (agent != request.headers().end() && agent->second == kNoUserAgent) {
                    request.headers().remove(cphttp::header_names::user_agent);
                }
                return next->propagate(request);
            });
            clients_->by_origin.emplace(target.origin, client);
        }
    }

    cphttp::http_request request(utility::conversions::to_string_t(call.method));
    bool has_agent = false;
    try {
        request.set_request_uri(utility::conversions::to_string_t(target.resource));
        if (!call.body.empty()) {
            request.set_body(call.body);
            // set_body adds a default Content-Type; only the caller's headers are sent.
            request.headers().remove(cphttp::header_names::content_type);
        }
        for (const auto& [name, value] : call.headers) {
            if (iequals(name, "Content-Length")) continue;
            if (iequals(name, "User-Agent")) has_agent = true;
            request.headers().add(name, value);
        }
    } catch (const std::exception& e) {
        throw core::endpoint_uri_syntax(call.url, e.what());
    }
    if (!has_agent) request.headers().add(cphttp::header_names::user_agent, kNoUserAgent);

    auto sink = std::make_shared<BoundedSink>(call.max_response_bytes);
    request.set_response_stream(
        concurrency::streams::ostream(concurrency::streams::streambuf<Byte>(sink)));

    pplx::cancellation_token_source cancel;
    auto done = std::make_shared<std::promise<cphttp::http_response>>();
    auto future = done->get_future();
    std::uint64_t limit = call.max_response_bytes;
    client->request(request, cancel.get_token())
        .then([limit, cancel](pplx::task<cphttp::http_response> headers) {
            cphttp::http_response response = headers.get();
            if (response.headers().content_length() > limit) {
                cancel.cancel();
                throw DeclaredTooLarge{};
            }
            return response.content_ready();
        })
        .then([done](pplx::task<cphttp::http_response> complete) {
            try {
                done->set_value(complete.get());
            } catch (...) {
                done->set_exception(std::current_exception());
            }
        });

    if (future.wait_for(call.timeout) != std::future_status::ready) {
        // Cancelling closes the socket; the continuation above still runs and owns what it needs.
        cancel.cancel();
        throw core::timeout_error(call.method, call.url, timeout_seconds(call.timeout));
    }

    cphttp::http_response response;
    try {
        response = future.get();
    } catch (const DeclaredTooLarge&) {
        throw core::payload_too_large("The response from " + call.url, limit);
    } catch (const std::exception& e) {
        if (sink->exceeded()) {
            throw core::payload_too_large("The response from " + call.url, limit);
        }
        auto* http_error = dynamic_cast<const cphttp::http_exception*>(&e);
        if (http_error != nullptr && http_error->error_code() == std::errc::timed_out) {
            throw core::timeout_error(call.method, call.url, timeout_seconds(call.timeout));
        }
        throw core::endpoint_uri_connection(call.url, connection_failure(e, call.url));
    }

    app::HttpReply reply;
    reply.status = response.status_code();
    for (const auto& [name, value] : response.headers()) {
        reply.headers.emplace_back(utility::conversions::to_utf8string(name),
                                   utility::conversions::to_utf8string(value));
    }
    reply.body = sink->take();
    return reply;
}

}  // namespace cosmos::adapters
