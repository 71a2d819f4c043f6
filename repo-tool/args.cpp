#include "repo-tool/args.h"

#include <charconv>
#include <system_error>

namespace repo_tool {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& switches) {
    bool only_positionals = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (only_positionals || arg.size() < 2 || arg.rfind("--", 0) != 0) {
            positionals_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positionals = true;
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (valued.count(name)) {
            if (inline_value) {
                values_[name] = *inline_value;
            } else if (i + 1 < argv.size()) {
                values_[name] = argv[++i];
            } else {
                throw UsageError{"option --" + name + " needs a value"};
            }
        } else if (switches.count(name) && !inline_value) {
            switches_.insert(name);
        } else {
            throw UsageError{"unknown option --" + name};
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::optional<unsigned> Args::number(const std::string& name) const {
    auto text = value(name);
    if (!text) return std::nullopt;
    unsigned n = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size() || text->empty()) {
        throw UsageError{"--" + name + " takes a whole number, not '" + *text + "'"};
    }
    return n;
}

void Args::expect_positionals(std::size_t min, std::size_t max) const {
    if (positionals_.size() < min) throw UsageError{"missing arguments"};
    if (positionals_.size() > max) {
        throw UsageError{"unexpected argument '" + positionals_[max] + "'"};
    }
}

void require_source_tree(const std::filesystem::path& tree, const std::string& hint) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::string problem;
    if (!fs::exists(tree, ec)) {
        problem = tree.string() + " does not exist";
    } else if (!fs::is_directory(tree, ec)) {
        problem = tree.string() + " is a file, not a Universe source tree";
    } else if (!fs::is_directory(tree / "repo" / "packages", ec)) {
        problem = tree.string() + " is not a Universe source tree: it has no repo/packages folder";
    } else {
        return;
    }
    throw UsageError{hint.empty() ? problem : problem + "; " + hint};
}

}  // namespace repo_tool
