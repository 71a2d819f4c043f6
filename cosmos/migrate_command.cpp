#include "cosmos/migrate_command.h"

#include <cstdio>
#include <filesystem>

#include "cosmos/adapters/gzip_codec.h"
#include "cosmos/adapters/zookeeper_uri.h"
#include "cosmos/app/migrate_state.h"
#include "cosmos/core/error.h"

namespace cosmos {

namespace {

constexpr const char* kUsage =
    "usage: cosmos-server migrate --from-data-dir DIR --to-zookeeper-uri URI [--force]\n"
    "Copies the repository list, the local packages, the operation records and the jobs in\n"
    "flight of the SQLite store in DIR into ZooKeeper at URI (zk://host:port[,...]/path), for\n"
    "running several instances. A path that already holds state is left alone unless --force,\n"
    "which replaces it. ZOOKEEPER_USER and ZOOKEEPER_SECRET are used as by the server.\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "%s\n\n%s", message.c_str(), kUsage);
    return 2;
}

}  // namespace

int run_migrate(const std::vector<std::string>& args, StoreLog log) {
    std::string from;
    std::string to;
    bool force = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (arg == "--force") {
            force = true;
        } else if (arg == "--from-data-dir") {
            if (!value(from)) return usage_error("option --from-data-dir needs a value");
        } else if (arg == "--to-zookeeper-uri") {
            if (!value(to)) return usage_error("option --to-zookeeper-uri needs a value");
        } else {
            return usage_error("unknown argument '" + arg + "'");
        }
    }
    if (from.empty() || to.empty()) {
        return usage_error("both --from-data-dir and --to-zookeeper-uri are needed");
    }
    auto uri = adapters::parse_zookeeper_uri(to);
    if (!uri) return usage_error(adapters::zookeeper_uri_message(to));
    const auto database = std::filesystem::path(from) / "cosmos.db";
    if (!std::filesystem::is_regular_file(database)) {
        std::fprintf(stderr, "%s holds no cosmos-server store (%s is missing)\n", from.c_str(),
                     database.c_str());
        return 1;
    }

    try {
        adapters::SqliteStore source(database.string(), {});
        adapters::SqliteStore scratch(":memory:", {});
        core::Codec codec{
            [](std::string_view b) { return adapters::gzip_compress(b); },
            [](std::string_view b) { return adapters::gzip_decompress(b, 512ull << 20); }};
        ServerConfig defaults;
        auto options = zookeeper_options(to, defaults, codec, std::move(log));
        options.create_list = false;
        options.startup_wait = std::chrono::seconds(15);
        adapters::ZooKeeperStore target(options, scratch, scratch);
        if (!target.wait_synced(std::chrono::milliseconds(1))) {
            std::fprintf(stderr, "ZooKeeper at %s cannot be reached; nothing was copied\n",
                         uri->servers.c_str());
            return 1;
        }
        if (!target.empty()) {
            if (!force) {
                std::fprintf(stderr,
                             "%s on %s already holds state; nothing was copied (add --force to "
                             "replace it)\n",
                             uri->path.c_str(), uri->servers.c_str());
                return 1;
            }
            target.clear();
        }
        auto report =
            app::copy_state({source, source, source, source}, {target, target, target, target});
        std::printf(
            "copied %zu repositories, %zu local packages, %zu operation records and %zu jobs "
            "from %s to %s\n",
            report.repositories, report.packages, report.records, report.jobs, from.c_str(),
            to.c_str());
        return 0;
    } catch (const core::Error& e) {
        std::fprintf(stderr, "migration failed: %s (%s)\n", e.what(), e.type().c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "migration failed: %s\n", e.what());
        return 1;
    }
}

}  // namespace cosmos
