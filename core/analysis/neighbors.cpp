#include "analysis/neighbors.h"

#include "analysis/parallel.h"
#include "util/validate.h"

#include <algorithm>
#include <cmath>

namespace es::analysis {
namespace {

struct Cand {
    float score;
    int index;
};
// "a is a better neighbour than b": higher score, then lower index.
inline bool better(const Cand &a, const Cand &b)
{
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

Result<Neighbors> search(const Matrix &queries, const Matrix &base, const KnnConfig &config,
                         bool self, const Progress &progress, std::stop_token stop)
{
    const Eigen::Index nq = queries.rows(), nb = base.rows();
    const int k = config.k;
    const bool cosine = config.metric == Metric::Cosine;
    VectorCheck check;
    check.rejectZeroRows = cosine;
    check.minRows = self ? k + 1 : 1;
    check.what = self ? "vectors" : "new vectors";
    if (k < 1)
        return Error{"k must be at least 1"};
    if (self && k > nb - 1)
        return Error{"k = " + std::to_string(k) + " needs at least " + std::to_string(k + 1)
                     + " rows; the input has " + std::to_string(nb)};
    if (!self && k > nb)
        return Error{"k = " + std::to_string(k) + " neighbours requested among "
                     + std::to_string(nb) + " rows"};
    if (auto s = checkVectors(queries, check); !s)
        return s.error();
    if (!self) {
        if (queries.cols() != base.cols())
            return Error{"new vectors have " + std::to_string(queries.cols())
                         + " dimensions, the existing ones " + std::to_string(base.cols())};
        check.what = "vectors";
        check.minRows = 1;
        if (auto s = checkVectors(base, check); !s)
            return s.error();
    }

    // Scores to maximise: cos for cosine, q.x - |x|^2/2 for Euclidean (|q|^2 is constant
    // within a row, so it does not change the order).
    Matrix q = cosine ? normalizedRows(queries) : queries;
    Matrix b;
    if (self)
        b = q;
    else
        b = cosine ? normalizedRows(base) : base;
    Eigen::VectorXf halfNorm;
    if (!cosine)
        halfNorm = 0.5f * b.rowwise().squaredNorm();

    ThreadPool pool(config.threads);
    std::vector<Cand> heap(std::size_t(nq) * k);
    std::vector<int> filled(nq, 0);

    const Eigen::Index rowBlock = 512, colBlock = 4096;
    Matrix s;
    Eigen::Index doneRows = 0;
    for (Eigen::Index r0 = 0; r0 < nq; r0 += rowBlock) {
        const Eigen::Index rows = std::min(rowBlock, nq - r0);
        for (Eigen::Index c0 = 0; c0 < nb; c0 += colBlock) {
            if (stop.stop_requested())
                return Error::cancel();
            const Eigen::Index cols = std::min(colBlock, nb - c0);
            s.resize(rows, cols);
            s.noalias() = q.middleRows(r0, rows) * b.middleRows(c0, cols).transpose();
            pool.forRange(std::size_t(rows), 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
                for (std::size_t r = lo; r < hi; ++r) {
                    const Eigen::Index i = r0 + Eigen::Index(r);
                    Cand *h = heap.data() + std::size_t(i) * k;
                    int &n = filled[i];
                    const float *row = s.data() + r * std::size_t(cols);
                    auto worse = [](const Cand &a, const Cand &b) { return better(a, b); };
                    for (Eigen::Index c = 0; c < cols; ++c) {
                        const int j = int(c0 + c);
                        if (self && j == i)
                            continue;
                        const float sc = cosine ? row[c] : row[c] - halfNorm[j];
                        if (n < k) {
                            h[n++] = {sc, j};
                            std::push_heap(h, h + n, worse);
                        } else if (sc > h[0].score) { // later index never wins a tie
                            std::pop_heap(h, h + k, worse);
                            h[k - 1] = {sc, j};
                            std::push_heap(h, h + k, worse);
                        }
                    }
                }
            });
        }
        doneRows += rows;
        report(progress, double(doneRows) / double(nq), "nearest neighbours");
    }

    Neighbors out;
    out.k = k;
    out.index.resize(std::size_t(nq) * k);
    out.distance.resize(std::size_t(nq) * k);
    if (cosine)
        out.similarity.resize(std::size_t(nq) * k);
    Eigen::VectorXd qn, bn;
    if (cosine) {
        qn = queries.cast<double>().rowwise().norm();
        bn = self ? qn : Eigen::VectorXd(base.cast<double>().rowwise().norm());
    }
    const Matrix &braw = self ? queries : base;
    pool.forRange(std::size_t(nq), 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            Cand *h = heap.data() + i * k;
            std::sort(h, h + k, better);
            for (int r = 0; r < k; ++r) {
                const int j = h[r].index;
                double d;
                if (cosine) {
                    double dot = 0;
                    for (Eigen::Index c = 0; c < queries.cols(); ++c)
                        dot += double(queries(i, c)) * double(braw(j, c));
                    const double cs = dot / (qn[i] * bn[j]);
                    d = 1.0 - cs;
                    out.similarity[i * k + r] = float(cs);
                } else {
                    d = 0;
                    for (Eigen::Index c = 0; c < queries.cols(); ++c) {
                        const double t = double(queries(i, c)) - double(braw(j, c));
                        d += t * t;
                    }
                }
                out.index[i * k + r] = j;
                out.distance[i * k + r] = d;
            }
        }
    });
    return out;
}

} // namespace

Result<Neighbors> knnCosine(const Matrix &vectors, int k, const Progress &progress, std::stop_token stop)
{
    KnnConfig c;
    c.k = k;
    return search(vectors, vectors, c, true, progress, stop);
}

Result<Neighbors> knn(const Matrix &vectors, const KnnConfig &config, const Progress &progress,
                      std::stop_token stop)
{
    return search(vectors, vectors, config, true, progress, stop);
}

Result<Neighbors> knnQuery(const Matrix &queries, const Matrix &base, const KnnConfig &config,
                           const Progress &progress, std::stop_token stop)
{
    return search(queries, base, config, false, progress, stop);
}

} // namespace es::analysis
