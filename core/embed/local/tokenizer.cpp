#include "embed/local/tokenizer.h"
#include "util/utf8.h"

#include <cstdint>

namespace es::local {
namespace {

struct Cp {
    char32_t c;            // normalised, lower-cased code point
    std::uint32_t begin;   // byte range in the original text
    std::uint32_t end;
};

// Decodes UTF-8; an invalid byte becomes U+FFFD covering that byte.
void decode(std::string_view s, std::vector<Cp> &out)
{
    out.clear();
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = p[i];
        char32_t cp = 0xFFFD;
        std::size_t len = 1;
        if (b < 0x80) {
            cp = b;
        } else {
            std::size_t need = 0;
            char32_t v = 0;
            if ((b & 0xE0) == 0xC0 && b >= 0xC2) {
                need = 1;
                v = b & 0x1F;
            } else if ((b & 0xF0) == 0xE0) {
                need = 2;
                v = b & 0x0F;
            } else if ((b & 0xF8) == 0xF0 && b <= 0xF4) {
                need = 3;
                v = b & 0x07;
            }
            if (need > 0) {
                bool ok = true;
                for (std::size_t k = 1; k <= need; ++k) {
                    if (i + k >= n || (p[i + k] & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    v = (v << 6) | (p[i + k] & 0x3F);
                }
                if (ok && !((need == 2 && v < 0x800) || (need == 3 && (v < 0x10000 || v > 0x10FFFF))
                            || (v >= 0xD800 && v <= 0xDFFF))) {
                    cp = v;
                    len = need + 1;
                }
            }
        }
        // Typographic quotes and apostrophes fold to ASCII (GloVe's text used ASCII ones).
        switch (cp) {
        case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x2032: case 0xFF07:
            cp = '\'';
            break;
        case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB: case 0xFF02:
            cp = '"';
            break;
        case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2212:
            cp = '-';
            break;
        default:
            cp = toLowerCodePoint(cp);
        }
        out.push_back({cp, std::uint32_t(i), std::uint32_t(i + len)});
        i += len;
    }
}

bool isSpace(char32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0
           || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029
           || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF || c < 0x20;
}

bool isDigit(char32_t c)
{
    return c >= '0' && c <= '9';
}

// Letters of any script, approximated without tables: everything outside the
// punctuation, symbol, emoji and private-use blocks.
bool isLetter(char32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c < 0xC0)
        return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c == 0xD7 || c == 0xF7)
        return false;
    if (c >= 0x2000 && c <= 0x2BFF)
        return false; // punctuation, sub/superscripts, currency, arrows, maths, symbols
    if (c >= 0x2E00 && c <= 0x2E7F)
        return false;
    if (c >= 0x3000 && c <= 0x303F)
        return false;
    if (c >= 0xE000 && c <= 0xF8FF)
        return false;
    if (c >= 0xFE10 && c <= 0xFE6F)
        return false;
    if (c >= 0xFF00 && c <= 0xFF0F)
        return false;
    if (c >= 0xFFF0 && c <= 0xFFFF)
        return false;
    if (c >= 0x1F000 && c <= 0x1FAFF)
        return false; // emoji and pictographs
    return true;
}

bool isWordChar(char32_t c)
{
    return isLetter(c) || isDigit(c);
}


// ASCII form of a lower-case Latin letter with a diacritic (nullptr: no folding).
const char *foldLatin(char32_t c)
{
    static const char *const latin1[32] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
    static const char *const extA[128] = {
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
        "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
        "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
        "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
        "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
        "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
        "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};
    if (c == 0xDF)
        return "ss";
    if (c >= 0xE0 && c <= 0xFF)
        return latin1[c - 0xE0];
    if (c >= 0x100 && c <= 0x17F)
        return extA[c - 0x100];
    return nullptr;
}

void appendFolded(std::string &out, char32_t c)
{
    if (const char *f = foldLatin(c))
        out += f;
    else
        appendUtf8(out, c);
}

bool endsWith(const std::string &s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Token &next(std::vector<Token> &out, std::size_t &used)
{
    if (used == out.size())
        out.emplace_back();
    Token &t = out[used++];
    t.text.clear();
    return t;
}

} // namespace

char32_t toLowerCodePoint(char32_t c)
{
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x130)
            return 'i';
        if (c == 0x178)
            return 0xFF;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c % 2 == 1) ? c + 1 : c;
        if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F)
            return c;
        return (c % 2 == 0) ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
        return c + 32;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 37;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 63;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    return c;
}

