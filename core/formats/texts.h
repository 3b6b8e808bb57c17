#pragma once
// Text loaders: .txt (one text per line), .csv / .tsv with a header, .jsonl.
// Errors name the file and the line ("sentences.csv, line 17: empty text").
#include "dataset/dataset.h"
#include "util/result.h"

#include <string>

namespace es::formats {

struct TextLoadOptions {
    std::string format;       // "" = by extension: txt | csv | tsv | jsonl
    std::string textColumn;   // "" = a column named text/sentence/document/... (case-insensitive),
                              // or the only column of a one-column table
    std::string labelColumn;  // "" = a column named label/category/class/...; "-" = none
};

struct LoadedTexts {
    Dataset dataset;
    Warnings warnings; // e.g. "3 blank lines skipped (lines 4, 9, 12)"
};

Result<LoadedTexts> loadTexts(const std::string &path, const TextLoadOptions &options = {});

// Parses texts typed or pasted by a user: one per line, blank lines skipped.
Dataset textsFromLines(const std::string &pasted);

} // namespace es::formats
