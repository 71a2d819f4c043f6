#include "cosmos/http/listener.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_listener.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/http/rpc.h"

namespace cosmos::http {

namespace {

namespace cphttp = web::http;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

constexpr std::size_t kReadChunk = 64 * 1024;

struct Shared {
    Handler handler;
    ListenerOptions options;
    std::mutex mutex;
    std::condition_variable idle;
    bool stopping = false;
    std::size_t in_flight = 0;
};

// Reads a request body piece by piece. Past the limit the bytes are dropped, so a large chunked
// upload cannot grow memory; cpprest reads the whole body before it sends any answer anyway.
struct BodyReader {
    concurrency::streams::streambuf<uint8_t> source;
    std::size_t limit = 0;
    bool too_large = false;
    std::string body;
    std::vector<uint8_t> chunk = std::vector<uint8_t>(kReadChunk);
};

pplx::task<void> read_body(std::shared_ptr<BodyReader> reader) {
    auto* data = reader->chunk.data();
    auto size = reader->chunk.size();
    return reader->source.getn(data, size).then([reader](std::size_t n) -> pplx::task<void> {
        if (n == 0) return pplx::task_from_result();
        if (!reader->too_large) {
            if (reader->body.size() + n > reader->limit) {
                reader->too_large = true;
                std::string().swap(reader->body);
            } else {
                reader->body.append(reinterpret_cast<const char*>(reader->chunk.data()), n);
            }
        }
        return read_body(reader);
    });
}

cphttp::http_response to_cpprest(HttpResponse response) {
    int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
    cphttp::http_response out(static_cast<cphttp::status_code>(status));
    // set_body adds a default Content-Type; only the handler's own headers may appear.
    if (response.shared_body) {
        out.set_body(*response.shared_body);
    } else {
        out.set_body(std::move(response.body));
    }
    out.headers().remove(cphttp::header_names::content_type);
    for (const auto& header : response.headers) {
        if (equals_ignore_case(header.name, "Content-Length") ||
            equals_ignore_case(header.name, "Transfer-Encoding")) {
            continue;
        }
        out.headers().add(header.name, header.value);
    }
    return out;
}

HttpResponse with_close(HttpResponse response) {
    response.headers.push_back({"Connection", "close"});
    return response;
}

HttpResponse call_handler(Shared& shared, const HttpRequest& request) {
    try {
        return shared.handler(request);
    } catch (const std::exception& e) {
        return error_response(
            core::unhandled_exception(std::string("Request handler failed: ") + e.what()));
    } catch (...) {
        return error_response(core::unhandled_exception("Request handler failed"));
    }
}

// Tells the owner about an answer given without the handler.
void report_refusal(const Shared& shared, const cphttp::http_request& request,
                    const HttpResponse& response) {
    if (!shared.options.on_refused) return;
    HttpRequest seen;
    seen.method = request.method();
    std::string target = request.request_uri().to_string();
    auto parsed = parse_request_target(target);
    seen.path = parsed ? std::move(parsed->path) : target;
    shared.options.on_refused(seen, response);
}

void finish(const std::shared_ptr<Shared>& shared) {
    std::lock_guard lock(shared->mutex);
    if (--shared->in_flight == 0) shared->idle.notify_all();
}

void reply(const std::shared_ptr<Shared>& shared, cphttp::http_request& request,
           HttpResponse response) {
    request.reply(to_cpprest(std::move(response))).then([shared](pplx::task<void> sent) {
        try {
            sent.get();
        } catch (...) {
            // The client went away; nothing is left to answer.
        }
        finish(shared);
    });
}

void on_request(const std::shared_ptr<Shared>& shared, cphttp::http_request request) {
    {
        std::lock_guard lock(shared->mutex);
        if (shared->stopping) {
            report_refusal(*shared, request, shutting_down_response());
            request.reply(to_cpprest(shutting_down_response())).then([](pplx::task<void> sent) {
                try {
                    sent.get();
                } catch (...) {
                }
            });
            return;
        }
        ++shared->in_flight;
    }

    auto reader = std::make_shared<BodyReader>();
    reader->source = request.body().streambuf();
    reader->limit = shared->options.max_body_bytes;
    auto target = parse_request_target(request.request_uri().to_string());
    // A declared length over the limit is refused at once; the body is still drained (and
    // dropped) because cpprest answers only after reading it.
    if (request.headers().content_length() > reader->limit) reader->too_large = true;

    read_body(reader).then([shared, request, reader,
                            target = std::move(target)](pplx::task<void> read) mutable {
        bool complete = true;
        try {
            read.get();
        } catch (...) {
            complete = false;
        }
        if (reader->too_large) {
            auto refusal = with_close(payload_too_large_response(shared->options.max_body_bytes));
            report_refusal(*shared, request, refusal);
            return reply(shared, request, std::move(refusal));
        }
        if (!complete || !target) {
            report_refusal(*shared, request, bad_request_response());
            return reply(shared, request, bad_request_response());
        }

        HttpRequest converted;
        converted.method = request.method();
        converted.path = std::move(target->path);
        converted.query = std::move(target->query);
        for (const auto& header : request.headers()) {
            converted.headers.push_back({header.first, header.second});
        }
        converted.body = std::move(reader->body);
        reply(shared, request, call_handler(*shared, converted));
    });
}

// cpprest cannot report the port it bound, so port 0 is resolved here first. Another process
// could take the port in between; start() then fails with a clear error.
std::uint16_t find_free_port(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), "0", &hints, &found) != 0 || found == nullptr) {
        throw core::listen_failed(host, "the host name does not resolve to an address");
    }
    std::uint16_t port = 0;
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0) {
        sockaddr_storage bound{};
        socklen_t length = sizeof(bound);
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
            if (bound.ss_family == AF_INET) {
                port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
            } else if (bound.ss_family == AF_INET6) {
                port = ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
            }
        }
    }
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
    if (port == 0) throw core::listen_failed(host, "no free port");
    return port;
}

