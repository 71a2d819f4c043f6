#include "tests/support/fault_plan.h"

#include "cosmos/core/json.h"

namespace universe_test {

Fault Fault::fixed(int status, std::string body, std::string content_type) {
    Fault fault;
    fault.status = status;
    fault.body = std::move(body);
    fault.content_type = std::move(content_type);
    return fault;
}

Fault Fault::dropped() {
    Fault fault;
    fault.drop = true;
    return fault;
}

Fault Fault::hung() {
    Fault fault;
    fault.hang = true;
    return fault;
}

Fault Fault::delayed(std::chrono::milliseconds latency) {
    Fault fault;
    fault.latency = latency;
    return fault;
}

void FaultPlan::add(std::string method, std::string path_pattern, Fault fault, int times) {
    if (times == 0) return;
    std::lock_guard lock(mutex_);
    rules_.push_back(Rule{std::move(method), std::move(path_pattern), std::move(fault),
                          times < 0 ? kAlways : times});
}

std::optional<Fault> FaultPlan::take(std::string_view method, std::string_view path) {
    std::lock_guard lock(mutex_);
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        bool method_ok = it->method.empty() || it->method == "*" || it->method == method;
        if (!method_ok || !glob_matches(it->path_pattern, path)) continue;
        Fault fault = it->fault;
        if (it->remaining != kAlways && --it->remaining == 0) rules_.erase(it);
        return fault;
    }
    return std::nullopt;
}

void FaultPlan::clear() {
    std::lock_guard lock(mutex_);
    rules_.clear();
}

std::size_t FaultPlan::pending() const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& rule : rules_) {
        total += rule.remaining == kAlways ? 1 : static_cast<std::size_t>(rule.remaining);
    }
    return total;
}

Reply apply_fault(const std::optional<Fault>& fault, const std::function<Reply()>& handle) {
    if (!fault) return handle();
    Reply reply;
    if (fault->status) {
        reply.status = *fault->status;
        reply.body = fault->body;
        if (!fault->content_type.empty()) reply.headers.add("Content-Type", fault->content_type);
        for (const auto& [name, value] : fault->headers.fields())
            reply.headers.add(name, value);
    } else if ((fault->drop || fault->hang) && !fault->handle_first) {
        // Nothing reaches the handler: the call is lost on the way in.
    } else {
        reply = handle();
        if (fault->content_type_override) {
            reply.headers.set("Content-Type", *fault->content_type_override);
        }
        if (fault->omit_deployment_id) {
            try {
                auto body = cosmos::core::parse_json(reply.body);
                if (body.is_object()) {
                    body.erase("deploymentId");
                    reply.body = body.dump();
                }
            } catch (const std::exception&) {
                // Not JSON: nothing to remove.
            }
        }
        if (fault->malformed_json) {
            reply.body.erase(reply.body.size() / 2);
            reply.body += "<not json";
        }
        if (fault->larger_than && reply.body.size() <= *fault->larger_than) {
            // Trailing whitespace keeps JSON valid, so only the size is wrong.
            reply.body.append(*fault->larger_than + 1 - reply.body.size(), ' ');
        }
    }
    reply.delay += fault->latency;
    reply.drop = reply.drop || fault->drop;
    reply.hang = reply.hang || fault->hang;
    reply.truncate = reply.truncate || fault->truncate;
    return reply;
}

}  // namespace universe_test
