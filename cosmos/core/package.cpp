#include "cosmos/core/package.h"

#include "cosmos/core/decode.h"
#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

StringMap decode_string_map(const Json& object, const DecodePath& at) {
    StringMap out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().is_string()) throw DecodeFailure("String: " + at.field(it.key()).history());
        out.emplace_back(it.key(), it.value().get<std::string>());
    }
    return out;
}

Json encode_string_map(const StringMap& map) {
    Json out = Json::object();
    for (const auto& [k, v] : map)
        out[k] = v;
    return out;
}

CliBinary decode_binary(const Json& object, const DecodePath& at) {
    CliBinary b;
    b.kind = required_string(object, "kind", at);
    if (b.kind != "executable" && b.kind != "zip") {
        throw DecodeFailure("Expected one of [executable, zip] for kind, but found [" + b.kind +
                            "]: " + at.field("kind").history());
    }
    b.url = required_string(object, "url", at);
    auto hashes_at = at.field("contentHash");
    auto it = object.find("contentHash");
    if (it == object.end() || it->is_null()) {
        throw DecodeFailure("Attempt to decode value on failed cursor: " + hashes_at.history());
    }
    if (!it->is_array()) throw DecodeFailure("C[A]: " + hashes_at.history());
    for (std::size_t i = 0; i < it->size(); ++i) {
        const Json& h = (*it)[i];
        auto h_at = hashes_at.index(i);
        expect_object(h, h_at);
        b.content_hash.push_back(
            {required_string(h, "algo", h_at), required_string(h, "value", h_at)});
    }
    return b;
}

std::optional<CliBinary> decode_platform(const Json& binaries, std::string_view os,
                                         const DecodePath& at) {
    const Json* platform = optional_object(binaries, os, at);
    if (!platform) return std::nullopt;
    auto p_at = at.field(os);
    const Json* arch = optional_object(*platform, "x86-64", p_at);
    if (!arch) {
        throw DecodeFailure("Attempt to decode value on failed cursor: " +
                            p_at.field("x86-64").history());
    }
    return decode_binary(*arch, p_at.field("x86-64"));
}

Resource decode_resource(const Json& object, bool with_cli, const DecodePath& at) {
    Resource r;
    if (const Json* assets = optional_object(object, "assets", at)) {
        auto a_at = at.field("assets");
        Assets a;
        if (const Json* uris = optional_object(*assets, "uris", a_at)) {
            a.uris = decode_string_map(*uris, a_at.field("uris"));
        }
        if (const Json* container = optional_object(*assets, "container", a_at)) {
            auto c_at = a_at.field("container");
            const Json* docker = optional_object(*container, "docker", c_at);
            if (!docker) {
                throw DecodeFailure("Attempt to decode value on failed cursor: " +
                                    c_at.field("docker").history());
            }
            a.docker = decode_string_map(*docker, c_at.field("docker"));
        }
        r.assets = std::move(a);
    }
    if (const Json* images = optional_object(object, "images", at)) {
        auto i_at = at.field("images");
        Images im;
        im.icon_small = optional_string(*images, "icon-small", i_at);
        im.icon_medium = optional_string(*images, "icon-medium", i_at);
        im.icon_large = optional_string(*images, "icon-large", i_at);
        im.screenshots = optional_string_array(*images, "screenshots", i_at);
        r.images = std::move(im);
    }
    if (with_cli) {
        if (const Json* cli = optional_object(object, "cli", at)) {
            auto c_at = at.field("cli");
            CliInfo info;
            if (const Json* binaries = optional_object(*cli, "binaries", c_at)) {
                auto b_at = c_at.field("binaries");
                info.has_binaries = true;
                info.windows = decode_platform(*binaries, "windows", b_at);
                info.linux_x86_64 = decode_platform(*binaries, "linux", b_at);
                info.darwin = decode_platform(*binaries, "darwin", b_at);
            }
            r.cli = std::move(info);
        }
    }
    return r;
}

