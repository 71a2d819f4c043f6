#include "cosmos/core/json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <simdjson.h>

#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

// A duplicated key as the fast path met it: where, and the value the later occurrence replaced.
struct ReplacedValue {
    std::string pointer;
    Json previous;  // until its object is complete
    bool same_value = false;
};

std::vector<DuplicateKey> report_duplicates(const std::vector<ReplacedValue>& pending) {
    std::vector<DuplicateKey> out;
    out.reserve(pending.size());
    for (const auto& p : pending)
        out.push_back({p.pointer, p.same_value});
    return out;
}

// Builds an ordered_json from nlohmann's SAX events while tracking the JSON pointer of every
// value, so that duplicate keys can be reported with their location.
class DocumentBuilder {
public:
    using number_integer_t = Json::number_integer_t;
    using number_unsigned_t = Json::number_unsigned_t;
    using number_float_t = Json::number_float_t;
    using string_t = Json::string_t;
    using binary_t = Json::binary_t;

    explicit DocumentBuilder(Json& root) : root_(root) {}

    bool null() { return put(nullptr); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(number_integer_t v) { return put(v); }
    bool number_unsigned(number_unsigned_t v) { return put(v); }
    bool number_float(number_float_t v, const string_t&) { return put(v); }
    bool string(string_t& v) { return put(std::move(v)); }
    bool binary(binary_t&) { return false; }

    bool start_object(std::size_t) {
        if (too_deep()) return false;
        open(Json::object());
        return true;
    }
    bool key(string_t& k) {
        Frame& frame = stack_.back();
        auto& members = members_of(*frame.value);
        if (auto at = find(frame, members, k)) {
            // Pointers are built only for duplicates: most documents have none.
            frame.duplicates.push_back(pending_.size());
            pending_.push_back({pointer_to(k), members[*at].second, *at, false});
            slot_ = &members[*at].second;  // the first position keeps the last value
        } else {
            members.emplace_back(k, nullptr);
            if (frame.index) {
                frame.index->emplace(k, members.size() - 1);
            } else if (members.size() > kIndexedSize) {
                frame.index = std::make_unique<std::unordered_map<std::string, std::size_t>>();
                for (std::size_t i = 0; i < members.size(); ++i)
                    frame.index->emplace(members[i].first, i);
            }
            slot_ = &members.back().second;
        }
        pending_key_ = std::move(k);
        return true;
    }
    bool end_object() {
        // The object is complete and has not moved yet: compare each duplicate's earlier value
        // with the one that won.
        Frame& frame = stack_.back();
        auto& members = members_of(*frame.value);
        for (std::size_t i : frame.duplicates) {
            Pending& p = pending_[i];
            p.same_value = members[p.position].second == p.previous;
            p.previous = nullptr;
        }
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        if (too_deep()) return false;
        open(Json::array());
        return true;
    }
    bool end_array() {
        stack_.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
        std::string what = ex.what();
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix: users need the position.
        if (auto pos = what.find("] ");
            what.rfind("[json.exception", 0) == 0 && pos != std::string::npos) {
            what = what.substr(pos + 2);
        }
        error_ = what;
        return false;
    }

    const std::string& error() const { return error_; }
    /// True when the parse stopped at the depth bound (error() is then empty).
    bool stopped_deep() const { return stopped_deep_; }

    std::vector<DuplicateKey> duplicates() const {
        std::vector<DuplicateKey> out;
        out.reserve(pending_.size());
        for (const auto& p : pending_)
            out.push_back({p.pointer, p.same_value});
        return out;
    }

private:
    // Objects with more members than this get a hash index of their keys, so that checking each
    // key for a duplicate stays constant-time: a linear scan per key made a request body of 50,000
    // keys take seconds to parse.
    static constexpr std::size_t kIndexedSize = 32;

    // An open container and how its parent names it (escaped pointer token; "" for the root).
    struct Frame {
        Json* value;
        std::string token;
        std::vector<std::size_t> duplicates;  // indexes into pending_
        std::unique_ptr<std::unordered_map<std::string, std::size_t>> index;
    };
    struct Pending {
        std::string pointer;
        Json previous;         // until the object ends
        std::size_t position;  // of the member in its object
        bool same_value;
    };

    static Json::object_t::Container& members_of(Json& object) {
        return static_cast<Json::object_t::Container&>(object.get_ref<Json::object_t&>());
    }

    static std::optional<std::size_t> find(const Frame& frame,
                                           const Json::object_t::Container& members,
                                           const std::string& key) {
        if (frame.index) {
            auto it = frame.index->find(key);
            if (it == frame.index->end()) return std::nullopt;
            return it->second;
        }
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (members[i].first == key) return i;
        }
        return std::nullopt;
    }

