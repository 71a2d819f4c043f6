#include "cosmos/http/ui_embedded.h"

#include "web/embedded_web.h"

namespace cosmos::http {

namespace {

UiFile to_file(const web::EmbeddedFile& f) {
    return {std::string(f.path), std::string(f.content_type), std::string(f.body),
            std::string(f.sha256)};
}

}  // namespace

std::unique_ptr<UiAssets> embedded_ui(const UiAssets::Compress& gzip) {
    std::vector<UiFile> assets;
    for (const auto& f : web::embedded_assets())
        assets.push_back(to_file(f));
    return std::make_unique<UiAssets>(to_file(web::embedded_shell()), std::move(assets),
                                      std::string(web::embedded_assets_version()), gzip);
}

}  // namespace cosmos::http