void check_tags(const std::vector<std::string>& tags, const DecodePath& at) {
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const auto& tag = tags[i];
        bool ok = !tag.empty();
        for (char c : tag) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                ok = false;
            }
        }
        if (!ok) {
            throw DecodeFailure("Value '" + tag +
                                "' does not conform to expected format ^[^\\s]+$: " +
                                at.field("tags").index(i).history());
        }
    }
}

Package decode_package_or_throw(const Json& d) {
    DecodePath at;
    expect_object(d, at);
    Package p;
    auto pv_text = required_string(d, "packagingVersion", at);
    auto pv = parse_packaging_version(pv_text);
    if (!pv) {
        throw DecodeFailure(
            "Expected one of [2.0, 3.0, 4.0, 5.0] for packaging version, but found [" + pv_text +
            "]");
    }
    p.packaging_version = *pv;
    const bool v3_plus = *pv != PackagingVersion::k2_0;
    const bool v4_plus = *pv == PackagingVersion::k4_0 || *pv == PackagingVersion::k5_0;

    p.name = required_string(d, "name", at);
    p.version = PackageVersion(required_string(d, "version", at));
    auto release = required_int(d, "releaseVersion", at);
    if (release < 0) {
        throw DecodeFailure("Expected integer value >= 0 for release version, but found [" +
                            std::to_string(release) + "]");
    }
    p.release_version = static_cast<ReleaseVersion>(release);
    p.maintainer = required_string(d, "maintainer", at);
    p.description = required_string(d, "description", at);
    p.tags = required_string_array(d, "tags", at);
    check_tags(p.tags, at);
    p.selected = optional_bool(d, "selected", at);
    p.scm = optional_string(d, "scm", at);
    p.website = optional_string(d, "website", at);
    p.framework = optional_bool(d, "framework", at);
    p.pre_install_notes = optional_string(d, "preInstallNotes", at);
    p.post_install_notes = optional_string(d, "postInstallNotes", at);
    p.post_uninstall_notes = optional_string(d, "postUninstallNotes", at);

    if (auto it = d.find("licenses"); it != d.end() && !it->is_null()) {
        auto l_at = at.field("licenses");
        if (!it->is_array()) throw DecodeFailure("C[A]: " + l_at.history());
        std::vector<License> licenses;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& l = (*it)[i];
            expect_object(l, l_at.index(i));
            licenses.push_back({required_string(l, "name", l_at.index(i)),
                                required_string(l, "url", l_at.index(i))});
        }
        p.licenses = std::move(licenses);
    }

    if (const Json* marathon = optional_object(d, "marathon", at)) {
        auto m_at = at.field("marathon");
        auto b64 = required_string(*marathon, "v2AppMustacheTemplate", m_at);
        // Checked, not decoded: a repository holds one template per package, and decoding each
        // only to drop it was a visible share of loading a large repository.
        if (!decodable_base64(b64)) {
            throw DecodeFailure("Base64 decoding failed: " +
                                m_at.field("v2AppMustacheTemplate").history());
        }
        p.marathon_template_base64 = std::move(b64);
    } else if (!v3_plus) {
        throw DecodeFailure("Attempt to decode value on failed cursor: " +
                            at.field("marathon").history());
    }

    if (const Json* resource = optional_object(d, "resource", at)) {
        p.resource = decode_resource(*resource, v3_plus, at.field("resource"));
    }
    if (const Json* config = optional_object(d, "config", at)) p.config.emplace(*config);

    if (!v4_plus) {
        if (const Json* command = optional_object(d, "command", at)) {
            p.command_pip = required_string_array(*command, "pip", at.field("command"));
        }
    }
    if (v3_plus) {
        p.min_dcos_release_version = optional_string(d, "minDcosReleaseVersion", at);
        if (p.min_dcos_release_version && !DcosReleaseVersion::parse(*p.min_dcos_release_version)) {
            throw DecodeFailure("Unable to parse DC/OS release version [" +
                                *p.min_dcos_release_version +
                                "]: " + at.field("minDcosReleaseVersion").history());
        }
        p.last_updated = optional_int(d, "lastUpdated", at);
        p.has_known_issues = optional_bool(d, "hasKnownIssues", at);
    }
    if (v4_plus) {
        p.upgrades_from = optional_string_array(d, "upgradesFrom", at);
        p.downgrades_to = optional_string_array(d, "downgradesTo", at);
    }
    if (*pv == PackagingVersion::k5_0) {
        if (const Json* manager = optional_object(d, "manager", at)) {
            auto m_at = at.field("manager");
            p.manager = Manager{required_string(*manager, "packageName", m_at),
                                optional_string(*manager, "minPackageVersion", m_at)};
        }
    }
    return p;
}

