#include "cosmos/core/mustache.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cosmos::core {

namespace {

constexpr std::string_view kDefaultOpen = "{{";
constexpr std::string_view kDefaultClose = "}}";
constexpr std::string_view kAsJson = "asJson";
// Bounds on what a template can make the renderer do. Sections and expansions recurse, so their
// nesting is bounded; sections over lists multiply, so a small template can ask for an
// exponential amount of work or text, and both are bounded too. Real templates nest fewer than
// ten sections and render a few kilobytes.
constexpr std::size_t kMaxNesting = 100;
constexpr std::size_t kMaxRenderSteps = 10'000'000;
constexpr std::size_t kMaxOutputBytes = 16u << 20;

enum class NodeKind { kText, kVariable, kSection, kInverted, kPartial };

struct Name {
    bool implicit = false;  // "."
    std::vector<std::string> segments;
};

struct Node {
    NodeKind kind = NodeKind::kText;
    std::string text;      // kText: the text; kPartial: the partial name
    Name name;             // kVariable, kSection, kInverted
    bool escape = false;   // kVariable: "{{x}}" rather than "{{{x}}}" or "{{& x}}"
    std::string indent;    // kPartial: whitespace before a standalone tag
    bool as_json = false;  // kSection named exactly "asJson" (kCosmos)
    std::string raw_body;  // as_json: the source text between the section tags
    std::string open;      // as_json: delimiters in force at the opening tag
    std::string close;
    std::size_t line = 0;
    std::vector<Node> children;
};

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

Name parse_name(std::string_view text) {
    Name name;
    if (text == ".") {
        name.implicit = true;
        return name;
    }
    // Names are split on every dot and segments are not trimmed: koding's
    // "{{ ssl_fc_sni -m end .{hostname} }}" must stay a (missing) variable, not an error.
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        name.segments.emplace_back(text.substr(start, dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return name;
}

class Parser {
public:
    Parser(std::string_view source, MustacheDialect dialect)
        : src_(source), dialect_(dialect), open_(kDefaultOpen), close_(kDefaultClose) {}

    Parser(std::string_view source, MustacheDialect dialect, std::string open, std::string close)
        : src_(source), dialect_(dialect), open_(std::move(open)), close_(std::move(close)) {}

    std::vector<Node> parse() {
        std::vector<Node> root;
        current_ = &root;
        std::size_t pos = 0;
        while (pos < src_.size()) {
            std::size_t open_at = src_.find(open_, pos);
            if (open_at == std::string_view::npos) {
                add_text(src_.substr(pos));
                break;
            }
            pos = parse_tag(pos, open_at);
        }
        if (!open_sections_.empty()) {
            const OpenSection& s = open_sections_.back();
            const char sigil = s.node->kind == NodeKind::kInverted ? '^' : '#';
            throw MustacheError("Unclosed section " + open_ + sigil + s.name + close_ +
                                    " opened at line " + std::to_string(s.node->line),
                                s.node->line);
        }
        return root;
    }

private:
    struct OpenSection {
        Node* node;
        std::string name;
        std::vector<Node>* parent_children;
        std::size_t body_begin;
    };

    std::size_t line_at(std::size_t pos) {
        // Tags are visited in source order, so counting newlines incrementally stays linear.
        if (pos < counted_pos_) {
            counted_pos_ = 0;
            counted_line_ = 1;
        }
        counted_line_ += static_cast<std::size_t>(
            std::count(src_.begin() + static_cast<std::ptrdiff_t>(counted_pos_),
                       src_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
        counted_pos_ = pos;
        return counted_line_;
    }

    [[noreturn]] void fail(const std::string& message, std::size_t line) {
        throw MustacheError(message + " at line " + std::to_string(line), line);
    }

    void add_text(std::string_view text) {
        if (text.empty()) return;
        if (!current_->empty() && current_->back().kind == NodeKind::kText) {
            current_->back().text.append(text);
            return;
        }
        Node node;
        node.kind = NodeKind::kText;
        node.text = std::string(text);
        current_->push_back(std::move(node));
    }

    // Parses the tag opening at open_at (text before it starts at pos) and returns the position
    // where text resumes.
    std::size_t parse_tag(std::size_t pos, std::size_t open_at) {
        const std::size_t line = line_at(open_at);
        const std::size_t after_open = open_at + open_.size();
        char sigil = 0;
        std::string_view content;
        std::size_t tag_end = 0;

        if (after_open < src_.size() && (src_[after_open] == '{' || src_[after_open] == '=')) {
            // "{{{name}}}" and "{{=<% %>=}}" end with their sigil's partner before the delimiter.
            sigil = src_[after_open];
            const std::string closer = (sigil == '{' ? "}" : "=") + close_;
            const std::size_t close_at = src_.find(closer, after_open + 1);
            if (close_at == std::string_view::npos) {
                fail(sigil == '{' ? "Improperly closed variable"
                                  : "Improperly closed set delimiters",
                     line);
            }
            content = trim(src_.substr(after_open + 1, close_at - after_open - 1));
            tag_end = close_at + closer.size();
        } else {
            const std::size_t close_at = src_.find(close_, after_open);
            if (close_at == std::string_view::npos) fail("Improperly closed variable", line);
            content = trim(src_.substr(after_open, close_at - after_open));
            tag_end = close_at + close_.size();
            // mustache.java trims before reading the sigil, so "{{ #x }}" is a section too.
            if (!content.empty() &&
                std::string_view("#^/!>&").find(content.front()) != std::string_view::npos) {
                sigil = content.front();
                content = trim(content.substr(1));
            }
        }

        const bool may_stand_alone = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!' ||
                                     sigil == '>' || sigil == '=';
        std::size_t text_end = open_at;
        std::size_t resume = tag_end;
        std::string_view indent;
        if (may_stand_alone) {
            std::size_t line_begin = open_at;
            while (line_begin > 0 && src_[line_begin - 1] != '\n')
                --line_begin;
            bool alone = line_begin >= pos;
            for (std::size_t i = line_begin; alone && i < open_at; ++i)
                alone = is_blank(src_[i]);
            if (alone) {
                std::size_t after = tag_end;
                while (after < src_.size() && is_blank(src_[after]))
                    ++after;
                if (after == src_.size()) {
                    resume = after;
                } else if (src_[after] == '\n') {
                    resume = after + 1;
                } else if (src_[after] == '\r' && after + 1 < src_.size() &&
                           src_[after + 1] == '\n') {
                    resume = after + 2;
                } else {
                    alone = false;
                }
            }
            if (alone) {
                text_end = line_begin;
                indent = src_.substr(line_begin, open_at - line_begin);
            } else {
                resume = tag_end;
            }
        }
        add_text(src_.substr(pos, text_end - pos));

        switch (sigil) {
            case '!':
                break;
            case '=':
                set_delimiters(content, line);
                break;
            case '#':
            case '^':
                open_section(sigil, content, line, tag_end);
                break;
            case '/':
                close_section(content, line, open_at);
                break;
            case '>': {
                if (content.empty()) fail("Empty partial name", line);
                Node node;
                node.kind = NodeKind::kPartial;
                node.text = std::string(content);
                node.indent = std::string(indent);
                node.line = line;
                current_->push_back(std::move(node));
                break;
            }
            default: {
                if (content.empty()) fail("Empty variable name", line);
                Node node;
                node.kind = NodeKind::kVariable;
                node.name = parse_name(content);
                node.escape = sigil == 0;
                node.line = line;
                current_->push_back(std::move(node));
                break;
            }
        }
        return resume;
    }

    void set_delimiters(std::string_view content, std::size_t line) {
        std::size_t split = 0;
        while (split < content.size() && !is_space(content[split]))
            ++split;
        const std::string_view open = content.substr(0, split);
        const std::string_view close = trim(content.substr(split));
        const auto bad = [](std::string_view d) {
            return d.empty() || d.find('=') != std::string_view::npos ||
                   std::any_of(d.begin(), d.end(), is_space);
        };
        if (bad(open) || bad(close)) fail("Invalid set delimiters tag", line);
        open_ = std::string(open);
        close_ = std::string(close);
    }

    void open_section(char sigil, std::string_view content, std::size_t line,
                      std::size_t body_begin) {
        if (content.empty()) fail("Empty section name", line);
        if (open_sections_.size() >= kMaxNesting) {
            fail("Sections nested deeper than " + std::to_string(kMaxNesting) + " levels", line);
        }
        Node node;
        node.kind = sigil == '#' ? NodeKind::kSection : NodeKind::kInverted;
        node.name = parse_name(content);
        node.line = line;
        if (dialect_ == MustacheDialect::kCosmos && sigil == '#' && content == kAsJson) {
            node.as_json = true;
            node.open = open_;
            node.close = close_;
        }
        std::vector<Node>* parent = current_;
        parent->push_back(std::move(node));
        Node* added = &parent->back();
        // Only the innermost open section's children grow, so this pointer stays valid until
        // the section closes.
        open_sections_.push_back(OpenSection{added, std::string(content), parent, body_begin});
        current_ = &added->children;
    }

    void close_section(std::string_view content, std::size_t line, std::size_t open_at) {
        if (open_sections_.empty()) {
            fail("Closing tag " + open_ + "/" + std::string(content) + close_ +
                     " without an open section",
                 line);
        }
        OpenSection& top = open_sections_.back();
        if (top.name != content) {
            fail("Mismatched start/end tags: " + top.name + " != " + std::string(content), line);
        }
        if (top.node->as_json) {
            top.node->raw_body = std::string(src_.substr(top.body_begin, open_at - top.body_begin));
        }
        current_ = top.parent_children;
        open_sections_.pop_back();
    }

    std::string_view src_;
    MustacheDialect dialect_;
    std::string open_;
    std::string close_;
    std::vector<Node>* current_ = nullptr;
    std::vector<OpenSection> open_sections_;
    std::size_t counted_pos_ = 0;
    std::size_t counted_line_ = 1;
};

// --- value printing ---

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

// The shortest digits that read back as the same double: value = d.ddd x 10^exponent.
struct Decimal {
    char digits[32];
    int count = 0;
    int exponent = 0;
};

Decimal shortest_decimal(double magnitude) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific);
    Decimal dec;
    const char* p = buf;
    for (; p < res.ptr && *p != 'e'; ++p) {
        if (*p != '.') dec.digits[dec.count++] = *p;
    }
    int exponent = 0;
    if (p < res.ptr) {
        ++p;  // 'e'
        if (*p == '+') ++p;
        std::from_chars(p, res.ptr, exponent);
    }
    dec.exponent = exponent;
    return dec;
}

bool is_whole(double d) {
    return std::isfinite(d) && std::floor(d) == d;
}

// Cosmos: whole numbers print as BigInteger digits (#761), so 1.0 -> 1 and 1e20 -> 1 and 20 zeros.
void append_whole_double(std::string& out, double d) {
    if (std::fabs(d) < 9.0e18) {
        append_int(out, static_cast<std::int64_t>(d));
        return;
    }
    if (d < 0) out += '-';
    const Decimal dec = shortest_decimal(std::fabs(d));
    out.append(dec.digits, static_cast<std::size_t>(dec.count));
    out.append(static_cast<std::size_t>(std::max(0, dec.exponent + 1 - dec.count)), '0');
}

// Java's Double.toString: plain decimal for 1e-3 <= |d| < 1e7, else "d.dddE<n>", and always at
// least one digit after the point.
void append_java_double(std::string& out, double d) {
    if (d < 0) out += '-';
    const double magnitude = std::fabs(d);
    const Decimal dec = shortest_decimal(magnitude);
    const auto count = static_cast<std::size_t>(dec.count);
    if (magnitude >= 1e-3 && magnitude < 1e7) {
        if (dec.exponent >= 0) {
            const auto int_digits = static_cast<std::size_t>(dec.exponent) + 1;
            for (std::size_t i = 0; i < int_digits; ++i)
                out += i < count ? dec.digits[i] : '0';
            out += '.';
            if (count > int_digits) {
                out.append(dec.digits + int_digits, count - int_digits);
            } else {
                out += '0';
            }
        } else {
            out += "0.";
            out.append(static_cast<std::size_t>(-dec.exponent - 1), '0');
            out.append(dec.digits, count);
        }
        return;
    }
    out += dec.digits[0];
    out += '.';
    if (count > 1) {
        out.append(dec.digits + 1, count - 1);
    } else {
        out += '0';
    }
    out += 'E';
    append_int(out, dec.exponent);
}

void append_spec_double(std::string& out, double d) {
    if (is_whole(d)) {
        append_whole_double(out, d);
        return;
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, res.ptr);
}

void append_number(std::string& out, const Json& v, MustacheDialect dialect) {
    switch (v.type()) {
        case Json::value_t::number_integer:
            append_int(out, v.get<std::int64_t>());
            break;
        case Json::value_t::number_unsigned:
            append_uint(out, v.get<std::uint64_t>());
            break;
        default: {
            const double d = v.get<double>();
            if (dialect == MustacheDialect::kSpec) {
                append_spec_double(out, d);
            } else if (is_whole(d)) {
                append_whole_double(out, d);
            } else {
                append_java_double(out, d);
            }
        }
    }
}

// Cosmos: strings reach the engine as their JSON-escaped text (what circe prints between the
// quotes), so "{{x}}" inside a JSON string literal stays valid JSON; non-ASCII stays raw.
void append_json_escaped(std::string& out, std::string_view s) {
    cosmos::core::append_json_escaped(out, s, false);
}

// Java toString of the converted value. Cosmos: array elements that are strings carry their JSON
// quotes; strings elsewhere (including inside maps inside arrays) do not.
void append_java_text(std::string& out, const Json& v, bool in_array, bool top_level) {
    switch (v.type()) {
        case Json::value_t::null:
            if (!top_level) out += "null";
            break;
        case Json::value_t::string:
            if (in_array) out += '"';
            append_json_escaped(out, v.get_ref<const std::string&>());
            if (in_array) out += '"';
            break;
        case Json::value_t::boolean:
            out += v.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::array: {
            out += '[';
            bool first = true;
            for (const Json& e : v) {
                if (!first) out += ", ";
                first = false;
                append_java_text(out, e, true, false);
            }
            out += ']';
            break;
        }
        case Json::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, value] : *v.get_ptr<const Json::object_t*>()) {
                if (!first) out += ", ";
                first = false;
                out += key;
                out += '=';
                append_java_text(out, value, false, false);
            }
            out += '}';
            break;
        }
        case Json::value_t::binary:
        case Json::value_t::discarded:
            break;
        default:
            append_number(out, v, MustacheDialect::kCosmos);
    }
}

