// Nearest neighbours: exact and approximate (HNSW) k-NN.
//   bench_neighbors [--threads T] [--only NAME] [--1m]
// Figures (TARGET lines, targets.h):
//   recall@10 of the approximate search against the exact one, at the default parameters, on
//     GloVe word vectors ($EMBEDSCOPE_MODEL; the 20,000 most frequent words) and on the
//     Debian descriptions embedded by the local model (target >= 0.98 each);
//   exact 10-NN of 50,000 x 384 clustered synthetic vectors (target <= 5 s);
//   the doctor (all four analyses, labelled) at 100,000 x 64 with approximate neighbours
//     (target <= 2 s);
//   with --1m (or EMBEDSCOPE_BENCH_1M=1; about 3 minutes): the k = 15 approximate graph of
//     1,000,000 x 64 (target <= 120 s) and its recall@10 on 1,000 rows checked exactly
//     (target >= 0.98).
// Every timing is followed by the load average (the machine is shared).
// --only NAME: glove, debian, clustered, exact, doctor, 1m. --m, --efc, --ef: HNSW parameters (tuning);
// --glove-n N: GloVe words used (default 20,000).
#include "analysis/neighbors.h"
#include "analysis/neighbors_ivf.h"
#include "doctor/doctor.h"
#include "embed/factory.h"
#include "embed/local/model_file.h"

#include "debian_descriptions.h"
#include "targets.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace es;
using namespace es::analysis;

