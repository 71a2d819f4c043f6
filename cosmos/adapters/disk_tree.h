#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "cosmos/app/tree_actions.h"

namespace cosmos::adapters {

/// A Universe source tree on disk (TREE/repo/packages/...).
class DiskTreeSource : public app::TreeSource {
public:
    explicit DiskTreeSource(std::filesystem::path tree) : tree_(std::move(tree)) {}
    std::vector<app::RevisionRef> list(std::vector<core::Problem>& problems) override;
    core::RevisionSource read(const app::RevisionRef& ref,
                              std::vector<core::Problem>& problems) override;

private:
    std::filesystem::path tree_;
};

/// Writes build output into a staging folder beside the destination; commit() moves every file
/// into the destination (created if missing), so a failed build leaves the destination untouched.
class DirectoryOutputSink : public app::OutputSink {
public:
    explicit DirectoryOutputSink(std::filesystem::path destination);
    ~DirectoryOutputSink() override;
    void write(const std::string& name, std::string_view bytes) override;
    void write_parts(const std::string& name, const std::vector<std::string_view>& parts) override;
    void write_zip(const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& entries) override;
    void commit() override;

private:
    std::filesystem::path staging();
    void written(const std::string& name);
    std::filesystem::path destination_;
    std::mutex mutex_;  // guards staging_ and names_: files may be written from two threads
    std::optional<std::filesystem::path> staging_;
    std::vector<std::string> names_;
};

}  // namespace cosmos::adapters
