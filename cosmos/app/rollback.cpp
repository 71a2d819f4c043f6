#include "cosmos/app/rollback.h"

#include "cosmos/app/service_manager.h"
#include "cosmos/core/error.h"

namespace cosmos::app {

std::optional<std::string> unrestorable_reason(const OperationRecord& record) {
    const std::string& op = record.operation;
    if (op == "uninstall") return "it records an uninstall, which left no app to restore";
    if (op != "install" && op != "update" && op != "rollback") {
        return "it records a " + op + ", which cannot be restored";
    }
    if (record.outcome != "success") {
        return "it records a failed " + op + ", which left nothing to restore";
    }
    if (record.app_id.empty()) {
        return "the install created no Marathon app (the package has no Marathon template)";
    }
    if (!record.restore_point) {
        return "it does not keep the package definition that a rollback needs (it was recorded "
               "before records kept one)";
    }
    return std::nullopt;
}

RollbackResult rollback(ServiceManager& services, const core::Codec& codec,
                        const RollbackRequest& request, const Credentials& auth) {
    auto record = services.find_record(request.record_id);
    if (!record) throw core::history_record_not_found(request.record_id);
    if (record->app_id != request.app_id) {
        throw core::history_record_app_mismatch(record->id, request.app_id, record->app_id);
    }
    if (auto reason = unrestorable_reason(*record)) {
        throw core::history_record_not_restorable(record->id, *reason);
    }
    ChosenUpdate change;
    try {
        change.package =
            core::decode_definition_label(record->restore_point->package_definition, codec);
    } catch (const core::Error& e) {
        throw core::history_record_not_restorable(
            record->id, "the package definition it keeps cannot be read: " + std::string(e.what()));
    }
    change.app_id = record->app_id;
    change.source_uri = record->restore_point->source_uri;
    change.user_options = record->options;
    change.operation = "rollback";
    change.rollback_of = record->id;
    auto applied = services.apply(change, auth);
    return {applied.package.name,
            applied.package.version.str(),
            change.app_id,
            std::move(applied.resolved_options),
            std::move(applied.deployment_id),
            applied.record_id};
}

}  // namespace cosmos::app
