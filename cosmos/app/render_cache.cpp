#include "cosmos/app/render_cache.h"

namespace cosmos::app {

bool RenderCache::same_catalog(const std::shared_ptr<const core::Catalog>& catalog) const {
    return !catalog_.owner_before(catalog) && !catalog.owner_before(catalog_) &&
           !catalog_.expired();
}

std::shared_ptr<const core::PreparedRender> RenderCache::get(
    const std::shared_ptr<const core::Catalog>& catalog, const core::Package& package,
    const core::Codec& codec) {
    {
        std::lock_guard lock(mutex_);
        if (same_catalog(catalog)) {
            if (auto it = kept_.find(&package); it != kept_.end()) {
                uses_.splice(uses_.end(), uses_, it->second.use);
                return it->second.prepared;
            }
        }
    }
    // Prepared outside the lock: a large package takes milliseconds.
    auto prepared = core::prepare_render(package, codec);
    std::lock_guard lock(mutex_);
    if (!same_catalog(catalog)) {
        kept_.clear();
        uses_.clear();
        catalog_ = catalog;
    }
    if (kept_.count(&package) == 0) {
        uses_.push_back(&package);
        kept_.emplace(&package, Kept{prepared, std::prev(uses_.end())});
        while (uses_.size() > max_packages_) {
            kept_.erase(uses_.front());
            uses_.pop_front();
        }
    }
    return prepared;
}

}  // namespace cosmos::app
