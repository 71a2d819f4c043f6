#include "cosmos/app/repository_service.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "cosmos/core/error.h"
#include "cosmos/core/repository.h"

namespace cosmos::app {

namespace {

constexpr std::string_view kBuiltinScheme = "builtin:";

bool starts_with_ci(const std::string& s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    }
    return true;
}

bool is_builtin(const std::string& uri) {
    return uri.rfind(kBuiltinScheme, 0) == 0;
}

// Content that arrived but is not a repository, with the reason in words for the error's cause.
core::Error undecodable(const core::Error& e) {
    const auto& data = e.data();
    if (!data.is_object()) return core::with_cause(e, "the content is not a repository");
    if (data.contains("cause")) return e;
    std::string cause = "the content is not a repository";
    for (const char* key : {"parsingErrorMessage", "decodingErrorMessage", "reason"}) {
        if (data.contains(key) && data[key].is_string()) {
            cause += ": " + data[key].get<std::string>();
            break;
        }
    }
    return core::with_cause(e, cause);
}

void count(RepositoryStatus& status, const core::RepositoryContent& content) {
    std::set<std::string_view> names;
    for (const auto& p : content.packages)
        names.insert(p.name);
    status.packages = names.size();
    status.revisions = content.packages.size();
}

bool listed(const std::vector<RepositoryRef>& list, const std::string& uri) {
    return std::any_of(list.begin(), list.end(),
                       [&](const RepositoryRef& r) { return r.uri == uri; });
}

}  // namespace

RepositoryService::RepositoryService(RepositoryStore& store, HttpClient& client, Clock& clock,
                                     RepositoryConfig config)
    : store_(store),
      client_(client),
      clock_(clock),
      config_(std::move(config)),
      catalog_(std::make_shared<core::Catalog>()) {}

std::shared_ptr<const core::Catalog> RepositoryService::catalog() const {
    std::lock_guard lock(mutex_);
    return catalog_;
}

Fetched RepositoryService::download(const RepositoryRef& ref,
                                    const std::optional<std::string>& etag, bool during_add) {
    if (is_builtin(ref.uri)) {
        auto it = config_.builtin.find(ref.uri);
        if (it == config_.builtin.end()) {
            throw core::repository_uri_connection(ref.name, ref.uri,
                                                  "no repository of that name is built in");
        }
        Fetched f;
        f.content = {ref.uri, it->second, "builtin", clock_.now_ms() / 1000, std::nullopt};
        return f;
    }
    if (starts_with_ci(ref.uri, "file:") && !config_.configured_file_uris.count(ref.uri)) {
        throw core::unsupported_repository_uri(ref.uri);
    }
    FetchSettings settings = config_.fetch;
    settings.during_add = during_add;
    if (during_add) {
        // The caller waits for the answer (and the DC/OS CLIs give up after a while), so an add
        // gets one attempt within its own bound; refreshes keep their retries.
        settings.timeout = config_.add_timeout;
        settings.max_retries = 0;
    }
    Fetched f = fetch_repository(client_, ref, etag, settings, config_.codec);
    f.content.fetched_at = clock_.now_ms() / 1000;
    return f;
}

std::shared_ptr<const core::RepositoryContent> RepositoryService::decode(
    const RepositoryRef& ref, const StoredContent& content) {
    auto out = std::make_shared<core::RepositoryContent>();
    out->name = ref.name;
    out->uri = ref.uri;
    try {
        if (is_builtin(ref.uri)) {
            out->packages =
                core::packages_for_dcos(core::parse_json(content.body), config_.dcos_version);
        } else {
            out->packages = decode_content(content, config_.unzip);
        }
    } catch (const core::Error& e) {
        throw undecodable(e);
    }
    // Decoding frees a parse tree several times the body's size; give it back to the system.
    if (config_.release_memory) config_.release_memory();
    return out;
}

void RepositoryService::load_stored() {
    auto refs = store_.list();
    for (const auto& ref : refs) {
        RepositoryStatus status;
        status.ref = ref;
        try {
            std::optional<StoredContent> content;
            if (is_builtin(ref.uri)) {
                content = download(ref, std::nullopt, false).content;
            } else {
                content = store_.load_content(ref.uri);
            }
            if (content) {
                auto decoded = decode(ref, *content);
                count(status, *decoded);
                status.fetched_at_ms = content->fetched_at * 1000;
                std::lock_guard lock(mutex_);
                decoded_[ref.uri] = {content->fetched_at, decoded};
                if (content->etag) etags_[ref.uri] = *content->etag;
            }
        } catch (const core::Error& e) {
            status.last_error = e.to_json();
        }
        std::lock_guard lock(mutex_);
        status_[ref.uri] = std::move(status);
    }
    std::lock_guard lock(mutex_);
    refs_ = refs;
    rebuild_locked();
}

