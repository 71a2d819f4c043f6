#pragma once

#include <cstddef>
#include <memory>

#include "cosmos/app/ports.h"

namespace cosmos::adapters {

/// app::HttpClient over cpprestsdk. One exchange per send(): redirects are returned, not followed;
/// bodies and Content-Encoding pass through raw; no Accept-Encoding or User-Agent is added unless
/// the call carries one (Host, Content-Length and Connection are the only headers cpprest adds).
/// call.timeout bounds the whole exchange and the response body is read into a buffer that fails
/// at call.max_response_bytes, whatever Content-Length says. "file://" URLs are answered from the
/// local disk (GET only). cpprest keeps one value per header name, so repeated request or response
/// headers travel joined with ", ". Thread-safe; one cpprest client per origin is kept, so
/// keep-alive connections are reused.
class CpprestHttpClient : public app::HttpClient {
public:
    struct Options {
        std::size_t max_cached_origins = 64;  ///< clients kept; past it the cache starts over
        bool validate_certificates = true;    ///< https: verify the server's certificate chain
    };

    CpprestHttpClient();
    explicit CpprestHttpClient(Options options);
    ~CpprestHttpClient() override;

    CpprestHttpClient(const CpprestHttpClient&) = delete;
    CpprestHttpClient& operator=(const CpprestHttpClient&) = delete;

    /// Sends one request. Throws core::Error: endpoint_uri_syntax for a URL that is not absolute
    /// http, https or file; endpoint_uri_connection when the host cannot be resolved, refuses, or
    /// the connection breaks; timeout_error when call.timeout passes; payload_too_large past
    /// call.max_response_bytes.
    app::HttpReply send(const app::HttpCall& call) override;

private:
    struct Clients;
    Options options_;
    std::unique_ptr<Clients> clients_;
};

}  // namespace cosmos::adapters
