#pragma once

// What every fuzz target shares: the entry point's signature, how one input is cut into parts,
// and how a target says that it found a bug (a failed expectation aborts, so libFuzzer keeps the
// input and the replay test fails).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace universe_fuzz {

/// The input as bytes of text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Cuts input at its first parts-1 NUL bytes: the parts of a two-part input such as a schema and
/// an instance. Missing parts are empty; the last part keeps any further NUL bytes.
inline std::vector<std::string_view> split_parts(std::string_view input, std::size_t parts) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < parts) {
        auto nul = input.find('\0');
        if (nul == std::string_view::npos) break;
        out.push_back(input.substr(0, nul));
        input.remove_prefix(nul + 1);
    }
    out.push_back(input);
    out.resize(parts);
    return out;
}

/// Reports a broken expectation and aborts (libFuzzer keeps the input as a crash).
[[noreturn]] inline void fail(const char* target, const std::string& what) {
    std::fprintf(stderr, "fuzz target %s: %s\n", target, what.c_str());
    std::abort();
}

/// Aborts with what when condition is false.
inline void expect(bool condition, const char* target, const std::string& what) {
    if (!condition) fail(target, what);
}

/// True when a user-facing message carries raw library text, which must never reach a user.
/// input, when given, is the text the message may echo: a word of it is never a library's.
inline bool leaks_library_text(std::string_view message, std::string_view input = {}) {
    // What a message quotes ("...", '...') or names in brackets ([...]) is the input's own text
    // (the parser's "last read: '...'", a file's name, a value), which may hold anything.
    std::string own;
    char closing = 0;
    for (char c : message) {
        if (closing) {
            if (c == closing) closing = 0;
        } else if (c == '\'' || c == '"' || c == '[') {
            closing = c == '[' ? ']' : c;
        } else {
            own.push_back(c);
        }
    }
    // A library's exception text is a whole message or the part after a ": " (what a wrapper
    // appends); elsewhere the same letters are the input's, echoed (a template, a path).
    for (std::string_view marker :
         {"json.exception", "basic_string", "std::", "stoul", "stoi", "vector::"}) {
        for (std::size_t at = own.find(marker); at != std::string::npos;
             at = own.find(marker, at + 1)) {
            if (at != 0 && (at < 2 || own.compare(at - 2, 2, ": ") != 0)) continue;
            // The whole word from the marker on ("stoulservice.name" in a template's tag).
            const auto end = own.find_first_of(" \n", at);
            const std::string_view word = std::string_view(own).substr(at, end - at);
            if (input.empty() || input.find(word) == std::string_view::npos) return true;
        }
    }
    return false;
}

}  // namespace universe_fuzz
