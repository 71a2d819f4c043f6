#pragma once

#include <sys/wait.h>
#include <cstdio>
#include <string>

namespace universe_test {

/// What a finished command printed and how it ended.
struct CommandResult {
    int exit_code = -1;
    std::string output;  ///< standard output and standard error, interleaved
};

/// Runs a shell command line and captures its output (stderr folded into stdout).
inline CommandResult run_command(const std::string& command_line) {
    CommandResult result;
    FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
        result.output.append(buffer, n);
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// Quotes a path for the shell.
inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out.push_back(c);
        }
    }
    return out + "'";
}

}  // namespace universe_test
