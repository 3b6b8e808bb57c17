// `embedscope render` end to end: the built binary, run with QProcess on a display (the
// test run's Xvfb), writes a PNG of every view with the requested size that is not blank
// and shows the groups' colours; usage errors exit 2, bad input exits 1.
#include <QColor>
#include <QDataStream>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <cmath>

namespace {

QString binary()
{
    return QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope");
}

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run run(const QStringList &args)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(binary(), args);
    Run r;
    if (!p.waitForFinished(240000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// A float32 .npy of the given rows x cols values (row-major).
void writeMatrixNpy(const QString &path, int rows, int cols, const QVector<float> &values)
{
    QByteArray header = QStringLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (%1, %2), }")
                            .arg(rows).arg(cols).toLatin1();
    while ((10 + header.size() + 1) % 64 != 0)
        header.append(' ');
    header.append('\n');
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\x93NUMPY\x01\x00", 8);
    const quint16 len = quint16(header.size());
    f.write(reinterpret_cast<const char *>(&len), 2);
    f.write(header);
    f.write(reinterpret_cast<const char *>(values.constData()), qint64(values.size()) * 4);
}

// A float32 .npy of 3 well separated clusters (n rows, 12 dims), seeded.
void writeNpy(const QString &path, int n)
{
    const int d = 12;
    QByteArray header = QStringLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (%1, %2), }")
                            .arg(n).arg(d).toLatin1();
    while ((10 + header.size() + 1) % 64 != 0)
        header.append(' ');
    header.append('\n');
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\x93NUMPY\x01\x00", 8);
    const quint16 len = quint16(header.size());
    f.write(reinterpret_cast<const char *>(&len), 2);
    f.write(header);
    QRandomGenerator rng(3);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < d; ++k) {
            const float v = float((k == (i % 3) * 4 ? 5.0 : 0.0) + rng.generateDouble() * 0.5 + 0.1);
            f.write(reinterpret_cast<const char *>(&v), 4);
        }
}

int distinctColours(const QImage &img)
{
    QSet<QRgb> s;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2)
            s.insert(img.pixel(x, y));
    return int(s.size());
}

int pixelsNear(const QImage &img, const QColor &c, int tol = 24)
{
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = img.pixel(x, y);
            if (std::abs(qRed(p) - c.red()) + std::abs(qGreen(p) - c.green()) + std::abs(qBlue(p) - c.blue()) <= tol)
                ++n;
        }
    return n;
}

} // namespace

class TestCliRender : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyView_data();
    void everyView();
    void demoSetColouredByLabel();
    void numericColumnGetsAColourBar();
    void mapKeepsEqualScale();
    void titleAcrossTheTop();
    void usageErrors();
    void badInput();

private:
    QTemporaryDir dir_;
    QString npy_;
};

void TestCliRender::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        ES_SKIP_WITHOUT_GL(QStringLiteral("render needs a display: run the tests under xvfb-run"));
    QVERIFY(QFile::exists(binary()));
    npy_ = dir_.filePath(QStringLiteral("clusters.npy"));
    writeNpy(npy_, 90);
}

void TestCliRender::everyView_data()
{
    QTest::addColumn<QString>("view");
    QTest::addColumn<QSize>("size");
    QTest::newRow("heatmap") << "heatmap" << QSize(640, 480);
    QTest::newRow("pca2d") << "pca2d" << QSize(800, 500);
    QTest::newRow("pca3d") << "pca3d" << QSize(700, 520);
    QTest::newRow("tsne2d") << "tsne2d" << QSize(600, 600);
    QTest::newRow("tsne3d") << "tsne3d" << QSize(500, 400);
    QTest::newRow("umap2d") << "umap2d" << QSize(600, 500);
    QTest::newRow("umap3d") << "umap3d" << QSize(500, 400);
}

