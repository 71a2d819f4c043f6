#include "cosmos/http/metrics.h"

#include <cstdio>

namespace cosmos::http {

namespace {

std::string label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string number(double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.9g", v);
    return buffer;
}

}  // namespace

void Metrics::observe(const RequestRecord& record) {
    std::lock_guard lock(mutex_);
    ++requests_[{record.endpoint, record.status}];
    auto& h = latency_[record.endpoint];
    double seconds = record.milliseconds / 1000.0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::render(const std::vector<RepositoryGauge>& repositories,
                            double index_age_seconds) const {
    std::string out;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP cosmos_http_requests_total HTTP requests by endpoint and status.\n";
        out += "# TYPE cosmos_http_requests_total counter\n";
        for (const auto& [key, n] : requests_) {
            out += "cosmos_http_requests_total{endpoint=\"" + label(key.first) + "\",status=\"" +
                   std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
        }
        out += "# HELP cosmos_http_request_duration_seconds Time to answer a request.\n";
        out += "# TYPE cosmos_http_request_duration_seconds histogram\n";
        for (const auto& [endpoint, h] : latency_) {
            std::string l = "endpoint=\"" + label(endpoint) + "\"";
            for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                out += "cosmos_http_request_duration_seconds_bucket{" + l + ",le=\"" +
                       number(kBuckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
            }
            out += "cosmos_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
                   std::to_string(h.count) + "\n";
            out += "cosmos_http_request_duration_seconds_sum{" + l + "} " + number(h.sum) + "\n";
            out += "cosmos_http_request_duration_seconds_count{" + l + "} " +
                   std::to_string(h.count) + "\n";
        }
    }
    out += "# HELP cosmos_repository_fetch_total Repository downloads by outcome.\n";
    out += "# TYPE cosmos_repository_fetch_total counter\n";
    for (const auto& r : repositories) {
        std::string l = "repository=\"" + label(r.name) + "\"";
        out += "cosmos_repository_fetch_total{" + l + ",outcome=\"success\"} " +
               std::to_string(r.successes) + "\n";
        out += "cosmos_repository_fetch_total{" + l + ",outcome=\"failure\"} " +
               std::to_string(r.failures) + "\n";
        out += "cosmos_repository_fetch_total{" + l + ",outcome=\"not_modified\"} " +
               std::to_string(r.not_modified) + "\n";
    }
    out += "# HELP cosmos_repository_up Whether the last refresh of a repository succeeded.\n";
    out += "# TYPE cosmos_repository_up gauge\n";
    for (const auto& r : repositories) {
        out += "cosmos_repository_up{repository=\"" + label(r.name) + "\"} " + (r.up ? "1" : "0") +
               "\n";
    }
    out += "# HELP cosmos_repository_packages Distinct packages served from a repository.\n";
    out += "# TYPE cosmos_repository_packages gauge\n";
    for (const auto& r : repositories) {
        out += "cosmos_repository_packages{repository=\"" + label(r.name) + "\"} " +
               std::to_string(r.packages) + "\n";
    }
    out += "# HELP cosmos_repository_revisions Package revisions served from a repository.\n";
    out += "# TYPE cosmos_repository_revisions gauge\n";
    for (const auto& r : repositories) {
        out += "cosmos_repository_revisions{repository=\"" + label(r.name) + "\"} " +
               std::to_string(r.revisions) + "\n";
    }
    out +=
        "# HELP cosmos_repository_age_seconds Seconds since the content served for a repository "
        "was fetched.\n";
    out += "# TYPE cosmos_repository_age_seconds gauge\n";
    for (const auto& r : repositories) {
        if (!r.age_seconds) continue;
        out += "cosmos_repository_age_seconds{repository=\"" + label(r.name) + "\"} " +
               number(*r.age_seconds) + "\n";
    }
    out += "# HELP cosmos_index_age_seconds Age of the oldest repository content served.\n";
    out += "# TYPE cosmos_index_age_seconds gauge\n";
    out += "cosmos_index_age_seconds " + number(index_age_seconds) + "\n";
    return out;
}

}  // namespace cosmos::http
