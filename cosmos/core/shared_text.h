#pragma once

#include <compare>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cosmos::core {

/// Immutable text that copies in constant time: it owns its bytes, or is a slice of a larger
/// buffer that it shares with others. A repository document is kept whole this way, and the
/// packages decoded from it point into it (their config schemas and templates are most of it)
/// instead of holding copies.
class SharedText {
public:
    SharedText() = default;
    /// Owns text (implicit, so that a std::string can be assigned).
    SharedText(std::string text)
        : buffer_(std::make_shared<const std::string>(std::move(text))), view_(*buffer_) {}
    SharedText(const char* text) : SharedText(std::string(text)) {}
    /// A slice of buffer; slice must lie inside *buffer.
    SharedText(std::shared_ptr<const std::string> buffer, std::string_view slice)
        : buffer_(std::move(buffer)), view_(slice) {}

    std::string_view view() const noexcept { return view_; }
    operator std::string_view() const noexcept { return view_; }
    std::string str() const { return std::string(view_); }
    const char* data() const noexcept { return view_.data(); }
    std::size_t size() const noexcept { return view_.size(); }
    bool empty() const noexcept { return view_.empty(); }

    /// The buffer this text lies in (null for an empty default text). A text made from a
    /// std::string is the whole of its buffer.
    const std::shared_ptr<const std::string>& buffer() const noexcept { return buffer_; }

    /// Equal bytes, wherever they live.
    friend bool operator==(const SharedText& a, const SharedText& b) noexcept {
        return a.view_ == b.view_;
    }
    friend bool operator==(const SharedText& a, std::string_view b) noexcept {
        return a.view_ == b;
    }
    friend bool operator==(const SharedText& a, const char* b) noexcept { return a.view_ == b; }
    friend bool operator==(const SharedText& a, const std::string& b) noexcept {
        return a.view_ == b;
    }

private:
    std::shared_ptr<const std::string> buffer_;
    std::string_view view_;
};

}  // namespace cosmos::core
