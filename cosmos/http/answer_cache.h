#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cosmos/core/catalog.h"
#include "cosmos/http/router.h"

namespace cosmos::http {

/// Successful answers of catalog endpoints, kept as encoded bytes for the catalog they were
/// computed from. The same few requests (the CLI's and the UI's) repeat, and for a route that
/// reads nothing but the catalog and the request's inputs named below, a repeated request gets
/// the same bytes until the catalog changes.
///
/// An answer is looked up by the route's name and everything request validation reads: the
/// listener's scheme, the headers Host, X-Forwarded-Proto, Accept, Content-Type and
/// Authorization (first values), and the body. So a hit is exactly a request that was answered
/// 200 before, under the same catalog; errors are never kept. The cache knows nothing of the
/// answers' shape: members added to an answer need no change here. Thread-safe.
class AnswerCache : public std::enable_shared_from_this<AnswerCache> {
public:
    using CatalogSource = std::function<std::shared_ptr<const core::Catalog>()>;

    /// Keeps at most max_entries answers and max_bytes of bodies (the newest answer always
    /// stays), dropping the oldest first; everything is dropped when the catalog changes.
    AnswerCache(CatalogSource catalog, std::size_t max_entries = 256,
                std::size_t max_bytes = 8u << 20);

    /// A route that answers from the cache, and otherwise calls route and keeps a 200 answer
    /// (when the catalog did not change meanwhile). Answers from the cache share their body
    /// (HttpResponse::shared_body) instead of copying it. The route keeps the cache alive, so the
    /// cache must be owned by a shared_ptr.
    Router::Route wrap(std::string name, Router::Route route);

private:
    struct Answer {
        int status = 200;
        std::vector<Header> headers;
        std::shared_ptr<const std::string> body;
    };

    HttpResponse answer(const std::string& name, const Router::Route& route,
                        const HttpRequest& request);
    std::shared_ptr<const Answer> find(const std::shared_ptr<const core::Catalog>& catalog,
                                       const std::string& key);
    void keep(const std::shared_ptr<const core::Catalog>& catalog, const std::string& key,
              std::shared_ptr<const Answer> answer);
    bool same_catalog(const std::shared_ptr<const core::Catalog>& catalog) const;

    CatalogSource catalog_source_;
    const std::size_t max_entries_;
    const std::size_t max_bytes_;
    std::mutex mutex_;
    // Identified by its control block, which the weak reference keeps allocated, so a new
    // catalog allocated where an old one was freed is never mistaken for it; the old catalog
    // itself is freed as soon as nothing else uses it.
    std::weak_ptr<const core::Catalog> catalog_;
    std::size_t bytes_ = 0;
    std::unordered_map<std::string, std::shared_ptr<const Answer>> answers_;
    std::list<std::string> order_;  // oldest first
};

}  // namespace cosmos::http
