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
    /// Falsey values follow the spec's `!!data` example: missing, null, false, 0, "" and [].
    /// Strings print raw, numbers in shortest form, arrays and objects as compact JSON.
    kSpec,
};

/// A compiled mustache template. Rendering is a pure function of the template and a JSON context.
class MustacheTemplate {
public:
    /// Compiles text. Throws MustacheError (message and 1-based line) for an unclosed tag, an
    /// empty tag name, a bad set-delimiters tag, or unbalanced section tags.
    static MustacheTemplate parse(std::string_view text,
                                  MustacheDialect dialect = MustacheDialect::kCosmos);
    ~MustacheTemplate();
    MustacheTemplate(MustacheTemplate&&) noexcept;
    MustacheTemplate& operator=(MustacheTemplate&&) noexcept;

    /// Renders with context as the root of the context stack. partials (kSpec only) maps partial
    /// names to template text; in kCosmos a partial renders empty. Text produced at render time
    /// (a partial, or the value inserted by {{#asJson}}) is compiled then; if it does not compile,
    /// or expansions nest deeper than 100 levels, throws MustacheError.
    std::string render(const Json& context, const Json& partials = Json::object()) const;

    /// render(), appending to out instead of returning a new string.
    void render_to(std::string& out, const Json& context, const Json& partials) const;

    /// The dialect the template was compiled for.
    MustacheDialect dialect() const noexcept;

private:
    struct Impl;
    explicit MustacheTemplate(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// Appends s with &, <, > and " escaped, as a mustache {{variable}} writes it (and as HTML text
/// and attribute values need it).
void append_html_escaped(std::string& out, std::string_view s);

}  // namespace cosmos::core
