// Fuzz target "request_body": every request body decoder of the package service, on one JSON
// body. A decoder either returns a request or throws DecodeFailure with a circe-style message.

#include <string>

#include "cosmos/core/decode.h"
#include "cosmos/core/error.h"
#include "cosmos/http/publish_handlers.h"
#include "cosmos/http/wire.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cosmos;
using universe_fuzz::expect;

namespace {
constexpr const char* kTarget = "request_body";

bool is_normalised(const std::string& app_id) {
    return !app_id.empty() && app_id.front() == '/';
}

bool is_normalised(const std::optional<std::string>& app_id) {
    return !app_id || is_normalised(*app_id);
}

template <typename Decode>
void run(const char* name, const core::Json& body, Decode&& decode) {
    try {
        decode(body);
    } catch (const core::DecodeFailure& e) {
        const std::string message = e.what();
        expect(!message.empty() && !universe_fuzz::leaks_library_text(message), kTarget,
               std::string(name) + ": bad failure message: " + message);
    }
}

void check_options(const std::optional<core::Json>& options) {
    expect(!options || options->is_object(), kTarget, "options decoded as a non-object");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    core::Json body;
    try {
        body = core::parse_json(universe_fuzz::as_text(data, size));
    } catch (const core::Error&) {
        return 0;
    }
    run("search", body, http::decode_search_request);
    run("describe", body, http::decode_describe_request);
    run("list-versions", body, http::decode_list_versions_request);
    run("render", body, [](const core::Json& b) {
        auto r = http::decode_render_request(b);
        check_options(r.options);
        expect(is_normalised(r.app_id), kTarget, "render: app id not normalised");
    });
    run("install", body, [](const core::Json& b) {
        auto r = http::decode_install_request(b);
        check_options(r.options);
        expect(is_normalised(r.app_id), kTarget, "install: app id not normalised");
    });
    run("uninstall", body, [](const core::Json& b) {
        expect(is_normalised(http::decode_uninstall_request(b).app_id), kTarget,
               "uninstall: app id not normalised");
    });
    run("list", body, [](const core::Json& b) {
        expect(is_normalised(http::decode_list_request(b).app_id), kTarget,
               "list: app id not normalised");
    });
    http::decode_repository_list_request(body);  // documented never to throw
    run("repository add", body, http::decode_repository_add_request);
    run("repository delete", body, http::decode_repository_delete_request);
    run("service describe", body, [](const core::Json& b) {
        expect(is_normalised(http::decode_service_describe_request(b).app_id), kTarget,
               "service describe: app id not normalised");
    });
    run("service update", body, [](const core::Json& b) {
        auto r = http::decode_service_update_request(b);
        check_options(r.options);
        expect(is_normalised(r.app_id), kTarget, "service update: app id not normalised");
    });
    run("history", body, [](const core::Json& b) {
        expect(is_normalised(http::decode_package_history_request(b).app_id), kTarget,
               "history: app id not normalised");
    });
    run("package add", body, http::decode_package_add_copy_request);
    run("package delete", body, http::decode_package_delete_request);
    return 0;
}