    std::string pointer_to(const std::string& key) const {
        std::string out;
        for (std::size_t i = 1; i < stack_.size(); ++i)
            out += "/" + stack_[i].token;
        return out + "/" + escape_pointer_token(key);
    }

    bool too_deep() {
        stopped_deep_ = stack_.size() >= kMaxJsonDepth;
        return stopped_deep_;
    }

    template <typename V>
    bool put(V&& v) {
        place(Json(std::forward<V>(v)));
        return true;
    }

    void open(Json&& container) {
        std::string token;
        if (!stack_.empty()) {
            const Json& parent = *stack_.back().value;
            token = parent.is_object() ? escape_pointer_token(pending_key_)
                                       : std::to_string(parent.size());
        }
        Json* slot = place(std::move(container));
        stack_.push_back({slot, std::move(token), {}, nullptr});
    }

    // Stores a value in the current container and returns where it lives. Containers are filled
    // in place and receive nothing while a child is open, so the pointers kept on the stack stay
    // valid until their end event.
    Json* place(Json&& v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        Json& parent = *stack_.back().value;
        if (parent.is_object()) {
            // key() made the slot; nothing is added to this object until its value is placed.
            *slot_ = std::move(v);
            return slot_;
        }
        parent.push_back(std::move(v));
        return &parent.back();
    }

    Json& root_;
    std::vector<Frame> stack_;
    std::string pending_key_;
    Json* slot_ = nullptr;
    std::vector<Pending> pending_;
    std::string error_;
    bool stopped_deep_ = false;
};