namespace {

int threadsArg = 0;
int mArg = 0, efcArg = 0, efArg = 0; // --m, --efc, --ef: override the defaults (tuning)
int cellsArg = 0, probesArg = 0, refineArg = -1;      // --cells, --probes: IVF parameters (tuning)
int gloveRows = 20000;                // --glove-n: GloVe words used (the most frequent)

double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string load()
{
    double l[3] = {0, 0, 0};
    if (getloadavg(l, 3) != 3)
        return "load ?";
    char b[64];
    std::snprintf(b, sizeof b, "load %.2f %.2f %.2f", l[0], l[1], l[2]);
    return b;
}

Matrix clustered(int n, int d, int centres, float spread, std::uint64_t seed)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(centres, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = g(eng);
    for (int i = 0; i < n; ++i) {
        const int k = int(eng() % unsigned(centres));
        for (int j = 0; j < d; ++j)
            x(i, j) = c(k, j) + spread * g(eng);
    }
    return x;
}

// Share of the exact lists' first k entries found among the approximate lists' first k.
double recall(const Neighbors &exact, const Neighbors &approx, int k, const std::vector<int> &rows = {})
{
    long hit = 0, all = 0;
    auto one = [&](int i, int exactRow) {
        for (int a = 0; a < k; ++a) {
            const int want = exact.at(exactRow, a);
            for (int b = 0; b < k; ++b)
                if (approx.at(i, b) == want) {
                    ++hit;
                    break;
                }
            ++all;
        }
    };
    if (rows.empty())
        for (int i = 0; i < exact.rows(); ++i)
            one(i, i);
    else
        for (std::size_t r = 0; r < rows.size(); ++r)
            one(rows[r], int(r));
    return all ? double(hit) / double(all) : 0.0;
}

// ann-benchmarks' definition: a returned neighbour counts when its distance is at most the
// k-th exact distance (plus 1e-9): an equally near row tied with a true neighbour counts.
double recallByDistance(const Neighbors &exact, const Neighbors &approx, int k)
{
    long hit = 0;
    for (int i = 0; i < exact.rows(); ++i)
        for (int b = 0; b < k; ++b)
            hit += approx.dist(i, b) <= exact.dist(i, k - 1) + 1e-9;
    return double(hit) / (double(exact.rows()) * k);
}

KnnConfig config(int k, NeighborMethod m, Metric metric = Metric::Cosine)
{
    KnnConfig c;
    c.k = k;
    c.method = m;
    c.metric = metric;
    c.threads = threadsArg;
    if (mArg)
        c.hnswM = mArg;
    if (efcArg)
        c.hnswEfConstruction = efcArg;
    if (efArg)
        c.hnswEf = efArg;
    if (cellsArg)
        c.ivfCells = cellsArg;
    if (probesArg)
        c.ivfProbes = probesArg;
    if (refineArg >= 0)
        c.ivfRefine = refineArg;
    return c;
}

void recallFigure(bench::Targets &t, const std::string &name, const Matrix &x)
{
    auto t0 = std::chrono::steady_clock::now();
    const double ce0 = cpuSeconds();
    auto exact = knn(x, config(10, NeighborMethod::Exact));
    const double te = seconds(t0), ce = cpuSeconds() - ce0;
    t0 = std::chrono::steady_clock::now();
    const double c0 = cpuSeconds();
    auto approx = knn(x, config(10, NeighborMethod::Approximate));
    const double ta = seconds(t0), ca = cpuSeconds() - c0;
    if (!exact || !approx) {
        std::printf("%s: error %s\n", name.c_str(), (!exact ? exact : approx).error().message.c_str());
        t.check("recall@10 " + name, 0, bench::Direction::AtLeast, 0.98, "");
        return;
    }
    std::printf("%s: %lld x %lld, exact %.2f s (%.2f s CPU), approximate %.2f s (%.2f s CPU, %d cells probed), recall@10 %.4f by row, "
                "%.4f by distance (%s)\n",
                name.c_str(), (long long)x.rows(), (long long)x.cols(), te, ce, ta, ca, detail::lastProbes, recall(*exact, *approx, 10),
                recallByDistance(*exact, *approx, 10), load().c_str());
    t.check("recall@10 " + name, recall(*exact, *approx, 10), bench::Direction::AtLeast, 0.98, "");
}

void glove(bench::Targets &t)
{
    const char *path = std::getenv("EMBEDSCOPE_MODEL");
    auto m = path ? local::ModelFile::open(path) : Error{"EMBEDSCOPE_MODEL is not set"};
    if (!m) {
        std::printf("GloVe: %s\n", m.error().message.c_str());
        t.check("recall@10 GloVe words", 0, bench::Direction::AtLeast, 0.98, "");
        return;
    }
    const int n = std::min(gloveRows, (*m)->vocabSize()), d = (*m)->dims();
    Matrix x(n, d);
    for (int i = 0; i < n; ++i)
        std::memcpy(x.row(i).data(), (*m)->vector(i), sizeof(float) * std::size_t(d));
    recallFigure(t, "GloVe words", x);
}

void debian(bench::Targets &t)
{
    auto set = bench::debianDescriptions();
    EmbedderSpec spec;
    if (const char *p = std::getenv("EMBEDSCOPE_MODEL"))
        spec.modelPath = p;
    spec.useCache = false;
    auto e = makeEmbedder(spec);
    if (set.texts.empty() || !e) {
        std::printf("Debian descriptions: %s\n", set.texts.empty() ? "none (apt-cache missing?)"
                                                                   : e.error().message.c_str());
        t.check("recall@10 Debian descriptions", 0, bench::Direction::AtLeast, 0.98, "");
        return;
    }
    auto r = (*e)->embed(set.texts);
    if (!r) {
        std::printf("Debian descriptions: %s\n", r.error().message.c_str());
        t.check("recall@10 Debian descriptions", 0, bench::Direction::AtLeast, 0.98, "");
        return;
    }
    recallFigure(t, "Debian descriptions", r->vectors);
}

void exact50k(bench::Targets &t)
{
    const Matrix x = clustered(50000, 384, 50, 0.8f, 3);
    double best = 1e9;
    for (int rep = 0; rep < 2; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = knn(x, config(10, NeighborMethod::Exact));
        const double s = seconds(t0);
        std::printf("exact 10-NN 50,000 x 384: %.2f s (%s)\n", s, load().c_str());
        if (r)
            best = std::min(best, s);
    }
    t.check("exact 10-NN 50,000 x 384 (best of 2)", best, bench::Direction::AtMost, 5.0, "s");
}

void doctor100k(bench::Targets &t)
{
    const Matrix x = clustered(100000, 64, 40, 0.8f, 5);
    std::vector<std::string> labels(100000);
    std::mt19937_64 eng(6);
    for (auto &l : labels)
        l = "label" + std::to_string(eng() % 20);
    for (NeighborMethod m : {NeighborMethod::Approximate, NeighborMethod::Exact}) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = cpuSeconds();
        auto r = knn(x, config(30, m));
        std::printf("  its 30-NN alone, %s: %.2f s (%.2f s CPU) (%s)\n",
                    m == NeighborMethod::Exact ? "exact" : "approximate", seconds(t0), cpuSeconds() - c0,
                    load().c_str());
    }
    doctor::DoctorConfig cfg;
    cfg.neighbors = NeighborMethod::Approximate; // the figure (Auto is exact at this size)
    double best = 1e9;
    for (int rep = 0; rep < 2; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = doctor::diagnose(x, {}, labels, cfg);
        const double s = seconds(t0);
        std::printf("doctor 100,000 x 64: %.2f s, neighbours %s (%s)\n", s,
                    r ? (r->approximateNeighbours ? "approximate" : "exact") : r.error().message.c_str(),
                    load().c_str());
        if (r)
            best = std::min(best, s);
    }
    t.check("doctor 100,000 x 64, approximate neighbours (best of 2)", best, bench::Direction::AtMost, 2.0, "s");
}

