#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cosmos/http/router.h"

namespace cosmos::http {

/// One repository's numbers for /metrics.
struct RepositoryGauge {
    std::string name;
    std::uint64_t successes = 0;
    std::uint64_t failures = 0;
    std::uint64_t not_modified = 0;
    bool up = false;                    ///< the last refresh succeeded (or nothing failed yet)
    std::size_t packages = 0;           ///< distinct package names
    std::size_t revisions = 0;          ///< package revisions
    std::optional<double> age_seconds;  ///< now minus when the served content was fetched
};

/// Request counters and latency histograms, rendered in the Prometheus text format (0.0.4).
class Metrics {
public:
    /// Records one request (thread-safe).
    void observe(const RequestRecord& record);

    /// The exposition text: cosmos_http_requests_total{endpoint,status},
    /// cosmos_http_request_duration_seconds{endpoint} histogram, and the repository gauges
    /// cosmos_repository_fetch_total{repository,outcome}, cosmos_repository_up,
    /// cosmos_repository_packages, cosmos_repository_revisions, cosmos_repository_age_seconds,
    /// cosmos_index_age_seconds.
    std::string render(const std::vector<RepositoryGauge>& repositories,
                       double index_age_seconds) const;

    /// Histogram bucket bounds, in seconds.
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
};

}  // namespace cosmos::http
