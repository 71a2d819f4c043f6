#include "cosmos/adapters/package_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
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

// errno in words, as the system says it but in lower case ("no such file or directory").
std::string reason(int err) {
    return describe(std::error_code(err == 0 ? EIO : err, std::generic_category()));
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

namespace {

// Reads the file at path, relative to the folder dir refers to (AT_FDCWD: the working folder).
// where names the file in errors.
std::string read_file_at(int dir, const char* path, const fs::path& where) {
    int fd = ::openat(dir, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw core::unhandled_exception("cannot read " + where.string() + ": " + reason(errno));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw core::unhandled_exception("cannot read " + where.string() +
                                        ": it is a folder, not a file");
    }
    std::string data;
    if (st.st_size > 0) data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    int failed = 0;
    while (true) {
        if (done == data.size()) data.resize(done + std::max<std::size_t>(done, 4096));
        ssize_t n = ::read(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) failed = errno;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (failed)
        throw core::unhandled_exception("cannot read " + where.string() + ": " + reason(failed));
    data.resize(done);
    return data;
}

}  // namespace

std::string read_file(const fs::path& path) {
    return read_file_at(AT_FDCWD, path.c_str(), path);
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
    write_file_atomic(path, std::vector<std::string_view>{bytes});
}

void write_file_atomic(const fs::path& path, const std::vector<std::string_view>& parts) {
    std::error_code ec;
    fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, ec)) {
        throw core::unhandled_exception("cannot write " + path.string() + ": the folder " +
                                        folder.string() + " does not exist");
    }
    fs::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw core::unhandled_exception("cannot write " + path.string() + ": " + reason(errno));
        }
        for (auto part : parts)
            out.write(part.data(), static_cast<std::streamsize>(part.size()));
        out.flush();
        if (!out) {
            int err = errno;
            out.close();
            fs::remove(tmp, ec);
            throw core::unhandled_exception("cannot write " + path.string() + ": " + reason(err));
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        std::string why = describe(ec);
        fs::remove(tmp, ec);
        throw core::unhandled_exception("cannot write " + path.string() + ": " + why);
    }
}

std::string describe(const std::error_code& ec) {
    std::string text = ec.message();
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
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
                // The generator yields nothing for it (and git cannot even hold an empty folder).
                problems.push_back({rel_package, core::Severity::kWarning,
                                    "package folder has no revision folders; it is skipped"});
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
    // A lone package folder (bundle, add) is named by its own path.
    source.path = location.letter.empty() ? location.folder.string()
                                          : "repo/packages/" + location.letter + "/" +
                                                location.name + "/" + location.revision;
    // The folder is opened once and its files relative to it: the kernel then looks up one name
    // per file instead of the whole path.
    auto cannot_list = [&](int error) {
        problems.push_back({source.path, core::Severity::kError, "cannot list: " + reason(error)});
    };
    int dir = ::open(location.folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        cannot_list(errno);
        return source;
    }
    DIR* listing = ::fdopendir(dir);
    if (!listing) {
        cannot_list(errno);
        ::close(dir);
        return source;
    }
    std::vector<std::pair<std::string, unsigned char>> entries;
    errno = 0;
    while (const dirent* entry = ::readdir(listing)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") entries.emplace_back(std::move(name), entry->d_type);
    }
    const int list_error = errno;
    std::sort(entries.begin(), entries.end());
    for (auto& [name, type] : entries) {
        if (type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_DIR;
            }
        }
        if (type == DT_LNK) {
            problems.push_back({source.path + "/" + name, core::Severity::kError,
                                "symbolic links are not allowed in a package"});
            continue;
        }
        if (type != DT_REG) {
            // The generator reads the package's files by name and never looks at anything else.
            problems.push_back({source.path + "/" + name, core::Severity::kWarning,
                                "unexpected folder inside a revision; it is ignored"});
            continue;
        }
        try {
            source.files.emplace(name, read_file_at(dir, name.c_str(), location.folder / name));
        } catch (const core::Error& e) {
            problems.push_back({source.path + "/" + name, core::Severity::kError, e.what()});
        }
    }
    ::closedir(listing);  // closes dir too
    if (list_error != 0) cannot_list(list_error);
    return source;
}

}  // namespace cosmos::adapters