void append_spec_text(std::string& out, const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
        case Json::value_t::binary:
        case Json::value_t::discarded:
            break;
        case Json::value_t::string:
            out += v.get_ref<const std::string&>();
            break;
        case Json::value_t::boolean:
            out += v.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::array:
        case Json::value_t::object:
            out += v.dump();
            break;
        default:
            append_number(out, v, MustacheDialect::kSpec);
    }
}

std::string indent_lines(std::string_view text, std::string_view indent) {
    std::string result;
    result.reserve(text.size() + indent.size() * 4);
    bool line_start = true;
    for (char c : text) {
        if (line_start) result.append(indent);
        result += c;
        line_start = c == '\n';
    }
    return result;
}

const Json kTrue = true;
const Json kFalse = false;

const Json* find_member(const Json& object, std::string_view key) {
    const auto* members = object.get_ptr<const Json::object_t*>();
    if (members == nullptr) return nullptr;
    for (const auto& member : *members) {
        if (member.first == key) return &member.second;
    }
    return nullptr;
}

struct Frame {
    const Json* value;
    bool in_array;  // a direct element of an array (Cosmos prints such strings quoted)
};

struct Resolved {
    const Json* value = nullptr;  // nullptr: missing
    bool in_array = false;
    bool lambda = false;  // the asJson lambda
};

