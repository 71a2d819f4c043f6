// repo-tool add / publish / verify: getting a package into a source tree or onto a running
// package service, and checking a built repository against its tree.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "cosmos/adapters/bundle_file.h"
#include "cosmos/adapters/digest.h"
#include "cosmos/adapters/disk_tree.h"
#include "cosmos/adapters/http_client.h"
#include "cosmos/adapters/package_tree.h"
#include "cosmos/adapters/zip_archive.h"
#include "cosmos/app/ports.h"
#include "cosmos/app/tree_actions.h"
#include "cosmos/core/error.h"
#include "cosmos/core/repo_index.h"
#include "cosmos/core/repo_serving.h"
#include "cosmos/http/media_types.h"
#include "repo-tool/args.h"
#include "repo-tool/commands.h"

namespace repo_tool {

namespace fs = std::filesystem;
using cosmos::core::Json;

namespace {

// --- add ---

// The files of a package folder, as a revision folder would hold them.
std::map<std::string, std::string> folder_files(const fs::path& dir,
                                                std::vector<cosmos::core::Problem>& problems) {
    auto source = cosmos::adapters::read_revision({"", "", "0", dir}, problems);
    return source.files;
}

// The files a bundle's metadata.json stands for: package.json (the package's own fields),
// config.json, marathon.json.mustache and resource.json, each when present.
std::map<std::string, std::string> bundle_files(const fs::path& file) {
    auto bundle = cosmos::adapters::read_bundle(cosmos::adapters::read_file(file), 0);
    const Json& metadata = bundle.metadata;
    Json package = Json::object();
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        if (it.key() == "marathon" || it.key() == "config" || it.key() == "resource") continue;
        package[it.key()] = it.value();
    }
    std::map<std::string, std::string> files;
    files["package.json"] = package.dump(2) + "\n";
    if (auto it = metadata.find("config"); it != metadata.end()) {
        files["config.json"] = it->dump(2) + "\n";
    }
    if (auto it = metadata.find("resource"); it != metadata.end()) {
        files["resource.json"] = it->dump(2) + "\n";
    }
    if (auto it = metadata.find("marathon"); it != metadata.end() && it->is_object()) {
        auto tpl = it->find("v2AppMustacheTemplate");
        if (tpl != it->end() && tpl->is_string()) {
            files["marathon.json.mustache"] = cosmos::core::base64_decode(tpl->get<std::string>());
        }
    }
    return files;
}

std::optional<std::string> json_string(const std::string& text, const char* key) {
    try {
        Json json = cosmos::core::parse_json(text);
        if (json.is_object() && json.contains(key) && json[key].is_string()) {
            return json[key].get<std::string>();
        }
    } catch (const cosmos::core::Error&) {
    }
    return std::nullopt;
}

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

void print_problems(const std::vector<cosmos::core::Problem>& problems) {
    for (const auto& p : problems)
        std::printf("%s\n", cosmos::core::format_problem(p).c_str());
}

// --- verify ---

// Captures a build in memory.
class MemorySink : public cosmos::app::OutputSink {
public:
    void write(const std::string& name, std::string_view bytes) override {
        std::lock_guard lock(mutex_);
        files[name] = std::string(bytes);
    }
    void write_zip(const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& entries) override {
        std::lock_guard lock(mutex_);
        zips[name] = entries;
    }
    void commit() override {}

    std::map<std::string, std::string> files;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> zips;

private:
    std::mutex mutex_;  // the build writes the zip and the JSON files at once
};

std::string entry_key(std::string_view text) {
    try {
        Json entry = cosmos::core::parse_json(text);
        std::string name = entry.value("name", std::string("?"));
        auto release = entry.find("releaseVersion");
        return name + "/" + (release != entry.end() ? release->dump() : std::string("?"));
    } catch (const cosmos::core::Error&) {
        return "(unparsable entry)";
    }
}

class Verifier {
public:
    explicit Verifier(fs::path out) : out_(std::move(out)) {}

    void report(const std::string& file, const std::string& message) {
        std::printf("%s: %s\n", file.c_str(), message.c_str());
        ++problems_;
    }