// Writes key: value, or key: null / nothing for an absent optional, per the null policy.
template <typename T, typename F>
void put_optional(Json& out, const char* key, const std::optional<T>& value, Nulls nulls,
                  F&& encode) {
    if (value) {
        out[key] = encode(*value);
    } else if (nulls == Nulls::kWrite) {
        out[key] = nullptr;
    }
}

template <typename T>
void put_optional(Json& out, const char* key, const std::optional<T>& value, Nulls nulls) {
    put_optional(out, key, value, nulls, [](const T& v) { return Json(v); });
}

Json encode_config(const JsonText& config) {
    return config.value();
}

Json encode_licenses(const std::vector<License>& licenses) {
    Json out = Json::array();
    for (const auto& l : licenses)
        out.push_back(Json{{"name", l.name}, {"url", l.url}});
    return out;
}

Json encode_binary(const CliBinary& b) {
    Json hashes = Json::array();
    for (const auto& h : b.content_hash)
        hashes.push_back(Json{{"algo", h.algo}, {"value", h.value}});
    return Json{{"kind", b.kind}, {"url", b.url}, {"contentHash", std::move(hashes)}};
}

Json encode_platform(const CliBinary& b) {
    return Json{{"x86-64", encode_binary(b)}};
}

Json encode_cli(const CliInfo& cli, Nulls nulls) {
    Json out = Json::object();
    if (cli.has_binaries) {
        Json binaries = Json::object();
        put_optional(binaries, "windows", cli.windows, nulls, encode_platform);
        put_optional(binaries, "linux", cli.linux_x86_64, nulls, encode_platform);
        put_optional(binaries, "darwin", cli.darwin, nulls, encode_platform);
        out["binaries"] = std::move(binaries);
    } else if (nulls == Nulls::kWrite) {
        out["binaries"] = nullptr;
    }
    return out;
}

// The identifying fields every packaging version starts with.
void encode_common_head(Json& out, const Package& p, bool with_release) {
    out["packagingVersion"] = to_string(p.packaging_version);
    out["name"] = p.name;
    out["version"] = p.version.str();
    if (with_release) out["releaseVersion"] = p.release_version;
    out["maintainer"] = p.maintainer;
    out["description"] = p.description;
}

// selected .. licenses, with selected and framework written as given (describe v3) or defaulted
// (describe v2, list).
void encode_notes_and_licenses(Json& out, const Package& p, Nulls nulls, bool defaults) {
    if (defaults) {
        out["selected"] = p.is_selected();
    } else {
        put_optional(out, "selected", p.selected, nulls);
    }
    put_optional(out, "scm", p.scm, nulls);
    put_optional(out, "website", p.website, nulls);
    if (defaults) {
        out["framework"] = p.is_framework();
    } else {
        put_optional(out, "framework", p.framework, nulls);
    }
    put_optional(out, "preInstallNotes", p.pre_install_notes, nulls);
    put_optional(out, "postInstallNotes", p.post_install_notes, nulls);
    put_optional(out, "postUninstallNotes", p.post_uninstall_notes, nulls);
    put_optional(out, "licenses", p.licenses, nulls, encode_licenses);
}

Json encode_marathon(const SharedText& b64) {
    return Json{{"v2AppMustacheTemplate", b64.str()}};
}
Json encode_command(const std::vector<std::string>& pip) {
    return Json{{"pip", pip}};
}

}  // namespace