class Renderer {
public:
    Renderer(MustacheDialect dialect, const Json& root, const Json& partials, std::string& out)
        : dialect_(dialect), root_(root), partials_(partials), out_(out), out_start_(out.size()) {
        stack_.reserve(16);
        stack_.push_back(Frame{&root, false});
    }

    void render(const std::vector<Node>& nodes) {
        for (const Node& node : nodes) {
            if (++steps_ > kMaxRenderSteps) {
                fail("Rendering takes more than " + std::to_string(kMaxRenderSteps) +
                         " steps (sections over lists nest too deeply)",
                     node);
            }
            if (out_.size() - out_start_ > kMaxOutputBytes) {
                fail("Rendered text exceeds " + std::to_string(kMaxOutputBytes >> 20) + " MiB",
                     node);
            }
            switch (node.kind) {
                case NodeKind::kText:
                    out_ += node.text;
                    break;
                case NodeKind::kVariable:
                    render_variable(node);
                    break;
                case NodeKind::kSection:
                    render_section(node);
                    break;
                case NodeKind::kInverted:
                    if (!truthy(resolve(node.name))) nest(node.children, node);
                    break;
                case NodeKind::kPartial:
                    render_partial(node);
                    break;
            }
        }
    }

private:
    // One step of a name: a member of an object or, in kCosmos, a Java method of a list or a
    // string. Cosmos: objects become Java maps, whose methods mustache.java does not look at.
    Resolved step(const Json& value, bool in_array, std::string_view segment) const {
        if (value.is_object()) return Resolved{find_member(value, segment), false, false};
        if (dialect_ == MustacheDialect::kCosmos && (segment == "isEmpty" || segment == "empty")) {
            if (value.is_array()) return Resolved{value.empty() ? &kTrue : &kFalse, false, false};
            if (value.is_string()) {
                // An array element keeps its quotes, so it is never empty.
                const bool empty = !in_array && value.get_ref<const std::string&>().empty();
                return Resolved{empty ? &kTrue : &kFalse, false, false};
            }
        }
        return Resolved{};
    }

