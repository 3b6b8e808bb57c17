#pragma once
// Dataset: the texts a user loaded, plus metadata columns (one of which may be the label).
// Plain data, no behaviour beyond look-ups: loaders in core/formats fill it.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace es {

struct Column {
    std::string name;
    std::vector<std::string> values; // one per row, same length as Dataset::texts
};

struct Dataset {
    std::string source;              // file path or "" for typed data
    std::string textColumn;          // name of the column the texts came from ("" for .txt)
    std::vector<std::string> texts;  // row i of every output is row i here
    std::vector<std::size_t> lines;  // 1-based source line of each row (0 when unknown)
    std::vector<Column> columns;     // metadata columns, texts excluded
    int labelColumn = -1;            // index into columns, or -1

    std::size_t size() const { return texts.size(); }
    const Column *label() const { return labelColumn >= 0 ? &columns[labelColumn] : nullptr; }
    const Column *column(const std::string &name) const
    {
        for (const auto &c : columns)
            if (c.name == name)
                return &c;
        return nullptr;
    }
};

} // namespace es