std::string_view to_string(PackagingVersion v) {
    switch (v) {
        case PackagingVersion::k2_0:
            return "2.0";
        case PackagingVersion::k3_0:
            return "3.0";
        case PackagingVersion::k4_0:
            return "4.0";
        case PackagingVersion::k5_0:
            return "5.0";
    }
    return "3.0";
}

std::optional<PackagingVersion> parse_packaging_version(std::string_view text) {
    if (text == "2.0") return PackagingVersion::k2_0;
    if (text == "3.0") return PackagingVersion::k3_0;
    if (text == "4.0") return PackagingVersion::k4_0;
    if (text == "5.0") return PackagingVersion::k5_0;
    return std::nullopt;
}

std::optional<std::string> Package::marathon_template() const {
    if (!marathon_template_base64) return std::nullopt;
    return base64_decode(*marathon_template_base64);
}

const std::string& Package::search_description() const {
    return packaging_version == PackagingVersion::k5_0 ? maintainer : description;
}

Package decode_package(const Json& definition) {
    try {
        return decode_package_or_throw(definition);
    } catch (const DecodeFailure& failure) {
        std::string input = to_compact(definition);
        if (input.size() > 2048) input = input.substr(0, 2048) + "...";
        throw json_decoding_error("com.mesosphere.universe.v4.model.PackageDefinition",
                                  failure.what(), input);
    }
}

Json encode_resource(const Resource& r, bool with_cli, Nulls nulls) {
    Json out = Json::object();
    put_optional(out, "assets", r.assets, nulls, [nulls](const Assets& a) {
        Json assets = Json::object();
        put_optional(assets, "uris", a.uris, nulls, encode_string_map);
        put_optional(assets, "container", a.docker, nulls, [](const StringMap& docker) {
            return Json{{"docker", encode_string_map(docker)}};
        });
        return assets;
    });
    put_optional(out, "images", r.images, nulls, [nulls](const Images& im) {
        Json images = Json::object();
        put_optional(images, "icon-small", im.icon_small, nulls);
        put_optional(images, "icon-medium", im.icon_medium, nulls);
        put_optional(images, "icon-large", im.icon_large, nulls);
        put_optional(images, "screenshots", im.screenshots, nulls);
        return images;
    });
    if (with_cli) {
        put_optional(out, "cli", r.cli, nulls,
                     [nulls](const CliInfo& cli) { return encode_cli(cli, nulls); });
    }
    return out;
}

Json encode_package(const Package& p, Nulls nulls) {
    Json out = Json::object();
    const auto pv = p.packaging_version;
    const bool v2 = pv == PackagingVersion::k2_0;
    encode_common_head(out, p, true);
    auto resource = [&](const Resource& r) { return encode_resource(r, !v2, nulls); };
    if (v2) {
        out["marathon"] = encode_marathon(p.marathon_template_base64.value_or(""));
        out["tags"] = p.tags;
        encode_notes_and_licenses(out, p, nulls, false);
        put_optional(out, "resource", p.resource, nulls, resource);
        put_optional(out, "config", p.config, nulls, encode_config);
        put_optional(out, "command", p.command_pip, nulls, encode_command);
        return out;
    }
    out["tags"] = p.tags;
    encode_notes_and_licenses(out, p, nulls, false);
    put_optional(out, "minDcosReleaseVersion", p.min_dcos_release_version, nulls);
    put_optional(out, "marathon", p.marathon_template_base64, nulls, encode_marathon);
    put_optional(out, "resource", p.resource, nulls, resource);
    put_optional(out, "config", p.config, nulls, encode_config);
    switch (pv) {
        case PackagingVersion::k3_0:
            put_optional(out, "command", p.command_pip, nulls, encode_command);
            put_optional(out, "lastUpdated", p.last_updated, nulls);
            put_optional(out, "hasKnownIssues", p.has_known_issues, nulls);
            break;
        case PackagingVersion::k4_0:
            put_optional(out, "lastUpdated", p.last_updated, nulls);
            put_optional(out, "hasKnownIssues", p.has_known_issues, nulls);
            put_optional(out, "upgradesFrom", p.upgrades_from, nulls);
            put_optional(out, "downgradesTo", p.downgrades_to, nulls);
            break;
        case PackagingVersion::k5_0:
            put_optional(out, "upgradesFrom", p.upgrades_from, nulls);
            put_optional(out, "downgradesTo", p.downgrades_to, nulls);
            put_optional(out, "manager", p.manager, nulls, [nulls](const Manager& m) {
                Json manager{{"packageName", m.package_name}};
                put_optional(manager, "minPackageVersion", m.min_package_version, nulls);
                return manager;
            });
            put_optional(out, "lastUpdated", p.last_updated, nulls);
            put_optional(out, "hasKnownIssues", p.has_known_issues, nulls);
            break;
        case PackagingVersion::k2_0:
            break;
    }
    return out;
}