// The parser's message for text that nests deeper than kMaxJsonDepth, naming where the first
// array or object beyond the bound opens (SAX events carry no position, so the text is scanned).
std::string depth_message(std::string_view text) {
    std::size_t depth = 0;
    std::size_t line = 1;
    std::size_t column = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        ++column;
        if (c == '\n') {
            ++line;
            column = 0;
        } else if (in_string) {
            if (c == '\\') {
                ++i;
                ++column;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) break;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return "arrays and objects nest deeper than " + std::to_string(kMaxJsonDepth) +
           " levels at line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The fast path of parse_document(): simdjson checks the text and lays it out on a tape, which
// is then copied into a Json with DocumentBuilder's rules for duplicate keys. Both parsers take
// exactly RFC 8259 JSON in UTF-8. Where their results could differ, convert() gives up and
// nlohmann's parser decides, with its own error messages: text simdjson refuses (also nesting
// deeper than its limit and integers beyond 64 bits), and any text holding the integer -0 (a
// signed zero for nlohmann, an unsigned one for simdjson).
class TapeConverter {
public:
    explicit TapeConverter(Json& root) : root_(root) {}

    bool convert(simdjson::dom::element element) { return convert(element, root_); }
    std::vector<DuplicateKey> duplicates() const { return report_duplicates(pending_); }

private:
    // One step of the path to the value being converted, for duplicate-key pointers.
    struct Step {
        std::string_view key;  // empty for an array index
        std::size_t index = 0;
        bool is_key = false;
    };

    bool convert(simdjson::dom::element element, Json& out) {
        using Type = simdjson::dom::element_type;
        const Type type = element.type();
        // Deeper than parse_json allows: the slow path refuses it, naming where.
        if ((type == Type::OBJECT || type == Type::ARRAY) && path_.size() >= kMaxJsonDepth) {
            return false;
        }
        switch (type) {
            case Type::OBJECT:
                return convert_object(element.get_object().value_unsafe(), out);
            case Type::ARRAY: {
                out = Json::array();
                auto& items = out.get_ref<Json::array_t&>();
                simdjson::dom::array array = element.get_array().value_unsafe();
                items.reserve(array.size());
                std::size_t i = 0;
                for (simdjson::dom::element item : array) {
                    path_.push_back({{}, i++, false});
                    items.emplace_back();
                    if (!convert(item, items.back())) return false;
                    path_.pop_back();
                }
                return true;
            }
            case Type::STRING: {
                std::string_view text = element.get_string().value_unsafe();
                out = std::string(text);
                return true;
            }
            case Type::INT64: {
                std::int64_t v = element.get_int64().value_unsafe();
                // nlohmann reads every integer without a sign as unsigned.
                if (v >= 0) {
                    out = static_cast<std::uint64_t>(v);
                } else {
                    out = v;
                }
                return true;
            }
            case Type::UINT64:
                out = element.get_uint64().value_unsafe();
                return true;
            case Type::DOUBLE:
                out = element.get_double().value_unsafe();
                return true;
            case Type::BOOL:
                out = element.get_bool().value_unsafe();
                return true;
            case Type::NULL_VALUE:
                out = nullptr;
                return true;
        }
        return false;
    }

    bool convert_object(simdjson::dom::object object, Json& out) {
        out = Json::object();
        auto& members = static_cast<Json::object_t::Container&>(out.get_ref<Json::object_t&>());
        const std::size_t size = object.size();
        members.reserve(size);
        // Keys point into the parser's strings, which outlive this call.
        std::optional<std::unordered_map<std::string_view, std::size_t>> index;
        if (size > kIndexedObject) index.emplace(size * 2);
        // Duplicates met in this object: (index into pending_, the member's position). Their
        // earlier values are compared with the winners once the object is complete, as the
        // other parser's builder does, since a later duplicate of an outer key may replace it.
        std::vector<std::pair<std::size_t, std::size_t>> replaced;
        for (auto field : object) {
            std::string_view key = field.key;
            std::size_t at = members.size();
            if (index) {
                if (auto it = index->find(key); it != index->end()) at = it->second;
            } else {
                for (std::size_t i = 0; i < members.size(); ++i) {
                    if (members[i].first == key) {
                        at = i;
                        break;
                    }
                }
            }
            Json* slot;
            if (at < members.size()) {
                replaced.emplace_back(pending_.size(), at);
                pending_.push_back({pointer_to(key), std::move(members[at].second)});
                slot = &members[at].second;  // the first position keeps the last value
            } else {
                members.emplace_back(std::string(key), nullptr);
                if (index) index->emplace(key, at);
                slot = &members.back().second;
            }
            path_.push_back({key, 0, true});
            if (!convert(field.value, *slot)) return false;
            path_.pop_back();
        }
        for (const auto& [i, position] : replaced) {
            pending_[i].same_value = members[position].second == pending_[i].previous;
            pending_[i].previous = nullptr;
        }
        return true;
    }

    std::string pointer_to(std::string_view key) const {
        std::string out;
        for (const auto& step : path_) {
            out += '/';
            out += step.is_key ? escape_pointer_token(step.key) : std::to_string(step.index);
        }
        return out + "/" + escape_pointer_token(key);
    }

    static constexpr std::size_t kIndexedObject = 8;
    Json& root_;
    std::vector<Step> path_;
    std::vector<ReplacedValue> pending_;
};

// Texts up to this size go through simdjson. Its parser needs about 14 bytes per byte of text,
// so one parser per thread is kept for texts up to kKeptParserBytes and larger ones get their
// own; beyond kFastParseBytes nlohmann's parser (about 4 bytes per byte) is used.
constexpr std::size_t kKeptParserBytes = 256u << 10;
constexpr std::size_t kFastParseBytes = 4u << 20;

// A simdjson parser for a text of the given size: this thread's, or for a large text one of its
// own, freed with it.
class FastParser {
public:
    explicit FastParser(std::size_t size)
        : parser_(size <= kKeptParserBytes ? &kept() : &own_.emplace()) {}
    simdjson::dom::parser& operator*() { return *parser_; }

private:
    static simdjson::dom::parser& kept() {
        thread_local simdjson::dom::parser parser;
        return parser;
    }
    std::optional<simdjson::dom::parser> own_;
    simdjson::dom::parser* parser_;
};

// Whether text holds -0 as an integer (outside strings): a signed integer for nlohmann, an
// unsigned one for simdjson. "-0.5" or "-0e1" are doubles for both.
bool has_integer_negative_zero(std::string_view text) {
    std::size_t scanned = 0;
    bool in_string = false;
    for (std::size_t at = text.find("-0"); at != std::string_view::npos;
         at = text.find("-0", at + 1)) {
        char next = at + 2 < text.size() ? text[at + 2] : '\0';
        if (next == '.' || next == 'e' || next == 'E' || (next >= '0' && next <= '9')) continue;
        // Strings are followed from where the last candidate left off.
        while (scanned < at) {
            char c = text[scanned++];
            if (in_string) {
                if (c == '\\') {
                    ++scanned;  // an escaped character never ends the string
                } else if (c == '"') {
                    in_string = false;
                }
            } else if (c == '"') {
                in_string = true;
            }
        }
        if (scanned > at) continue;  // the '-' itself is escaped, so inside a string
        if (!in_string) return true;
    }
    return false;
}

std::optional<ParsedDocument> parse_fast(std::string_view text) {
    // An empty text (whose data() may be null, which simdjson must not be given) goes to the
    // other parser, which names the error.
    if (text.empty() || text.size() > kFastParseBytes || has_integer_negative_zero(text)) {
        return std::nullopt;
    }
    FastParser parser(text.size());
    simdjson::dom::element element;
    if ((*parser).parse(text.data(), text.size(), true).get(element) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    ParsedDocument doc;
    TapeConverter converter(doc.value);
    if (!converter.convert(element)) return std::nullopt;
    doc.duplicates = converter.duplicates();
    return doc;
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Whether any byte of x is below limit (at most 0x80), or equal to c ("Bit Twiddling Hacks":
// hasless, haszero). Borrows blur which byte it is, never whether there is one.
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

inline std::uint64_t has_byte_below(std::uint64_t x, std::uint8_t limit) {
    return (x - kOnes * limit) & ~x & kHighs;
}

inline std::uint64_t has_byte(std::uint64_t x, char c) {
    return has_byte_below(x ^ (kOnes * static_cast<std::uint8_t>(c)), 1);
}

// Python's json.dumps writes strings this way (with ensure_ascii); see append_json_escaped().
void append_python_string(std::string& out, const std::string& s) {
    out.push_back('"');
    append_json_escaped(out, s, true);
    out.push_back('"');
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s, bool ensure_ascii) {
    static constexpr char kHex[] = "0123456789abcdef";
    auto write_unit = [&](std::uint32_t unit) {
        out += "\\u";
        out.push_back(kHex[(unit >> 12) & 0xF]);
        out.push_back(kHex[(unit >> 8) & 0xF]);
        out.push_back(kHex[(unit >> 4) & 0xF]);
        out.push_back(kHex[unit & 0xF]);
    };
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        // Most characters need no escaping: copy each such run at once. Eight bytes are tested
        // at a time for a control character, '"', '\\' or (with ensure_ascii) a non-ASCII byte.
        std::size_t run = i;
        const std::uint64_t high = ensure_ascii ? 0x8080808080808080ull : 0;
        while (run + 8 <= n) {
            std::uint64_t x;
            std::memcpy(&x, s.data() + run, 8);
            if (has_byte_below(x, 0x20) | has_byte(x, '"') | has_byte(x, '\\') | (x & high)) break;
            run += 8;
        }
        while (run < n) {
            auto c = static_cast<unsigned char>(s[run]);
            if (c < 0x20 || c == '"' || c == '\\' || (ensure_ascii && c >= 0x80)) break;
            ++run;
        }
        out.append(s.data() + i, run - i);
        i = run;
        if (i >= n) break;
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"':
                    out += "\\\"";
                    break;
                case '\\':
                    out += "\\\\";
                    break;
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\b':
                    out += "\\b";
                    break;
                case '\f':
                    out += "\\f";
                    break;
                default:
                    write_unit(c);
            }
            ++i;
            continue;
        }
        // Decode one UTF-8 sequence and write it as \uXXXX (UTF-16, with a surrogate pair
        // above U+FFFF).
        std::uint32_t cp = 0;
        int extra = 0;
        if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            extra = 2;
        } else {
            cp = c & 0x07;
            extra = 3;
        }
        ++i;
        for (int k = 0; k < extra && i < n; ++k, ++i) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            write_unit(0xD800 + (cp >> 10));
            write_unit(0xDC00 + (cp & 0x3FF));
        } else {
            write_unit(cp);
        }
    }
}

