#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace universe_test {

/// One requirement of a Marathon label selector (marathon.md section 2.2).
struct LabelRequirement {
    /// key, key==v, key!=v, key in (...), key notin (...).
    enum class Op { kExists, kEquals, kNotEquals, kIn, kNotIn };
    std::string key;  ///< unescaped label name
    Op op = Op::kExists;
    std::vector<std::string> values;  ///< unescaped; one for ==/!=, the set for in/notin
};

/// A parsed selector: every requirement must hold (AND).
struct LabelSelector {
    std::vector<LabelRequirement> requirements;

    /// True when labels satisfy every requirement. As in Marathon, every requirement (also
    /// != and notin) needs the label to be present.
    bool matches(const std::map<std::string, std::string>& labels) const;
};

/// Parses "a, b==c, d!=e\ f, g in (x, y), h notin (z)". Names and values consist of
/// -A-Za-z0-9_. or backslash-escaped characters; whitespace between tokens is ignored. Throws
/// std::invalid_argument naming the position of the first error.
LabelSelector parse_label_selector(std::string_view text);

}  // namespace universe_test
