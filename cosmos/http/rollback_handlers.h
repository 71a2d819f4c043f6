#pragma once

#include "cosmos/http/handlers.h"
#include "cosmos/http/router.h"

namespace cosmos::http {

/// Registers POST /package/rollback (our addition): request kRollbackRequestType
/// {"appId", "recordId"}, response kRollbackResponseType {"packageName", "packageVersion",
/// "appId", "resolvedOptions", "deploymentId", "recordId"} where recordId is the rollback's own
/// history record (absent only when the history could not be written). Without
/// context.services it answers NotImplemented (501).
void register_rollback_routes(Router& router, ServerContext& context);

}  // namespace cosmos::http