namespace {

// nlohmann's parser reads a NUL byte as the end of the input, so "{}\0garbage" would pass as
// "{}". JSON text can hold no raw NUL anywhere (inside strings it must be escaped), so any NUL
// makes the text malformed: the error names where the first one is.
void refuse_nul(std::string_view text) {
    const std::size_t at = text.find('\0');
    if (at == std::string_view::npos) return;
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    throw json_parsing_error("ParsingFailure",
                             "parse error at line " + std::to_string(line) + ", column " +
                                 std::to_string(column) +
                                 ": a NUL byte, which JSON text cannot hold",
                             text.substr(0, 4096));
}

}  // namespace

ParsedDocument parse_document(std::string_view text) {
    refuse_nul(text);
    if (auto fast = parse_fast(text)) return std::move(*fast);
    ParsedDocument doc;
    DocumentBuilder builder(doc.value);
    bool ok = Json::sax_parse(text.begin(), text.end(), &builder);
    if (!ok) {
        const std::string message = builder.stopped_deep() ? depth_message(text) : builder.error();
        throw json_parsing_error("ParsingFailure", message, text.substr(0, 4096));
    }
    doc.duplicates = builder.duplicates();
    return doc;
}

Json parse_json(std::string_view text) {
    return parse_document(text).value;
}

