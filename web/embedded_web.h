#pragma once

#include <string_view>
#include <vector>

namespace cosmos::web {

/// One file of web/ as compiled into the server.
struct EmbeddedFile {
    std::string_view path;          ///< relative to web/assets ("js/app.js"); "" for the shell
    std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
    std::string_view body;
    std::string_view sha256;  ///< hex SHA-256 of body
};

/// web/index.html with "{{assets}}" replaced by "/ui/assets/<embedded_assets_version()>".
EmbeddedFile embedded_shell();

/// Every file under web/assets, by path.
const std::vector<EmbeddedFile>& embedded_assets();

/// 16 hex digits that change whenever any asset changes: the assets' URL folder.
std::string_view embedded_assets_version();

}  // namespace cosmos::web
