#include "cosmos/http/listener.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cosmos/core/error.h"
#include "cosmos/http/rpc.h"

namespace cosmos::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
// Each connection runs on its own strand of the shared io_context. The executor type is spelled
// out instead of type-erased (asio::any_io_executor): type erasure cost a tenth of the work per
// request.
using Executor = asio::strand<asio::io_context::executor_type>;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor>;

// Large enough for long Authorization tokens; the request line counts towards it too.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(60);
// After refusing a request we still read (and drop) what the client keeps sending for a moment:
// closing with unread data makes the kernel send a reset, which can destroy our answer in flight.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerChunk = 16 * 1024;
// How long stop() waits for connections to close after the drain, before abandoning them.
constexpr auto kCloseWait = std::chrono::seconds(5);

class Session;

// What the listener and its connections share; connections keep it alive.
struct Shared {
    Handler handler;
    ListenerOptions options;
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable drained;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
};

// Errors that mean the peer went away or we closed the socket: no answer is possible.
bool is_disconnect(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
           ec == asio::error::not_connected || ec == beast::error::timeout ||
           ec == asio::error::bad_descriptor;
}

HttpResponse internal_error(const char* what) {
    return error_response(
        core::unhandled_exception(std::string("Request handler failed: ") + what));
}

// One connection: reads requests one after another and answers each in order. Everything runs on
// the connection's strand; stop() reaches it only through posts.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Socket socket, std::shared_ptr<Shared> shared)
        : stream_(std::move(socket)), shared_(std::move(shared)) {}

    ~Session() {
        std::lock_guard lock(shared_->mutex);
        shared_->sessions.erase(this);
        if (shared_->sessions.empty()) shared_->drained.notify_all();
    }

    void start() {
        {
            std::lock_guard lock(shared_->mutex);
            shared_->sessions.emplace(this, weak_from_this());
        }
        asio::dispatch(stream_.get_executor(),
                       [self = shared_from_this()] { self->read_header(); });
    }

    // Closes the connection when it waits for a request; a request being served finishes first.
    void close_if_idle() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->idle_) self->close();
        });
    }

    void close_now() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
    }