    Resolved resolve(const Name& name) const {
        if (name.implicit) return Resolved{stack_.back().value, stack_.back().in_array, false};
        const std::string& first = name.segments.front();
        Resolved found;
        for (std::size_t i = stack_.size(); i-- > 0;) {
            // Cosmos: the lambda scope sits above the options, so it shadows an option "asJson".
            if (i == 0 && dialect_ == MustacheDialect::kCosmos && first == kAsJson) {
                if (name.segments.size() > 1) return Resolved{};
                return Resolved{nullptr, false, true};
            }
            found = step(*stack_[i].value, stack_[i].in_array, first);
            if (found.value != nullptr) break;
        }
        for (std::size_t s = 1; s < name.segments.size() && found.value != nullptr; ++s) {
            found = step(*found.value, found.in_array, name.segments[s]);
        }
        return found;
    }

    bool truthy(const Resolved& r) const {
        if (r.lambda) return true;
        if (r.value == nullptr) return false;
        const Json& v = *r.value;
        switch (v.type()) {
            case Json::value_t::null:
                return false;
            case Json::value_t::boolean:
                return v.get<bool>();
            case Json::value_t::array:
                return !v.empty();
            case Json::value_t::string:
                return r.in_array || !v.get_ref<const std::string&>().empty();
            case Json::value_t::number_integer:
            case Json::value_t::number_unsigned:
            case Json::value_t::number_float:
                // Cosmos (mustache.java): 0 is truthy; the spec's `!!data` makes it falsey.
                return dialect_ == MustacheDialect::kCosmos || v.get<double>() != 0.0;
            default:
                return true;
        }
    }

