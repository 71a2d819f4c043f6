#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosmos/app/cluster_clients.h"
#include "cosmos/app/job_runner.h"
#include "cosmos/app/ports.h"
#include "cosmos/app/repository_service.h"
#include "cosmos/app/requests.h"
#include "cosmos/core/error.h"
#include "cosmos/core/package.h"
#include "cosmos/core/render.h"

namespace cosmos::app {

/// Settings of the install/list/uninstall/update use-cases.
struct ServiceConfig {
    ClusterSettings cluster;
    core::Codec codec;
    /// Lower-case hex SHA-256 (the digest adapter), for operation records.
    std::function<std::string(std::string_view)> sha256;
    /// The SDK uninstall's background task polls this often, at most sdk_max_polls times.
    std::chrono::milliseconds sdk_poll_interval{10000};
    int sdk_max_polls = 10000;
};

struct InstallResult {
    std::string package_name;
    std::string package_version;
    std::optional<std::string> app_id;  ///< absent for CLI-only packages
    std::optional<std::string> post_install_notes;
    std::optional<core::CliInfo> cli;
};

struct InstalledPackage {
    std::string app_id;
    core::Package package;  ///< from the app's DCOS_PACKAGE_DEFINITION label
};

struct UninstallResult {
    std::string package_name;
    std::string app_id;
    std::optional<std::string> package_version;
    std::optional<std::string> post_uninstall_notes;
};

struct ServiceDescription {
    core::Package package;
    bool from_label = true;  ///< false when looked up in the repositories
    std::vector<std::string> upgrades_to;
    std::vector<std::string> downgrades_to;
    std::optional<core::Json> resolved_options;
    std::optional<core::Json> user_provided_options;
};

struct ServiceUpdateResult {
    core::Package package;
    core::Json resolved_options;
    std::string deployment_id;
    std::optional<std::int64_t> record_id;  ///< absent when the history could not be written
};

/// An installed app's change to a package and options the caller has chosen already (a
/// rollback), and how it is recorded.
struct ChosenUpdate {
    std::string app_id;  ///< normalised
    core::Package package;
    std::string source_uri;                          ///< becomes DCOS_PACKAGE_SOURCE
    core::Json user_options = core::Json::object();  ///< replace the stored ones
    std::string operation = "update";                ///< the history record's operation
    std::optional<std::int64_t> rollback_of;         ///< recorded with it
};

/// The job kind of an SDK uninstall waiting for its scheduler.
inline constexpr std::string_view kSdkUninstallJob = "sdk-uninstall";

/// Installs, lists, uninstalls, describes and updates packages on Marathon (cosmos-api.md §7.6-
/// §7.12, §13), and records each install, update and uninstall in the OperationStore.
///
/// The background part of an SDK uninstall is a stored job run by `jobs`, so that another
/// instance (or this one after a restart) finishes it when this instance dies.
class ServiceManager {
public:
    /// Registers the SDK uninstall handler with `jobs`.
    ServiceManager(RepositoryService& repositories, HttpClient& client, OperationStore& records,
                   Clock& clock, JobRunner& jobs, ServiceConfig config);
    ~ServiceManager();

    /// v1_response: the caller negotiated the install v1 response, which needs an app id, so a
    /// package without a template is ServiceMarathonTemplateNotFound.
    InstallResult install(const InstallRequest& request, const Credentials& auth, bool v1_response);

    /// Packages installed on Marathon, read from app labels only (repositories are not
    /// consulted), sorted by package name then app id.
    std::vector<InstalledPackage> list(const ListRequest& request, const Credentials& auth);

    /// Cosmos's uninstall: AmbiguousAppId unless `all`; plain apps are deleted with force and
    /// their framework torn down; SDK apps start the SDK uninstall and finish in the background.
    std::vector<UninstallResult> uninstall(const UninstallRequest& request,
                                           const Credentials& auth);

    ServiceDescription describe(const ServiceDescribeRequest& request, const Credentials& auth);

    /// Cosmos's update (option merge, replace, AppIdChanged), and beyond open-source Cosmos a
    /// version change when the target's upgradesFrom or the current package's downgradesTo
    /// allow it (VersionChangeNotAllowed otherwise).
    ServiceUpdateResult update(const ServiceUpdateRequest& request, const Credentials& auth);

    /// update() with the target chosen by the caller: the app must be installed
    /// (MarathonAppNotFound); the package is rendered with the user options (AppIdChanged when
    /// the rendered id differs) and replaces the app as update() does. Marathon refusing it is
    /// MarathonBadResponse / MarathonGenericError (4xx) or MarathonBadGateway (5xx). Success and
    /// failure are recorded as change.operation; a failure changes nothing on Marathon.
    ServiceUpdateResult apply(const ChosenUpdate& change, const Credentials& auth);

    /// Operation records, newest first.
    std::vector<OperationRecord> history(const PackageHistoryRequest& request);

    /// The operation record with this id, or nullopt.
    std::optional<OperationRecord> find_record(std::int64_t id);

    /// Stops background tasks (waits for them to notice); their jobs stay stored.
    void stop();

    /// Number of SDK uninstalls running in the background on this instance.
    std::size_t background_tasks() const;

private:
    struct Located {
        core::Package package;
        std::string source_uri;
        bool from_label = true;
    };
    Located locate(const MarathonApp& app, const std::string& missing_message);
    /// Stores a record (a successful one with an app keeps its restore point); returns its id,
    /// or nullopt when the store failed, which never fails the operation itself.
    std::optional<std::int64_t> record(const std::string& operation, const std::string& name,
                                       const std::string& version, const std::string& app_id,
                                       const core::Json& options, const core::Json* app,
                                       const core::Error* error,
                                       std::optional<std::int64_t> rollback_of = std::nullopt);
    /// The part update() and apply() share: render (labels regenerated), AppIdChanged, then
    /// PUT with force. Returns the rendered app and Marathon's status and body.
    struct Replaced {
        core::RenderedApp rendered;
        int status = 0;
        std::string body;
    };
    Replaced replace(const std::string& app_id, const core::Package& target,
                     const std::string& source_uri, const core::Json& user_options,
                     const Credentials& auth);
    UninstallResult uninstall_one(const MarathonApp& app, const std::string& package_name,
                                  const Credentials& auth);
    void start_sdk_uninstall(const MarathonApp& app, const Credentials& auth);
    JobOutcome finish_sdk_uninstall(const Job& job, const JobClaim& claim);

    RepositoryService& repositories_;
    MarathonClient marathon_;
    MesosClient mesos_;
    AdminRouterClient admin_router_;
    OperationStore& records_;
    Clock& clock_;
    JobRunner& jobs_;
    ServiceConfig config_;
};

}  // namespace cosmos::app