private:
    void read_header() {
        if (shared_->stopping) return close();
        idle_ = true;
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(shared_->options.max_body_bytes);
        stream_.expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
        bhttp::async_read_header(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        idle_ = false;
        if (ec == bhttp::error::body_limit) return refuse_too_large();
        if (ec) {
            if (is_disconnect(ec)) return close();
            return refuse(bad_request_response(), seen_request());
        }
        const auto& request = parser_->get();
        if (beast::iequals(request[bhttp::field::expect], "100-continue")) {
            continue_.emplace(bhttp::status::continue_, request.version());
            stream_.expires_after(kWriteTimeout);
            bhttp::async_write(
                stream_, *continue_,
                [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                    self->continue_.reset();
                    if (write_ec) return self->close();
                    self->read_body();
                });
            return;
        }
        read_body();
    }

    void read_body() {
        // A small request's body usually arrived with its header: taken from the buffer at once,
        // it needs no further trip through the reactor.
        parser_->eager(true);
        while (!parser_->is_done() && buffer_.size() > 0) {
            beast::error_code ec;
            std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == bhttp::error::need_more) break;
            if (ec) return on_body(ec, 0);
            if (used == 0) break;
        }
        if (parser_->is_done()) return on_body({}, 0);
        stream_.expires_after(std::chrono::milliseconds(shared_->options.idle_timeout_ms));
        bhttp::async_read(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_body, shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t) {
        if (ec == bhttp::error::body_limit) return refuse_too_large();
        if (ec) {
            if (is_disconnect(ec)) return close();
            return refuse(bad_request_response(), seen_request());
        }
        serve();
    }

    // The method and path of the request being read, as far as they arrived.
    HttpRequest seen_request() const {
        HttpRequest seen;
        if (!parser_) return seen;
        const auto& header = parser_->get();
        seen.method = std::string(header.method_string());
        auto raw = header.target();
        std::string_view target(raw.data(), raw.size());
        auto parsed = parse_request_target(target);
        seen.path = parsed ? std::move(parsed->path) : std::string(target);
        return seen;
    }

    void serve() {
        auto message = parser_->release();
        parser_.reset();
        auto raw_target = message.target();
        auto target = parse_request_target(std::string_view(raw_target.data(), raw_target.size()));
        if (!target) {
            HttpRequest seen;
            seen.method = std::string(message.method_string());
            seen.path = std::string(raw_target);
            return refuse(bad_request_response(), seen);
        }

        HttpRequest request;
        request.method = std::string(message.method_string());
        request.path = std::move(target->path);
        request.query = std::move(target->query);
        for (const auto& field : message) {
            request.headers.push_back(
                {std::string(field.name_string()), std::string(field.value())});
        }
        request.body = std::move(message.body());

        HttpResponse response;
        try {
            response = shared_->handler(request);
        } catch (const std::exception& e) {
            response = internal_error(e.what());
        } catch (...) {
            response = internal_error("unknown exception");
        }
        write(std::move(response), message.keep_alive(), message.version(),
              message.method() == bhttp::verb::head, false);
    }

    void refuse_too_large() {
        refuse(payload_too_large_response(shared_->options.max_body_bytes), seen_request());
    }

    // Answers and closes without reading the rest of the request; the answer is reported.
    void refuse(HttpResponse response, const HttpRequest& seen) {
        if (shared_->options.on_refused) shared_->options.on_refused(seen, response);
        write(std::move(response), false, 11, false, true);
    }

    // The response is written as its header text and its body, straight from where the body
    // lives (a cached answer is shared, not copied), in the form Beast's serializer gives.
    void write(HttpResponse response, bool keep_alive, unsigned version, bool head, bool linger) {
        int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
        header_.clear();
        header_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
        header_ += std::to_string(status);
        header_ += ' ';
        auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
        header_.append(reason.data(), reason.size());
        header_ += "\r\n";
        for (const auto& header : response.headers) {
            // Framing is ours: the length comes from the body, and "close" ends the connection.
            if (beast::iequals(header.name, "Content-Length") ||
                beast::iequals(header.name, "Transfer-Encoding")) {
                continue;
            }
            if (beast::iequals(header.name, "Connection")) {
                if (beast::iequals(header.value, "close")) keep_alive = false;
                continue;
            }
            header_ += header.name;
            header_ += ": ";
            header_ += header.value;
            header_ += "\r\n";
        }
        body_ = std::move(response.body);
        shared_body_ = std::move(response.shared_body);
        std::string_view body = shared_body_ ? std::string_view(*shared_body_) : body_;
        header_ += "Content-Length: ";
        header_ += std::to_string(body.size());
        header_ += "\r\n";
        keep_alive = keep_alive && !shared_->stopping;
        // HTTP/1.1 connections persist unless closed; HTTP/1.0 ones only when asked to.
        if (version >= 11 && !keep_alive) header_ += "Connection: close\r\n";
        if (version < 11 && keep_alive) header_ += "Connection: keep-alive\r\n";
        header_ += "\r\n";
        if (head) body = {};

        std::array<asio::const_buffer, 2> buffers{asio::buffer(header_),
                                                  asio::buffer(body.data(), body.size())};
        stream_.expires_after(kWriteTimeout);
        asio::async_write(
            stream_, buffers,
            [self = shared_from_this(), keep_alive, linger](beast::error_code ec, std::size_t) {
                self->body_.clear();
                self->shared_body_.reset();
                if (ec) return self->close();
                if (linger) return self->linger();
                if (!keep_alive) return self->close();
                self->read_header();
            });
    }

    void linger() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kLingerTime);
        discard();
    }

    void discard() {
        buffer_.clear();
        stream_.async_read_some(buffer_.prepare(kLingerChunk),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->discard();
                                });
    }

    void close() {
        idle_ = false;
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    Stream stream_;
    std::shared_ptr<Shared> shared_;
    beast::flat_buffer buffer_;  // kept across requests of the connection
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::string header_;  // of the response being written
    std::string body_;    // the body being written, unless it is shared
    std::shared_ptr<const std::string> shared_body_;
    std::optional<bhttp::response<bhttp::empty_body>> continue_;
    bool idle_ = true;
};

class BeastListener final : public Listener {
public:
    BeastListener(const ListenerOptions& options, Handler handler)
        : shared_(std::make_shared<Shared>()),
          io_(static_cast<int>(thread_count(options))),
          acceptor_(asio::make_strand(io_)),
          retry_timer_(acceptor_.get_executor()) {
        shared_->handler = std::move(handler);
        shared_->options = options;
    }

    ~BeastListener() override { stop(0); }

