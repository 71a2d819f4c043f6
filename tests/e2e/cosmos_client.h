#pragma once

#include <string>

#include "cosmos/core/json.h"
#include "tests/support/http_test_client.h"

namespace universe_test {

/// The DC/OS CLIs whose exact headers the end-to-end tests replay (cosmos-api.md §20).
enum class Cli {
    kPython,  ///< dcos 0.6.x: python-requests, exact Accept, token only when configured
    kGo,      ///< dcos-core-cli 2.x: Accept "<type>,<error type>", "Authorization: token=" always
};

/// "application/vnd.dcos.package.<kind>+json;charset=utf-8;version=<v>"
std::string package_type(const std::string& kind, const std::string& version = "v1");
/// "application/vnd.dcos.service.<kind>+json;charset=utf-8;version=<v>"
std::string service_type(const std::string& kind, const std::string& version = "v1");

/// POST <path> as the CLI sends it: request type <kind>-request v1, Accept <response type>
/// (with the Go CLI's error type appended), the CLI's other headers, Host "cosmos.test" so that
/// rewritten URLs are stable.
HttpResponse cli_post(std::uint16_t port, Cli cli, const std::string& path,
                      const std::string& request_type, const std::string& response_type,
                      const std::string& body, const std::string& token = "");

/// The common case: POST /package/<kind> with package types for <kind>.
HttpResponse package_rpc(std::uint16_t port, Cli cli, const std::string& kind,
                         const cosmos::core::Json& body, const std::string& response_version = "v1",
                         const std::string& token = "");

/// Compares body with tests/data/golden/<name> (the exact bytes). With UPDATE_GOLDEN=1 in the
/// environment the file is (re)written instead. Returns an explanation when they differ.
std::string golden_mismatch(const std::string& name, const std::string& body);

}  // namespace universe_test