std::string to_compact(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

JsonText::JsonText(const Json& value) : text_(to_compact(value)) {}

JsonText JsonText::from_text(std::string_view text) {
    if (!is_json(text)) {
        parse_json(text);  // throws, with the parser's line and column
        throw json_parsing_error("ParsingFailure", "not one JSON value", text.substr(0, 4096));
    }
    std::string compact;
    compact.reserve(text.size());
    bool in_string = false;
    std::size_t depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if ((c == '[' || c == '{') && !in_string && ++depth > kMaxJsonDepth) {
            parse_json(text);  // throws, naming where
        } else if ((c == ']' || c == '}') && !in_string) {
            --depth;
        }
        if (in_string) {
            compact += c;
            if (c == '\\') {
                compact += text[++i];  // accepted text never ends inside an escape
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
            compact += c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            compact += c;
        }
    }
    JsonText out;
    out.text_ = std::move(compact);
    return out;
}

void append_member(Json& object, std::string key, Json value) {
    auto& members = static_cast<Json::object_t::Container&>(object.get_ref<Json::object_t&>());
    members.emplace_back(std::move(key), std::move(value));
}

JsonText JsonText::shared(SharedText text) {
    if (!is_json(text)) {
        parse_json(text);  // throws, with the parser's line and column
        throw json_parsing_error("ParsingFailure", "not one JSON value",
                                 text.view().substr(0, 4096));
    }
    JsonText out;
    out.text_ = std::move(text);
    return out;
}

bool is_json(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) return false;  // see refuse_nul()
    // simdjson refuses some texts that nlohmann's parser takes (integers beyond 64 bits, deep
    // nesting); those are asked again.
    if (!text.empty() && text.size() <= kFastParseBytes) {
        FastParser parser(text.size());
        simdjson::dom::element element;
        if ((*parser).parse(text.data(), text.size(), true).get(element) == simdjson::SUCCESS) {
            return true;
        }
    }
    return Json::accept(text.begin(), text.end());
}

Json drop_nulls(const Json& value) {
    if (value.is_object()) {
        Json out = Json::object();
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!it.value().is_null()) append_member(out, it.key(), drop_nulls(it.value()));
        }
        return out;
    }
    if (value.is_array()) {
        Json out = Json::array();
        for (const auto& item : value)
            out.push_back(drop_nulls(item));
        return out;
    }
    return value;
}