    void start() override {
        std::lock_guard lock(lifecycle_);
        if (started_) return;
        const auto& options = shared_->options;
        std::string where = options.host + ":" + std::to_string(options.port);
        beast::error_code ec;
        tcp::endpoint endpoint;
        auto address = asio::ip::make_address(options.host, ec);
        if (!ec) {
            endpoint = tcp::endpoint(address, options.port);
        } else {
            tcp::resolver resolver(io_);
            auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
            if (ec || results.empty()) {
                throw core::listen_failed(where, "the host name does not resolve to an address");
            }
            endpoint = results.begin()->endpoint();
        }
        auto fail = [&] {
            beast::error_code ignored;
            acceptor_.close(ignored);
            return core::listen_failed(where, listen_failure_cause(ec.value(), ec.message()));
        };
        if (acceptor_.open(endpoint.protocol(), ec)) throw fail();
        if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec)) throw fail();
        if (acceptor_.bind(endpoint, ec)) throw fail();
        if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) throw fail();
        port_ = acceptor_.local_endpoint(ec).port();

        work_.emplace(asio::make_work_guard(io_));
        accept();
        unsigned count = thread_count(options);
        threads_.reserve(count);
        for (unsigned i = 0; i < count; ++i) {
            threads_.emplace_back([this] { run(); });
        }
        started_ = true;
    }

    void stop(unsigned drain_ms) override {
        std::lock_guard lock(lifecycle_);
        if (!started_ || stopped_) return;
        stopped_ = true;
        shared_->stopping = true;

        // The listening socket closes first, so new connections are refused from now on.
        std::promise<void> closed;
        asio::post(acceptor_.get_executor(), [this, &closed] {
            beast::error_code ignored;
            acceptor_.close(ignored);
            retry_timer_.cancel();
            closed.set_value();
        });
        closed.get_future().wait();

        for (auto& session : live_sessions())
            session->close_if_idle();
        wait_for_sessions(std::chrono::milliseconds(drain_ms));

        // Past the drain: drop whatever is left. A handler still running is not interrupted;
        // joining below waits for it.
        for (auto& session : live_sessions())
            session->close_now();
        wait_for_sessions(kCloseWait);
        work_.reset();
        io_.stop();
        for (auto& thread : threads_)
            thread.join();
        threads_.clear();
    }

    std::uint16_t port() const override { return port_; }

private:
    static unsigned thread_count(const ListenerOptions& options) {
        if (options.threads > 0) return options.threads;
        return std::max(1u, std::thread::hardware_concurrency());
    }

    void run() {
        // Handlers catch their own exceptions; this keeps a worker alive if one slips through.
        for (;;) {
            try {
                io_.run();
                return;
            } catch (...) {
            }
        }
    }

    void accept() {
        acceptor_.async_accept(asio::make_strand(io_.get_executor()),
                               [this](beast::error_code ec, Socket socket) {
                                   if (!acceptor_.is_open() || ec == asio::error::operation_aborted)
                                       return;
                                   if (ec) {
                                       // Out of descriptors or similar: try again shortly instead
                                       // of spinning.
                                       retry_timer_.expires_after(std::chrono::milliseconds(50));
                                       retry_timer_.async_wait([this](beast::error_code timer_ec) {
                                           if (!timer_ec && acceptor_.is_open()) accept();
                                       });
                                       return;
                                   }
                                   beast::error_code ignored;
                                   socket.set_option(tcp::no_delay(true), ignored);
                                   std::make_shared<Session>(std::move(socket), shared_)->start();
                                   accept();
                               });
    }

    std::vector<std::shared_ptr<Session>> live_sessions() {
        std::vector<std::shared_ptr<Session>> result;
        std::lock_guard lock(shared_->mutex);
        for (auto& entry : shared_->sessions) {
            if (auto session = entry.second.lock()) result.push_back(std::move(session));
        }
        return result;
    }

    template <typename Duration>
    void wait_for_sessions(Duration timeout) {
        std::unique_lock lock(shared_->mutex);
        shared_->drained.wait_for(lock, timeout, [&] { return shared_->sessions.empty(); });
    }

    std::shared_ptr<Shared> shared_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    std::mutex lifecycle_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Listener> make_beast_listener(const ListenerOptions& options, Handler handler) {
    return std::make_unique<BeastListener>(options, std::move(handler));
}

}  // namespace cosmos::http
