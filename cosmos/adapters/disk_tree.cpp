#include "cosmos/adapters/disk_tree.h"

#include <unistd.h>

#include "cosmos/adapters/package_tree.h"
#include "cosmos/adapters/zip_archive.h"
#include "cosmos/core/error.h"

namespace cosmos::adapters {

namespace fs = std::filesystem;

std::vector<app::RevisionRef> DiskTreeSource::list(std::vector<core::Problem>& problems) {
    std::vector<app::RevisionRef> out;
    for (auto& loc : list_package_tree(tree_, problems)) {
        out.push_back({loc.letter, loc.name, loc.revision, loc.folder.string()});
    }
    return out;
}

core::RevisionSource DiskTreeSource::read(const app::RevisionRef& ref,
                                          std::vector<core::Problem>& problems) {
    return read_revision({ref.letter, ref.name, ref.revision, fs::path(ref.locator)}, problems);
}

DirectoryOutputSink::DirectoryOutputSink(fs::path destination)
    : destination_(std::move(destination)) {}

DirectoryOutputSink::~DirectoryOutputSink() {
    if (staging_) {
        std::error_code ec;
        fs::remove_all(*staging_, ec);
    }
}

fs::path DirectoryOutputSink::staging() {
    std::lock_guard lock(mutex_);
    if (!staging_) {
        fs::path parent = fs::absolute(destination_).parent_path();
        std::error_code ec;
        fs::create_directories(parent, ec);
        fs::path dir = parent / ("." + destination_.filename().string() + ".staging-" +
                                 std::to_string(::getpid()));
        fs::remove_all(dir, ec);
        if (!fs::create_directories(dir, ec) || ec) {
            throw core::unhandled_exception("cannot create " + dir.string() + ": " + ec.message());
        }
        staging_ = dir;
    }
    return *staging_;
}

void DirectoryOutputSink::written(const std::string& name) {
    std::lock_guard lock(mutex_);
    names_.push_back(name);
}

void DirectoryOutputSink::write(const std::string& name, std::string_view bytes) {
    write_file_atomic(staging() / name, bytes);
    written(name);
}

void DirectoryOutputSink::write_parts(const std::string& name,
                                      const std::vector<std::string_view>& parts) {
    write_file_atomic(staging() / name, parts);
    written(name);
}

void DirectoryOutputSink::write_zip(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& entries) {
    std::vector<ArchiveEntry> archive;
    archive.reserve(entries.size());
    for (const auto& [path, data] : entries)
        archive.push_back({path, data});
    write_zip_file(staging() / name, archive);
    written(name);
}

void DirectoryOutputSink::commit() {
    std::error_code ec;
    fs::create_directories(destination_, ec);
    if (!fs::is_directory(destination_)) {
        throw core::unhandled_exception("cannot create " + destination_.string());
    }
    for (const auto& name : names_) {
        fs::rename(staging() / name, destination_ / name, ec);
        if (ec) {
            throw core::unhandled_exception("cannot move " + name + " into " +
                                            destination_.string() + ": " + ec.message());
        }
    }
    fs::remove_all(*staging_, ec);
    staging_.reset();
    names_.clear();
}

}  // namespace cosmos::adapters