void TestCliRender::everyView()
{
    QFETCH(QString, view);
    QFETCH(QSize, size);
    const QString out = dir_.filePath(view + QStringLiteral(".png"));
    const Run r = run({QStringLiteral("render"), npy_, QStringLiteral("--view"), view, QStringLiteral("-o"), out,
                       QStringLiteral("--size"), QStringLiteral("%1x%2").arg(size.width()).arg(size.height())});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QImage img(out);
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), size);
    QVERIFY2(distinctColours(img) > 20, qPrintable(QString::number(distinctColours(img))));
    // No temporary file left beside it (the write is atomic).
    QCOMPARE(QDir(dir_.path()).entryList({view + QStringLiteral("*")}, QDir::Files).size(), 1);
}

void TestCliRender::demoSetColouredByLabel()
{
    const QString model = qEnvironmentVariable("EMBEDSCOPE_MODEL");
    if (model.isEmpty() || !QFile::exists(model)) {
        if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == QLatin1String("1"))
            QFAIL("EMBEDSCOPE_MODEL is not set or missing");
        QSKIP("needs the local model (EMBEDSCOPE_MODEL)");
    }
    const QString csv = QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv");
    const QString out = dir_.filePath(QStringLiteral("classroom.png"));
    const Run r = run({QStringLiteral("render"), csv, QStringLiteral("--view"), QStringLiteral("pca2d"),
                       QStringLiteral("-o"), out, QStringLiteral("--color-by"), QStringLiteral("label"),
                       QStringLiteral("--model-path"), model});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage img(out);
    QCOMPARE(img.size(), QSize(1200, 800));
    // Five topics: the first five group colours (Okabe-Ito) are all drawn.
    for (const char *c : {"#e69f00", "#56b4e9", "#009e73", "#0072b2", "#d55e00"})
        QVERIFY2(pixelsNear(img, QColor(c)) > 40, c);
}

// Issue 11: --color-by a numeric column uses the window's rules (views/colorby.h): the
// points and a colour bar in the continuous map, the rows without a number in grey.
void TestCliRender::numericColumnGetsAColourBar()
{
    const QString model = qEnvironmentVariable("EMBEDSCOPE_MODEL");
    if (model.isEmpty() || !QFile::exists(model)) {
        if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == QLatin1String("1"))
            QFAIL("EMBEDSCOPE_MODEL is not set or missing");
        QSKIP("needs the local model (EMBEDSCOPE_MODEL)");
    }
    const QString csv = QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/tests/data/ui/colorby12.csv");
    const QString out = dir_.filePath(QStringLiteral("score.png"));
    const Run r = run({QStringLiteral("render"), csv, QStringLiteral("--view"), QStringLiteral("pca2d"),
                       QStringLiteral("-o"), out, QStringLiteral("--color-by"), QStringLiteral("score"),
                       QStringLiteral("--model-path"), model});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage img = QImage(out).convertToFormat(QImage::Format_RGB32);
    // The legend (right fifth): the bar's low and high ends, as solid runs of pixels.
    const QImage legend = img.copy(img.width() * 4 / 5, 0, img.width() / 5, img.height());
    // palette::sequentialColor of the lowest and the highest of the 32 bins' middles.
    QVERIFY(pixelsNear(legend, QColor(0x471e6f), 12) > 20);
    QVERIFY(pixelsNear(legend, QColor(0x92d44c), 12) > 20);
    // Three rows have no score: grey points (palette::ungroupedColor, and the legend's swatch).
    QVERIFY(pixelsNear(img, QColor(0xA0A0A0), 6) > 40);
}