class CpprestListener final : public Listener {
public:
    CpprestListener(const ListenerOptions& options, Handler handler)
        : shared_(std::make_shared<Shared>()) {
        shared_->handler = std::move(handler);
        shared_->options = options;
    }

    ~CpprestListener() override { stop(0); }

    void start() override {
        std::lock_guard lock(lifecycle_);
        if (started_) return;
        const auto& options = shared_->options;
        port_ = options.port != 0 ? options.port : find_free_port(options.host);
        bool v6 = options.host.find(':') != std::string::npos;
        std::string host = v6 ? "[" + options.host + "]" : options.host;
        std::string where = host + ":" + std::to_string(port_);

        http_listener_config config;
        config.set_timeout(std::chrono::seconds(std::max(1u, options.idle_timeout_ms / 1000)));
        try {
            listener_ = std::make_unique<http_listener>("http://" + where + "/", config);
            std::shared_ptr<Shared> shared = shared_;
            listener_->support(
                [shared](cphttp::http_request request) { on_request(shared, std::move(request)); });
            listener_->open().wait();
        } catch (const std::exception& e) {
            listener_.reset();
            auto* http_error = dynamic_cast<const cphttp::http_exception*>(&e);
            throw core::listen_failed(
                where,
                listen_failure_cause(http_error ? http_error->error_code().value() : 0, e.what()));
        }
        started_ = true;
    }

    void stop(unsigned drain_ms) override {
        std::lock_guard lock(lifecycle_);
        if (!started_ || stopped_) return;
        stopped_ = true;
        {
            std::unique_lock state(shared_->mutex);
            shared_->stopping = true;
            shared_->idle.wait_for(state, std::chrono::milliseconds(drain_ms),
                                   [&] { return shared_->in_flight == 0; });
        }
        try {
            listener_->close().wait();
        } catch (...) {
            // Closing reports connections that failed while closing; they are gone either way.
        }
    }

    std::uint16_t port() const override { return port_; }

private:
    std::shared_ptr<Shared> shared_;
    std::unique_ptr<http_listener> listener_;
    std::uint16_t port_ = 0;
    std::mutex lifecycle_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Listener> make_cpprest_listener(const ListenerOptions& options, Handler handler) {
    return std::make_unique<CpprestListener>(options, std::move(handler));
}

}  // namespace cosmos::http
