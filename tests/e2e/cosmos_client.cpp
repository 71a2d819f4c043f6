#include "tests/e2e/cosmos_client.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/test_paths.h"

namespace universe_test {

std::string package_type(const std::string& kind, const std::string& version) {
    return "application/vnd.dcos.package." + kind + "+json;charset=utf-8;version=" + version;
}

std::string service_type(const std::string& kind, const std::string& version) {
    return "application/vnd.dcos.service." + kind + "+json;charset=utf-8;version=" + version;
}

HttpResponse cli_post(std::uint16_t port, Cli cli, const std::string& path,
                      const std::string& request_type, const std::string& response_type,
                      const std::string& body, const std::string& token) {
    HttpCall call;
    call.method = "POST";
    call.target = path;
    call.timeout = std::chrono::seconds(20);
    call.headers.add("Host", "cosmos.test");
    if (cli == Cli::kPython) {
        call.headers.add("User-Agent", "python-requests/2.18.4");
        call.headers.add("Accept-Encoding", "gzip, deflate");
        call.headers.add("Connection", "keep-alive");
        call.headers.add("Accept", response_type);
        call.headers.add("Content-Type", request_type);
        if (!token.empty()) call.headers.add("Authorization", "token=" + token);
        call.body = body;
    } else {
        call.headers.add("User-Agent", "dcos-client-go(0.0.1)");
        call.headers.add("Accept-Encoding", "gzip");
        call.headers.add("Authorization", "token=" + token);
        bool repo_list = path == "/package/repository/list";
        call.headers.add("Accept",
                         repo_list ? response_type : response_type + "," + package_type("error"));
        call.headers.add("Content-Type", request_type);
        call.body = body + "\n";
    }
    return http_call(port, call);
}

HttpResponse package_rpc(std::uint16_t port, Cli cli, const std::string& kind,
                         const cosmos::core::Json& body, const std::string& response_version,
                         const std::string& token) {
    std::string path = "/package/" + kind;  // repository.list -> /package/repository/list
    std::replace(path.begin(), path.end(), '.', '/');
    return cli_post(port, cli, path, package_type(kind + "-request"),
                    package_type(kind + "-response", response_version),
                    body.is_null() ? "null" : body.dump(), token);
}

std::string golden_mismatch(const std::string& name, const std::string& body) {
    auto file = source_dir() / "tests" / "data" / "golden" / name;
    const char* update = std::getenv("UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << body;
        return "";
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return "golden file " + file.string() + " is missing (run with UPDATE_GOLDEN=1)";
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str() == body) return "";
    return "response differs from " + file.string() + "\nexpected: " + ss.str() +
           "\nactual:   " + body;
}

}  // namespace universe_test