void append_python_text(std::string& out, const Json& value) {
    switch (value.type()) {
        case Json::value_t::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, member] : static_cast<const Json::object_t::Container&>(
                     value.get_ref<const Json::object_t&>())) {
                if (!first) out += ", ";
                first = false;
                append_python_string(out, key);
                out += ": ";
                append_python_text(out, member);
            }
            out.push_back('}');
            break;
        }
        case Json::value_t::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& item : value.get_ref<const Json::array_t&>()) {
                if (!first) out += ", ";
                first = false;
                append_python_text(out, item);
            }
            out.push_back(']');
            break;
        }
        case Json::value_t::string:
            append_python_string(out, value.get_ref<const std::string&>());
            break;
        case Json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::null:
            out += "null";
            break;
        case Json::value_t::number_unsigned:
        case Json::value_t::number_integer: {
            char digits[24];
            auto end =
                value.is_number_unsigned()
                    ? std::to_chars(digits, digits + sizeof(digits), value.get<std::uint64_t>()).ptr
                    : std::to_chars(digits, digits + sizeof(digits), value.get<std::int64_t>()).ptr;
            out.append(digits, end);
            break;
        }
        case Json::value_t::number_float: {
            double d = value.get<double>();
            if (std::isnan(d)) {
                out += "NaN";
            } else if (std::isinf(d)) {
                out += d > 0 ? "Infinity" : "-Infinity";
            } else {
                out += value.dump();
            }
            break;
        }
        default:
            out += value.dump();
    }
}

std::string to_python_text(const Json& value) {
    std::string out;
    append_python_text(out, value);
    return out;
}

bool is_integral(const Json& value) {
    if (value.is_number_integer()) return true;
    if (!value.is_number_float()) return false;
    double d = value.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
}

std::string_view json_type_name(const Json& value) {
    switch (value.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return "boolean";
        case Json::value_t::string:
            return "string";
        case Json::value_t::array:
            return "array";
        case Json::value_t::object:
            return "object";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return "integer";
        case Json::value_t::number_float:
            return is_integral(value) ? "integer" : "number";
        default:
            return "unknown";
    }
}

std::string escape_pointer_token(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string percent_encode(std::string_view text, std::string_view keep) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     keep.find(static_cast<char>(c)) != std::string_view::npos;
        if (plain) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                          (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                          static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(kBase64Alphabet[(v >> 18) & 63]);
        out.push_back(kBase64Alphabet[(v >> 12) & 63]);
        out.push_back(kBase64Alphabet[(v >> 6) & 63]);
        out.push_back(kBase64Alphabet[v & 63]);
    }
    std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        out.push_back(kBase64Alphabet[(v >> 18) & 63]);
        out.push_back(kBase64Alphabet[(v >> 12) & 63]);
        out += "==";
    } else if (rest == 2) {
        std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                          (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out.push_back(kBase64Alphabet[(v >> 18) & 63]);
        out.push_back(kBase64Alphabet[(v >> 12) & 63]);
        out.push_back(kBase64Alphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

namespace {

// Reads base64 text by base64_decode's rules, passing each decoded byte to emit. Returns why the
// text is refused, or nullptr when it is accepted.
template <typename Emit>
const char* read_base64(std::string_view text, Emit&& emit) {
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char ch : text) {
        if (ch == '=') {
            ++padding;
            continue;
        }
        if (padding > 0) return "base64: data after padding";
        int v = base64_value(static_cast<unsigned char>(ch));
        if (v < 0) return "base64: character outside the alphabet";
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            emit(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    if (padding > 2 || bits >= 6) return "base64: truncated input";
    return nullptr;
}

}  // namespace

std::string base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    if (const char* why = read_base64(text, [&out](char c) { out.push_back(c); })) {
        throw std::invalid_argument(why);
    }
    return out;
}

bool decodable_base64(std::string_view text) {
    return read_base64(text, [](char) {}) == nullptr;
}

bool is_base64(std::string_view text) {
    if (text.size() % 4 != 0) return false;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (ch == '=') {
            if (i + 2 < text.size()) return false;
            ++padding;
        } else if (padding > 0 || base64_value(static_cast<unsigned char>(ch)) < 0) {
            return false;
        }
    }
    return padding <= 2;
}

}  // namespace cosmos::core
