#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>

#include "cosmos/core/catalog.h"
#include "cosmos/core/render.h"

namespace cosmos::app {

/// Prepared renders (core::prepare_render) of the packages of the current catalog, so that
/// rendering or installing a package again only resolves the options and runs the template: the
/// config schema, the template and the DCOS_PACKAGE_DEFINITION label are made once per package.
/// Thread-safe.
class RenderCache {
public:
    /// Keeps at most max_packages preparations, the least recently used going first; everything
    /// is dropped when the catalog changes.
    explicit RenderCache(std::size_t max_packages = 64) : max_packages_(max_packages) {}

    /// The preparation of package, a package of catalog; made now when not kept. Two threads
    /// asking for the same package at once may both prepare it.
    std::shared_ptr<const core::PreparedRender> get(
        const std::shared_ptr<const core::Catalog>& catalog, const core::Package& package,
        const core::Codec& codec);

private:
    struct Kept {
        std::shared_ptr<const core::PreparedRender> prepared;
        std::list<const core::Package*>::iterator use;
    };
    bool same_catalog(const std::shared_ptr<const core::Catalog>& catalog) const;

    const std::size_t max_packages_;
    std::mutex mutex_;
    // Identified by its control block, which the weak reference keeps allocated: a new catalog
    // is never mistaken for a freed one, and package addresses are only compared within one.
    std::weak_ptr<const core::Catalog> catalog_;
    std::map<const core::Package*, Kept> kept_;
    std::list<const core::Package*> uses_;  // least recently used first
};

}  // namespace cosmos::app
