#include "cosmos/http/rollback_handlers.h"

#include "cosmos/app/rollback.h"
#include "cosmos/app/service_manager.h"
#include "cosmos/core/error.h"
#include "cosmos/http/media_types.h"
#include "cosmos/http/rpc.h"
#include "cosmos/http/wire.h"

namespace cosmos::http {

namespace {

HttpResponse rollback(ServerContext& ctx, const HttpRequest& request) {
    static const EndpointSpec spec = rpc_endpoint(kRollbackRequestType, {kRollbackResponseType});
    auto typed =
        require(validate_typed<app::RollbackRequest>(request, spec, decode_rollback_request));
    if (!ctx.services) throw core::not_implemented("package rollback");
    auto result = app::rollback(*ctx.services, ctx.codec, typed.body, typed.request.authorization);
    core::Json body{{"packageName", result.package_name},
                    {"packageVersion", result.package_version},
                    {"appId", result.app_id},
                    {"resolvedOptions", result.resolved_options},
                    {"deploymentId", result.deployment_id}};
    if (result.record_id) body["recordId"] = *result.record_id;
    return json_response(typed.request, body);
}

}  // namespace

void register_rollback_routes(Router& router, ServerContext& ctx) {
    router.add("POST", "/package/rollback", "package/rollback",
               [&ctx](const HttpRequest& r) { return rollback(ctx, r); });
}

}  // namespace cosmos::http
