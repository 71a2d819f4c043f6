#include "cosmos/core/json.h"

#include <array>
#include <cmath>

#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

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
        open(Json::object());
        return true;
    }
    bool key(string_t& k) {
        Json& object = *stack_.back().value;
        auto it = object.find(k);
        if (it != object.end()) {
            // Pointers are built only for duplicates: most documents have none.
            pending_.push_back({pointer_to(k), *it});
            slot_ = &*it;  // the first position keeps the last value
        } else {
            // A new key: append directly instead of searching the object a second time.
            auto& members =
                static_cast<Json::object_t::Container&>(object.get_ref<Json::object_t&>());
            members.emplace_back(k, nullptr);
            slot_ = &members.back().second;
        }
        pending_key_ = std::move(k);
        return true;
    }
    bool end_object() {
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
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

    std::vector<DuplicateKey> duplicates() const {
        std::vector<DuplicateKey> out;
        for (const auto& p : pending_) {
            const Json& final_value = root_.at(Json::json_pointer(p.pointer));
            out.push_back({p.pointer, final_value == p.previous});
        }
        return out;
    }

private:
    // An open container and how its parent names it (escaped pointer token; "" for the root).
    struct Frame {
        Json* value;
        std::string token;
    };
    struct Pending {
        std::string pointer;
        Json previous;
    };

    std::string pointer_to(const std::string& key) const {
        std::string out;
        for (std::size_t i = 1; i < stack_.size(); ++i)
            out += "/" + stack_[i].token;
        return out + "/" + escape_pointer_token(key);
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
        stack_.push_back({slot, std::move(token)});
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
};

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
        // Most characters need no escaping: copy each such run at once.
        std::size_t run = i;
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

ParsedDocument parse_document(std::string_view text) {
    ParsedDocument doc;
    DocumentBuilder builder(doc.value);
    bool ok = Json::sax_parse(text.begin(), text.end(), &builder);
    if (!ok) {
        throw json_parsing_error("ParsingFailure", builder.error(), text.substr(0, 4096));
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
    if (!Json::accept(text.begin(), text.end())) {
        parse_json(text);  // throws, with the parser's line and column
        throw json_parsing_error("ParsingFailure", "not one JSON value", text.substr(0, 4096));
    }
    JsonText out;
    out.text_.reserve(text.size());
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            out.text_ += c;
            if (c == '\\') {
                out.text_ += text[++i];  // accepted text never ends inside an escape
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
            out.text_ += c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out.text_ += c;
        }
    }
    return out;
}

Json drop_nulls(const Json& value) {
    if (value.is_object()) {
        Json out = Json::object();
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!it.value().is_null()) out[it.key()] = drop_nulls(it.value());
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
            for (auto it = value.begin(); it != value.end(); ++it) {
                if (!first) out += ", ";
                first = false;
                append_python_string(out, it.key());
                out += ": ";
                append_python_text(out, it.value());
            }
            out.push_back('}');
            break;
        }
        case Json::value_t::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& item : value) {
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
