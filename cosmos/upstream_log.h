#pragma once

#include <functional>
#include <string>

#include "cosmos/app/ports.h"

namespace cosmos {

/// An HttpClient that passes every call on to another one and describes it in one line for the
/// debug log: "upstream GET <url> -> 200 in 3.1 ms", or "... failed after 10000.4 ms: <cause>".
/// With an empty sink it only passes calls on.
class LoggingHttpClient : public app::HttpClient {
public:
    using Sink = std::function<void(const std::string& line)>;
    LoggingHttpClient(app::HttpClient& inner, Sink sink);
    app::HttpReply send(const app::HttpCall& call) override;

private:
    app::HttpClient& inner_;
    Sink sink_;
};

}  // namespace cosmos
