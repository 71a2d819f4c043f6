#include "cosmos/http/store_status.h"

#include <cstdio>

namespace cosmos::http {

core::Json store_health(const app::StoreStatus& status, std::int64_t now_ms) {
    core::Json out{{"connected", status.connected},
                   {"state", status.state},
                   {"servers", status.servers},
                   {"sessionTimeoutMs", status.session_timeout_ms},
                   {"sessionExpirations", status.session_expirations}};
    if (status.session_id) out["sessionId"] = *status.session_id;
    if (status.last_change_ms) {
        out["lastChangeMs"] = *status.last_change_ms;
        out["secondsSinceLastChange"] =
            static_cast<double>(now_ms - *status.last_change_ms) / 1000.0;
    }
    return out;
}

std::string store_metrics(const app::StoreStatus& status) {
    std::string out;
    out +=
        "# HELP cosmos_zookeeper_connected 1 while connected to ZooKeeper (writes can succeed)\n"
        "# TYPE cosmos_zookeeper_connected gauge\n"
        "cosmos_zookeeper_connected " +
        std::string(status.connected ? "1" : "0") + "\n";
    if (status.session_id) {
        out +=
            "# HELP cosmos_zookeeper_session_info The current ZooKeeper session\n"
            "# TYPE cosmos_zookeeper_session_info gauge\n"
            "cosmos_zookeeper_session_info{session_id=\"" +
            *status.session_id + "\",timeout_ms=\"" + std::to_string(status.session_timeout_ms) +
            "\"} 1\n";
    }
    out +=
        "# HELP cosmos_zookeeper_session_expirations_total ZooKeeper sessions that expired and "
        "were replaced\n"
        "# TYPE cosmos_zookeeper_session_expirations_total counter\n"
        "cosmos_zookeeper_session_expirations_total " +
        std::to_string(status.session_expirations) + "\n";
    if (status.last_change_ms) {
        char value[64];
        std::snprintf(value, sizeof(value), "%.3f",
                      static_cast<double>(*status.last_change_ms) / 1000.0);
        out +=
            "# HELP cosmos_shared_state_last_change_timestamp_seconds When the shared state last "
            "changed (Unix time)\n"
            "# TYPE cosmos_shared_state_last_change_timestamp_seconds gauge\n"
            "cosmos_shared_state_last_change_timestamp_seconds " +
            std::string(value) + "\n";
    }
    return out;
}

}  // namespace cosmos::http