    void render_variable(const Node& node) {
        const Resolved r = resolve(node.name);
        if (r.value == nullptr) return;
        if (dialect_ == MustacheDialect::kCosmos) {
            // Cosmos: no HTML escaping since 0.4.0 (#629).
            append_java_text(out_, *r.value, r.in_array, true);
            return;
        }
        if (!node.escape) {
            append_spec_text(out_, *r.value);
            return;
        }
        scratch_.clear();
        append_spec_text(scratch_, *r.value);
        append_html_escaped(out_, scratch_);
    }

    void render_section(const Node& node) {
        const Resolved r = resolve(node.name);
        if (r.lambda) {
            render_as_json(node);
            return;
        }
        if (!truthy(r)) return;
        if (r.value->is_array()) {
            for (const Json& element : *r.value) {
                stack_.push_back(Frame{&element, true});
                nest(node.children, node);
                stack_.pop_back();
            }
            return;
        }
        stack_.push_back(Frame{r.value, r.in_array});
        nest(node.children, node);
        stack_.pop_back();
    }

    // Cosmos 0.6.3 (#786): the raw section text is a key into the top-level context; a string
    // value is inserted unescaped, anything else as null, and the result is rendered as a
    // template in the current context (mustache.java TemplateFunction).
    void render_as_json(const Node& node) {
        const Json* value = find_member(root_, node.raw_body);
        const std::string_view text = value != nullptr && value->is_string()
                                          ? std::string_view(value->get_ref<const std::string&>())
                                          : std::string_view("null");
        if (text.find(node.open) == std::string_view::npos) {
            out_ += text;
            return;
        }
        expand(Parser(text, dialect_, node.open, node.close).parse(), node);
    }

