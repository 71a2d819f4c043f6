#include "cosmos/core/regex.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

namespace cosmos::core {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr int kMaxRepeat = 1000;
constexpr int kMaxNesting = 200;
constexpr std::size_t kMaxInstructions = 50000;
// Beyond these sizes the automaton is not tabulated and search() simulates the NFA instead:
// still linear, only with a larger constant.
constexpr std::size_t kMaxDfaStates = 4000;
constexpr std::size_t kMaxDfaCells = std::size_t{1} << 21;

// Malformed UTF-8 bytes become U+DC80..U+DCFF (lone surrogates, which a valid UTF-8 text never
// holds), so each still counts as one character and matches only classes that admit it.
char32_t next_code_point(std::string_view text, std::size_t& i) {
    const auto c0 = static_cast<unsigned char>(text[i]);
    if (c0 < 0x80) {
        ++i;
        return c0;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    if ((c0 & 0xE0) == 0xC0) {
        len = 2;
        cp = c0 & 0x1F;
    } else if ((c0 & 0xF0) == 0xE0) {
        len = 3;
        cp = c0 & 0x0F;
    } else if ((c0 & 0xF8) == 0xF0) {
        len = 4;
        cp = c0 & 0x07;
    } else {
        ++i;
        return 0xDC00 + c0;
    }
    if (i + len > text.size()) {
        ++i;
        return 0xDC00 + c0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(text[i + k]);
        if ((c & 0xC0) != 0x80) {
            ++i;
            return 0xDC00 + c0;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    i += len;
    return cp;
}

using Range = std::pair<char32_t, char32_t>;

// A set of code points as sorted, disjoint, non-adjacent closed ranges (after normalize()).
class CharSet {
public:
    void add(char32_t lo, char32_t hi) { ranges_.emplace_back(lo, hi); }
    void add(char32_t c) { ranges_.emplace_back(c, c); }
    void add(const CharSet& other) {
        ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
    }

    void normalize() {
        std::sort(ranges_.begin(), ranges_.end());
        std::vector<Range> merged;
        for (const auto& r : ranges_) {
            if (!merged.empty() && r.first <= merged.back().second + 1) {
                merged.back().second = std::max(merged.back().second, r.second);
            } else {
                merged.push_back(r);
            }
        }
        ranges_ = std::move(merged);
    }

    void negate() {
        normalize();
        std::vector<Range> out;
        char32_t next = 0;
        for (const auto& r : ranges_) {
            if (r.first > next) out.emplace_back(next, r.first - 1);
            next = r.second + 1;
        }
        if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
        ranges_ = std::move(out);
    }

    bool contains(char32_t c) const {
        auto it = std::upper_bound(ranges_.begin(), ranges_.end(), c,
                                   [](char32_t v, const Range& r) { return v < r.first; });
        return it != ranges_.begin() && c <= std::prev(it)->second;
    }

    const std::vector<Range>& ranges() const { return ranges_; }

private:
    std::vector<Range> ranges_;
};

CharSet digit_set() {
    CharSet s;
    s.add('0', '9');
    return s;
}

CharSet word_set() {
    CharSet s;
    s.add('a', 'z');
    s.add('A', 'Z');
    s.add('0', '9');
    s.add('_');
    return s;
}

// ECMA-262 WhiteSpace and LineTerminator code points.
CharSet space_set() {
    CharSet s;
    s.add(0x09, 0x0D);
    s.add(0x20);
    s.add(0xA0);
    s.add(0x1680);
    s.add(0x2000, 0x200A);
    s.add(0x2028, 0x2029);
    s.add(0x202F);
    s.add(0x205F);
    s.add(0x3000);
    s.add(0xFEFF);
    return s;
}

CharSet dot_set() {
    CharSet s;
    s.add('\n');
    s.add('\r');
    s.add(0x2028, 0x2029);
    s.negate();
    return s;
}

struct Ast {
    enum class Kind { kEmpty, kSet, kConcat, kAlt, kRepeat, kBol, kEol };
    Kind kind = Kind::kEmpty;
    int set = -1;
    int min = 0;
    int max = 0;  // kRepeat: -1 = unbounded
    std::vector<Ast> kids;
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_ascii_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One class item: a single code point or a predefined set such as \d.
struct ClassAtom {
    bool is_set = false;
    char32_t cp = 0;
    CharSet set;
};

class Parser {
public:
    Parser(std::string_view pattern, std::vector<CharSet>& sets) : p_(pattern), sets_(sets) {}

    Ast parse() {
        Ast root = disjunction(0);
        if (!at_end()) fail("unmatched ')'");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument("invalid regex \"" + std::string(p_) + "\": " + what +
                                    " at offset " + std::to_string(i_));
    }
    [[noreturn]] void unsupported(const std::string& what) const {
        throw std::invalid_argument("unsupported regex syntax in \"" + std::string(p_) +
                                    "\": " + what + " at offset " + std::to_string(i_));
    }

    bool at_end() const { return i_ >= p_.size(); }
    char peek(std::size_t ahead = 0) const {
        return i_ + ahead < p_.size() ? p_[i_ + ahead] : '\0';
    }

    Ast set_node(CharSet set) {
        set.normalize();
        sets_.push_back(std::move(set));
        Ast n;
        n.kind = Ast::Kind::kSet;
        n.set = static_cast<int>(sets_.size() - 1);
        return n;
    }
    Ast literal(char32_t c) {
        CharSet s;
        s.add(c);
        return set_node(std::move(s));
    }

    Ast disjunction(int depth) {
        Ast first = alternative(depth);
        if (at_end() || peek() != '|') return first;
        Ast alt;
        alt.kind = Ast::Kind::kAlt;
        alt.kids.push_back(std::move(first));
        while (!at_end() && peek() == '|') {
            ++i_;
            alt.kids.push_back(alternative(depth));
        }
        return alt;
    }

    Ast alternative(int depth) {
        Ast seq;
        seq.kind = Ast::Kind::kConcat;
        while (!at_end() && peek() != '|' && peek() != ')') {
            Ast atom;
            bool quantifiable = true;
            const char c = peek();
            int min = 0;
            int max = 0;
            std::size_t end = 0;
            if (c == '^' || c == '$') {
                ++i_;
                atom.kind = c == '^' ? Ast::Kind::kBol : Ast::Kind::kEol;
                quantifiable = false;
            } else if (c == '(') {
                atom = group(depth);
            } else if (c == '[') {
                atom = set_node(char_class());
            } else if (c == '.') {
                ++i_;
                atom = set_node(dot_set());
            } else if (c == '\\') {
                atom = atom_escape();
            } else if (c == '*' || c == '+' || c == '?') {
                fail("nothing to repeat");
            } else if (c == '{' && read_braces(min, max, end)) {
                fail("nothing to repeat");
            } else {
                atom = literal(next_code_point(p_, i_));
            }
            if (!at_end()) atom = quantified(std::move(atom), quantifiable);
            seq.kids.push_back(std::move(atom));
        }
        return seq;
    }

    Ast quantified(Ast atom, bool quantifiable) {
        const char c = peek();
        int min = 0;
        int max = 0;
        std::size_t end = 0;
        if (c == '*') {
            max = -1;
            end = i_ + 1;
        } else if (c == '+') {
            min = 1;
            max = -1;
            end = i_ + 1;
        } else if (c == '?') {
            max = 1;
            end = i_ + 1;
        } else if (c != '{' || !read_braces(min, max, end)) {
            return atom;
        }
        if (!quantifiable) fail("nothing to repeat");
        i_ = end;
        // A lazy quantifier matches the same set of strings as the greedy one.
        if (!at_end() && peek() == '?') ++i_;
        if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?')) {
            fail("nothing to repeat");
        }
        Ast rep;
        rep.kind = Ast::Kind::kRepeat;
        rep.min = min;
        rep.max = max;
        rep.kids.push_back(std::move(atom));
        return rep;
    }

    // Reads "{n}", "{n,}" or "{n,m}" at the cursor without moving it; false when the text there
    // is not a quantifier (then "{" is a literal, as ECMA-262 Annex B reads it).
    bool read_braces(int& min, int& max, std::size_t& end) const {
        std::size_t j = i_ + 1;
        auto number = [&](int& out) {
            const std::size_t start = j;
            long long value = 0;
            while (j < p_.size() && is_digit(p_[j])) {
                value = std::min<long long>(value * 10 + (p_[j] - '0'), 1LL << 40);
                ++j;
            }
            out = static_cast<int>(std::min<long long>(value, kMaxRepeat + 1));
            return j > start;
        };
        if (!number(min)) return false;
        max = min;
        if (j < p_.size() && p_[j] == ',') {
            ++j;
            if (!number(max)) max = -1;
        }
        if (j >= p_.size() || p_[j] != '}') return false;
        end = j + 1;
        if (min > kMaxRepeat || max > kMaxRepeat) {
            throw std::invalid_argument("unsupported regex syntax in \"" + std::string(p_) +
                                        "\": repetition count above " + std::to_string(kMaxRepeat) +
                                        " at offset " + std::to_string(i_));
        }
        if (max >= 0 && max < min) {
            throw std::invalid_argument("invalid regex \"" + std::string(p_) +
                                        "\": numbers out of order in {} quantifier at offset " +
                                        std::to_string(i_));
        }
        return true;
    }

    Ast group(int depth) {
        if (depth >= kMaxNesting) unsupported("groups nested too deeply");
        ++i_;  // '('
        if (peek() == '?') {
            const char kind = peek(1);
            if (kind == ':') {
                i_ += 2;
            } else if (kind == '=' || kind == '!') {
                unsupported("lookahead");
            } else if (kind == '<' && (peek(2) == '=' || peek(2) == '!')) {
                unsupported("lookbehind");
            } else if (kind == '<') {
                i_ += 2;
                const std::size_t start = i_;
                while (!at_end() && (is_ascii_alnum(peek()) || peek() == '_' || peek() == '$')) {
                    ++i_;
                }
                if (i_ == start || peek() != '>') fail("invalid group name");
                ++i_;
            } else {
                fail("invalid group");
            }
        }
        Ast inner = disjunction(depth + 1);
        if (at_end() || peek() != ')') fail("missing ')'");
        ++i_;
        return inner;
    }

    // \f \n \r \t \v \cX \xHH \uHHHH; false when c is none of these letters.
    bool control_escape(char c, char32_t& out) {
        switch (c) {
            case 'f':
                out = '\f';
                break;
            case 'n':
                out = '\n';
                break;
            case 'r':
                out = '\r';
                break;
            case 't':
                out = '\t';
                break;
            case 'v':
                out = '\v';
                break;
            case 'c': {
                const char letter = peek(1);
                if (!((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z'))) {
                    unsupported("\\c without a control letter");
                }
                out = static_cast<char32_t>(letter % 32);
                i_ += 2;
                return true;
            }
            case 'x': {
                const int h1 = hex_value(peek(1));
                const int h2 = hex_value(peek(2));
                if (h1 < 0 || h2 < 0) unsupported("\\x without two hex digits");
                out = static_cast<char32_t>(h1 * 16 + h2);
                i_ += 3;
                return true;
            }
            case 'u': {
                out = read_u_escape();
                // A surrogate pair written as two escapes is one code point.
                if (out >= 0xD800 && out <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
                    const std::size_t save = i_;
                    ++i_;
                    const char32_t low = read_u_escape();
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        out = 0x10000 + ((out - 0xD800) << 10) + (low - 0xDC00);
                    } else {
                        i_ = save;
                    }
                }
                return true;
            }
            default:
                return false;
        }
        ++i_;
        return true;
    }

    // At "u" of "\uHHHH": reads the four digits.
    char32_t read_u_escape() {
        char32_t value = 0;
        for (std::size_t k = 1; k <= 4; ++k) {
            const int h = hex_value(peek(k));
            if (h < 0) unsupported("\\u without four hex digits");
            value = value * 16 + static_cast<char32_t>(h);
        }
        i_ += 5;
        return value;
    }

    // Escapes that mean the same inside and outside a class; returns false for the rest.
    bool shared_escape(ClassAtom& out) {
        const char c = peek();
        switch (c) {
            case 'd':
            case 'D':
            case 'w':
            case 'W':
            case 's':
            case 'S': {
                out.is_set = true;
                out.set = c == 'd' || c == 'D'   ? digit_set()
                          : c == 'w' || c == 'W' ? word_set()
                                                 : space_set();
                if (c == 'D' || c == 'W' || c == 'S') out.set.negate();
                ++i_;
                return true;
            }
            case 'k':
                unsupported("named backreference");
            case 'p':
            case 'P':
                unsupported("unicode property escape");
            default:
                break;
        }
        if (c == '0' && !is_digit(peek(1))) {
            out.cp = 0;
            ++i_;
            return true;
        }
        if (is_digit(c)) unsupported("backreference or octal escape");
        if (control_escape(c, out.cp)) return true;
        if (is_ascii_alnum(c)) unsupported(std::string("unknown escape \\") + c);
        out.cp = next_code_point(p_, i_);
        return true;
    }

    Ast atom_escape() {
        ++i_;  // '\'
        if (at_end()) fail("\\ at end of pattern");
        if (peek() == 'b' || peek() == 'B') unsupported("word boundary");
        ClassAtom a;
        shared_escape(a);
        return a.is_set ? set_node(std::move(a.set)) : literal(a.cp);
    }

    ClassAtom class_atom() {
        ClassAtom a;
        if (peek() != '\\') {
            a.cp = next_code_point(p_, i_);
            return a;
        }
        ++i_;
        if (at_end()) fail("\\ at end of pattern");
        if (peek() == 'b') {
            a.cp = 0x08;
            ++i_;
            return a;
        }
        if (peek() == 'B') unsupported("\\B in a character class");
        if (peek() == '-') {
            a.cp = '-';
            ++i_;
            return a;
        }
        shared_escape(a);
        return a;
    }

    CharSet char_class() {
        ++i_;  // '['
        bool negated = false;
        if (peek() == '^') {
            negated = true;
            ++i_;
        }
        CharSet set;
        auto add = [&set](const ClassAtom& a) {
            if (a.is_set) {
                set.add(a.set);
            } else {
                set.add(a.cp);
            }
        };
        while (true) {
            if (at_end()) fail("missing ']'");
            if (peek() == ']') {
                ++i_;
                break;
            }
            ClassAtom from = class_atom();
            if (peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
                ++i_;
                if (at_end()) fail("missing ']'");
                ClassAtom to = class_atom();
                if (from.is_set || to.is_set) {
                    // Annex B: a range with a class escape at either end is three items.
                    add(from);
                    set.add('-');
                    add(to);
                } else {
                    if (from.cp > to.cp) fail("range out of order in character class");
                    set.add(from.cp, to.cp);
                }
            } else {
                add(from);
            }
        }
        if (negated) set.negate();
        return set;
    }

    std::string_view p_;
    std::size_t i_ = 0;
    std::vector<CharSet>& sets_;
};

enum class Op : std::uint8_t { kSet, kSplit, kJmp, kBol, kEol, kMatch };

struct Inst {
    Op op;
    std::uint32_t x = 0;  // kSet: set index; kSplit, kJmp: target
    std::uint32_t y = 0;  // kSplit: second target
};

enum StateFlag : std::uint8_t { kAccept = 1, kAcceptAtEnd = 2, kDead = 4 };

}  // namespace

struct Regex::Program {
    std::string pattern;
    std::vector<Inst> insts;
    std::vector<CharSet> sets;

    // The tabulated automaton (when has_dfa). Code points are grouped into intervals on which
    // every set of the program agrees; interval_starts[k] begins interval k.
    bool has_dfa = false;
    std::vector<char32_t> interval_starts;
    std::array<std::uint16_t, 128> ascii_interval{};
    std::uint32_t intervals = 0;
    std::vector<std::uint32_t> next;  // state * intervals + interval
    std::vector<std::uint8_t> flags;
    std::uint32_t initial = 0;

    std::uint32_t interval_of(char32_t cp) const {
        if (cp < 128) return ascii_interval[cp];
        auto it = std::upper_bound(interval_starts.begin(), interval_starts.end(), cp);
        return static_cast<std::uint32_t>(it - interval_starts.begin() - 1);
    }
};

namespace {

using Program = Regex::Program;

class Emitter {
public:
    explicit Emitter(Program& program) : prog_(program) {}

    void emit(const Ast& n) {
        switch (n.kind) {
            case Ast::Kind::kEmpty:
                break;
            case Ast::Kind::kSet:
                push(Op::kSet, static_cast<std::uint32_t>(n.set));
                break;
            case Ast::Kind::kBol:
                push(Op::kBol);
                break;
            case Ast::Kind::kEol:
                push(Op::kEol);
                break;
            case Ast::Kind::kConcat:
                for (const auto& kid : n.kids)
                    emit(kid);
                break;
            case Ast::Kind::kAlt: {
                std::vector<std::size_t> exits;
                for (std::size_t k = 0; k < n.kids.size(); ++k) {
                    if (k + 1 == n.kids.size()) {
                        emit(n.kids[k]);
                        break;
                    }
                    const std::size_t split = push(Op::kSplit);
                    prog_.insts[split].x = here();
                    emit(n.kids[k]);
                    exits.push_back(push(Op::kJmp));
                    prog_.insts[split].y = here();
                }
                for (auto e : exits)
                    prog_.insts[e].x = here();
                break;
            }
            case Ast::Kind::kRepeat: {
                const Ast& body = n.kids.front();
                for (int k = 0; k < n.min; ++k)
                    emit(body);
                if (n.max < 0) {
                    const std::size_t loop = push(Op::kSplit);
                    prog_.insts[loop].x = here();
                    emit(body);
                    push(Op::kJmp, static_cast<std::uint32_t>(loop));
                    prog_.insts[loop].y = here();
                } else {
                    // x{2,4} = xx(x(x)?)?: every optional copy may skip to the very end.
                    std::vector<std::size_t> skips;
                    for (int k = n.min; k < n.max; ++k) {
                        const std::size_t split = push(Op::kSplit);
                        prog_.insts[split].x = here();
                        skips.push_back(split);
                        emit(body);
                    }
                    for (auto s : skips)
                        prog_.insts[s].y = here();
                }
                break;
            }
        }
    }

    std::size_t push(Op op, std::uint32_t x = 0) {
        if (prog_.insts.size() >= kMaxInstructions) {
            throw std::invalid_argument("unsupported regex syntax in \"" + prog_.pattern +
                                        "\": pattern too large once repetitions are expanded");
        }
        prog_.insts.push_back(Inst{op, x, 0});
        return prog_.insts.size() - 1;
    }

private:
    std::uint32_t here() const { return static_cast<std::uint32_t>(prog_.insts.size()); }
    Program& prog_;
};

// Epsilon closures over the program. A closure keeps only the instructions that wait for input
// or for the end of the text (kSet, kEol) and kMatch; everything else is followed at once.
class Closure {
public:
    explicit Closure(const Program& program) : prog_(program), marks_(program.insts.size(), 0) {}

    void begin() {
        if (++generation_ == 0) {
            std::fill(marks_.begin(), marks_.end(), 0);
            generation_ = 1;
        }
    }

    void add(std::uint32_t pc, bool at_start, bool at_end, std::vector<std::uint32_t>& out) {
        stack_.push_back(pc);
        while (!stack_.empty()) {
            const std::uint32_t cur = stack_.back();
            stack_.pop_back();
            if (marks_[cur] == generation_) continue;
            marks_[cur] = generation_;
            const Inst& in = prog_.insts[cur];
            switch (in.op) {
                case Op::kSet:
                case Op::kMatch:
                    out.push_back(cur);
                    break;
                case Op::kSplit:
                    stack_.push_back(in.y);
                    stack_.push_back(in.x);
                    break;
                case Op::kJmp:
                    stack_.push_back(in.x);
                    break;
                case Op::kBol:
                    if (at_start) stack_.push_back(cur + 1);
                    break;
                case Op::kEol:
                    if (at_end) {
                        stack_.push_back(cur + 1);
                    } else {
                        out.push_back(cur);
                    }
                    break;
            }
        }
    }

    // The state at the start of the text.
    std::vector<std::uint32_t> start() {
        std::vector<std::uint32_t> out;
        begin();
        add(0, true, false, out);
        std::sort(out.begin(), out.end());
        return out;
    }

    // The state after reading c from `from`, not at the start of the text; the restart at the
    // new position makes the search unanchored.
    std::vector<std::uint32_t> step(const std::vector<std::uint32_t>& from, char32_t c) {
        std::vector<std::uint32_t> out;
        begin();
        for (auto pc : from) {
            const Inst& in = prog_.insts[pc];
            if (in.op == Op::kSet && prog_.sets[in.x].contains(c)) add(pc + 1, false, false, out);
        }
        add(0, false, false, out);
        std::sort(out.begin(), out.end());
        return out;
    }

    bool accepts_now(const std::vector<std::uint32_t>& state) const {
        return std::any_of(state.begin(), state.end(),
                           [this](std::uint32_t pc) { return prog_.insts[pc].op == Op::kMatch; });
    }

    bool accepts_at_end(const std::vector<std::uint32_t>& state, bool at_start) {
        std::vector<std::uint32_t> out;
        begin();
        for (auto pc : state) {
            const Inst& in = prog_.insts[pc];
            if (in.op == Op::kMatch) return true;
            if (in.op == Op::kEol) add(pc + 1, at_start, true, out);
        }
        return accepts_now(out);
    }

private:
    const Program& prog_;
    std::vector<std::uint32_t> marks_;
    std::uint32_t generation_ = 0;
    std::vector<std::uint32_t> stack_;
};

void build_dfa(Program& prog) {
    std::vector<char32_t> starts{0};
    for (const auto& in : prog.insts) {
        if (in.op != Op::kSet) continue;
        for (const auto& r : prog.sets[in.x].ranges()) {
            starts.push_back(r.first);
            if (r.second < kMaxCodePoint) starts.push_back(r.second + 1);
        }
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    const std::size_t k_count = starts.size();
    if (k_count > 0xFFFF) return;

    Closure closure(prog);
    std::vector<std::vector<std::uint32_t>> states;
    std::map<std::vector<std::uint32_t>, std::uint32_t> ids;
    std::vector<std::uint32_t> next;
    std::vector<std::uint8_t> flags;

    auto flags_of = [&](const std::vector<std::uint32_t>& s, bool initial) {
        std::uint8_t f = 0;
        if (closure.accepts_now(s)) f |= kAccept;
        if (closure.accepts_at_end(s, initial)) f |= kAcceptAtEnd;
        if (s.empty()) f |= kDead;
        return f;
    };
    // The start state is kept apart from the others: ^ holds only there, so an equal set met
    // later is a different state.
    states.push_back(closure.start());
    flags.push_back(flags_of(states[0], true));
    auto intern = [&](std::vector<std::uint32_t> s) -> std::uint32_t {
        auto it = ids.find(s);
        if (it != ids.end()) return it->second;
        const auto id = static_cast<std::uint32_t>(states.size());
        flags.push_back(flags_of(s, false));
        ids.emplace(s, id);
        states.push_back(std::move(s));
        return id;
    };

    for (std::size_t id = 0; id < states.size(); ++id) {
        if (states.size() > kMaxDfaStates || states.size() * k_count > kMaxDfaCells) return;
        next.resize((id + 1) * k_count, static_cast<std::uint32_t>(id));
        // A search stops at an accepting or dead state, so their rows stay unused.
        if (flags[id] & (kAccept | kDead)) continue;
        // A copy: interning may grow `states` and move its elements.
        const std::vector<std::uint32_t> from = states[id];
        for (std::size_t k = 0; k < k_count; ++k) {
            next[id * k_count + k] = intern(closure.step(from, starts[k]));
        }
    }

    prog.interval_starts = std::move(starts);
    prog.intervals = static_cast<std::uint32_t>(k_count);
    for (char32_t c = 0; c < 128; ++c) {
        auto it = std::upper_bound(prog.interval_starts.begin(), prog.interval_starts.end(), c);
        prog.ascii_interval[c] = static_cast<std::uint16_t>(it - prog.interval_starts.begin() - 1);
    }
    prog.next = std::move(next);
    prog.flags = std::move(flags);
    prog.initial = 0;
    prog.has_dfa = true;
}

bool search_dfa(const Program& prog, std::string_view text) {
    std::uint32_t state = prog.initial;
    std::uint8_t f = prog.flags[state];
    if (f & (kAccept | kDead)) return (f & kAccept) != 0;
    const std::uint32_t width = prog.intervals;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::uint32_t k = 0;
        if (byte < 0x80) {
            k = prog.ascii_interval[byte];
            ++i;
        } else {
            k = prog.interval_of(next_code_point(text, i));
        }
        state = prog.next[state * width + k];
        f = prog.flags[state];
        if (f & (kAccept | kDead)) return (f & kAccept) != 0;
    }
    return (f & kAcceptAtEnd) != 0;
}

bool search_nfa(const Program& prog, std::string_view text) {
    Closure closure(prog);
    std::vector<std::uint32_t> state = closure.start();
    bool at_start = true;
    std::size_t i = 0;
    while (true) {
        if (closure.accepts_now(state)) return true;
        if (i >= text.size()) return closure.accepts_at_end(state, at_start);
        state = closure.step(state, next_code_point(text, i));
        at_start = false;
    }
}

}  // namespace

Regex::Regex(std::shared_ptr<const Program> program) : program_(std::move(program)) {}

Regex Regex::compile(std::string_view pattern) {
    auto prog = std::make_shared<Program>();
    prog->pattern = std::string(pattern);
    Ast root = Parser(pattern, prog->sets).parse();
    Emitter emitter(*prog);
    emitter.emit(root);
    emitter.push(Op::kMatch);
    build_dfa(*prog);
    return Regex(std::move(prog));
}

void Regex::check_syntax(std::string_view pattern) {
    std::vector<CharSet> sets;
    Parser(pattern, sets).parse();
}

bool Regex::search(std::string_view text) const {
    return program_->has_dfa ? search_dfa(*program_, text) : search_nfa(*program_, text);
}

const std::string& Regex::pattern() const {
    return program_->pattern;
}

}  // namespace cosmos::core
