#pragma once

#include <filesystem>
#include <string>

#include "tests/support/server_process.h"
#include "tests/support/test_paths.h"

namespace universe_test {

/// `repo-tool serve OUT --listen 127.0.0.1:0` in a child process, its output in log_file.
class RepoToolServe : public ListeningProcess {
public:
    RepoToolServe(const std::filesystem::path& out, const std::filesystem::path& log_file)
        : ListeningProcess({(binary_dir() / "repo-tool" / "repo-tool").string(), "serve",
                            out.string(), "--listen", "127.0.0.1:0"},
                           log_file) {}

    std::string url() const { return base_url(); }
};

}  // namespace universe_test
