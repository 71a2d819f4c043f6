#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/loopback_server.h"

namespace universe_test {

/// One scripted misbehaviour of an emulated endpoint. Fields combine: e.g. latency plus status.
struct Fault {
    /// Answer this status instead of handling the request (state stays unchanged).
    std::optional<int> status;
    std::string body;                               ///< body of the fixed answer
    std::string content_type = "application/json";  ///< Content-Type of the fixed answer
    HeaderList headers;                             ///< extra headers of the fixed answer

    std::chrono::milliseconds latency{0};  ///< added before answering
    bool drop = false;                     ///< close the connection without an answer
    bool hang = false;                     ///< never answer (until the server stops)
    bool truncate = false;                 ///< announce more body than is sent, then close
    /// With drop or hang: handle the request first (state changes), then misbehave. By default
    /// the request is not handled.
    bool handle_first = false;

    // Changes to the handled answer:
    std::optional<std::string> content_type_override;  ///< replace its Content-Type
    bool malformed_json = false;                       ///< cut its body so it is not JSON
    std::optional<std::size_t> larger_than;  ///< pad the body with spaces past this many bytes
    bool omit_deployment_id = false;         ///< remove "deploymentId" from a JSON object body

    /// A fixed answer: status, body, Content-Type.
    static Fault fixed(int status, std::string body, std::string content_type = "application/json");
    /// Close the connection without answering.
    static Fault dropped();
    /// Never answer.
    static Fault hung();
    /// Answer normally after latency.
    static Fault delayed(std::chrono::milliseconds latency);
};

/// Faults scripted per endpoint (method + path glob), each for the next N matching calls.
/// Thread-safe.
class FaultPlan {
public:
    /// Every call, until clear().
    static constexpr int kAlways = -1;

    /// Applies fault to the next `times` requests whose method equals method ("*" or "" = any)
    /// and whose decoded path matches the glob path_pattern ('*' = any characters). Rules are
    /// tried in the order added; the first match with calls left wins.
    void add(std::string method, std::string path_pattern, Fault fault, int times = 1);
    /// Consumes one use of the first rule matching the request, if any.
    std::optional<Fault> take(std::string_view method, std::string_view path);
    /// Removes every rule.
    void clear();
    /// Scripted calls left over all rules (rules added with kAlways count as one).
    std::size_t pending() const;

private:
    struct Rule {
        std::string method;
        std::string path_pattern;
        Fault fault;
        int remaining;
    };
    mutable std::mutex mutex_;
    std::vector<Rule> rules_;
};

/// Produces the reply for a request under fault: handle() computes the normal answer; it is
/// not called for fixed answers, nor for drop/hang unless handle_first. Without a fault this is
/// handle().
Reply apply_fault(const std::optional<Fault>& fault, const std::function<Reply()>& handle);

}  // namespace universe_test
