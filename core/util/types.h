#pragma once
// Shared plain-data types of the core: vectors are row-major float matrices, one row per
// item, and row i of every output is row i of the loaded data set.
#include <Eigen/Core>

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string_view>

namespace es {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// Progress callback of every long core function: fraction in [0, 1] and a short stage name
// ("embedding", "calibrating perplexity", ...). Called from the worker thread.
using Progress = std::function<void(double fraction, std::string_view stage)>;

inline void report(const Progress &p, double fraction, std::string_view stage)
{
    if (p)
        p(fraction, stage);
}

} // namespace es
