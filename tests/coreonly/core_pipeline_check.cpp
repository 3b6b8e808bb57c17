// A Qt-free end-to-end check of core: similarity, PCA and neighbours on a small known
// problem, validated by hand-derivable answers. Exits 1 with a message on any mismatch.
#include "analysis/neighbors.h"
#include "analysis/pca.h"
#include "analysis/similarity.h"
#include "util/validate.h"

#include <cmath>
#include <cstdio>
#include <limits>

static int failures = 0;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            ++failures;                                                                            \
        }                                                                                          \
    } while (0)

int main()
{
    using es::Matrix;
    Matrix x(4, 3);
    x << 1, 0, 0,   // a
         2, 0, 0,   // same direction as a
         0, 1, 0,   // orthogonal
         -1, 0, 0;  // opposite of a
    auto sim = es::analysis::cosineSimilarity(x);
    CHECK(sim.ok());
    if (sim) {
        CHECK(std::abs((*sim)(0, 1) - 1.0f) < 1e-6f);
        CHECK(std::abs((*sim)(0, 2)) < 1e-6f);
        CHECK(std::abs((*sim)(0, 3) + 1.0f) < 1e-6f);
    }
    auto nn = es::analysis::knnCosine(x, 2);
    CHECK(nn.ok());
    if (nn) {
        CHECK(nn->at(0, 0) == 1);
        CHECK(nn->at(3, 0) == 2); // orthogonal (0) beats opposite (-1)
    }
    // Points on a line in 3D: the first component explains all variance.
    Matrix line(5, 3);
    for (int i = 0; i < 5; ++i)
        line.row(i) << float(i), float(2 * i), 1.0f;
    auto p = es::analysis::pca(line, {2});
    CHECK(p.ok());
    if (p) {
        CHECK(std::abs(p->explainedVarianceRatio[0] - 1.0) < 1e-6);
        CHECK(p->coords.rows() == 5 && p->coords.cols() == 2);
        CHECK(std::abs(p->coords(4, 0) - p->coords(0, 0) - std::sqrt(80.0f)) < 1e-4f);
    }
    // Bad numbers are refused with the row named.
    Matrix bad = x;
    bad(2, 1) = std::numeric_limits<float>::quiet_NaN();
    auto r = es::analysis::cosineSimilarity(bad);
    CHECK(!r.ok() && r.error().message.find("row 3") != std::string::npos);
    Matrix zero = Matrix::Zero(2, 3);
    CHECK(!es::analysis::cosineSimilarity(zero).ok());

    if (failures)
        std::fprintf(stderr, "%d check(s) failed\n", failures);
    else
        std::printf("core pipeline check passed\n");
    return failures ? 1 : 0;
}