    std::optional<std::string> read(const std::string& file) {
        if (!fs::is_regular_file(out_ / file)) {
            report(file, "missing file");
            return std::nullopt;
        }
        ++files_;
        return cosmos::adapters::read_file(out_ / file);
    }

    // Every entry of the expected file is present, identical and digested; nothing else is there.
    void packages_file(const std::string& file, const std::string& expected_text) {
        auto actual_text = read(file);
        if (!actual_text) return;
        std::vector<std::string_view> actual;
        try {
            actual = cosmos::core::split_repository_entries(*actual_text);
        } catch (const cosmos::core::Error& e) {
            report(file, std::string("not a repository file: ") + e.what());
            return;
        }
        std::multimap<std::string, std::string_view> want;
        for (auto text : cosmos::core::split_repository_entries(expected_text))
            want.emplace(entry_key(text), text);
        std::set<std::string> seen;
        for (auto text : actual) {
            std::string key = entry_key(text);
            ++entries_;
            if (!seen.insert(key).second) {
                report(file, "duplicate entry " + key);
                continue;
            }
            auto digest = cosmos::core::read_entry_digest(text, cosmos::adapters::sha256_hex);
            if (!digest) {
                report(file, "entry " + key + " has no sha256 digest");
            } else if (!digest->ok()) {
                report(file, "entry " + key + " has a wrong sha256 digest (recorded " +
                                 digest->recorded + ", computed " + digest->computed + ")");
            }
            auto it = want.find(key);
            if (it == want.end()) {
                report(file, "extra entry " + key + " (not in the tree)");
            } else if (it->second != text) {
                report(file, "entry " + key + " differs from the tree");
            }
        }
        for (const auto& [key, text] : want) {
            if (!seen.count(key)) report(file, "missing entry " + key);
        }
    }

    void plain_file(const std::string& file, const std::string& expected) {
        auto actual = read(file);
        if (actual && *actual != expected) report(file, "differs from the tree");
    }

    void zip_file(const std::string& file,
                  const std::vector<std::pair<std::string, std::string>>& expected) {
        auto bytes = read(file);
        if (!bytes) return;
        std::map<std::string, std::string> actual;
        try {
            for (auto& e : cosmos::adapters::read_zip(*bytes))
                actual[e.path] = std::move(e.data);
        } catch (const cosmos::core::Error& e) {
            report(file, std::string("unreadable: ") + e.what());
            return;
        }
        std::set<std::string> names;
        for (const auto& [path, data] : expected) {
            names.insert(path);
            ++entries_;
            auto it = actual.find(path);
            if (it == actual.end()) {
                report(file, "missing entry " + path);
            } else if (it->second != data) {
                report(file, "entry " + path + " differs from the tree");
            }
        }
        for (const auto& [path, data] : actual) {
            if (!names.count(path)) report(file, "extra entry " + path + " (not in the tree)");
        }
    }

    std::size_t problems() const { return problems_; }
    std::size_t files() const { return files_; }
    std::size_t entries() const { return entries_; }

private:
    fs::path out_;
    std::size_t problems_ = 0;
    std::size_t files_ = 0;
    std::size_t entries_ = 0;
};

}  // namespace

