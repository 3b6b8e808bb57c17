// Tests of the .esm model file: conversion of a tiny JSON in the package's shape (exact
// vectors, derived vectors against numpy references, checksum), the converter executable
// (--input -, --check), refusal of damaged files, and the model search order.
#include "embed/local/model_convert.h"
#include "embed/local/model_file.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>

using namespace es::local;

namespace {

QString dataPath(const QString &rel)
{
    return QStringLiteral(EMBEDSCOPE_TEST_DATA "/") + rel;
}

QString converterPath()
{
    return QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope-convert-model");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Restores an environment variable when the test ends.
class EnvGuard {
public:
    explicit EnvGuard(const char *name) : name_(name)
    {
        if (const char *v = std::getenv(name)) {
            had_ = true;
            old_ = v;
        }
    }
    ~EnvGuard()
    {
        if (had_)
            ::setenv(name_, old_.c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char *name_;
    bool had_ = false;
    std::string old_;
};

} // namespace

class TestLocalModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString tinyModel_;
    QJsonObject expected_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        const QByteArray exp = readAll(dataPath("model/tiny_expected.json"));
        QVERIFY2(!exp.isEmpty(), "tests/data/model/tiny_expected.json is missing");
        expected_ = QJsonDocument::fromJson(exp).object();
        tinyModel_ = dir_.filePath("tiny.esm");
        auto r = convertModelFile(dataPath("model/tiny.json").toStdString(), tinyModel_.toStdString());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->vocabSize, 20);
        QCOMPARE(r->dims, 4);
    }

    void checksumIsXxh64()
    {
        // Published XXH64 test vectors (seed 0).
        Checksum empty;
        QCOMPARE(empty.digest(), 0xEF46DB3751D8E999ULL);
        Checksum abc;
        abc.update("abc", 3);
        QCOMPARE(abc.digest(), 0x44BC2CF5AD770999ULL);
        // Incremental updates in odd pieces equal one update.
        std::string text;
        for (int i = 0; i < 1000; ++i)
            text += char('a' + (i * 7) % 26);
        Checksum whole, pieces;
        whole.update(text.data(), text.size());
        std::size_t pos = 0, step = 1;
        while (pos < text.size()) {
            const std::size_t n = std::min(step, text.size() - pos);
            pieces.update(text.data() + pos, n);
            pos += n;
            step = step * 3 % 37 + 1;
        }
        QCOMPARE(pieces.digest(), whole.digest());
    }

    void tinyModelHasExactVectors()
    {
        auto m = ModelFile::open(tinyModel_.toStdString(), true);
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
        const ModelFile &model = **m;
        QCOMPARE(model.dims(), 4);
        QCOMPARE(model.vocabSize(), 20);
        QCOMPARE(model.name(), std::string("glove-100d"));
        QCOMPARE(model.header().matrixOffset % 64, 0u);
        const QJsonArray words = QJsonDocument::fromJson(readAll(dataPath("model/tiny.json")))
                                     .object()["words"].toArray();
        const QJsonArray matrix = expected_["matrix"].toArray();
        QCOMPARE(words.size(), 20);
        for (int i = 0; i < words.size(); ++i) {
            const std::string w = words[i].toString().toStdString();
            QCOMPARE(model.find(w), i);
            QCOMPARE(std::string(model.word(i)), w);
            const QJsonArray row = matrix[i].toArray();
            for (int d = 0; d < 4; ++d)
                QCOMPARE(model.vector(i)[d], float(row[d].toDouble())); // bit-exact float32
        }
        QCOMPARE(model.vector(0)[0], 0.1f);
        QCOMPARE(model.vector(0)[2], 1.5e-3f);
        QCOMPARE(model.find("dog"), -1);
        QCOMPARE(model.find(""), -1);
        QCOMPARE(model.find("\""), 4);

        const QJsonArray comp = expected_["component"].toArray();
        const QJsonArray unk = expected_["unknown"].toArray();
        for (int d = 0; d < 4; ++d) {
            QVERIFY(std::abs(model.component()[d] - comp[d].toDouble()) < 1e-5);
            QVERIFY(std::abs(model.unknownVector()[d] - unk[d].toDouble()) < 1e-6);
        }
    }

    void checksumCoversTheFile()
    {
        const QByteArray bytes = readAll(tinyModel_);
        auto m = ModelFile::open(tinyModel_.toStdString());
        QVERIFY(m.ok());
        const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
        QCOMPARE((*m)->checksum(), modelChecksum(p, std::size_t(bytes.size())));
        QCOMPARE((*m)->checksumHex().size(), std::size_t(16));
        // Converting again gives the same bytes (deterministic), hence the same checksum.
        const QString again = dir_.filePath("again.esm");
        QVERIFY(convertModelFile(dataPath("model/tiny.json").toStdString(), again.toStdString()).ok());
        QCOMPARE(readAll(again), bytes);
    }

