#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cosmos/core/json.h"

namespace cosmos::core {

/// A template that does not compile (unbalanced sections, unclosed tags). what() names the
/// problem and its line, e.g. "Mismatched start/end tags: a != b at line 3".
class MustacheError : public std::runtime_error {
public:
    MustacheError(std::string message, std::size_t line)
        : std::runtime_error(std::move(message)), line_(line) {}
    std::size_t line() const noexcept { return line_; }

private:
    std::size_t line_;
};

/// How values are printed and looked up.
enum class MustacheDialect {
    /// Cosmos 0.6.3 (mustache.java): no HTML escaping; strings JSON-escaped without quotes
    /// (quoted inside arrays); integral numbers as exact digits; other numbers as Java's
    /// Double.toString; arrays and objects as Java collection text; "0" and "{}" truthy;
    /// ".isEmpty" on arrays and strings; the {{#asJson}} lambda at the top level.
    kCosmos,
    /// The mustache specification: HTML escaping for {{x}}, spec truthiness, partials.
    kSpec,
};

/// A compiled mustache template. Rendering is a pure function of the template and a JSON context.
class MustacheTemplate {
public:
    /// Compiles text. Throws MustacheError.
    static MustacheTemplate parse(std::string_view text,
                                  MustacheDialect dialect = MustacheDialect::kCosmos);
    ~MustacheTemplate();
    MustacheTemplate(MustacheTemplate&&) noexcept;
    MustacheTemplate& operator=(MustacheTemplate&&) noexcept;

    /// Renders with context as the root of the context stack. partials (kSpec only) maps partial
    /// names to template text; in kCosmos a partial renders empty.
    std::string render(const Json& context, const Json& partials = Json::object()) const;

private:
    struct Impl;
    explicit MustacheTemplate(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace cosmos::core