// Issue 16: the 2D map keeps one data unit one length on both axes in a picture of any
// shape: points on a circle are drawn as a circle (PCA of a circle is a circle) in a wide
// image, not as an ellipse stretched to the picture.
void TestCliRender::mapKeepsEqualScale()
{
    QVector<float> circle;
    for (int i = 0; i < 72; ++i)
        circle << float(std::cos(i * M_PI / 36)) << float(std::sin(i * M_PI / 36));
    const QString npy = dir_.filePath(QStringLiteral("circle.npy"));
    writeMatrixNpy(npy, 72, 2, circle);
    const QString out = dir_.filePath(QStringLiteral("circle.png"));
    const Run r = run({QStringLiteral("render"), npy, QStringLiteral("--view"), QStringLiteral("pca2d"),
                       QStringLiteral("-o"), out, QStringLiteral("--size"), QStringLiteral("1200x400"),
                       QStringLiteral("--labels"), QStringLiteral("off")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage img = QImage(out).convertToFormat(QImage::Format_RGB32);
    QCOMPARE(img.size(), QSize(1200, 400));
    // The dots (ungrouped grey #a0a0a0): pixels whose 3x3 neighbourhood is all dot colour,
    // which the 1-pixel grid lines and the text are not.
    const QColor dot(0xA0A0A0);
    auto isDot = [&](int x, int y) {
        const QRgb p = img.pixel(x, y);
        return std::abs(qRed(p) - dot.red()) + std::abs(qGreen(p) - dot.green()) + std::abs(qBlue(p) - dot.blue()) <= 24;
    };
    QRect box;
    for (int y = 1; y + 1 < img.height(); ++y)
        for (int x = 1; x + 1 < img.width(); ++x) {
            bool solid = true;
            for (int dy = -1; dy <= 1 && solid; ++dy)
                for (int dx = -1; dx <= 1 && solid; ++dx)
                    solid = isDot(x + dx, y + dy);
            if (solid)
                box |= QRect(x, y, 1, 1);
        }
    QVERIFY(box.height() > 100);
    QVERIFY2(std::abs(box.width() - box.height()) <= 3,
             qPrintable(QStringLiteral("the circle is drawn %1 x %2 px").arg(box.width()).arg(box.height())));
}

// --title: the picture keeps --size; the title is dark text in a band across the top,
// centred, where the untitled picture has only background.
void TestCliRender::titleAcrossTheTop()
{
    const QString plain = dir_.filePath(QStringLiteral("plain.png")), titled = dir_.filePath(QStringLiteral("titled.png"));
    QCOMPARE(run({"render", npy_, "--view", "pca2d", "--size", "800x600", "-o", plain}).exitCode, 0);
    const Run r = run({"render", npy_, "--view", "pca2d", "--size", "800x600", "--title", "Four clusters", "-o", titled});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage a = QImage(plain).convertToFormat(QImage::Format_RGB32);
    const QImage b = QImage(titled).convertToFormat(QImage::Format_RGB32);
    QCOMPARE(b.size(), QSize(800, 600));
    const auto darkInBand = [](const QImage &img) {
        int dark = 0;
        for (int y = 0; y < 30; ++y)
            for (int x = 250; x < 550; ++x)
                dark += qGray(img.pixel(x, y)) < 100;
        return dark;
    };
    QVERIFY2(darkInBand(b) > 50, qPrintable(QString::number(darkInBand(b))));
    QCOMPARE(darkInBand(a), 0);
    // No room for the view under the title: a usage error.
    QCOMPARE(run({"render", npy_, "--view", "pca2d", "--size", "300x64", "--title", "x", "-o", titled}).exitCode, 2);
}

void TestCliRender::usageErrors()
{
    const QString out = dir_.filePath(QStringLiteral("x.png"));
    QCOMPARE(run({"render", npy_, "--view", "pie", "-o", out}).exitCode, 2);
    QCOMPARE(run({"render", npy_, "--view", "pca2d", "-o", out, "--size", "10x10"}).exitCode, 2);
    QCOMPARE(run({"render", npy_, "--view", "pca2d", "-o", dir_.filePath("x.jpg")}).exitCode, 2);
    QCOMPARE(run({"render", npy_, "-o", out}).exitCode, 2);
    QVERIFY(!QFile::exists(out));
}

void TestCliRender::badInput()
{
    const QString out = dir_.filePath(QStringLiteral("y.png"));
    Run r = run({"render", dir_.filePath("missing.npy"), "--view", "pca2d", "-o", out});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains(QStringLiteral("missing.npy")));
    r = run({"render", npy_, "--view", "pca2d", "-o", out, "--color-by", "topic"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("topic")), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
}

ES_TEST_GUILESS_MAIN(TestCliRender)
#include "tst_cli_render.moc"
