#include "cosmos/core/decode.h"

#include <charconv>

namespace cosmos::core {

namespace {

[[noreturn]] void missing(const DecodePath& at, std::string_view key) {
    throw DecodeFailure("Attempt to decode value on failed cursor: " + at.field(key).history(),
                        std::string(key));
}

[[noreturn]] void wrong_type(std::string_view expected, const DecodePath& at) {
    throw DecodeFailure(std::string(expected) + ": " + at.history());
}

const Json* member(const Json& object, std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

std::optional<std::int64_t> as_int(const Json& v, bool allow_string) {
    if (v.is_number_integer()) {
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX) return std::nullopt;
        return v.get<std::int64_t>();
    }
    if (v.is_number_float() && is_integral(v)) return static_cast<std::int64_t>(v.get<double>());
    if (allow_string && v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        std::int64_t out = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return out;
    }
    return std::nullopt;
}

}  // namespace

DecodePath DecodePath::field(std::string_view name) const {
    DecodePath p = *this;
    p.ops_.push_back("DownField(" + std::string(name) + ")");
    return p;
}

DecodePath DecodePath::index(std::size_t i) const {
    DecodePath p = *this;
    p.ops_.push_back("DownArray");
    for (std::size_t k = 0; k < i; ++k)
        p.ops_.push_back("MoveRight");
    return p;
}

std::string DecodePath::history() const {
    std::string out;
    for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) {
        if (!out.empty()) out += ",";
        out += *it;
    }
    return out;
}

std::string required_string(const Json& object, std::string_view key, const DecodePath& at) {
    auto v = optional_string(object, key, at);
    if (!v) missing(at, key);
    return *v;
}

std::optional<std::string> optional_string(const Json& object, std::string_view key,
                                           const DecodePath& at) {
    const Json* v = member(object, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) wrong_type("String", at.field(key));
    return v->get<std::string>();
}

bool required_bool(const Json& object, std::string_view key, const DecodePath& at) {
    auto v = optional_bool(object, key, at);
    if (!v) missing(at, key);
    return *v;
}

std::optional<bool> optional_bool(const Json& object, std::string_view key, const DecodePath& at) {
    const Json* v = member(object, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) wrong_type("Boolean", at.field(key));
    return v->get<bool>();
}

std::optional<std::int64_t> optional_int(const Json& object, std::string_view key,
                                         const DecodePath& at, bool allow_string) {
    const Json* v = member(object, key);
    if (!v) return std::nullopt;
    auto n = as_int(*v, allow_string);
    if (!n) wrong_type("Int", at.field(key));
    return n;
}

std::int64_t required_int(const Json& object, std::string_view key, const DecodePath& at,
                          bool allow_string) {
    auto v = optional_int(object, key, at, allow_string);
    if (!v) missing(at, key);
    return *v;
}

std::vector<std::string> required_string_array(const Json& object, std::string_view key,
                                               const DecodePath& at) {
    auto v = optional_string_array(object, key, at);
    if (!v) missing(at, key);
    return *v;
}

std::optional<std::vector<std::string>> optional_string_array(const Json& object,
                                                              std::string_view key,
                                                              const DecodePath& at) {
    const Json* v = member(object, key);
    if (!v) return std::nullopt;
    DecodePath here = at.field(key);
    if (!v->is_array()) wrong_type("C[A]", here);
    std::vector<std::string> out;
    out.reserve(v->size());
    for (std::size_t i = 0; i < v->size(); ++i) {
        const Json& item = (*v)[i];
        if (!item.is_string()) wrong_type("String", here.index(i));
        out.push_back(item.get<std::string>());
    }
    return out;
}

const Json* optional_object(const Json& object, std::string_view key, const DecodePath& at) {
    const Json* v = member(object, key);
    if (!v) return nullptr;
    if (!v->is_object()) wrong_type("JsonObject", at.field(key));
    return v;
}

void expect_object(const Json& value, const DecodePath& at) {
    if (!value.is_object()) wrong_type("JsonObject", at);
}

}  // namespace cosmos::core
