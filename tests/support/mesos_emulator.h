#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/core/json.h"
#include "tests/support/fault_plan.h"
#include "tests/support/loopback_server.h"
#include "tests/support/marathon_emulator.h"

namespace universe_test {

/// What an SDK scheduler behind Admin Router answers.
struct SdkService {
    /// GET /service/<name>/v1/state/frameworkId answers this JSON string array.
    std::vector<std::string> framework_ids;
    /// Status of GET /service/<name>/v1/plans/deploy (200 = deployment complete).
    int plan_status = 200;
    /// Body of the plan; null = {"phases":[],"errors":[],"status":"COMPLETE"}.
    cosmos::core::Json plan_body;
};

/// The SDK scheduler that the Marathon app "/<name>" stands for, if it is an SDK app (it carries
/// the DCOS_COMMONS_UNINSTALL label): its plans are complete (deploy plan 200 COMPLETE, also once
/// SDK_UNINSTALL is set, as a scheduler that finished its uninstall answers) and its framework id
/// is "<name>-framework-id". A registered SdkService of the same name wins.
std::optional<SdkService> sdk_scheduler_of(const MarathonEmulator& marathon,
                                           const std::string& name);

/// Construction options of MesosEmulator.
struct MesosOptions {
    std::uint16_t port = 0;                  ///< 0 = any free port
    std::string bind_address = "127.0.0.1";  ///< IPv4 address to listen on
    /// When set, every call not routed to Marathon needs "Authorization: token=<token>".
    std::optional<std::string> required_token;
    std::string dcos_version = "2.1.0";  ///< "version" of dcos-version.json
    std::string dcos_image_commit = "0000000000000000000000000000000000000000";
    std::string bootstrap_id = "00000000000000000000000000000000";
};

/// The Mesos master endpoints the package service calls plus the Admin Router pieces, on one
/// loopback port (marathon.md sections 3, 5.1, 5.5):
/// - GET /master/frameworks, POST /master/teardown (also under /mesos/, as behind Admin Router);
/// - GET /dcos-metadata/dcos-version.json;
/// - GET /service/<name>/v1/state/frameworkId and /v1/plans/deploy for registered SDK services,
///   and, with a Marathon attached, for the SDK apps running on it (sdk_scheduler_of); any
///   /service/<name>/... call for services given a handler (custom package managers);
/// - /marathon/... forwarded in-process to an attached MarathonEmulator, so that this port can
///   stand for a whole cluster (dcosUri). Marathon keeps its own port, state and log; the
///   forwarded request appears in both logs.
/// Separate from MarathonEmulator so that each upstream can fail (or be refused) on its own.
/// Every public member is thread-safe.
class MesosEmulator {
public:
    /// Starts listening; throws std::runtime_error when the port cannot be bound.
    explicit MesosEmulator(MesosOptions options = {});
    /// Stops the server first.
    ~MesosEmulator();
    MesosEmulator(const MesosEmulator&) = delete;
    MesosEmulator& operator=(const MesosEmulator&) = delete;

    /// The bound port.
    std::uint16_t port() const;
    /// "http://127.0.0.1:<port>".
    std::string url() const;
    /// Stops listening: connections are refused until restart(). State is kept.
    void stop();
    /// Listens again on the same port.
    void restart();

    /// Registers an active framework {"id","name",<extra members>,"active":true}. Names may repeat
    /// (to get several frameworks for one package); an existing id is replaced.
    void add_framework(std::string id, std::string name,
                       cosmos::core::Json extra = cosmos::core::Json::object());
    /// Forgets every active and completed framework.
    void clear_frameworks();
    /// Active frameworks in registration order.
    std::vector<cosmos::core::Json> frameworks() const;
    /// Torn-down frameworks in teardown order.
    std::vector<cosmos::core::Json> completed_frameworks() const;

    /// Sets the "version" of dcos-version.json.
    void set_dcos_version(std::string version);
    /// Registers (or replaces) an SDK service under /service/<name>/.
    void set_sdk_service(std::string name, SdkService service);
    /// Routes every /service/<name>/... call to handler (it sees the full path).
    void set_service_handler(std::string name, LoopbackServer::Handler handler);
    /// Forwards /marathon/... to marathon (nullptr detaches). marathon must outlive this.
    void attach_marathon(MarathonEmulator* marathon);
    /// Requires "Authorization: token=<token>" (nullopt = none): missing → 401 with
    /// WWW-Authenticate: acsjwt, another token → 403.
    void set_required_token(std::optional<std::string> token);

    /// Faults applied before auth and routing (path patterns see the full path).
    FaultPlan& faults();
    /// Every request received on this port.
    RequestLog& log();
    /// {"frameworks":[...], "completed_frameworks":[...], "sdk_services":{name: {...}}}.
    cosmos::core::Json state() const;

private:
    Reply handle(const Request& request);
    Reply route(const Request& request);
    Reply teardown(const Request& request);

    MesosOptions options_;
    FaultPlan faults_;
    mutable std::mutex mutex_;
    std::vector<cosmos::core::Json> frameworks_;
    std::vector<cosmos::core::Json> completed_;
    std::map<std::string, SdkService> sdk_services_;
    std::map<std::string, LoopbackServer::Handler> service_handlers_;
    MarathonEmulator* marathon_ = nullptr;
    LoopbackServer server_;
};

/// {"apps","deployments"} of marathon plus {"frameworks","completed_frameworks"} of mesos: the
/// whole emulated cluster, for golden files and failure messages.
cosmos::core::Json cluster_state(const MarathonEmulator& marathon, const MesosEmulator& mesos);

}  // namespace universe_test
