#include "cosmos/core/json_scan.h"

#include "cosmos/core/error.h"

namespace cosmos::core {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

void JsonScanner::skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_]))
        ++pos_;
}

bool JsonScanner::done() {
    skip_space();
    return pos_ >= text_.size();
}

void JsonScanner::expect(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) fail(std::string("expected '") + c + "'");
    ++pos_;
}

bool JsonScanner::accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
        ++pos_;
        return true;
    }
    return false;
}

char JsonScanner::peek() {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end of input");
    return text_[pos_];
}

std::string_view JsonScanner::string_token() {
    skip_space();
    std::size_t start = pos_;
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string");
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\') ++pos_;
        ++pos_;
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return text_.substr(start, pos_ - start);
}

std::string_view JsonScanner::value_token() {
    char c = peek();
    std::size_t start = pos_;
    if (c == '"') return string_token();
    if (c != '{' && c != '[') {
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
               text_[pos_] != ']' && !is_space(text_[pos_])) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }
    std::size_t depth = 0;
    while (pos_ < text_.size()) {
        char d = text_[pos_];
        if (d == '"') {
            string_token();
            continue;
        }
        ++pos_;
        if (d == '{' || d == '[') {
            ++depth;
        } else if ((d == '}' || d == ']') && --depth == 0) {
            return text_.substr(start, pos_ - start);
        }
    }
    fail("unexpected end of input");
}

void JsonScanner::fail(const std::string& why) const {
    throw json_parsing_error(
        "RepositoryFile",
        why + " at offset " + std::to_string(pos_) + " (expected " + std::string(shape_) + ")",
        text_.substr(0, 256));
}

}  // namespace cosmos::core
