#pragma once
// Reads the analysis fixtures (plain comma-separated numbers, no header, written by
// make_fixtures.py) so the analysis tests do not depend on the format loaders.
#include "util/types.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace es::testdata {

inline std::string analysisPath(const std::string &name)
{
    return std::string(EMBEDSCOPE_TEST_DATA) + "/analysis/" + name;
}

inline MatrixD readCsv(const std::string &name)
{
    std::ifstream in(analysisPath(name));
    std::vector<std::vector<double>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
            row.push_back(std::stod(cell));
        rows.push_back(std::move(row));
    }
    MatrixD m(rows.size(), rows.empty() ? 0 : rows[0].size());
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < rows[r].size() && c < std::size_t(m.cols()); ++c)
            m(r, c) = rows[r][c];
    return m;
}

inline Matrix readCsvF(const std::string &name)
{
    return readCsv(name).cast<float>();
}

} // namespace es::testdata
