// UMAP: a and b against umap-learn's find_ab_params, the fuzzy simplicial set against an
// independent NumPy reference (tests/data/analysis/make_umap_fixtures.py), the spectral
// start against a dense eigen-decomposition, quality on planted clusters, determinism on
// any thread count, cancellation, snapshots, bad input, the part-by-part start of a
// disconnected graph, and placing new rows into an existing map.
#include "analysis/neighbors.h"
#include "analysis/pca.h"
#include "analysis/quality.h"
#include "analysis/umap.h"
#include "data/analysis/fixture_io.h"

#include <QtTest>
#include "tools/testmain.h"

#include <Eigen/Eigenvalues>

#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

using namespace es;
using namespace es::analysis;
using es::testdata::readCsv;

namespace {

Matrix clusters(int n, int d, int centres, std::uint64_t seed, float noise = 0.5f)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(centres, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = g(eng);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            x(i, j) = c(i % centres, j) + noise * g(eng);
    return x;
}

MatrixD denseOf(const umap_detail::Graph &g)
{
    MatrixD d = MatrixD::Zero(g.n, g.n);
    for (int i = 0; i < g.n; ++i)
        for (auto e = g.rowStart[i]; e < g.rowStart[i + 1]; ++e)
            d(i, g.col[e]) = g.val[e];
    return d;
}

bool sameBits(const Matrix &a, const Matrix &b)
{
    return a.rows() == b.rows() && a.cols() == b.cols()
           && std::memcmp(a.data(), b.data(), sizeof(float) * std::size_t(a.size())) == 0;
}

} // namespace

class TestUmap : public QObject {
    Q_OBJECT

private slots:
    void abParamsMatchUmapLearn()
    {
        // /usr/bin/python3 tests/data/analysis/umap_ab_reference.py (umap-learn 0.5.3).
        struct Ref {
            double minDist, spread, a, b;
        };
        const Ref refs[] = {
            {0.0, 1.0, 1.93280839755, 0.790494973401},
            {0.001, 1.0, 1.9290733952, 0.791504532956},
            {0.1, 1.0, 1.5769434602, 0.895060877991},
            {0.25, 1.0, 1.12143634269, 1.05749987666},
            {0.5, 1.0, 0.583030020479, 1.33416699293},
            {0.8, 1.0, 0.232062726775, 1.6812316038},
            {0.99, 1.0, 0.119305300064, 1.91639041592},
            {0.1, 0.5, 5.0693093269, 1.00300542258},
            {0.5, 2.0, 0.25887874119, 1.05749969958},
            {1.0, 3.0, 0.0730786239935, 1.14888943767},
        };
        for (const Ref &r : refs) {
            const AbParams p = findAbParams(r.minDist, r.spread);
            // scipy's curve_fit stops at a relative tolerance of 1.5e-8 on the parameters.
            QVERIFY2(std::fabs(p.a - r.a) <= 1e-5 * r.a && std::fabs(p.b - r.b) <= 1e-5 * r.b,
                     qPrintable(QString("min_dist %1 spread %2: a %3 b %4, umap-learn %5 %6")
                                    .arg(r.minDist).arg(r.spread).arg(p.a, 0, 'g', 12).arg(p.b, 0, 'g', 12)
                                    .arg(r.a, 0, 'g', 12).arg(r.b, 0, 'g', 12)));
        }
    }

