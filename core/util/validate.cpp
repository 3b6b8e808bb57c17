#include "util/validate.h"

#include <cmath>

namespace es {

Status checkVectors(const Matrix &m, const VectorCheck &check)
{
    if (m.rows() < check.minRows)
        return Error{check.what + ": " + std::to_string(m.rows()) + " row(s), at least "
                     + std::to_string(check.minRows) + " needed"};
    if (m.cols() == 0)
        return Error{check.what + ": vectors have zero dimensions"};
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const auto row = m.row(r);
        // Vector test first (0 * v is 0 for a finite v, NaN otherwise); the scan that names
        // the column only for a row that fails it.
        if (!((row.array() * 0.0f).sum() == 0.0f)) {
            for (Eigen::Index c = 0; c < m.cols(); ++c) {
                const float v = row(c);
                if (!std::isfinite(v))
                    return Error{check.what + ": row " + std::to_string(r + 1) + ", column "
                                 + std::to_string(c + 1) + " is " + (std::isnan(v) ? "NaN" : "infinite")};
            }
        }
        if (check.rejectZeroRows && row.squaredNorm() == 0.0f)
            return Error{check.what + ": row " + std::to_string(r + 1)
                         + " is a zero vector (cosine similarity is undefined for it)"};
    }
    return Ok{};
}

Matrix normalizedRows(const Matrix &m)
{
    Matrix out = m;
    for (Eigen::Index r = 0; r < out.rows(); ++r) {
        const double n = out.row(r).cast<double>().norm();
        if (n > 0)
            out.row(r) /= static_cast<float>(n);
    }
    return out;
}

} // namespace es
