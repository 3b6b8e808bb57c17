#pragma once
// Tokeniser for the GloVe vocabulary of the wink-embeddings package (lower-case ASCII
// words of two or more characters, letters, digits and inner hyphens, plus one-character
// punctuation; no numbers, no single letters, no words with apostrophes or dots):
//  - words are runs of letters and digits (Unicode-aware: Latin, Greek, Cyrillic and other
//    scripts count as letters), joined across an inner hyphen or apostrophe ("well-known",
//    "o'neill"), a decimal point or thousands comma between digits ("3.5", "1,000"), an
//    ampersand between letters ("at&t") and initialism dots ("u.s.", "e.g.");
//  - clitics are split off as in GloVe's Penn Treebank tokenisation and written as the
//    word they stand for, since the vocabulary has no "n't": "don't" -> "do" "not",
//    "can't" -> "can" "not", "won't" -> "will" "not", "we're" -> "we" "are" ('ve 'll 'd 'm
//    likewise); the possessive "'s" becomes a punctuation token;
//  - Latin letters with diacritics fold to ASCII ("café" -> "cafe", "straße" -> "strasse");
//    lower-casing covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; typographic
//    quotes, apostrophes and hyphens fold to ASCII;
//  - every other visible character is a punctuation token of its own ("..." and "--" stay
//    runs); a token of digits (with inner '.' or ',') is a number.
// Each token keeps its byte range in the original text, so a caller can highlight it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace es::local {

struct Token {
    enum Kind : unsigned char { Word, Number, Punct };
    std::string text;      // lower-cased, normalised: the form looked up in the vocabulary
    std::size_t begin = 0; // byte range in the original text
    std::size_t end = 0;
    Kind kind = Punct;     // only words enter SIF; numbers and punctuation are left out
    bool word() const { return kind == Word; }
};

// Appends the tokens of `text` to `out` (cleared first). Reuse `out` across calls: the
// tokens' strings keep their capacity.
void tokenize(std::string_view text, std::vector<Token> &out);

inline std::vector<Token> tokenize(std::string_view text)
{
    std::vector<Token> out;
    tokenize(text, out);
    return out;
}

// Lower-case of one code point (the ranges listed above; others unchanged).
char32_t toLowerCodePoint(char32_t cp);

} // namespace es::local
