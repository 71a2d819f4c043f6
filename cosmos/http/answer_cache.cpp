#include "cosmos/http/answer_cache.h"

#include <string_view>
#include <utility>

namespace cosmos::http {

namespace {

// Every input of request validation, each ended by a byte that cannot occur in a header value.
std::string request_key(const std::string& name, const HttpRequest& request) {
    static constexpr std::string_view kHeaders[] = {"Host", "X-Forwarded-Proto", "Accept",
                                                    "Content-Type", "Authorization"};
    std::string key;
    key.reserve(name.size() + request.scheme.size() + request.body.size() + 256);
    key += name;
    key += '\n';
    key += request.scheme;
    key += '\n';
    for (auto header : kHeaders) {
        if (auto value = request.header(header)) {
            key += '=';
            key += *value;
        }
        key += '\n';
    }
    key += request.body;
    return key;
}

}  // namespace

AnswerCache::AnswerCache(CatalogSource catalog, std::size_t max_entries, std::size_t max_bytes)
    : catalog_source_(std::move(catalog)), max_entries_(max_entries), max_bytes_(max_bytes) {}

Router::Route AnswerCache::wrap(std::string name, Router::Route route) {
    return [self = shared_from_this(), name = std::move(name), route = std::move(route)](
               const HttpRequest& request) { return self->answer(name, route, request); };
}

HttpResponse AnswerCache::answer(const std::string& name, const Router::Route& route,
                                 const HttpRequest& request) {
    auto catalog = catalog_source_();
    std::string key = request_key(name, request);
    if (auto found = find(catalog, key)) {
        HttpResponse response;
        response.status = found->status;
        response.headers = found->headers;
        response.shared_body = found->body;
        return response;
    }
    HttpResponse response = route(request);
    // Kept only when the route surely saw this catalog: catalogs are only ever replaced by new
    // ones, so the same one before and after means it was current throughout.
    if (response.status == 200 && !response.shared_body && catalog_source_() == catalog) {
        auto kept = std::make_shared<Answer>();
        kept->status = response.status;
        kept->headers = response.headers;
        kept->body = std::make_shared<const std::string>(std::move(response.body));
        response.body.clear();
        response.shared_body = kept->body;
        keep(catalog, key, std::move(kept));
    }
    return response;
}

bool AnswerCache::same_catalog(const std::shared_ptr<const core::Catalog>& catalog) const {
    return !catalog_.owner_before(catalog) && !catalog.owner_before(catalog_) &&
           !catalog_.expired();
}

std::shared_ptr<const AnswerCache::Answer> AnswerCache::find(
    const std::shared_ptr<const core::Catalog>& catalog, const std::string& key) {
    std::lock_guard lock(mutex_);
    if (!same_catalog(catalog)) return nullptr;
    auto it = answers_.find(key);
    return it == answers_.end() ? nullptr : it->second;
}

void AnswerCache::keep(const std::shared_ptr<const core::Catalog>& catalog, const std::string& key,
                       std::shared_ptr<const Answer> answer) {
    std::lock_guard lock(mutex_);
    if (!same_catalog(catalog)) {
        answers_.clear();
        order_.clear();
        bytes_ = 0;
        catalog_ = catalog;
    }
    std::size_t size = answer->body->size();
    if (!answers_.emplace(key, std::move(answer)).second) return;
    order_.push_back(key);
    bytes_ += size;
    while (order_.size() > max_entries_ || (bytes_ > max_bytes_ && order_.size() > 1)) {
        auto oldest = answers_.find(order_.front());
        bytes_ -= oldest->second->body->size();
        answers_.erase(oldest);
        order_.pop_front();
    }
}

}  // namespace cosmos::http
