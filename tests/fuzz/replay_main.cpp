// Runs a fuzz target's entry function on files, without libFuzzer: the regression tests of the
// normal build feed it every kept crash (tests/data/fuzz/<target>/) and the committed seeds.
//   fuzz_<target>_replay [--optional] PATH...
// Each PATH is a file or a folder whose files are read; a folder after --optional may be absent
// (a target with no kept crash has no folder).

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_support.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    std::vector<fs::path> files;
    bool optional = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--optional") {
            optional = true;
            continue;
        }
        fs::path path(argv[i]);
        if (optional && !fs::exists(path)) {
            optional = false;
            continue;
        }
        optional = false;
        if (fs::is_directory(path)) {
            for (const auto& entry : fs::directory_iterator(path)) {
                if (entry.is_regular_file()) files.push_back(entry.path());
            }
        } else if (fs::is_regular_file(path)) {
            files.push_back(path);
        } else {
            std::fprintf(stderr, "replay: %s: no such file or folder\n", argv[i]);
            return 2;
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::printf("replay %s (%zu bytes)\n", file.string().c_str(), bytes.size());
        std::fflush(stdout);
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("replayed %zu inputs\n", files.size());
    // No input at all means the test was set up wrong; it must not pass unnoticed.
    return files.empty() ? 1 : 0;
}
