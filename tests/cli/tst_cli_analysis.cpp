// `embedscope project | similarity | neighbors` end to end: the built binary run with
// QProcess on vectors written by the test; outputs compared with the core functions;
// --stats keys, exit statuses (1 bad input naming the row, 2 bad usage, 130 cancelled),
// and a text input embedded with the local model first.
#include "cli_run.h"

#include "analysis/neighbors.h"
#include "analysis/pca.h"
#include "analysis/umap.h"
#include "analysis/similarity.h"
#include "formats/vectors.h"

#include <QtTest>
#include "tools/testmain.h"
#include <QProcess>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>

#include <sys/stat.h>
#include <unistd.h>

using namespace es;

using clitest::binary;
using clitest::Run;
using clitest::run;

namespace {

nlohmann::json lastJson(const QString &out)
{
    const QStringList lines = out.trimmed().split('\n');
    return nlohmann::json::parse(lines.last().toStdString());
}

Matrix blobs(int n, int d, std::uint64_t seed)
{
    std::mt19937_64 eng(seed);
    std::normal_distribution<float> g;
    Matrix c(4, d), x(n, d);
    for (Eigen::Index i = 0; i < c.size(); ++i)
        c.data()[i] = g(eng);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            x(i, j) = c(i % 4, j) + 0.4f * g(eng);
    return x;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList readLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).trimmed().split('\n');
}

} // namespace

