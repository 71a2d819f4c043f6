#include "cosmos/adapters/package_tree.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "cosmos/core/error.h"

namespace cosmos::adapters {

namespace fs = std::filesystem;

namespace {

std::vector<fs::directory_entry> sorted_children(const fs::path& dir, std::error_code& ec) {
    std::vector<fs::directory_entry> out;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        out.push_back(*it);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.path().filename().string() < b.path().filename().string();
    });
    return out;
}

bool all_digits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Numeric revisions in numeric order, then anything else by name (reported later as invalid).
bool revision_less(const RevisionLocation& a, const RevisionLocation& b) {
    bool an = all_digits(a.revision);
    bool bn = all_digits(b.revision);
    if (an != bn) return an;
    if (an && a.revision.size() != b.revision.size()) return a.revision.size() < b.revision.size();
    return a.revision < b.revision;
}

}  // namespace

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::unhandled_exception("cannot open " + path.string());
    std::string data;
    in.seekg(0, std::ios::end);
    auto size = in.tellg();
    if (size > 0) {
        data.resize(static_cast<std::size_t>(size));
        in.seekg(0);
        in.read(data.data(), size);
    }
    if (!in && !in.eof()) throw core::unhandled_exception("cannot read " + path.string());
    return data;
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
    write_file_atomic(path, std::vector<std::string_view>{bytes});
}

void write_file_atomic(const fs::path& path, const std::vector<std::string_view>& parts) {
    fs::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw core::unhandled_exception("cannot write " + tmp.string());
        for (auto part : parts)
            out.write(part.data(), static_cast<std::streamsize>(part.size()));
        out.flush();
        if (!out) throw core::unhandled_exception("cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw core::unhandled_exception("cannot rename into " + path.string());
    }
}

std::vector<RevisionLocation> list_package_tree(const fs::path& tree,
                                                std::vector<core::Problem>& problems) {
    std::vector<RevisionLocation> out;
    const fs::path packages = tree / "repo" / "packages";
    std::error_code ec;
    if (!fs::is_directory(tree, ec)) {
        problems.push_back({tree.string(), core::Severity::kError, "not a folder"});
        return out;
    }
    if (!fs::is_directory(packages, ec)) {
        problems.push_back({"repo/packages", core::Severity::kError,
                            "missing: a Universe source tree keeps its packages in "
                            "repo/packages/<L>/<name>/<revision>/"});
        return out;
    }
    for (const auto& letter : sorted_children(packages, ec)) {
        std::string letter_name = letter.path().filename().string();
        std::string rel_letter = "repo/packages/" + letter_name;
        if (!letter.is_directory()) {
            problems.push_back({rel_letter, core::Severity::kError,
                                "unexpected file; only letter folders belong here"});
            continue;
        }
        std::error_code ec2;
        for (const auto& package : sorted_children(letter.path(), ec2)) {
            std::string package_name = package.path().filename().string();
            std::string rel_package = rel_letter + "/" + package_name;
            if (!package.is_directory()) {
                problems.push_back({rel_package, core::Severity::kError,
                                    "unexpected file; only package folders belong here"});
                continue;
            }
            std::vector<RevisionLocation> revisions;
            std::error_code ec3;
            for (const auto& revision : sorted_children(package.path(), ec3)) {
                std::string rev = revision.path().filename().string();
                if (!revision.is_directory()) {
                    problems.push_back({rel_package + "/" + rev, core::Severity::kError,
                                        "unexpected file; only revision folders belong here"});
                    continue;
                }
                revisions.push_back({letter_name, package_name, rev, revision.path()});
            }
            if (revisions.empty()) {
                problems.push_back({rel_package, core::Severity::kError,
                                    "package folder has no revision folders"});
            }
            std::sort(revisions.begin(), revisions.end(), revision_less);
            for (auto& r : revisions)
                out.push_back(std::move(r));
        }
    }
    return out;
}

core::RevisionSource read_revision(const RevisionLocation& location,
                                   std::vector<core::Problem>& problems) {
    core::RevisionSource source;
    source.letter = location.letter;
    source.name = location.name;
    source.revision = location.revision;
    source.path =
        "repo/packages/" + location.letter + "/" + location.name + "/" + location.revision;
    std::error_code ec;
    for (const auto& file : sorted_children(location.folder, ec)) {
        std::string name = file.path().filename().string();
        if (file.is_symlink()) {
            problems.push_back({source.path + "/" + name, core::Severity::kError,
                                "symbolic links are not allowed in a package"});
            continue;
        }
        if (!file.is_regular_file()) {
            problems.push_back({source.path + "/" + name, core::Severity::kError,
                                "unexpected folder inside a revision"});
            continue;
        }
        try {
            source.files.emplace(name, read_file(file.path()));
        } catch (const core::Error& e) {
            problems.push_back({source.path + "/" + name, core::Severity::kError, e.what()});
        }
    }
    if (ec) {
        problems.push_back({source.path, core::Severity::kError, "cannot list: " + ec.message()});
    }
    return source;
}

}  // namespace cosmos::adapters