void RepositoryService::refresh() {
    refresh_where([](bool) { return true; });
}

void RepositoryService::refresh_missing() {
    refresh_where([](bool have_content) { return !have_content; });
}

void RepositoryService::refresh_where(const std::function<bool(bool have_content)>& wanted) {
    std::lock_guard refresh_lock(refresh_mutex_);
    auto refs = store_.list();
    for (const auto& ref : refs) {
        std::optional<std::string> etag;
        bool have_content = false;
        {
            std::lock_guard lock(mutex_);
            have_content = decoded_.count(ref.uri) > 0;
            if (auto it = etags_.find(ref.uri); have_content && it != etags_.end()) {
                etag = it->second;
            }
        }
        if (!wanted(have_content)) continue;
        const std::int64_t attempt = clock_.now_ms();
        try {
            Fetched f = download(ref, etag, false);
            if (f.not_modified) {
                std::lock_guard lock(mutex_);
                auto& s = status_[ref.uri];
                s.ref = ref;
                s.last_attempt_ms = attempt;
                s.last_error.reset();
                ++s.not_modified;
                continue;
            }
            // Decode before storing: content that turned bad never replaces the last good one.
            auto decoded = decode(ref, f.content);
            if (!is_builtin(ref.uri)) store_.save_content(f.content);
            std::lock_guard lock(mutex_);
            decoded_[ref.uri] = {f.content.fetched_at, decoded};
            if (f.content.etag) {
                etags_[ref.uri] = *f.content.etag;
            } else {
                etags_.erase(ref.uri);
            }
            auto& s = status_[ref.uri];
            s.ref = ref;
            count(s, *decoded);
            s.fetched_at_ms = f.content.fetched_at * 1000;
            s.last_attempt_ms = attempt;
            s.last_error.reset();
            ++s.successes;
        } catch (const core::Error& e) {
            std::lock_guard lock(mutex_);
            auto& s = status_[ref.uri];
            s.ref = ref;
            s.last_attempt_ms = attempt;
            s.last_error = e.to_json();
            ++s.failures;
        }
    }
    // Repositories may have been added or removed while this refresh ran: the list is read
    // again, and what was downloaded for a repository no longer listed is let go.
    auto current = store_.list();
    std::lock_guard lock(mutex_);
    refs_ = current;
    for (const auto& ref : refs) {
        if (!listed(current, ref.uri)) forget_locked(ref.uri);
    }
    rebuild_locked();
}

std::vector<RepositoryStatus> RepositoryService::status() const {
    const std::int64_t now = clock_.now_ms();
    std::lock_guard lock(mutex_);
    std::vector<RepositoryStatus> out;
    for (const auto& ref : refs_) {
        auto it = status_.find(ref.uri);
        RepositoryStatus s = it == status_.end() ? RepositoryStatus{} : it->second;
        s.ref = ref;
        if (s.fetched_at_ms) {
            s.age_seconds = std::max(0.0, static_cast<double>(now - *s.fetched_at_ms) / 1000.0);
        }
        out.push_back(std::move(s));
    }
    return out;
}

bool RepositoryService::sync_list() {
    auto current = store_.list();
    std::vector<std::string> dropped;
    bool missing = false;
    {
        std::lock_guard lock(mutex_);
        for (const auto& ref : refs_) {
            if (listed(current, ref.uri)) continue;
            forget_locked(ref.uri);
            dropped.push_back(ref.uri);
        }
        for (const auto& ref : current) {
            if (!decoded_.count(ref.uri)) missing = true;
        }
        if (current != refs_) {
            refs_ = current;
            rebuild_locked();
        }
    }
    for (const auto& uri : dropped) {
        try {
            store_.drop_content(uri);
        } catch (const core::Error&) {
            // Only this instance's copy: a leftover is replaced when the URI comes back.
        }
    }
    return missing;
}

std::vector<RepositoryRef> RepositoryService::list() {
    auto refs = store_.list();
    std::lock_guard lock(mutex_);
    if (refs != refs_) {
        refs_ = refs;
        rebuild_locked();
    }
    return refs;
}