    void fuzzyGraphMatchesNumpyReference_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::newRow("cosine") << "cosine";
        QTest::newRow("euclidean") << "euclidean";
    }

    void fuzzyGraphMatchesNumpyReference()
    {
        QFETCH(QString, metric);
        const Matrix x = es::testdata::readCsvF("umap_input.csv");
        QCOMPARE(x.rows(), Eigen::Index(60));
        const Metric m = metric == "cosine" ? Metric::Cosine : Metric::Euclidean;
        const MatrixD wRef = readCsv(("umap_fuzzy_" + metric + ".csv").toStdString());
        const MatrixD rsRef = readCsv(("umap_rho_sigma_" + metric + ".csv").toStdString());
        for (int threads : {1, 3}) {
            auto nn = umapNeighbors(x, 8, m, threads);
            QVERIFY(nn);
            QCOMPARE(nn->k, 7);
            umap_detail::umapDistances(*nn, m);
            std::vector<double> rho, sigma;
            const auto g = umap_detail::fuzzyGraph(*nn, 8, &rho, &sigma, threads);
            // Distances are O(1): float inputs, double arithmetic on both sides.
            for (int i = 0; i < 60; ++i) {
                QVERIFY2(std::fabs(rho[i] - rsRef(i, 0)) < 1e-6, qPrintable(QString("rho row %1").arg(i)));
                QVERIFY2(std::fabs(sigma[i] - rsRef(i, 1)) < 1e-6 * std::max(1.0, rsRef(i, 1)),
                         qPrintable(QString("sigma row %1: %2 vs %3").arg(i).arg(sigma[i]).arg(rsRef(i, 1))));
            }
            const MatrixD w = denseOf(g);
            QVERIFY2((w - wRef).cwiseAbs().maxCoeff() < 1e-5,
                     qPrintable(QString("max |diff| %1").arg((w - wRef).cwiseAbs().maxCoeff())));
            QVERIFY((w - w.transpose()).cwiseAbs().maxCoeff() == 0.0);
            // The same non-zero pattern (no explicit zeros kept).
            for (int i = 0; i < 60; ++i)
                for (int j = 0; j < 60; ++j)
                    QCOMPARE(w(i, j) != 0.0, wRef(i, j) != 0.0);
        }
    }

    void spectralLayoutMatchesDenseEigenvectors()
    {
        // One elongated cloud: a connected graph with distinct small eigenvalues.
        const int n = 300;
        Matrix x = clusters(n, 6, 1, 17, 1.0f);
        for (int i = 0; i < n; ++i) {
            x(i, 0) *= 4.0f;
            x(i, 1) *= 2.0f;
        }
        auto nn = umapNeighbors(x, 10, Metric::Euclidean, 2);
        QVERIFY(nn);
        umap_detail::umapDistances(*nn, Metric::Euclidean);
        const auto g = umap_detail::fuzzyGraph(*nn, 10);
        QCOMPARE(umap_detail::components(g), 1);
        const MatrixD w = denseOf(g);
        const Eigen::VectorXd dinv = w.rowwise().sum().cwiseSqrt().cwiseInverse();
        const Eigen::MatrixXd lap = Eigen::MatrixXd::Identity(n, n) - dinv.asDiagonal() * w * dinv.asDiagonal();
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(lap);
        for (int dims : {2, 3}) {
            std::vector<double> y;
            int rounds = 0;
            QVERIFY(umap_detail::spectralLayout(g, dims, 7, y, 2, {}, &rounds));
            for (int a = 0; a < dims; ++a) {
                Eigen::VectorXd v(n);
                for (int i = 0; i < n; ++i)
                    v(i) = y[std::size_t(i) * dims + a];
                const double dot = std::fabs(v.normalized().dot(es.eigenvectors().col(a + 1)));
                QVERIFY2(dot > 1 - 1e-6, qPrintable(QString("dims %1 vector %2: |cos| %3 (eigenvalues %4 %5 %6)")
                                                         .arg(dims).arg(a).arg(dot, 0, 'g', 10)
                                                         .arg(es.eigenvalues()(1)).arg(es.eigenvalues()(2))
                                                         .arg(es.eigenvalues()(3))));
            }
        }
    }

    void clustersAreSeparatedAndTrustworthy()
    {
        const Matrix x = clusters(2000, 20, 8, 11);
        for (int dims : {2, 3}) {
            UmapConfig c;
            c.dims = dims;
            auto r = umap(x, c);
            QVERIFY(r);
            QCOMPARE(r->coords.rows(), Eigen::Index(2000));
            QCOMPARE(r->coords.cols(), Eigen::Index(dims));
            QCOMPARE(r->epochs, 500);
            // Eight well-separated clusters: the neighbour graph falls apart (into 7 parts
            // today: two clusters touch), each part is laid out on its own (a note says so).
            QVERIFY(r->init == UmapInit::Spectral);
            QCOMPARE(r->warnings.size(), std::size_t(1));
            QVERIFY2(r->warnings[0].find(" disconnected parts; each was laid out on its own") != std::string::npos,
                     r->warnings[0].c_str());
            QVERIFY(r->coords.allFinite());
            auto tw = trustworthiness(x, r->coords, {10, Metric::Cosine, 0});
            QVERIFY(tw);
            qInfo("dims %d: trustworthiness(10) %.4f", dims, *tw);
            QVERIFY2(*tw > 0.93, qPrintable(QString::number(*tw)));
            // Planted clusters: every point's nearest map neighbour is in its own cluster
            // for nearly all points.
            int same = 0;
            for (int i = 0; i < 2000; ++i) {
                int best = -1;
                float bd = INFINITY;
                for (int j = 0; j < 2000; ++j)
                    if (j != i) {
                        const float d = (r->coords.row(i) - r->coords.row(j)).squaredNorm();
                        if (d < bd) {
                            bd = d;
                            best = j;
                        }
                    }
                same += (best % 8) == (i % 8);
            }
            QVERIFY2(same >= 1980, qPrintable(QString::number(same)));
        }
        // Overlapping clusters: one connected graph, spectral start.
        const Matrix y = clusters(2000, 20, 8, 12, 1.5f);
        auto r = umap(y);
        QVERIFY(r);
        QVERIFY(r->init == UmapInit::Spectral);
        QVERIFY(r->warnings.empty());
        auto tw = trustworthiness(y, r->coords, {10, Metric::Cosine, 0});
        QVERIFY(tw);
        qInfo("overlapping clusters: trustworthiness(10) %.4f", *tw);
        QVERIFY2(*tw > 0.85, qPrintable(QString::number(*tw)));
    }

    void identicalOnAnyThreadCount()
    {
        const Matrix x = clusters(1500, 12, 5, 3);
        for (int dims : {2, 3}) {
            UmapConfig c;
            c.dims = dims;
            c.epochs = 120;
            c.seed = 99;
            Matrix ref;
            for (int threads : {1, 2, 3}) {
                c.threads = threads;
                auto r = umap(x, c);
                QVERIFY(r);
                if (threads == 1)
                    ref = r->coords;
                else
                    QVERIFY2(sameBits(ref, r->coords), qPrintable(QString("dims %1 threads %2").arg(dims).arg(threads)));
            }
            c.seed = 100;
            c.threads = 2;
            auto other = umap(x, c);
            QVERIFY(other);
            QVERIFY(!sameBits(ref, other->coords));
        }
    }

    void snapshotsAndProgress()
    {
        const Matrix x = clusters(300, 8, 3, 5);
        UmapConfig c;
        c.epochs = 35;
        c.snapshotEvery = 10;
        std::vector<int> epochs;
        Matrix last;
        double lastFraction = -1;
        bool monotone = true;
        UmapCallbacks cb;
        cb.snapshot = [&](int e, const Matrix &m) {
            epochs.push_back(e);
            last = m;
        };
        cb.progress = [&](double f, std::string_view) {
            monotone = monotone && f >= lastFraction;
            lastFraction = f;
        };
        auto r = umap(x, c, cb);
        QVERIFY(r);
        QCOMPARE(epochs, (std::vector<int>{10, 20, 30, 35}));
        QVERIFY(sameBits(last, r->coords));
        QVERIFY(monotone);
        QCOMPARE(lastFraction, 1.0);
    }

    void cancelStopsPromptly()
    {
        const Matrix x = clusters(20000, 16, 8, 4);
        std::atomic<int> epoch{0};
        std::stop_source source;
        UmapCallbacks cb;
        cb.snapshot = [&](int e, const Matrix &) { epoch = e; };
        UmapConfig c;
        c.snapshotEvery = 1;
        Result<UmapResult> result = Error{"not run"};
        std::chrono::steady_clock::time_point requested, returned;
        std::thread worker([&] {
            result = umap(x, c, cb, source.get_token());
            returned = std::chrono::steady_clock::now();
        });
        while (epoch < 3)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        requested = std::chrono::steady_clock::now();
        source.request_stop();
        worker.join();
        QVERIFY(!result);
        QVERIFY(result.error().cancelled);
        const double ms = std::chrono::duration<double, std::milli>(returned - requested).count();
        qInfo("cancelled during the epochs after %.1f ms", ms);
        QVERIFY2(ms < 100, qPrintable(QString::number(ms)));

        // During the neighbour search.
        std::stop_source early;
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            requested = std::chrono::steady_clock::now();
            early.request_stop();
        });
        auto r = umap(x, c, {}, early.get_token());
        returned = std::chrono::steady_clock::now();
        stopper.join();
        QVERIFY(!r);
        QVERIFY(r.error().cancelled);
        const double ms2 = std::chrono::duration<double, std::milli>(returned - requested).count();
        qInfo("cancelled during the set-up after %.1f ms", ms2);
        QVERIFY2(ms2 < 100, qPrintable(QString::number(ms2)));
    }

    void badInputIsRejected()
    {
        const Matrix x = clusters(50, 5, 2, 1);
        auto msg = [](const Result<UmapResult> &r) { return r ? std::string("ok") : r.error().message; };
        QVERIFY(msg(umap(clusters(3, 5, 1, 1))).find("at least 4 rows; the input has 3") != std::string::npos);
        Matrix bad = x;
        bad(7, 2) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(!umap(bad));
        QVERIFY2(msg(umap(bad)).find("8") != std::string::npos, msg(umap(bad)).c_str());
        bad = x;
        bad(3, 0) = std::numeric_limits<float>::infinity();
        QVERIFY(!umap(bad));
        bad = x;
        bad.row(4).setZero();
        QVERIFY(!umap(bad)); // cosine undefined
        UmapConfig e;
        e.metric = Metric::Euclidean;
        QVERIFY(umap(bad, e)); // fine for Euclidean
        UmapConfig c;
        c.dims = 4;
        QVERIFY(msg(umap(x, c)).find("dims must be 2 or 3") != std::string::npos);
        c = {};
        c.neighbors = 1;
        QVERIFY(msg(umap(x, c)).find("neighbors must be at least 2") != std::string::npos);
        c = {};
        c.minDist = 1.5;
        QVERIFY(msg(umap(x, c)).find("must not exceed spread") != std::string::npos);
        c = {};
        c.minDist = -0.1;
        QVERIFY(!umap(x, c));
        c = {};
        c.spread = 0;
        QVERIFY(!umap(x, c));
        c = {};
        c.spread = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!umap(x, c));
        c = {};
        c.epochs = -1;
        QVERIFY(!umap(x, c));
        c = {};
        c.initialCoords = Matrix::Zero(3, 2);
        QVERIFY(!umap(x, c));
    }

    void smallInputsWork()
    {
        const Matrix x = clusters(6, 4, 2, 2);
        for (int dims : {2, 3}) {
            UmapConfig c;
            c.dims = dims;
            auto r = umap(x, c);
            QVERIFY2(r, r ? "" : r.error().message.c_str());
            QCOMPARE(r->neighbors, 6);
            QVERIFY(!r->warnings.empty());
            QVERIFY(r->warnings[0].find("15 neighbours is too many for 6 points") != std::string::npos);
            QVERIFY(r->coords.allFinite());
        }
        // Duplicate rows (zero distances) are fine.
        Matrix d = clusters(40, 4, 2, 3);
        d.row(5) = d.row(4);
        d.row(6) = d.row(4);
        auto r = umap(d);
        QVERIFY(r);
        QVERIFY(r->coords.allFinite());
    }

    void disconnectedPartsAreLaidOutOnTheirOwn_data()
    {
        QTest::addColumn<int>("centres");
        QTest::addColumn<int>("dims");
        QTest::newRow("3 parts 2D (axes)") << 3 << 2;
        QTest::newRow("3 parts 3D (axes)") << 3 << 3;
        QTest::newRow("6 parts 2D (centroids)") << 6 << 2;
        QTest::newRow("6 parts 3D (axes)") << 6 << 3;
        QTest::newRow("9 parts 3D (centroids)") << 9 << 3;
    }

    void disconnectedPartsAreLaidOutOnTheirOwn()
    {
        QFETCH(int, centres);
        QFETCH(int, dims);
        // Tight Gaussian clusters far apart: the k = 15 graph has one part per cluster.
        const int n = 150 * centres;
        const Matrix x = clusters(n, 16, centres, 40 + std::uint64_t(centres), 0.1f);
        auto nn = umapNeighbors(x, 15, Metric::Euclidean, 2);
        QVERIFY(nn);
        umap_detail::umapDistances(*nn, Metric::Euclidean);
        const auto g = umap_detail::fuzzyGraph(*nn, 15);
        std::vector<int> labels;
        QCOMPARE(umap_detail::components(g, &labels), centres);
        QCOMPARE(umap_detail::components(g), centres);
        // Parts numbered by their lowest row: row i is in cluster i % centres.
        for (int i = 0; i < n; ++i)
            QCOMPARE(labels[std::size_t(i)], i % centres);

        std::vector<double> y, y1;
        umap_detail::ComponentLayoutInfo info, info1;
        QVERIFY(umap_detail::componentLayout(g, labels, centres, x, Metric::Euclidean, dims, 5, y, 2, {}, &info));
        QCOMPARE(y.size(), std::size_t(n) * dims);
        QCOMPARE(info.spectral, centres);
        QCOMPARE(info.notConverged, 0);
        QCOMPARE(info.meta.size(), std::size_t(centres) * dims);
        QCOMPARE(info.radius.size(), std::size_t(centres));
        auto meta = [&](int c, int d) { return info.meta[std::size_t(c) * dims + d]; };
        auto dist = [&](const double *a, const double *b) {
            double s = 0;
            for (int d = 0; d < dims; ++d)
                s += (a[d] - b[d]) * (a[d] - b[d]);
            return std::sqrt(s);
        };
        if (centres <= 2 * dims) {
            // The unit axes e1, -e1, e2, -e2, ...
            for (int c = 0; c < centres; ++c)
                for (int d = 0; d < dims; ++d)
                    QCOMPARE(meta(c, d), d == c / 2 ? (c % 2 ? -1.0 : 1.0) : 0.0);
        } else {
            // From the centroids: largest |coordinate| 1, places distinct.
            double mx = 0;
            for (double v : info.meta)
                mx = std::max(mx, std::fabs(v));
            QCOMPARE(mx, 1.0);
        }
        // Radii: half the distance to the nearest other place (at least 0.05).
        for (int c = 0; c < centres; ++c) {
            double nearest = INFINITY;
            for (int o = 0; o < centres; ++o)
                if (o != c)
                    nearest = std::min(nearest, dist(&info.meta[std::size_t(c) * dims], &info.meta[std::size_t(o) * dims]));
            QVERIFY2(std::fabs(info.radius[std::size_t(c)] - std::max(0.05, nearest / 2)) < 1e-12,
                     qPrintable(QString("part %1: radius %2, nearest place %3").arg(c).arg(info.radius[std::size_t(c)]).arg(nearest)));
            QVERIFY(nearest > 0.2); // well-separated clusters, well-separated places
        }
        // Every point within its part's radius of its place, and so not nearer another place:
        // the parts do not overlap.
        for (int i = 0; i < n; ++i) {
            const int c = i % centres;
            const double *p = &y[std::size_t(i) * dims];
            const double own = dist(p, &info.meta[std::size_t(c) * dims]);
            QVERIFY2(own <= info.radius[std::size_t(c)] * (1 + 1e-12), qPrintable(QString("row %1").arg(i)));
            for (int o = 0; o < centres; ++o)
                if (o != c)
                    QVERIFY2(dist(p, &info.meta[std::size_t(o) * dims]) >= own, qPrintable(QString("row %1").arg(i)));
        }
        // Each part is spectralLayout() of its own subgraph, up to scale and translation.
        for (int c = 0; c < centres; ++c) {
            std::vector<int> rows, local(std::size_t(n), -1);
            for (int i = c; i < n; i += centres) {
                local[std::size_t(i)] = int(rows.size());
                rows.push_back(i);
            }
            umap_detail::Graph sub;
            sub.n = int(rows.size());
            sub.rowStart.push_back(0);
            for (int i : rows) {
                for (auto e = g.rowStart[std::size_t(i)]; e < g.rowStart[std::size_t(i) + 1]; ++e) {
                    QVERIFY(local[std::size_t(g.col[std::size_t(e)])] >= 0);
                    sub.col.push_back(local[std::size_t(g.col[std::size_t(e)])]);
                    sub.val.push_back(g.val[std::size_t(e)]);
                }
                sub.rowStart.push_back(std::int64_t(sub.col.size()));
            }
            std::vector<double> s;
            QVERIFY(umap_detail::spectralLayout(sub, dims, 5, s, 1));
            double far = 0, farSpectral = 0;
            for (std::size_t r = 0; r < rows.size(); ++r) {
                double a = 0, b = 0;
                for (int d = 0; d < dims; ++d) {
                    const double v = y[std::size_t(rows[r]) * dims + d] - meta(c, d);
                    a += v * v;
                    b += s[r * dims + d] * s[r * dims + d];
                }
                far = std::max(far, std::sqrt(a));
                farSpectral = std::max(farSpectral, std::sqrt(b));
            }
            QVERIFY(std::fabs(far - info.radius[std::size_t(c)]) < 1e-12);
            for (std::size_t r = 0; r < rows.size(); ++r)
                for (int d = 0; d < dims; ++d) {
                    const double got = (y[std::size_t(rows[r]) * dims + d] - meta(c, d)) / far;
                    const double want = s[r * dims + d] / farSpectral;
                    QVERIFY2(std::fabs(got - want) < 1e-9,
                             qPrintable(QString("part %1 row %2 axis %3: %4 vs %5").arg(c).arg(rows[r]).arg(d)
                                            .arg(got).arg(want)));
                }
        }
        // Bit-identical on another thread count.
        QVERIFY(umap_detail::componentLayout(g, labels, centres, x, Metric::Euclidean, dims, 5, y1, 1, {}, &info1));
        QVERIFY(y1 == y);
        QVERIFY(info1.meta == info.meta);
        // Cancelled: comes back false.
        std::stop_source cancel;
        cancel.request_stop();
        QVERIFY(!umap_detail::componentLayout(g, labels, centres, x, Metric::Euclidean, dims, 5, y1, 1,
                                              cancel.get_token()));

        // The whole UMAP: the spectral start, the new note, and a faithful map.
        UmapConfig c;
        c.metric = Metric::Euclidean;
        c.dims = dims;
        c.epochs = 200;
        c.threads = 2;
        auto r = umap(x, c);
        QVERIFY(r);
        QVERIFY(r->init == UmapInit::Spectral);
        QCOMPARE(r->warnings.size(), std::size_t(1));
        const std::string note =
            "UMAP: the neighbour graph has " + std::to_string(centres) + " disconnected parts; each was laid out on its own";
        QCOMPARE(r->warnings[0], note);
        c.threads = 1;
        auto r1 = umap(x, c);
        QVERIFY(r1);
        QVERIFY(sameBits(r->coords, r1->coords));
        auto tw = trustworthiness(x, r->coords, {10, Metric::Euclidean, 0});
        QVERIFY(tw);
        // The old start, PCA scaled to [0, 10] per axis, for comparison.
        PcaConfig pc;
        pc.components = dims;
        auto fit = pca(x, pc);
        QVERIFY(fit);
        Matrix start = fit->coords;
        for (int d = 0; d < dims; ++d) {
            const float lo = start.col(d).minCoeff(), hi = start.col(d).maxCoeff();
            start.col(d) = (start.col(d).array() - lo) * (10.0f / (hi - lo));
        }
        c.initialCoords = start;
        auto rp = umap(x, c);
        QVERIFY(rp);
        auto twPca = trustworthiness(x, rp->coords, {10, Metric::Euclidean, 0});
        QVERIFY(twPca);
        qInfo("%d parts, %dD: trustworthiness(10) %.4f part by part, %.4f from PCA", centres, dims, *tw, *twPca);
        QVERIFY2(*tw >= *twPca - 0.002, qPrintable(QString("%1 vs %2").arg(*tw).arg(*twPca)));
        QVERIFY2(*tw > 0.9, qPrintable(QString::number(*tw)));
    }

    void manySmallPartsStayFast()
    {
        // 200,000 rows in 100,000 pairs (as isolated duplicates in a large set): the places
        // come from the centroids, the radii from the grid search; it must not be quadratic.
        const int pairs = 100000, n = 2 * pairs, d = 8;
        umap_detail::Graph g;
        g.n = n;
        g.rowStart.resize(std::size_t(n) + 1);
        for (int i = 0; i < n; ++i) {
            g.col.push_back(i ^ 1);
            g.val.push_back(1.0);
            g.rowStart[std::size_t(i) + 1] = i + 1;
        }
        std::mt19937_64 eng(3);
        std::normal_distribution<float> gauss;
        Matrix x(n, d);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = gauss(eng);
        // Parts 0 and 1 with the same centroid: the radius floor keeps them apart from a point.
        x.row(2) = x.row(0);
        x.row(3) = x.row(1);
        std::vector<int> labels;
        QCOMPARE(umap_detail::components(g, &labels), pairs);
        for (int i = 0; i < n; ++i)
            QCOMPARE(labels[std::size_t(i)], i / 2);
        for (int dims : {2, 3}) {
            std::vector<double> y, y1;
            umap_detail::ComponentLayoutInfo info, info1;
            const auto t0 = std::chrono::steady_clock::now();
            QVERIFY(umap_detail::componentLayout(g, labels, pairs, x, Metric::Cosine, dims, 9, y, 2, {}, &info));
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            qInfo("%dD: %d parts laid out in %.2f s", dims, pairs, secs);
            QVERIFY2(secs < 20, qPrintable(QString::number(secs)));
            QCOMPARE(info.spectral, 0); // 2 rows: too small for an eigensolve
            QCOMPARE(info.notConverged, 0);
            QCOMPARE(info.radius[0], 0.05);
            QCOMPARE(info.radius[1], 0.05);
            // The radii against a brute-force nearest place, on a sample of parts.
            for (int c = 0; c < pairs; c += 997) {
                double nearest = INFINITY;
                for (int o = 0; o < pairs; ++o) {
                    if (o == c)
                        continue;
                    double s = 0;
                    for (int a = 0; a < dims; ++a) {
                        const double v = info.meta[std::size_t(c) * dims + a] - info.meta[std::size_t(o) * dims + a];
                        s += v * v;
                    }
                    nearest = std::min(nearest, s);
                }
                QCOMPARE(info.radius[std::size_t(c)], std::max(0.05, std::sqrt(nearest) / 2));
            }
            // Both rows of a part within its radius of its place.
            for (int i = 0; i < n; ++i) {
                double s = 0;
                for (int a = 0; a < dims; ++a) {
                    const double v = y[std::size_t(i) * dims + a] - info.meta[std::size_t(i / 2) * dims + a];
                    s += v * v;
                }
                QVERIFY(std::sqrt(s) <= info.radius[std::size_t(i / 2)] * (1 + 1e-12));
            }
            QVERIFY(umap_detail::componentLayout(g, labels, pairs, x, Metric::Cosine, dims, 9, y1, 1, {}, &info1));
            QVERIFY(y1 == y);
        }
    }

    void placedRowsLandInTheirCluster()
    {
        const int centres = 6;
        const Matrix all = clusters(1260, 16, centres, 21);
        const Matrix base = all.topRows(1200), fresh = all.bottomRows(60);
        UmapConfig c;
        auto fit = umap(base, c);
        QVERIFY(fit);
        Eigen::MatrixXf centroid = Eigen::MatrixXf::Zero(centres, 2);
        for (int i = 0; i < 1200; ++i)
            centroid.row(i % centres) += fit->coords.row(i) / float(1200 / centres);
        Matrix ref;
        for (int threads : {1, 2, 3}) {
            c.threads = threads;
            auto placed = umapPlace(fresh, base, fit->coords, c);
            QVERIFY2(placed, placed ? "" : placed.error().message.c_str());
            QCOMPARE(placed->rows(), Eigen::Index(60));
            QCOMPARE(placed->cols(), Eigen::Index(2));
            if (threads == 1)
                ref = *placed;
            else
                QVERIFY(sameBits(ref, *placed));
        }
        int right = 0;
        for (int i = 0; i < 60; ++i) {
            Eigen::Index best;
            (centroid.rowwise() - ref.row(i)).rowwise().squaredNorm().minCoeff(&best);
            right += int(best) == (1200 + i) % centres;
        }
        QVERIFY2(right >= 59, qPrintable(QString::number(right)));

        QVERIFY(!umapPlace(fresh.leftCols(5), base, fit->coords, c)); // dimension mismatch
        QVERIFY(!umapPlace(fresh, base, fit->coords.topRows(10), c));  // coordinates for other rows
        Matrix nan = fresh;
        nan(2, 2) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(!umapPlace(nan, base, fit->coords, c));
        QCOMPARE(umapPlace(Matrix(0, 16), base, fit->coords, c)->rows(), Eigen::Index(0));
    }
};

ES_TEST_GUILESS_MAIN(TestUmap)
#include "tst_umap.moc"