void graph1m(bench::Targets &t)
{
    const int n = 1000000, d = 64, k = 15;
    const Matrix x = clustered(n, d, 200, 0.8f, 7);
    const auto t0 = std::chrono::steady_clock::now();
    auto a = knn(x, config(k, NeighborMethod::Approximate));
    const double s = seconds(t0);
    if (!a) {
        std::printf("1M graph: %s\n", a.error().message.c_str());
        return;
    }
    std::printf("approximate k = 15 graph of 1,000,000 x 64: %.1f s (%s)\n", s, load().c_str());
    t.check("kNN graph k=15, 1,000,000 x 64 (approximate)", s, bench::Direction::AtMost, 120, "s");
    // Exact lists of 1,000 rows (every 1000th) against the whole set.
    std::vector<int> rows;
    Matrix q(1000, d);
    for (int r = 0; r < 1000; ++r) {
        rows.push_back(r * 1000);
        q.row(r) = x.row(r * 1000);
    }
    auto e = knnQuery(q, x, config(k + 1, NeighborMethod::Exact));
    if (!e)
        return;
    // Drop each row itself from its exact list (it is its own nearest row).
    Neighbors ex;
    ex.k = 10;
    for (int r = 0; r < 1000; ++r) {
        int taken = 0;
        for (int c = 0; c < k + 1 && taken < 10; ++c)
            if (e->at(r, c) != rows[std::size_t(r)]) {
                ex.index.push_back(e->at(r, c));
                ++taken;
            }
    }
    Neighbors ak = *a; // recall@10: the first 10 of the k = 15 lists
    Neighbors a10;
    a10.k = 10;
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < 10; ++c)
            a10.index.push_back(ak.at(i, c));
    t.check("recall@10 of the 1,000,000 x 64 graph (1,000 rows)", recall(ex, a10, 10, rows), bench::Direction::AtLeast,
            0.98, "");
}

} // namespace

int main(int argc, char **argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // line by line, also into a file
    std::string only;
    bool big = std::getenv("EMBEDSCOPE_BENCH_1M") && std::string(std::getenv("EMBEDSCOPE_BENCH_1M")) == "1";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threadsArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!std::strcmp(argv[i], "--m") && i + 1 < argc)
            mArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--efc") && i + 1 < argc)
            efcArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--ef") && i + 1 < argc)
            efArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--cells") && i + 1 < argc)
            cellsArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--refine") && i + 1 < argc)
            refineArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--probes") && i + 1 < argc)
            probesArg = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--glove-n") && i + 1 < argc)
            gloveRows = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--1m"))
            big = true;
    }
    bench::Targets t;
    auto want = [&](const char *name) { return only.empty() || only == name; };
    if (want("glove"))
        glove(t);
    if (want("debian"))
        debian(t);
    if (want("clustered"))
        recallFigure(t, "clustered 50,000 x 64", clustered(50000, 64, 40, 0.8f, 5));
    if (want("exact"))
        exact50k(t);
    if (want("doctor"))
        doctor100k(t);
    if ((big && only.empty()) || only == "1m")
        graph1m(t);
    return t.summary();
}