    void render_partial(const Node& node) {
        // Cosmos resolves partials as files, which packages do not have; they render nothing.
        if (dialect_ == MustacheDialect::kCosmos) return;
        const Json* text = partials_.is_object() ? find_member(partials_, node.text) : nullptr;
        if (text == nullptr || !text->is_string()) return;
        const std::string& body = text->get_ref<const std::string&>();
        // The spec: set delimiters do not carry into a partial, and a standalone tag's
        // indentation prefixes every line of the partial.
        if (node.indent.empty()) {
            expand(Parser(body, dialect_).parse(), node);
        } else {
            const std::string indented = indent_lines(body, node.indent);
            expand(Parser(indented, dialect_).parse(), node);
        }
    }

    // Renders the body of a section. Sections of one template nest at most kMaxNesting deep, but
    // expansions add their own, so the depth is counted across both.
    void nest(const std::vector<Node>& nodes, const Node& at) {
        if (depth_ >= kMaxNesting) {
            fail("Sections nested deeper than " + std::to_string(kMaxNesting) +
                     " levels, counting expanded templates,",
                 at);
        }
        descend(nodes, at);
    }

    void expand(const std::vector<Node>& nodes, const Node& at) {
        if (depth_ >= kMaxNesting) {
            fail("Template expansion nested deeper than " + std::to_string(kMaxNesting) + " levels",
                 at);
        }
        descend(nodes, at);
    }

    void descend(const std::vector<Node>& nodes, const Node& at) {
        const std::size_t saved_line = line_;
        line_ = at.line;
        ++depth_;
        render(nodes);
        --depth_;
        line_ = saved_line;
    }

    // Text nodes carry no line: an error there is reported at the enclosing tag's line.
    [[noreturn]] void fail(const std::string& message, const Node& at) const {
        const std::size_t line = at.line != 0 ? at.line : line_;
        throw MustacheError(message + " at line " + std::to_string(line), line);
    }

    MustacheDialect dialect_;
    const Json& root_;
    const Json& partials_;
    std::string& out_;
    std::vector<Frame> stack_;
    std::string scratch_;
    std::size_t out_start_;
    std::size_t depth_ = 0;
    std::size_t steps_ = 0;
    std::size_t line_ = 1;  // of the innermost section or expansion being rendered
};

}  // namespace

struct MustacheTemplate::Impl {
    MustacheDialect dialect;
    std::vector<Node> nodes;
    std::size_t source_size;
};

MustacheTemplate::MustacheTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MustacheTemplate::~MustacheTemplate() = default;
MustacheTemplate::MustacheTemplate(MustacheTemplate&&) noexcept = default;
MustacheTemplate& MustacheTemplate::operator=(MustacheTemplate&&) noexcept = default;

MustacheTemplate MustacheTemplate::parse(std::string_view text, MustacheDialect dialect) {
    auto impl = std::make_unique<Impl>();
    impl->dialect = dialect;
    impl->nodes = Parser(text, dialect).parse();
    impl->source_size = text.size();
    return MustacheTemplate(std::move(impl));
}

std::string MustacheTemplate::render(const Json& context, const Json& partials) const {
    std::string out;
    out.reserve(impl_->source_size + impl_->source_size / 4);
    render_to(out, context, partials);
    return out;
}

void MustacheTemplate::render_to(std::string& out, const Json& context,
                                 const Json& partials) const {
    Renderer(impl_->dialect, context, partials, out).render(impl_->nodes);
}

MustacheDialect MustacheTemplate::dialect() const noexcept {
    return impl_->dialect;
}

void append_html_escaped(std::string& out, std::string_view s) {
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
}

}  // namespace cosmos::core
