#include "tests/support/label_selector.h"

#include <algorithm>
#include <stdexcept>

namespace universe_test {

namespace {

bool is_plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    LabelSelector parse() {
        LabelSelector selector;
        skip_space();
        if (at_end()) return selector;
        for (;;) {
            selector.requirements.push_back(requirement());
            skip_space();
            if (at_end()) return selector;
            expect(',');
        }
    }

private:
    LabelRequirement requirement() {
        LabelRequirement req;
        skip_space();
        req.key = token("label name");
        skip_space();
        if (starts_with("==") || starts_with("!=")) {
            req.op = text_[pos_] == '=' ? LabelRequirement::Op::kEquals
                                        : LabelRequirement::Op::kNotEquals;
            pos_ += 2;
            skip_space();
            req.values.push_back(token("label value"));
            return req;
        }
        if (word_follows("notin")) {
            req.op = LabelRequirement::Op::kNotIn;
            pos_ += 5;
        } else if (word_follows("in")) {
            req.op = LabelRequirement::Op::kIn;
            pos_ += 2;
        } else {
            return req;
        }
        skip_space();
        expect('(');
        for (;;) {
            skip_space();
            req.values.push_back(token("set value"));
            skip_space();
            if (!at_end() && text_[pos_] == ')') {
                ++pos_;
                return req;
            }
            expect(',');
        }
    }

    // A keyword counts only when a space or '(' follows; "inner" is an ordinary token.
    bool word_follows(std::string_view word) const {
        if (!starts_with(word)) return false;
        std::size_t after = pos_ + word.size();
        return after < text_.size() && (text_[after] == ' ' || text_[after] == '(');
    }

    std::string token(const char* what) {
        std::string out;
        while (!at_end()) {
            char c = text_[pos_];
            if (c == '\\') {
                if (pos_ + 1 >= text_.size()) error("dangling backslash");
                out += text_[pos_ + 1];
                pos_ += 2;
            } else if (is_plain(c)) {
                out += c;
                ++pos_;
            } else {
                break;
            }
        }
        if (out.empty()) error(std::string("expected a ") + what);
        return out;
    }

    void expect(char c) {
        if (at_end() || text_[pos_] != c) error(std::string("expected '") + c + "'");
        ++pos_;
    }

    void skip_space() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t'))
            ++pos_;
    }

    bool starts_with(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
    bool at_end() const { return pos_ >= text_.size(); }

    [[noreturn]] void error(const std::string& what) const {
        throw std::invalid_argument("label selector '" + std::string(text_) + "': " + what +
                                    " at position " + std::to_string(pos_));
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
    for (const auto& req : requirements) {
        auto it = labels.find(req.key);
        if (it == labels.end()) return false;
        const std::string& value = it->second;
        bool in_set = std::find(req.values.begin(), req.values.end(), value) != req.values.end();
        switch (req.op) {
            case LabelRequirement::Op::kExists:
                break;
            case LabelRequirement::Op::kEquals:
            case LabelRequirement::Op::kIn:
                if (!in_set) return false;
                break;
            case LabelRequirement::Op::kNotEquals:
            case LabelRequirement::Op::kNotIn:
                if (in_set) return false;
                break;
        }
    }
    return true;
}

LabelSelector parse_label_selector(std::string_view text) {
    return Parser(text).parse();
}

}  // namespace universe_test