int run_add(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"strict", "create"});
    args.expect_positionals(2, 2);
    fs::path tree = args.positionals()[0];
    fs::path source = args.positionals()[1];
    // A mistyped TREE must not silently become a new tree.
    if (!args.has("create")) {
        require_source_tree(tree, "pass --create to start a new tree there");
    }
    if (!fs::exists(source)) throw UsageError{source.string() + " does not exist"};

    std::vector<cosmos::core::Problem> problems;
    auto files = fs::is_directory(source) ? folder_files(source, problems) : bundle_files(source);
    auto package_json = files.find("package.json");
    std::optional<std::string> name;
    std::optional<std::string> version;
    if (package_json != files.end()) {
        name = json_string(package_json->second, "name");
        version = json_string(package_json->second, "version");
    }
    if (!name || name->empty() || !version) {
        // Not even a name to file it under: report what the checks say about the folder.
        cosmos::core::RevisionSource lone{"", "", "0", source.string(), files, false};
        auto checked = cosmos::core::check_revision(lone, cosmos::app::tree_schemas(), {});
        for (auto& p : checked.problems)
            problems.push_back(std::move(p));
        if (!cosmos::core::has_errors(problems)) {
            problems.push_back({source.string(), cosmos::core::Severity::kError,
                                "package.json needs a string name and version"});
        }
        print_problems(problems);
        std::printf("nothing added to %s\n", tree.string().c_str());
        return kExitProblems;
    }

    std::string letter(1, static_cast<char>(std::toupper(static_cast<unsigned char>((*name)[0]))));
    fs::path package_dir = tree / "repo" / "packages" / letter / *name;
    std::optional<std::uint64_t> highest;
    std::optional<std::string> same_version;
    std::error_code ec;
    if (fs::is_directory(package_dir)) {
        for (const auto& entry : fs::directory_iterator(package_dir, ec)) {
            std::string revision = entry.path().filename().string();
            if (!entry.is_directory() || !all_digits(revision)) continue;
            std::uint64_t number = std::stoull(revision);
            if (!highest || number > *highest) highest = number;
            auto existing = entry.path() / "package.json";
            if (fs::is_regular_file(existing)) {
                auto v = json_string(cosmos::adapters::read_file(existing), "version");
                if (v && *v == *version) same_version = revision;
            }
        }
    }
    const std::string revision = std::to_string(highest ? *highest + 1 : 0);
    const std::string relative = "repo/packages/" + letter + "/" + *name + "/" + revision;

    cosmos::core::RevisionSource candidate{letter, *name, revision, relative, files, true};
    auto checked =
        cosmos::core::check_revision(candidate, cosmos::app::tree_schemas(), {args.has("strict")});
    for (auto& p : checked.problems)
        problems.push_back(std::move(p));
    if (checked.entry) {
        auto prepared = cosmos::core::prepare_entry(
            *checked.entry, relative, cosmos::app::repo_schemas(), false, args.has("strict"));
        for (auto& p : prepared.problems)
            problems.push_back(std::move(p));
    }
    if (same_version) {
        problems.push_back({relative, cosmos::core::Severity::kError,
                            "version " + *version + " of " + *name + " already exists (revision " +
                                *same_version + ")"});
    }
    print_problems(problems);
    if (cosmos::core::has_errors(problems) || !checked.entry) {
        std::printf("nothing added to %s\n", tree.string().c_str());
        return kExitProblems;
    }

    fs::create_directories(package_dir, ec);
    if (ec) {
        throw cosmos::core::unhandled_exception("cannot create " + package_dir.string() + ": " +
                                                cosmos::adapters::describe(ec));
    }
    fs::path target = package_dir / revision;
    // create_directory() reports an existing folder, so a revision is never overwritten, even
    // when another add picked the same number meanwhile.
    bool created = fs::create_directory(target, ec);
    if (ec) {
        throw cosmos::core::unhandled_exception("cannot create " + target.string() + ": " +
                                                cosmos::adapters::describe(ec));
    }
    if (!created) {
        std::printf("%s: already exists; nothing added\n", relative.c_str());
        return kExitProblems;
    }
    try {
        for (const auto& [file, bytes] : files)
            cosmos::adapters::write_file_atomic(target / file, bytes);
    } catch (...) {
        fs::remove_all(target, ec);
        throw;
    }
    std::printf("added %s %s as %s\n", name->c_str(), version->c_str(),
                (tree / relative).string().c_str());
    return kExitOk;
}

