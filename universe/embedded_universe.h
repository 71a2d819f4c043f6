#pragma once

#include <string_view>

namespace cosmos {

/// universe.json built from this folder by `repo-tool build` when the server is compiled: the
/// repository a fresh cosmos-server serves without any network.
std::string_view embedded_universe_json();

}  // namespace cosmos