std::vector<RepositoryRef> RepositoryService::add(const std::string& name, const std::string& uri,
                                                  std::optional<std::int64_t> index) {
    if (!starts_with_ci(uri, "http://") && !starts_with_ci(uri, "https://")) {
        throw core::unsupported_repository_uri(uri);
    }
    RepositoryRef ref{name, uri};
    Fetched f = download(ref, std::nullopt, true);
    auto decoded = decode(ref, f.content);
    auto insert = [&](const std::vector<RepositoryRef>& current) {
        bool name_taken = std::any_of(current.begin(), current.end(),
                                      [&](const RepositoryRef& r) { return r.name == name; });
        bool uri_taken = std::any_of(current.begin(), current.end(),
                                     [&](const RepositoryRef& r) { return r.uri == uri; });
        if (name_taken || uri_taken) {
            throw core::repository_already_present(
                name_taken ? std::optional<std::string>(name) : std::nullopt,
                uri_taken ? std::optional<std::string>(uri) : std::nullopt);
        }
        auto size = static_cast<std::int64_t>(current.size());
        std::int64_t at = index.value_or(size);
        if (at < 0 || at > size) throw core::repository_add_index_out_of_bounds(at, size);
        std::vector<RepositoryRef> next = current;
        next.insert(next.begin() + at, ref);
        return next;
    };
    // The content is stored before the list names it: a crash between the two writes leaves
    // content nobody lists (a later add of the URI overwrites it), never a listed repository
    // without content. Content of a URI already listed is not touched before the list changes.
    const auto before = store_.list();
    const bool uri_listed = std::any_of(before.begin(), before.end(),
                                        [&](const RepositoryRef& r) { return r.uri == uri; });
    if (!uri_listed) store_.save_content(f.content);
    std::vector<RepositoryRef> refs;
    try {
        refs = store_.update(insert);
    } catch (...) {
        if (!uri_listed) {
            try {
                store_.drop_content(uri);
            } catch (...) {
                // What the add failed with matters more; the content is unlisted either way.
            }
        }
        throw;
    }
    if (uri_listed) store_.save_content(f.content);
    std::lock_guard lock(mutex_);
    decoded_[uri] = {f.content.fetched_at, decoded};
    if (f.content.etag) etags_[uri] = *f.content.etag;
    auto& s = status_[uri];
    s.ref = ref;
    count(s, *decoded);
    s.fetched_at_ms = f.content.fetched_at * 1000;
    s.last_attempt_ms = clock_.now_ms();
    ++s.successes;
    refs_ = refs;
    rebuild_locked();
    return refs;
}

std::vector<RepositoryRef> RepositoryService::remove(const std::optional<std::string>& name,
                                                     const std::optional<std::string>& uri) {
    if (!name && !uri) throw core::repo_name_or_uri_missing();
    std::vector<RepositoryRef> removed;
    auto refs = store_.update([&](const std::vector<RepositoryRef>& current) {
        std::vector<RepositoryRef> next;
        removed.clear();
        for (const auto& r : current) {
            bool match = (name && uri) ? (r.name == *name && r.uri == *uri)
                                       : (name ? r.name == *name : r.uri == *uri);
            (match ? removed : next).push_back(r);
        }
        if (removed.empty()) throw core::repository_not_present(name, uri);
        return next;
    });
    for (const auto& r : removed) {
        if (listed(refs, r.uri)) continue;
        store_.drop_content(r.uri);
        std::lock_guard lock(mutex_);
        forget_locked(r.uri);
    }
    std::lock_guard lock(mutex_);
    refs_ = refs;
    rebuild_locked();
    return refs;
}

void RepositoryService::forget_locked(const std::string& uri) {
    decoded_.erase(uri);
    status_.erase(uri);
    etags_.erase(uri);
}

void RepositoryService::set_local_repository(std::string name, std::string uri,
                                             std::function<std::vector<core::Package>()> provider) {
    std::lock_guard lock(mutex_);
    local_ref_ = RepositoryRef{std::move(name), std::move(uri)};
    local_provider_ = std::move(provider);
}

void RepositoryService::rebuild() {
    std::lock_guard lock(mutex_);
    rebuild_locked();
}

void RepositoryService::rebuild_locked() {
    std::vector<std::shared_ptr<const core::RepositoryContent>> repos;
    if (local_ref_ && local_provider_) {
        auto local = std::make_shared<core::RepositoryContent>();
        local->name = local_ref_->name;
        local->uri = local_ref_->uri;
        local->packages = local_provider_();
        repos.push_back(std::move(local));
    }
    for (const auto& ref : refs_) {
        auto it = decoded_.find(ref.uri);
        if (it != decoded_.end() && it->second.content) {
            repos.push_back(it->second.content);
        } else {
            auto empty = std::make_shared<core::RepositoryContent>();
            empty->name = ref.name;
            empty->uri = ref.uri;
            repos.push_back(std::move(empty));
        }
    }
    catalog_ = std::make_shared<const core::Catalog>(std::move(repos));
}

double RepositoryService::index_age_seconds() const {
    std::lock_guard lock(mutex_);
    std::optional<std::int64_t> oldest;
    for (const auto& ref : refs_) {
        auto it = decoded_.find(ref.uri);
        if (it == decoded_.end()) continue;
        if (!oldest || it->second.fetched_at < *oldest) oldest = it->second.fetched_at;
    }
    if (!oldest) return 0.0;
    return std::max(0.0,
                    static_cast<double>(clock_.now_ms()) / 1000.0 - static_cast<double>(*oldest));
}

}  // namespace cosmos::app