    void converterExecutableReadsStdinAndChecks()
    {
        const QString out = dir_.filePath("stdin.esm");
        QProcess p;
        p.setStandardInputFile(dataPath("model/tiny.json"));
        p.start(converterPath(), {"--input", "-", "--output", out});
        QVERIFY2(p.waitForFinished(30000), "converter did not finish");
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardError().contains("wrote"));
        QCOMPARE(readAll(out), readAll(tinyModel_));
        QVERIFY(!std::filesystem::exists((out + ".tmp").toStdString()));

        QProcess check;
        check.start(converterPath(), {"--check", out});
        QVERIFY(check.waitForFinished(30000));
        QCOMPARE(check.exitCode(), 0);
        QVERIFY(check.readAllStandardOutput().contains("valid"));

        QProcess usage;
        usage.start(converterPath(), {"--output", out});
        QVERIFY(usage.waitForFinished(30000));
        QCOMPARE(usage.exitCode(), 2);
    }

    void damagedModelsAreRefused_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        QTest::newRow("flipped matrix byte") << "flip" << "checksum mismatch";
        QTest::newRow("truncated") << "truncate" << "truncated";
        QTest::newRow("bad magic") << "magic" << "not an EmbedScope model";
        QTest::newRow("too short") << "short" << "too short";
        QTest::newRow("newer version") << "version" << "format version 99";
    }

    void damagedModelsAreRefused()
    {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        QByteArray bytes = readAll(tinyModel_);
        auto m = ModelFile::open(tinyModel_.toStdString());
        QVERIFY(m.ok());
        const std::uint64_t matrixAt = (*m)->header().matrixOffset;
        if (damage == "flip")
            bytes[qsizetype(matrixAt + 5)] = char(bytes[qsizetype(matrixAt + 5)] ^ 0x10);
        else if (damage == "truncate")
            bytes.chop(64);
        else if (damage == "magic")
            bytes[0] = 'X';
        else if (damage == "short")
            bytes = bytes.left(40);
        else if (damage == "version")
            bytes[8] = char(99);
        const QString bad = dir_.filePath("bad-" + damage + ".esm");
        QVERIFY(writeAll(bad, bytes));
        auto r = ModelFile::open(bad.toStdString(), true);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos,
                 r.error().message.c_str());
        QVERIFY(r.error().message.find(bad.toStdString()) != std::string::npos);
        QVERIFY(r.error().message.find("packaging/setup.sh") != std::string::npos);
        if (damage == "flip") // the cheap load does not read the matrix; --check does
            QVERIFY(ModelFile::open(bad.toStdString(), false).ok());

        QProcess check;
        check.start(converterPath(), {"--check", bad});
        QVERIFY(check.waitForFinished(30000));
        QCOMPARE(check.exitCode(), 1);
        QVERIFY(QString::fromUtf8(check.readAllStandardError()).contains(message));
    }

    void badJsonIsRefusedAndNothingIsWritten_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("hello") << "expected '{'";
        QTest::newRow("bad number")
            << QByteArray(R"({"dimensions":2,"wordIndex":3,"words":["ab","cd"],"vectors":{"ab":[1,x,1,0],"cd":[1,2,3,1]}})")
            << "value 2 is not a number";
        QTest::newRow("short vector")
            << QByteArray(R"({"dimensions":3,"words":["ab"],"vectors":{"ab":[1,2]}})")
            << "has 2 values, expected 3";
        QTest::newRow("missing vector")
            << QByteArray(R"({"dimensions":1,"wordIndex":2,"words":["ab","cd"],"vectors":{"ab":[1,1,0]}})")
            << "word 1 (\"cd\") has no vector";
        QTest::newRow("key mismatch")
            << QByteArray(R"({"dimensions":1,"wordIndex":2,"words":["ab","cd"],"vectors":{"zz":[1,1,0]}})")
            << "does not match word";
        QTest::newRow("vectors first")
            << QByteArray(R"({"dimensions":1,"vectors":{"ab":[1]},"words":["ab"]})")
            << "\"words\" must come before \"vectors\"";
        QTest::newRow("truncated") << QByteArray(R"({"dimensions":1,"words":["ab"],"vectors":{"ab":[1)")
                                   << "expected ',' or ']'";
    }

    void badJsonIsRefusedAndNothingIsWritten()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const QString in = dir_.filePath("bad.json");
        QVERIFY(writeAll(in, json));
        const QString out = dir_.filePath("keep.esm");
        QVERIFY(writeAll(out, "previous contents"));
        auto r = convertModelFile(in.toStdString(), out.toStdString());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos,
                 r.error().message.c_str());
        QVERIFY(r.error().message.find(in.toStdString()) != std::string::npos);
        QCOMPARE(readAll(out), QByteArray("previous contents")); // atomic: untouched
        for (const auto &e : std::filesystem::directory_iterator(dir_.path().toStdString()))
            QVERIFY2(e.path().string().find(".tmp.") == std::string::npos, e.path().c_str());
    }

    void searchOrder()
    {
        EnvGuard g1("EMBEDSCOPE_MODEL"), g2("XDG_DATA_HOME");
        QTemporaryDir xdg;
        const std::string xdgModel = (xdg.path() + "/embedscope/models/glove-100d.esm").toStdString();
        std::filesystem::create_directories(std::filesystem::path(xdgModel).parent_path());
        std::filesystem::copy_file(tinyModel_.toStdString(), xdgModel);
        const std::string envModel = dir_.filePath("env.esm").toStdString();
        std::filesystem::copy_file(tinyModel_.toStdString(), envModel,
                                   std::filesystem::copy_options::overwrite_existing);
        ::setenv("XDG_DATA_HOME", xdg.path().toUtf8().constData(), 1);

        // 1. The explicit path wins over everything.
        ::setenv("EMBEDSCOPE_MODEL", envModel.c_str(), 1);
        QCOMPARE(locateModel(tinyModel_.toStdString()).path, tinyModel_.toStdString());
        // 2. Then $EMBEDSCOPE_MODEL.
        QCOMPARE(locateModel("").path, envModel);
        // 3. Then the user data directory.
        ::unsetenv("EMBEDSCOPE_MODEL");
        QCOMPARE(locateModel("").path, xdgModel);
        ::setenv("EMBEDSCOPE_MODEL", dir_.filePath("nonexistent.esm").toUtf8().constData(), 1);
        QCOMPARE(locateModel("").path, xdgModel);
        auto opened = findAndOpenModel("");
        QVERIFY(opened.ok());
        QCOMPARE((*opened)->vocabSize(), 20);

        // Missing everywhere: the message lists each place and says how to get the model.
        QTemporaryDir empty;
        ::setenv("XDG_DATA_HOME", empty.path().toUtf8().constData(), 1);
        auto missing = findAndOpenModel("");
        QVERIFY(!missing.ok());
        const std::string &msg = missing.error().message;
        QVERIFY2(msg.find("nonexistent.esm ($EMBEDSCOPE_MODEL)") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find(empty.path().toStdString() + "/embedscope/models/glove-100d.esm") != std::string::npos,
                 msg.c_str());
        QVERIFY(msg.find("share/embedscope/models/glove-100d.esm (installed beside the executable)")
                != std::string::npos);
        QVERIFY(msg.find("run packaging/setup.sh, or install the embedscope-model-glove package")
                != std::string::npos);

        // An explicit path that does not exist is an error naming it (no silent fallback).
        ::setenv("XDG_DATA_HOME", xdg.path().toUtf8().constData(), 1);
        auto explicitMissing = findAndOpenModel("/nonexistent/model.esm");
        QVERIFY(!explicitMissing.ok());
        QVERIFY(explicitMissing.error().message.find("/nonexistent/model.esm (given explicitly)")
                != std::string::npos);
    }

    void realModel()
    {
        const char *path = std::getenv("EMBEDSCOPE_MODEL");
        if (!path || !std::filesystem::exists(path)) {
            if (qEnvironmentVariable("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL is not a file");
            QSKIP("the real model is not available ($EMBEDSCOPE_MODEL)");
        }
        auto m = ModelFile::open(path, true);
        QVERIFY2(m.ok(), m.ok() ? "" : m.error().message.c_str());
        QCOMPARE((*m)->dims(), 100);
        QCOMPARE((*m)->vocabSize(), 341479);
        QCOMPARE((*m)->find("the"), 0);
        QCOMPARE((*m)->find(","), 1);
        QCOMPARE(std::string((*m)->word(341478)), std::string("sandberger"));
        QCOMPARE((*m)->vector(0)[0], -0.038194f);
        QCOMPARE((*m)->vector(341478)[99], -0.15701f);
        QVERIFY((*m)->find("kitten") > 0);
        QCOMPARE((*m)->find("notaword-xyzzy"), -1);
        QCOMPARE((*m)->header().componentWords, 20000u);
        QCOMPARE((*m)->header().unknownWords, 10000u);
    }
};

ES_TEST_GUILESS_MAIN(TestLocalModel)
#include "tst_localmodel.moc"
