#pragma once

#include <cstdint>
#include <string>

#include "cosmos/app/ports.h"
#include "cosmos/core/json.h"

namespace cosmos::http {

/// The "zookeeper" member of /health: {"connected", "state", "servers", "sessionId"?,
/// "sessionTimeoutMs", "sessionExpirations", "lastChangeMs"?, "secondsSinceLastChange"?}.
core::Json store_health(const app::StoreStatus& status, std::int64_t now_ms);

/// Prometheus lines: cosmos_zookeeper_connected, cosmos_zookeeper_session_info{session_id},
/// cosmos_zookeeper_session_expirations_total, cosmos_shared_state_last_change_timestamp_seconds.
std::string store_metrics(const app::StoreStatus& status);

}  // namespace cosmos::http