class TestCliAnalysis : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString vectors;
    Matrix x;

    QString path(const QString &name) const { return dir.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        QVERIFY2(QFileInfo::exists(binary()), qPrintable(binary()));
        x = blobs(120, 12, 1);
        vectors = path("vectors.npy");
        QVERIFY(formats::writeNpy(vectors.toStdString(), x));
    }

    void projectPcaCsv()
    {
        const Run r = run({"project", vectors, "-o", path("pca.csv"), "--method", "pca", "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto stats = lastJson(r.out);
        for (const char *key : {"seconds", "n", "dimensions", "dims", "explained_variance_ratio"})
            QVERIFY2(stats.contains(key), key);
        QCOMPARE(stats["n"].get<int>(), 120);
        QCOMPARE(stats["dimensions"].get<int>(), 12);
        QCOMPARE(stats["dims"].get<int>(), 2);
        auto ref = analysis::pca(x, analysis::PcaConfig{2});
        QVERIFY(ref);
        QCOMPARE(stats["explained_variance_ratio"].size(), std::size_t(2));
        QVERIFY(std::abs(stats["explained_variance_ratio"][0].get<double>() - ref->explainedVarianceRatio[0]) < 1e-9);
        const QStringList lines = readLines(path("pca.csv"));
        QCOMPARE(lines.size(), 121);
        QCOMPARE(lines[0], QString("row,x,y"));
        for (int i : {0, 57, 119}) {
            const QStringList cells = lines[i + 1].split(',');
            QCOMPARE(cells.size(), 3);
            QCOMPARE(cells[0].toInt(), i);
            QVERIFY(std::abs(cells[1].toDouble() - ref->coords(i, 0)) < 1e-5);
            QVERIFY(std::abs(cells[2].toDouble() - ref->coords(i, 1)) < 1e-5);
        }
    }

    void projectTsne3dNpy()
    {
        const Run r = run({"project", vectors, "-o", path("tsne.npy"), "--method", "tsne", "--dims", "3",
                           "--perplexity", "10", "--iterations", "300", "--seed", "3", "--threads", "2", "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto stats = lastJson(r.out);
        for (const char *key : {"seconds", "n", "dimensions", "dims", "iterations", "kl_divergence"})
            QVERIFY2(stats.contains(key), key);
        QCOMPARE(stats["iterations"].get<int>(), 300);
        QCOMPARE(stats["dims"].get<int>(), 3);
        QVERIFY(stats["kl_divergence"].get<double>() > 0);
        auto loaded = formats::loadVectors(path("tsne.npy").toStdString());
        QVERIFY(loaded);
        QCOMPARE(loaded->vectors.rows(), Eigen::Index(120));
        QCOMPARE(loaded->vectors.cols(), Eigen::Index(3));
        // Same seed, one thread: the same coordinates.
        const Run again = run({"project", vectors, "-o", path("tsne1.npy"), "--method", "tsne", "--dims", "3",
                               "--perplexity", "10", "--iterations", "300", "--seed", "3", "--threads", "1"});
        QCOMPARE(again.exitCode, 0);
        auto one = formats::loadVectors(path("tsne1.npy").toStdString());
        QVERIFY(one && one->vectors == loaded->vectors);
        // CSV with z; 20 rows allow perplexity (20 - 1) / 3 at most: a warning.
        const QString small = path("small.npy");
        QVERIFY(formats::writeNpy(small.toStdString(), x.topRows(20)));
        const Run csv = run({"project", small, "-o", path("tsne.csv"), "--method", "tsne", "--dims", "3",
                             "--iterations", "50"});
        QCOMPARE(csv.exitCode, 0);
        QVERIFY2(csv.err.contains("warning: t-SNE: perplexity 30 is too large for 20 points"), qPrintable(csv.err));
        const QStringList lines = readLines(path("tsne.csv"));
        QCOMPARE(lines.size(), 21);
        QCOMPARE(lines[0], QString("row,x,y,z"));
    }

    void similarityNpy()
    {
        const Run r = run({"similarity", vectors, "-o", path("sim.npy"), "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto stats = lastJson(r.out);
        for (const char *key : {"seconds", "n", "dimensions"})
            QVERIFY2(stats.contains(key), key);
        auto loaded = formats::loadVectors(path("sim.npy").toStdString());
        QVERIFY(loaded);
        auto ref = analysis::cosineSimilarity(x);
        QVERIFY(ref);
        QVERIFY((loaded->vectors - *ref).cwiseAbs().maxCoeff() == 0.0f);
        const Run big = run({"similarity", vectors, "-o", path("sim2.npy"), "--max-n", "100"});
        QCOMPARE(big.exitCode, 1);
        QVERIFY2(big.err.contains("120 rows, more than --max-n 100") && big.err.contains("embedscope neighbors"),
                 qPrintable(big.err));
        QVERIFY(!QFileInfo::exists(path("sim2.npy")));
        QCOMPARE(run({"similarity", vectors, "-o", path("sim.csv")}).exitCode, 2);
    }

    void neighborsCsv()
    {
        const Run r = run({"neighbors", vectors, "-k", "5", "-o", path("nn.csv"), "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(lastJson(r.out).contains("seconds"));
        QCOMPARE(lastJson(r.out)["approximate_neighbors"], false); // 120 rows: exact
        const QStringList lines = readLines(path("nn.csv"));
        QCOMPARE(lines.size(), 1 + 120 * 5);
        QCOMPARE(lines[0], QString("row,rank,neighbor,similarity"));
        auto ref = analysis::knnCosine(x, 5);
        QVERIFY(ref);
        for (int line = 1; line < lines.size(); ++line) {
            const QStringList c = lines[line].split(',');
            const int row = c[0].toInt(), rank = c[1].toInt();
            QCOMPARE(row, (line - 1) / 5);
            QCOMPARE(rank, (line - 1) % 5 + 1);
            QCOMPARE(c[2].toInt(), ref->at(row, rank - 1));
            QVERIFY(std::abs(c[3].toDouble() - ref->sim(row, rank - 1)) < 1e-6);
        }
    }

    void projectUmap()
    {
        const Run r = run({"project", vectors, "-o", path("umap.npy"), "--method", "umap", "--dims", "3",
                           "--neighbors", "10", "--min-dist", "0.2", "--epochs", "100", "--seed", "5", "--threads",
                           "2", "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto stats = lastJson(r.out);
        for (const char *key : {"seconds", "n", "dimensions", "dims", "epochs", "neighbors", "init"})
            QVERIFY2(stats.contains(key), key);
        QCOMPARE(stats["epochs"].get<int>(), 100);
        QCOMPARE(stats["neighbors"].get<int>(), 10);
        QCOMPARE(stats["dims"].get<int>(), 3);
        auto loaded = formats::loadVectors(path("umap.npy").toStdString());
        QVERIFY(loaded);
        QCOMPARE(loaded->vectors.rows(), Eigen::Index(120));
        QCOMPARE(loaded->vectors.cols(), Eigen::Index(3));
        // The library gives the same numbers.
        analysis::UmapConfig c;
        c.dims = 3;
        c.neighbors = 10;
        c.minDist = 0.2;
        c.epochs = 100;
        c.seed = 5;
        auto ref = analysis::umap(x, c);
        QVERIFY(ref);
        QVERIFY(ref->coords == loaded->vectors);
        // Same seed, one thread: the same coordinates.
        const Run again = run({"project", vectors, "-o", path("umap1.npy"), "--method", "umap", "--dims", "3",
                               "--neighbors", "10", "--min-dist", "0.2", "--epochs", "100", "--seed", "5",
                               "--threads", "1"});
        QCOMPARE(again.exitCode, 0);
        auto one = formats::loadVectors(path("umap1.npy").toStdString());
        QVERIFY(one && one->vectors == loaded->vectors);
        // CSV, Euclidean; too many neighbours for 20 rows: a warning; t-SNE options: a warning.
        const QString small = path("small_umap.npy");
        QVERIFY(formats::writeNpy(small.toStdString(), x.topRows(20)));
        const Run csv = run({"project", small, "-o", path("umap.csv"), "--method", "umap", "--metric", "euclidean",
                             "--neighbors", "30", "--perplexity", "5"});
        QVERIFY2(csv.exitCode == 0, qPrintable(csv.err));
        QVERIFY2(csv.err.contains("warning: UMAP: 30 neighbours is too many for 20 points"), qPrintable(csv.err));
        QVERIFY2(csv.err.contains("warning: --perplexity applies to --method tsne only"), qPrintable(csv.err));
        const QStringList lines = readLines(path("umap.csv"));
        QCOMPARE(lines.size(), 21);
        QCOMPARE(lines[0], QString("row,x,y"));
        // UMAP options with another method: a warning.
        const Run pcaRun = run({"project", vectors, "-o", path("p.csv"), "--method", "pca", "--neighbors", "5"});
        QCOMPARE(pcaRun.exitCode, 0);
        QVERIFY(pcaRun.err.contains("warning: --neighbors applies to --method umap only; ignored"));
    }

    void neighborsApproximateOnRequest()
    {
        // --neighbors-approx: the HNSW search, said so in --stats; the same lists as the
        // library's approximate search, and on this small set the exact ones.
        const Run r = run({"neighbors", vectors, "-k", "5", "-o", path("nna.csv"), "--stats", "--neighbors-approx"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(lastJson(r.out)["approximate_neighbors"], true);
        analysis::KnnConfig kc;
        kc.k = 5;
        kc.method = analysis::NeighborMethod::Approximate;
        auto ref = analysis::knn(x, kc);
        QVERIFY(ref && ref->approximate);
        const QStringList lines = readLines(path("nna.csv"));
        QCOMPARE(lines.size(), 1 + 120 * 5);
        for (int line = 1; line < lines.size(); ++line) {
            const QStringList c = lines[line].split(',');
            QCOMPARE(c[2].toInt(), ref->at(c[0].toInt(), c[1].toInt() - 1));
        }
        const Run e = run({"neighbors", vectors, "-k", "5", "-o", path("nne.csv"), "--stats", "--neighbors-exact"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(lastJson(e.out)["approximate_neighbors"], false);
        const Run both = run({"neighbors", vectors, "-k", "5", "-o", path("nnb.csv"), "--neighbors-exact",
                              "--neighbors-approx"});
        QCOMPARE(both.exitCode, 2);
        QVERIFY2(both.err.contains("exclude each other"), qPrintable(both.err));
        const Run t = run({"project", vectors, "-o", path("ta.csv"), "--method", "tsne", "--iterations", "50",
                           "--perplexity", "5", "--stats", "--neighbors-approx"});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        QCOMPARE(lastJson(t.out)["approximate_neighbors"], true);
    }

    void badUsageExits2()
    {
        QCOMPARE(run({"project", vectors, "-o", path("a.csv")}).exitCode, 2);                    // no --method
        QCOMPARE(run({"project", vectors, "-o", path("a.csv"), "--method", "isomap"}).exitCode, 2);
        for (const QStringList &umapArgs : {QStringList{"--neighbors", "1"}, QStringList{"--neighbors", "x"},
                                            QStringList{"--min-dist", "-0.1"}, QStringList{"--min-dist", "1.5"},
                                            QStringList{"--spread", "0"}, QStringList{"--epochs", "-3"},
                                            QStringList{"--dims", "4"}, QStringList{"--metric", "manhattan"}}) {
            const Run r = run(QStringList{"project", vectors, "-o", path("a.csv"), "--method", "umap"} + umapArgs);
            QVERIFY2(r.exitCode == 2, qPrintable(umapArgs.join(' ') + ": " + r.err));
        }
        QVERIFY(run({"project", vectors, "-o", path("a.csv"), "--method", "umap", "--min-dist", "1.5"})
                    .err.contains("--min-dist (1.5) must not exceed --spread (1)"));
        QCOMPARE(run({"project", vectors, "-o", path("a.csv"), "--method", "pca", "--dims", "4"}).exitCode, 2);
        QCOMPARE(run({"project", vectors, "-o", path("a.txt"), "--method", "pca"}).exitCode, 2);
        QCOMPARE(run({"project", vectors, "-o", path("a.csv"), "--method", "tsne", "--perplexity", "x"}).exitCode, 2);
        QCOMPARE(run({"neighbors", vectors, "-o", path("n.csv")}).exitCode, 2);                   // no -k
        QCOMPARE(run({"neighbors", vectors, "-k", "0", "-o", path("n.csv")}).exitCode, 2);
        QCOMPARE(run({"similarity", vectors}).exitCode, 2);                                       // no -o
    }

    void badInputExits1NamingTheRow()
    {
        Matrix bad = x;
        bad(41, 3) = std::numeric_limits<float>::quiet_NaN();
        const QString nan = path("nan.npy");
        QVERIFY(formats::writeNpy(nan.toStdString(), bad));
        for (const QStringList &args : {QStringList{"project", nan, "-o", path("o.csv"), "--method", "tsne"},
                                        QStringList{"project", nan, "-o", path("o.csv"), "--method", "umap"},
                                        QStringList{"project", nan, "-o", path("o.csv"), "--method", "pca"},
                                        QStringList{"similarity", nan, "-o", path("o.npy")},
                                        QStringList{"neighbors", nan, "-k", "3", "-o", path("o.csv")}}) {
            const Run r = run(args);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("row 42"), qPrintable(r.err));
        }
        Matrix zero = x;
        zero.row(9).setZero();
        const QString z = path("zero.npy");
        QVERIFY(formats::writeNpy(z.toStdString(), zero));
        const Run rz = run({"neighbors", z, "-k", "3", "-o", path("o.csv")});
        QCOMPARE(rz.exitCode, 1);
        QVERIFY2(rz.err.contains("row 10 is a zero vector"), qPrintable(rz.err));
        const QString three = path("three.npy");
        QVERIFY(formats::writeNpy(three.toStdString(), x.topRows(3)));
        const Run r3 = run({"project", three, "-o", path("o.csv"), "--method", "tsne"});
        QCOMPARE(r3.exitCode, 1);
        QVERIFY2(r3.err.contains("at least 4 rows"), qPrintable(r3.err));
        // Ragged rows are the loaders' business: a projector TSV with a short line.
        const QString ragged = path("ragged.tsv");
        {
            std::ofstream f(ragged.toStdString());
            f << "1\t2\t3\n4\t5\t6\n7\t8\n1\t1\t1\n2\t2\t2\n";
        }
        const Run rr = run({"neighbors", ragged, "-k", "2", "-o", path("o.csv")});
        QCOMPARE(rr.exitCode, 1);
        QVERIFY2(rr.err.contains("3"), qPrintable(rr.err));
        QCOMPARE(run({"project", path("missing.npy"), "-o", path("o.csv"), "--method", "pca"}).exitCode, 1);
    }

    void interruptExits130()
    {
        const Matrix big = blobs(4000, 32, 5);
        const QString file = path("big.npy");
        QVERIFY(formats::writeNpy(file.toStdString(), big));
        QProcess p;
        p.start(binary(), {"project", file, "-o", path("big.csv"), "--method", "tsne", "--iterations", "100000"});
        QVERIFY(p.waitForStarted());
        QTest::qWait(1500);
        QCOMPARE(p.state(), QProcess::Running);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(!QFileInfo::exists(path("big.csv")));
        // UMAP too.
        QProcess u;
        u.start(binary(), {"project", file, "-o", path("bigu.csv"), "--method", "umap", "--epochs", "1000000"});
        QVERIFY(u.waitForStarted());
        QTest::qWait(1500);
        QCOMPARE(u.state(), QProcess::Running);
        ::kill(pid_t(u.processId()), SIGINT);
        QVERIFY(u.waitForFinished(60000));
        QCOMPARE(u.exitCode(), 130);
        QVERIFY(!QFileInfo::exists(path("bigu.csv")));
    }

    void textInputIsEmbeddedFirst()
    {
        const char *model = std::getenv("EMBEDSCOPE_MODEL");
        if (!model || !QFileInfo::exists(model)) {
            if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL is not a file");
            QSKIP("the real model is not available ($EMBEDSCOPE_MODEL)");
        }
        const QString txt = path("texts.txt");
        {
            std::ofstream f(txt.toStdString());
            f << "the cat sat on the mat\n\na dog barked at the cat\nstocks fell sharply today\n"
                 "the market rallied after the report\nit rained all day in london\n";
        }
        const Run r = run({"project", txt, "-o", path("t.csv"), "--method", "pca", "--model-path", model, "--stats"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(lastJson(r.out)["n"].get<int>(), 5);
        QCOMPARE(lastJson(r.out)["dimensions"].get<int>(), 100);
        QCOMPARE(readLines(path("t.csv")).size(), 6);
        const Run nn = run({"neighbors", txt, "-k", "2", "-o", path("t_nn.csv"), "--model-path", model});
        QVERIFY2(nn.exitCode == 0, qPrintable(nn.err));
        QCOMPARE(readLines(path("t_nn.csv")).size(), 11);
    }

    // -o naming the input (the same path, another spelling of it, a hard link, a symlink)
    // is refused in every command that has -o, and the input stays as it was.
    void outputOverInputIsRefused()
    {
        const QString v = path("same.npy");
        QVERIFY(formats::writeNpy(v.toStdString(), x));
        const QString csv = path("same.csv");
        {
            std::ofstream f(csv.toStdString());
            f << "text,label\n";
            for (int i = 0; i < 12; ++i)
                f << "sentence number " << i << " about topic " << i % 3 << ",t" << i % 3 << "\n";
        }
        QVERIFY(QDir().mkpath(path("sub")));
        QCOMPARE(::link(QFile::encodeName(v).constData(), QFile::encodeName(path("hard.npy")).constData()), 0);
        QVERIFY(QFile::link(v, path("sym.npy")));
        QVERIFY(QFile::link(v, path("sym.png")));
        QVERIFY(QFile::link(csv, path("sym.csv")));
        const QByteArray npyBefore = readAll(v), csvBefore = readAll(csv);
        const QList<QStringList> cases = {
            {"similarity", v, "-o", v},
            {"similarity", v, "-o", path("sub/../same.npy")},
            {"similarity", v, "-o", path("hard.npy")},
            {"similarity", v, "-o", path("sym.npy")},
            {"project", v, "-o", v, "--method", "pca"},
            {"render", v, "-o", path("sym.png"), "--view", "pca2d"},
            {"neighbors", csv, "-k", "2", "-o", path("sym.csv")},
            {"doctor", csv, "-o", csv, "--embedder", "lexical"},
            {"compare", csv, "-o", path("sym.csv"), "--a", "lexical", "--b", "lexical"},
            {"embed", csv, "-o", csv, "--provider", "lexical"},
        };
        for (const QStringList &args : cases) {
            const Run r = run(args);
            QVERIFY2(r.exitCode == 2, qPrintable(args.join(' ') + ": " + QString::number(r.exitCode) + " " + r.err));
            QVERIFY2(r.err.contains("is the input file"), qPrintable(args.join(' ') + ": " + r.err));
        }
        QCOMPARE(readAll(v), npyBefore);
        QCOMPARE(readAll(csv), csvBefore);
        QVERIFY(QFileInfo(path("sym.npy")).isSymLink());
    }

    // Writing over a symlink replaces the link with a new file made with the user's umask,
    // not with the mode of whatever the link pointed at (/dev/full is 0666); a pipe or a
    // device at -o is refused rather than replaced.
    void outputOverSymlinkUsesUmask()
    {
        const QString link = path("full.npy");
        QVERIFY(QFile::link("/dev/full", link));
        const mode_t old = ::umask(022);
        const Run r = run({"similarity", vectors, "-o", link});
        ::umask(old);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        struct stat st {};
        QCOMPARE(::lstat(QFile::encodeName(link).constData(), &st), 0);
        QVERIFY(S_ISREG(st.st_mode));
        QCOMPARE(int(st.st_mode & 07777), 0644);
        QVERIFY(::stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode));
        // A pipe (like a device) at -o is not replaced by a file.
        const QString fifo = path("pipe.npy");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const Run rp = run({"similarity", vectors, "-o", fifo});
        QCOMPARE(rp.exitCode, 1);
        QVERIFY2(rp.err.contains("not a regular file"), qPrintable(rp.err));
        QVERIFY(::lstat(QFile::encodeName(fifo).constData(), &st) == 0 && S_ISFIFO(st.st_mode));
    }
};

ES_TEST_GUILESS_MAIN(TestCliAnalysis)
#include "tst_cli_analysis.moc"
