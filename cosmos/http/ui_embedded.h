#pragma once

#include <memory>

#include "cosmos/http/ui_assets.h"

namespace cosmos::http {

/// The web UI compiled into this binary (web/index.html and web/assets), gzip-compressed once.
std::unique_ptr<UiAssets> embedded_ui(const UiAssets::Compress& gzip);

}  // namespace cosmos::http
