// Tests of the coordinates loader (core/formats/coordinates.h): what `embedscope project`
// writes, plain x,y[,z] tables with and without a header or a row column, .npy, and every
// error (row count, not a number, NaN / infinity, wrong number of fields, row numbers) with
// the file and line its message names. Real files in a temporary folder.
#include "formats/coordinates.h"
#include "formats/vectors.h"

#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <fstream>
#include <limits>

using namespace es;
using namespace es::formats;

class TestCoordinates : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::string write(const std::string &name, const std::string &bytes)
    {
        const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    std::string loadError(const std::string &name, const std::string &bytes, std::size_t rows)
    {
        auto r = loadCoordinates(write(name, bytes), CoordinatesLoadOptions{rows});
        if (r.ok()) {
            qWarning("expected an error for %s", name.c_str());
            return {};
        }
        return r.error().message;
    }
    LoadedCoordinates load(const std::string &name, const std::string &bytes, std::size_t rows)
    {
        auto r = loadCoordinates(write(name, bytes), CoordinatesLoadOptions{rows});
        if (!r.ok())
            qWarning("unexpected error: %s", r.error().message.c_str());
        return r.ok() ? std::move(*r) : LoadedCoordinates{};
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    // What `embedscope project -o x.csv` writes: row (0-based), x, y.
    void projectOutput2d()
    {
        auto c = load("words-umap.csv", "row,x,y\n0,1.5,-2\n1,0.25,3e2\n2,-1e-05,7\n", 3);
        QCOMPARE(c.coords.rows(), Eigen::Index(3));
        QCOMPARE(c.coords.cols(), Eigen::Index(2));
        QCOMPARE(c.coords(0, 0), 1.5f);
        QCOMPARE(c.coords(0, 1), -2.0f);
        QCOMPARE(c.coords(1, 1), 300.0f);
        QCOMPARE(c.coords(2, 0), -1e-05f);
        QCOMPARE(c.method, std::string("umap"));
        QVERIFY(c.warnings.empty());
    }
    void projectOutput3dShuffledRows()
    {
        // Lines in any order: the row column places them.
        auto c = load("map_tsne.csv", "row,x,y,z\n2,3,3,3\n0,1,1,1\n1,2,2,2\n", 3);
        QCOMPARE(c.coords.cols(), Eigen::Index(3));
        for (int r = 0; r < 3; ++r)
            for (int d = 0; d < 3; ++d)
                QCOMPARE(c.coords(r, d), float(r + 1));
        QCOMPARE(c.method, std::string("tsne"));
    }
    void plainTablesAndOneBasedIds()
    {
        // Header in another case and order, 1-based ids, spaces, a '+', an ignored column.
        auto c = load("coords.csv", "Y, X ,ID,label\n 2 ,+1,1,a\n4,3,2,b\n", 2);
        QCOMPARE(c.coords(0, 0), 1.0f);
        QCOMPARE(c.coords(0, 1), 2.0f);
        QCOMPARE(c.coords(1, 0), 3.0f);
        QCOMPARE(c.coords(1, 1), 4.0f);
        QCOMPARE(c.method, std::string());
        QCOMPARE(c.warnings.size(), std::size_t(1));
        QCOMPARE(c.warnings[0], std::string("coords.csv: column 'label' ignored"));
        // No header: x,y or x,y,z; CRLF and blank lines.
        auto h = load("plain.csv", "1,2,3\r\n\r\n4,5,6\r\n", 2);
        QCOMPARE(h.coords.cols(), Eigen::Index(3));
        QCOMPARE(h.coords(1, 2), 6.0f);
        // Any number of rows when the caller does not say.
        QCOMPARE(load("any.csv", "x,y\n1,2\n", 0).coords.rows(), Eigen::Index(1));
    }
    void npyCoordinates()
    {
        Matrix m(2, 2);
        m << 1, 2, 3, 4;
        const std::string p = dir_.filePath(QStringLiteral("pca-map.npy")).toStdString();
        QVERIFY(writeNpy(p, m).ok());
        auto r = loadCoordinates(p, {2});
        QVERIFY(r.ok());
        QVERIFY(r->coords == m);
        QCOMPARE(r->method, std::string("pca"));
        auto wrong = loadCoordinates(p, {3});
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().message, std::string("pca-map.npy: 2 rows of coordinates, but the data set has 3 rows"));
        Matrix bad(2, 2);
        bad << 1, 2, std::numeric_limits<float>::quiet_NaN(), 4;
        const std::string pb = dir_.filePath(QStringLiteral("nan.npy")).toStdString();
        QVERIFY(writeNpy(pb, bad).ok());
        auto nan = loadCoordinates(pb, {2});
        QVERIFY(!nan.ok());
        QVERIFY2(nan.error().message.starts_with("nan.npy"), nan.error().message.c_str());
    }

    // Errors: each names the file and the line.
    void wrongRowCount()
    {
        QCOMPARE(loadError("c.csv", "row,x,y\n0,1,2\n1,3,4\n", 3),
                 std::string("c.csv: 2 rows of coordinates (lines 2 to 3), but the data set has 3 rows; "
                             "the file must have one line per row"));
    }
    void notANumber()
    {
        QCOMPARE(loadError("c.csv", "x,y\n1,2\n3,abc\n", 2),
                 std::string("c.csv, line 3: column 'y' holds 'abc', not a number"));
        QCOMPARE(loadError("c.csv", "x,y\n1,2\n,4\n", 2),
                 std::string("c.csv, line 3: column 'x' is empty; every row needs a number"));
        QCOMPARE(loadError("c.csv", "x,y\n1,2\n1.5.2,4\n", 2),
                 std::string("c.csv, line 3: column 'x' holds '1.5.2', not a number"));
    }
    void nanAndInfinity()
    {
        QCOMPARE(loadError("c.csv", "x,y\n1,2\nnan,4\n", 2),
                 std::string("c.csv, line 3: column 'x' holds 'nan' (not a number, NaN); coordinates must be finite"));
        QCOMPARE(loadError("c.csv", "x,y\n1,-inf\n3,4\n", 2),
                 std::string("c.csv, line 2: column 'y' holds '-inf' (infinite, or too large for a float); "
                             "coordinates must be finite"));
        // Finite as a double, infinite as a float.
        QCOMPARE(loadError("c.csv", "x,y\n1,2\n3,1e39\n", 2),
                 std::string("c.csv, line 3: column 'y' holds '1e39' (infinite, or too large for a float); "
                             "coordinates must be finite"));
    }
    void wrongColumnCount()
    {
        QCOMPARE(loadError("c.csv", "row,x,y\n0,1,2\n1,3\n", 2),
                 std::string("c.csv, line 3: 2 fields, expected 3 (as on the first row)"));
        QCOMPARE(loadError("c.csv", "1,2,3,4\n5,6,7,8\n", 2),
                 std::string("c.csv, line 1: 4 numbers; a coordinates file without a header has 2 (x, y) or "
                             "3 (x, y, z) numbers a line"));
        QCOMPARE(loadError("c.csv", "a,b\n1,2\n", 1),
                 std::string("c.csv, line 1: no columns named x and y in the header (columns: 'a', 'b'); a "
                             "coordinates file has columns x, y and optionally z, and optionally a row column "
                             "(row, id or index)"));
    }
    void badRowNumbers()
    {
        QCOMPARE(loadError("c.csv", "row,x,y\n0,1,2\n0,3,4\n", 2),
                 std::string("c.csv, line 3: row 0 appears a second time (first on line 2)"));
        QCOMPARE(loadError("c.csv", "row,x,y\n0,1,2\n2,3,4\n", 2),
                 std::string("c.csv, line 3: row 2 is outside 0 to 1 (the file has 2 rows)"));
        QCOMPARE(loadError("c.csv", "id,x,y\n7,1,2\n8,3,4\n", 2),
                 std::string("c.csv, line 2: row numbers start at 7; expected 0 to 1 (0-based) or 1 to 2 "
                             "(1-based), one line per row"));
        QCOMPARE(loadError("c.csv", "id,x,y\nq7,1,2\n1,3,4\n", 2),
                 std::string("c.csv, line 2: column 'id' holds 'q7', not a row number (a whole number)"));
    }
    void emptyAndHeaderOnly()
    {
        QCOMPARE(loadError("e.csv", "\n\n", 2), std::string("e.csv: the file is empty (no coordinates)"));
        QCOMPARE(loadError("h.csv", "x,y\n", 2), std::string("h.csv, line 1: a header but no coordinates"));
    }
};

ES_TEST_GUILESS_MAIN(TestCoordinates)
#include "tst_coordinates.moc"
