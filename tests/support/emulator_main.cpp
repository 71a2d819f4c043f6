// cosmos-emulator: a Marathon emulator and a Mesos master / Admin Router emulator on local
// ports, for trying the package service by hand. Runs until SIGINT or SIGTERM.

#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "tests/support/marathon_emulator.h"
#include "tests/support/mesos_emulator.h"

namespace {

constexpr const char* kUsage =
    "usage: cosmos-emulator [--marathon HOST:PORT] [--mesos HOST:PORT] [--strict]\n"
    "                       [--newer-marathon] [--token TOKEN] [--seed N]\n"
    "\n"
    "  --marathon HOST:PORT  where the Marathon emulator listens (default 127.0.0.1:0 = any port)\n"
    "  --mesos HOST:PORT     where the Mesos master / Admin Router emulator listens (default\n"
    "                        127.0.0.1:0); it also forwards /marathon/... to the Marathon "
    "emulator\n"
    "  --strict              validate apps against the Marathon 1.8 schema instead of the relaxed\n"
    "  --newer-marathon      accept role, tty, check and resourceLimits (Marathon 1.9+)\n"
    "  --token TOKEN         require 'Authorization: token=TOKEN' on both emulators\n"
    "  --seed N              deterministic deployment ids and versions\n";

struct Address {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
};

std::optional<Address> parse_address(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    Address address;
    if (colon > 0) address.host = text.substr(0, colon);
    if (address.host == "localhost") address.host = "127.0.0.1";
    try {
        unsigned long port = std::stoul(text.substr(colon + 1));
        if (port > 65535) return std::nullopt;
        address.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return address;
}

}  // namespace

int main(int argc, char** argv) {
    Address marathon_address;
    Address mesos_address;
    universe_test::MarathonOptions marathon_options;
    std::optional<std::string> token;

    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc) return std::nullopt;
            return std::string(argv[++i]);
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--strict") {
            marathon_options.strict_schema = true;
        } else if (arg == "--newer-marathon") {
            marathon_options.newer_marathon_fields = true;
        } else if (arg == "--marathon" || arg == "--mesos") {
            auto text = value();
            auto address = text ? parse_address(*text) : std::nullopt;
            if (!address) {
                std::cerr << "cosmos-emulator: " << arg << " needs HOST:PORT\n" << kUsage;
                return 2;
            }
            (arg == "--marathon" ? marathon_address : mesos_address) = *address;
        } else if (arg == "--token") {
            token = value();
            if (!token) {
                std::cerr << "cosmos-emulator: --token needs a value\n";
                return 2;
            }
        } else if (arg == "--seed") {
            auto text = value();
            try {
                marathon_options.seed = std::stoull(text.value_or(""));
            } catch (const std::exception&) {
                std::cerr << "cosmos-emulator: --seed needs a number\n";
                return 2;
            }
        } else {
            std::cerr << "cosmos-emulator: unknown argument " << arg << "\n" << kUsage;
            return 2;
        }
    }

    // Block the signals before any server thread exists, so that only sigwait() sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    try {
        marathon_options.port = marathon_address.port;
        marathon_options.bind_address = marathon_address.host;
        marathon_options.required_token = token;
        universe_test::MarathonEmulator marathon(marathon_options);

        universe_test::MesosOptions mesos_options;
        mesos_options.port = mesos_address.port;
        mesos_options.bind_address = mesos_address.host;
        mesos_options.required_token = token;
        universe_test::MesosEmulator mesos(mesos_options);
        mesos.attach_marathon(&marathon);

        std::cout << "marathon: " << marathon.url() << "\n"
                  << "mesos: " << mesos.url() << "\n"
                  << "dcos: " << mesos.url() << " (Admin Router: /marathon, /mesos, "
                  << "/dcos-metadata, /service)\n"
                  << "schema validation: "
                  << (marathon.schema_validation_enabled()
                          ? marathon.schema_file()->string()
                          : std::string("off (reference schema not found)"))
                  << std::endl;

        int received = 0;
        sigwait(&signals, &received);
        std::cout << "cosmos-emulator: stopping on signal " << received << std::endl;
        mesos.attach_marathon(nullptr);
    } catch (const std::exception& e) {
        std::cerr << "cosmos-emulator: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