int run_publish(const std::vector<std::string>& argv) {
    Args args(argv, {"to", "token"}, {"replace"});
    args.expect_positionals(1, 1);
    auto to = args.value("to");
    if (!to || to->empty()) throw UsageError{"--to URL is required"};
    std::string base = *to;
    while (!base.empty() && base.back() == '/')
        base.pop_back();

    cosmos::app::HttpCall call;
    call.method = "POST";
    call.url = base + "/package/add" + (args.has("replace") ? "?replace=true" : "");
    call.body = cosmos::adapters::read_file(args.positionals()[0]);
    call.headers = {{"Content-Type", std::string(cosmos::http::kPackageBundleType)},
                    {"Accept", std::string(cosmos::http::kPackageAddResponseType)},
                    {"User-Agent", "repo-tool"}};
    if (auto token = args.value("token"))
        call.headers.emplace_back("Authorization", "token=" + *token);
    call.timeout = std::chrono::seconds(120);

    cosmos::adapters::CpprestHttpClient client;
    cosmos::app::HttpReply reply;
    try {
        reply = client.send(call);
    } catch (const cosmos::core::Error& e) {
        std::fprintf(stderr, "repo-tool publish: cannot reach %s: %s\n", call.url.c_str(),
                     cosmos::app::call_failure_cause(e, call.timeout).c_str());
        return kExitProblems;
    }
    std::optional<Json> body;
    try {
        body = cosmos::core::parse_json(reply.body);
    } catch (const cosmos::core::Error&) {
    }
    if (reply.status == 202 && body && body->is_object()) {
        std::printf(
            "published %s %s (releaseVersion %s) to %s\n",
            body->value("name", std::string("?")).c_str(),
            body->value("version", std::string("?")).c_str(),
            body->contains("releaseVersion") ? (*body)["releaseVersion"].dump().c_str() : "?",
            base.c_str());
        return kExitOk;
    }
    if (body && body->is_object() && body->contains("message")) {
        std::fprintf(stderr, "repo-tool publish: %s (%s, HTTP %d)\n",
                     body->value("message", std::string()).c_str(),
                     body->value("type", std::string("error")).c_str(), reply.status);
    } else {
        std::fprintf(stderr, "repo-tool publish: %s answered HTTP %d: %s\n", call.url.c_str(),
                     reply.status, reply.body.substr(0, 200).c_str());
    }
    return kExitProblems;
}

int run_verify(const std::vector<std::string>& argv) {
    Args args(argv, {"threads"}, {"strict"});
    args.expect_positionals(2, 2);
    require_source_tree(args.positionals()[0]);
    if (!fs::is_directory(args.positionals()[1])) {
        throw UsageError{args.positionals()[1] +
                         " is not a folder (give the folder 'repo-tool build' wrote)"};
    }
    cosmos::adapters::DiskTreeSource source(args.positionals()[0]);
    MemorySink sink;
    auto report = cosmos::app::build_repository(source, sink, tree_options(args));
    if (!report.ok()) {
        print_problems(report.problems);
        std::printf("the tree does not build; nothing verified\n");
        return kExitProblems;
    }
    Verifier verifier(args.positionals()[1]);
    for (const auto& [file, bytes] : sink.files) {
        if (file.ends_with(".json")) {
            verifier.packages_file(file, bytes);
        } else {
            verifier.plain_file(file, bytes);
        }
    }
    for (const auto& [file, entries] : sink.zips)
        verifier.zip_file(file, entries);
    // A file that `serve` would answer with but that the tree does not produce.
    for (const auto& entry : fs::directory_iterator(args.positionals()[1])) {
        std::string name = entry.path().filename().string();
        auto served =
            cosmos::core::route_repository_request("/" + name, std::nullopt, std::nullopt);
        if (entry.is_regular_file() && served.kind == cosmos::core::ServeTarget::Kind::kFile &&
            !sink.files.count(name) && !sink.zips.count(name)) {
            verifier.report(name, "extra file (not produced from the tree)");
        }
    }
    if (verifier.problems() > 0) {
        std::printf("%zu problems in %s\n", verifier.problems(), args.positionals()[1].c_str());
        return kExitProblems;
    }
    std::printf("verified %s: %zu files, %zu entries match %s\n", args.positionals()[1].c_str(),
                verifier.files(), verifier.entries(), args.positionals()[0].c_str());
    return kExitOk;
}

}  // namespace repo_tool