void tokenize(std::string_view text, std::vector<Token> &out)
{
    thread_local std::vector<Cp> cps;
    decode(text, cps);
    std::size_t used = 0;
    const std::size_t n = cps.size();
    std::size_t i = 0;
    while (i < n) {
        const char32_t c = cps[i].c;
        if (isSpace(c)) {
            ++i;
            continue;
        }
        if (!isWordChar(c)) {
            // Punctuation: one token per character, runs of '.' or '-' kept together.
            std::size_t j = i + 1;
            if (c == '.' || c == '-')
                while (j < n && cps[j].c == c)
                    ++j;
            Token &t = next(out, used);
            for (std::size_t k = i; k < j; ++k)
                appendUtf8(t.text, cps[k].c);
            t.begin = cps[i].begin;
            t.end = cps[j - 1].end;
            t.kind = Token::Punct;
            i = j;
            continue;
        }
        // A word: letters/digits plus the inner joiners described in the header.
        std::size_t j = i;
        std::size_t segment = 0;     // letters since the last '.' (initialisms)
        bool initialism = false;
        while (j < n) {
            const char32_t x = cps[j].c;
            if (isWordChar(x)) {
                ++segment;
                ++j;
                continue;
            }
            const bool more = j + 1 < n;
            const char32_t prev = cps[j - 1].c;
            const char32_t after = more ? cps[j + 1].c : 0;
            if ((x == '\'' || x == '-') && more && isWordChar(after)) {
                segment = 0;
                ++j;
                continue;
            }
            if ((x == '.' || x == ',') && isDigit(prev) && more && isDigit(after)) {
                ++j;
                continue;
            }
            if (x == '&' && isLetter(prev) && more && isLetter(after)) {
                ++j;
                continue;
            }
            if (x == '.' && segment == 1 && isLetter(prev)) {
                if (more && isLetter(after) && (j + 2 >= n || !isWordChar(cps[j + 2].c))) {
                    initialism = true;
                    segment = 0;
                    ++j;
                    continue;
                }
                if (initialism) { // the closing dot of "u.s."
                    ++j;
                    break;
                }
            }
            break;
        }
        // Fold to the lookup form, remembering where each code point's bytes start.
        thread_local std::vector<std::uint32_t> at;
        std::string word;
        at.clear();
        bool allDigits = true;
        for (std::size_t k = i; k < j; ++k) {
            at.push_back(std::uint32_t(word.size()));
            appendFolded(word, cps[k].c);
            if (!isDigit(cps[k].c) && cps[k].c != '.' && cps[k].c != ',')
                allDigits = false;
        }
        // Split clitics the way the GloVe corpus was tokenised, written as full words.
        std::size_t splitAt = std::string::npos;
        const char *clitic = nullptr;
        if (word.size() > 3 && endsWith(word, "n't")) {
            splitAt = word.size() - 3;
            clitic = "not";
        } else if (const auto q = word.rfind('\''); q != std::string::npos && q > 0) {
            const std::string_view suffix = std::string_view(word).substr(q + 1);
            static const std::pair<std::string_view, const char *> clitics[] = {
                {"s", "'s"}, {"re", "are"}, {"ve", "have"}, {"ll", "will"}, {"d", "would"}, {"m", "am"}};
            for (const auto &[s, full] : clitics)
                if (suffix == s) {
                    splitAt = q;
                    clitic = full;
                }
        }
        if (splitAt == std::string::npos) {
            Token &t = next(out, used);
            t.text = word;
            t.begin = cps[i].begin;
            t.end = cps[j - 1].end;
            t.kind = allDigits ? Token::Number : Token::Word;
        } else {
            std::size_t k = 0;
            while (k < at.size() && at[k] < splitAt)
                ++k;
            std::string stem = word.substr(0, splitAt);
            if (std::string_view(clitic) == "not") {
                if (stem == "ca")
                    stem = "can";
                else if (stem == "wo")
                    stem = "will";
                else if (stem == "sha")
                    stem = "shall";
            }
            Token &a = next(out, used);
            a.text = std::move(stem);
            a.begin = cps[i].begin;
            a.end = cps[i + k - 1].end;
            a.kind = Token::Word;
            Token &b = next(out, used);
            b.text = clitic;
            b.begin = cps[i + k].begin;
            b.end = cps[j - 1].end;
            b.kind = std::string_view(clitic) == "'s" ? Token::Punct : Token::Word;
        }
        i = j;
    }
    out.resize(used);
}

} // namespace es::local