Json encode_describe_v2(const Package& p) {
    std::string_view packaging = to_string(p.packaging_version);
    if (p.packaging_version == PackagingVersion::k5_0) throw conversion_to_v2_describe();
    if (p.packaging_version == PackagingVersion::k4_0) {
        bool has_updates = (p.upgrades_from && !p.upgrades_from->empty()) ||
                           (p.downgrades_to && !p.downgrades_to->empty());
        if (has_updates) throw conversion_to_v2_describe();
        packaging = "3.0";
    }
    Json out = Json::object();
    out["packagingVersion"] = packaging;
    out["name"] = p.name;
    out["version"] = p.version.str();
    out["maintainer"] = p.maintainer;
    out["description"] = p.description;
    out["tags"] = p.tags;
    encode_notes_and_licenses(out, p, Nulls::kDrop, true);
    if (p.min_dcos_release_version) out["minDcosReleaseVersion"] = *p.min_dcos_release_version;
    if (p.marathon_template_base64) out["marathon"] = encode_marathon(*p.marathon_template_base64);
    if (p.resource) out["resource"] = encode_resource(*p.resource, true);
    if (p.config) out["config"] = p.config->value();
    if (p.command_pip) out["command"] = encode_command(*p.command_pip);
    return out;
}

Json encode_list_definition(const Package& p) {
    Json out = Json::object();
    encode_common_head(out, p, false);
    out["tags"] = p.tags;
    encode_notes_and_licenses(out, p, Nulls::kDrop, true);
    return out;
}

std::vector<std::string> resource_urls(const Resource& r) {
    std::vector<std::string> urls;
    if (r.assets && r.assets->uris) {
        for (const auto& [k, v] : *r.assets->uris)
            urls.push_back(v);
    }
    if (r.images) {
        for (const auto* icon :
             {&r.images->icon_small, &r.images->icon_medium, &r.images->icon_large}) {
            if (*icon) urls.push_back(**icon);
        }
        if (r.images->screenshots) {
            for (const auto& s : *r.images->screenshots)
                urls.push_back(s);
        }
    }
    if (r.cli) {
        for (const auto* b : {&r.cli->windows, &r.cli->linux_x86_64, &r.cli->darwin}) {
            if (*b) urls.push_back((*b)->url);
        }
    }
    return urls;
}

Resource rewrite_resource_urls(const Resource& resource,
                               const std::function<std::string(const std::string&)>& rewrite) {
    Resource r = resource;
    if (r.assets && r.assets->uris) {
        for (auto& [k, v] : *r.assets->uris)
            v = rewrite(v);
    }
    if (r.images) {
        for (auto* icon : {&r.images->icon_small, &r.images->icon_medium, &r.images->icon_large}) {
            if (*icon) **icon = rewrite(**icon);
        }
        if (r.images->screenshots) {
            for (auto& s : *r.images->screenshots)
                s = rewrite(s);
        }
    }
    if (r.cli) {
        for (auto* b : {&r.cli->windows, &r.cli->linux_x86_64, &r.cli->darwin}) {
            if (*b) (*b)->url = rewrite((*b)->url);
        }
    }
    return r;
}

}  // namespace cosmos::core
