#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/core/json.h"
#include "tests/support/fault_plan.h"
#include "tests/support/loopback_server.h"

namespace universe_test {

/// When the deployments that mutating calls create finish (marathon.md section 5.4).
struct DeploymentMode {
    /// See the factory functions below.
    enum class Kind { kImmediate, kAfterPolls, kAfterDelay, kNever };
    Kind kind = Kind::kImmediate;        ///< the rule
    int polls = 0;                       ///< kAfterPolls: listed by this many GET /v2/deployments
    std::chrono::milliseconds delay{0};  ///< kAfterDelay: listed for this long

    /// Finished before the call returns: never listed.
    static DeploymentMode immediate() { return {}; }
    /// Listed by the next n GET /v2/deployments answers, absent from the one after.
    static DeploymentMode after_polls(int n) { return {Kind::kAfterPolls, n, {}}; }
    /// Listed until delay has passed.
    static DeploymentMode after_delay(std::chrono::milliseconds d) {
        return {Kind::kAfterDelay, 0, d};
    }
    /// Listed until a test completes or cancels it.
    static DeploymentMode never() { return {Kind::kNever, 0, {}}; }
};

/// When a deleted app disappears from GET /v2/apps.
enum class DeleteVisibility {
    kImmediate,        ///< at once (default)
    kAfterDeployment,  ///< when the delete's deployment finishes
};

/// Construction options of MarathonEmulator.
struct MarathonOptions {
    std::uint16_t port = 0;                  ///< 0 = any free port
    std::string bind_address = "127.0.0.1";  ///< IPv4 address to listen on
    /// Validate against AppDefinition.json (the frozen 1.8 schema) instead of
    /// AppDefinition.relaxed.json.
    bool strict_schema = false;
    /// Accept role, tty, check and resourceLimits at top level despite the schema (Marathon 1.9+).
    bool newer_marathon_fields = false;
    /// Seeds deployment ids and timestamps so that runs are reproducible.
    std::optional<std::uint64_t> seed;
    /// When set, every call but /ping needs "Authorization: token=<required_token>".
    std::optional<std::string> required_token;
    /// Overrides the schema file (default: spec/marathon/... under ../shared via test_paths.h).
    std::optional<std::filesystem::path> schema_file;
    std::string marathon_version = "1.10.0";  ///< reported by GET /v2/info
};

/// A Marathon REST API emulator on a loopback port (marathon.md section 5): apps, label
/// selectors, deployments, validation with Marathon's status codes, auth, fault injection.
/// Every public member is thread-safe. Every response carries Content-Type: application/json
/// (GET /ping answers the JSON string "pong").
class MarathonEmulator {
public:
    /// Loads the schema (schema validation is off when the file is absent) and starts listening.
    /// Throws std::runtime_error when the port cannot be bound.
    explicit MarathonEmulator(MarathonOptions options = {});
    /// Stops the server first, then frees the state.
    ~MarathonEmulator();
    MarathonEmulator(const MarathonEmulator&) = delete;
    MarathonEmulator& operator=(const MarathonEmulator&) = delete;

    /// The bound port.
    std::uint16_t port() const;
    /// "http://127.0.0.1:<port>" (Marathon's base URI; also the base of Location headers).
    std::string url() const;
    /// Stops listening: calls are refused until restart(). State is kept.
    void stop();
    /// Listens again on the same port.
    void restart();

    /// True when posted apps are checked against a JSON Schema.
    bool schema_validation_enabled() const;
    /// The schema file in use, or nullopt when validation is off.
    std::optional<std::filesystem::path> schema_file() const;

    /// Stores app as POST would (id normalised, defaults, version, versionInfo) without
    /// validation or deployment. Returns the stored app. Throws std::invalid_argument when app
    /// has no string id or the id exists.
    cosmos::core::Json add_app(cosmos::core::Json app);
    /// Removes an app at once (no deployment). Returns false when it did not exist.
    bool remove_app(std::string_view id);
    /// Every stored app (without counts or deployments), sorted by id.
    std::vector<cosmos::core::Json> apps() const;
    /// The stored app with this id (normalised), or nullopt.
    std::optional<cosmos::core::Json> app(std::string_view id) const;

    /// Sets how later deployments finish (running ones keep their rule).
    void set_deployment_mode(DeploymentMode mode);
    /// Sets when deleted apps disappear.
    void set_delete_visibility(DeleteVisibility visibility);
    /// The running deployments, in the GET /v2/deployments shape, oldest first.
    std::vector<cosmos::core::Json> deployments() const;
    /// Finishes every running deployment.
    void complete_deployments();
    /// Finishes one deployment; false when it is not running.
    bool complete_deployment(std::string_view id);

    /// Requires "Authorization: token=<token>" (nullopt = no auth). Missing or not token-shaped
    /// → 401 with WWW-Authenticate: acsjwt; another token → 403.
    void set_required_token(std::optional<std::string> token);
    /// Switches the "newer Marathon" allow-list (see MarathonOptions).
    void set_newer_marathon_fields(bool accept);

    /// Faults applied before auth and routing.
    FaultPlan& faults();
    /// Every request received (also those routed through serve()).
    RequestLog& log();
    /// {"apps":[stored apps], "deployments":[running deployments]}.
    cosmos::core::Json state() const;

    /// Handles one request as if it had arrived on this emulator's port (it is logged too).
    /// Lets an Admin Router emulator serve <dcosUri>/marathon/... in-process.
    Reply serve(const Request& request);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    LoopbackServer server_;
};

}  // namespace universe_test
