#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cosmos/app/cluster_clients.h"
#include "cosmos/app/ports.h"
#include "cosmos/app/requests.h"
#include "cosmos/core/json.h"
#include "cosmos/core/render.h"

namespace cosmos::app {

class ServiceManager;

/// What a rollback did.
struct RollbackResult {
    std::string package_name;
    std::string package_version;
    std::string app_id;
    core::Json resolved_options;
    std::string deployment_id;
    std::optional<std::int64_t> record_id;  ///< the rollback's own record (absent when the
                                            ///< history could not be written)
};

/// Why a history record cannot be rolled back to, in words, or nullopt when it can. Only a
/// successful install, update or rollback that left an app on Marathon and kept its restore
/// point can be.
std::optional<std::string> unrestorable_reason(const OperationRecord& record);

/// Our rollback: applies again the package version and options that record request.record_id
/// kept, through the update path (ServiceManager::apply), from the package definition the record
/// kept, so no repository needs to hold that version any more. Throws, recording nothing:
/// HistoryRecordNotFound, HistoryRecordAppMismatch (the record is of another app),
/// HistoryRecordNotRestorable (unrestorable_reason(), or a kept definition that no longer
/// decodes). Then every error of ServiceManager::apply, recorded as a failed "rollback" that
/// changed nothing. Success is recorded as a "rollback" with rollback_of = the record's id.
RollbackResult rollback(ServiceManager& services, const core::Codec& codec,
                        const RollbackRequest& request, const Credentials& auth);

}  // namespace cosmos::app
