#include "io/documentfiles.h"

#include "formats/detect.h"
#include "formats/project.h"
#include "formats/texts.h"
#include "formats/vectors.h"
#include "jobs/jobrunner.h"
#include "models/sentencemodel.h"
#include "views/doctorpanel.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QUndoStack>
#include <QUrl>

#include <filesystem>
#include <future>

namespace es {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

// What a load job returns: texts, or vectors with the data set that names their rows.
struct Loaded {
    formats::Detected detected;
    Dataset dataset;
    std::optional<Matrix> vectors;
    Warnings warnings;
    std::optional<formats::Project> project;
    std::optional<ExplorerDocument::RowVectors> rowVectors; // with vectors, made on the job's thread
};

// Reports its stages (vectors, texts) to ctx and stops between them when cancelled.
Result<Loaded> loadAnything(const std::string &path, const std::string &format, JobContext &ctx)
{
    auto det = formats::detectInput(path, format);
    if (!det)
        return det.error();
    Loaded out;
    out.detected = det.value();
    if (out.detected.kind == formats::InputKind::Texts) {
        formats::TextLoadOptions o;
        o.format = out.detected.format;
        auto t = formats::loadTexts(path, o);
        if (!t)
            return t.error();
        out.dataset = std::move(t->dataset);
        out.warnings = std::move(t->warnings);
        return out;
    }
    if (out.detected.kind == formats::InputKind::Project) {
        auto p = formats::loadProject(path);
        if (!p)
            return p.error();
        out.dataset = std::move(p->dataset);
        if (p->vectors.size() > 0)
            out.vectors = std::move(p->vectors); // held once: the project keeps maps and parameters
        out.project = std::move(p.value());
        return out;
    }
    // A text file with the same base name and the same number of rows names the rows, so
    // the vectors need no embedding. Beside a .npy, the first such file is read on a second
    // thread while the vectors are read (a million rows: seconds each).
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    for (const char *ext : {".csv", ".tsv", ".txt", ".jsonl"}) {
        fs::path candidate(path);
        candidate.replace_extension(ext);
        std::error_code ec;
        if (fs::exists(candidate, ec))
            candidates.push_back(candidate);
    }
    std::future<Result<formats::LoadedTexts>> firstTexts;
    if (out.detected.format == "npy" && !candidates.empty())
        firstTexts = std::async(std::launch::async, [c = candidates.front().string()] { return formats::loadTexts(c); });
    formats::VectorLoadOptions o;
    o.format = out.detected.format;
    report(ctx.progress, 0.0, firstTexts.valid() ? "reading the vectors and the texts" : "reading the vectors");
    auto v = formats::loadVectors(path, o);
    if (!v)
        return v.error();
    if (ctx.stop.stop_requested())
        return Error::cancel();
    out.vectors = std::move(v->vectors);
    out.warnings = std::move(v->warnings);
    const auto n = std::size_t(out.vectors->rows());
    if (v->metadata && v->metadata->size() == n) {
        out.dataset = std::move(*v->metadata);
        return out;
    }
    for (const fs::path &candidate : candidates) {
        report(ctx.progress, 0.4, "reading the texts (" + candidate.filename().string() + ")");
        auto t = firstTexts.valid() ? firstTexts.get() : formats::loadTexts(candidate.string());
        if (ctx.stop.stop_requested())
            return Error::cancel();
        if (t && t->dataset.size() == n) {
            out.dataset = std::move(t->dataset);
            out.warnings.push_back("texts from " + candidate.filename().string());
            return out;
        }
        if (t)
            out.warnings.push_back(candidate.filename().string() + " has " + std::to_string(t->dataset.size())
                                   + " rows but the vectors have " + std::to_string(n) + "; not used");
    }
    out.dataset.source = path;
    for (std::size_t i = 0; i < n; ++i) {
        out.dataset.texts.push_back("item " + std::to_string(i + 1));
        out.dataset.lines.push_back(0);
    }
    return out;
}

} // namespace

DocumentFiles::DocumentFiles(ExplorerDocument *doc, JobRunner *jobs, DoctorMarks *marks, Hooks hooks, QWidget *window)
    : QObject(window), doc_(doc), jobs_(jobs), marks_(marks), hooks_(std::move(hooks)), window_(window)
{
    connect(doc_->model()->undoStack(), &QUndoStack::cleanChanged, this, &DocumentFiles::updateTitle);
    connect(marks_, &DoctorMarks::marksChanged, this, [this] {
        marksModified_ = true;
        updateTitle();
    });
}

// ---------------------------------------------------------------------------------------
// Opening

void DocumentFiles::openDialog()
{
    QSettings s;
    const QString dir = s.value(QStringLiteral("ui/lastDir")).toString();
    const QString path = QFileDialog::getOpenFileName(
        window_, tr("Open"), dir,
        tr("All supported (*.txt *.csv *.tsv *.jsonl *.npy *.embedscope);;"
           "Texts (*.txt *.csv *.tsv *.jsonl);;Vectors (*.npy *.tsv *.txt);;"
           "Projects (*.embedscope);;All files (*)"));
    if (path.isEmpty())
        return;
    s.setValue(QStringLiteral("ui/lastDir"), QFileInfo(path).absolutePath());
    open(path);
}

bool DocumentFiles::open(const QString &path)
{
    if (!maybeSave())
        return false;
    const QFileInfo fi(path);
    if (!fi.exists() || !fi.isFile()) {
        emit failed(tr("Could not open the file"), tr("%1: no such file").arg(path));
        return false;
    }
    const std::string p = fi.absoluteFilePath().toStdString();
    const QString name = fi.fileName();
    jobs_->start<Loaded>(
        QStringLiteral("load"), tr("Loading %1").arg(name),
        [p](JobContext &ctx) -> Result<Loaded> {
            auto r = loadAnything(p, {}, ctx);
            if (ctx.stop.stop_requested())
                return Error::cancel();
            if (r && r->vectors) {
                // The table and the rows' vectors are made here, off the GUI thread, and hold
                // the texts and the vectors once: the data set keeps only its name.
                report(ctx.progress, 0.85, "preparing the rows");
                r->rowVectors = ExplorerDocument::rowVectorsFor(r->dataset, std::move(*r->vectors));
                r->vectors.reset();
                Dataset named;
                named.source = std::move(r->dataset.source);
                named.textColumn = std::move(r->dataset.textColumn);
                r->dataset = std::move(named);
                if (ctx.stop.stop_requested())
                    return Error::cancel();
            }
            return r;
        },
        [this, path = fi.absoluteFilePath()](Loaded &l) {
            if (l.dataset.source.empty())
                l.dataset.source = path.toStdString();
            const QString parameters = l.project ? QString::fromStdString(l.project->parameters.dump()) : QString();
            hooks_.replace(l.dataset, std::move(l.rowVectors)); // the vectors, when the file had them
            if (l.project) {
                projectPath_ = path;
                doc_->restoreProjections(*l.project); // its saved maps and their parameters
                // The view state as it was saved (the methods' parameters are the document's).
                if (const QJsonObject o = QJsonDocument::fromJson(parameters.toUtf8()).object(); !o.isEmpty())
                    hooks_.restoreViewState(o);
                QStringList marks;
                for (const auto &m : l.project->marks)
                    marks << qs(m);
                marks_->fromStrings(marks);
                marksModified_ = false;
            } else {
                projectPath_.clear();
            }
            documentName_ = QFileInfo(path).fileName();
            addRecentFile(path);
            updateTitle();
            QStringList w;
            for (const auto &s : l.warnings)
                w << qs(s);
            emit message(tr("Opened %1: %n row(s)", nullptr, doc_->model()->rowCount()).arg(QFileInfo(path).fileName())
                             + (w.isEmpty() ? QString() : QStringLiteral(" (") + w.join(QStringLiteral("; ")) + QLatin1Char(')')),
                         10000);
            emit opened(path);
        });
    return true;
}

bool DocumentFiles::canDrop(const QMimeData *data)
{
    return data->hasUrls() || data->hasText();
}

bool DocumentFiles::drop(const QMimeData *m)
{
    if (m->hasUrls()) {
        for (const QUrl &u : m->urls()) {
            if (u.isLocalFile()) {
                open(u.toLocalFile());
                return true;
            }
        }
    }
    if (m->hasText()) {
        SentenceModel *model = doc_->model();
        model->pasteLines(model->rowCount(), m->text());
        return true;
    }
    return false;
}

void DocumentFiles::setRecentMenu(QMenu *menu)
{
    recentMenu_ = menu;
    updateRecentMenu();
}

void DocumentFiles::addRecentFile(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("ui/recentFiles")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    s.setValue(QStringLiteral("ui/recentFiles"), recent);
    updateRecentMenu();
}

void DocumentFiles::updateRecentMenu()
{
    if (!recentMenu_)
        return;
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("ui/recentFiles")).toStringList();
    for (const QString &p : recent)
        recentMenu_->addAction(QFileInfo(p).fileName() + QStringLiteral("  (") + QFileInfo(p).absolutePath() + QLatin1Char(')'),
                               this, [this, p] { open(p); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

// ---------------------------------------------------------------------------------------
// Projects

bool DocumentFiles::isModified() const
{
    return !doc_->model()->undoStack()->isClean() || marksModified_;
}

void DocumentFiles::clearMarks()
{
    marks_->fromStrings({}); // a new document: no marks
    marksModified_ = false;
}

void DocumentFiles::updateTitle()
{
    const QString name = documentName_.isEmpty() ? tr("untitled") : documentName_;
    window_->setWindowTitle(tr("%1%2 - EmbedScope").arg(name, isModified() ? QStringLiteral(" *") : QString()));
}

bool DocumentFiles::maybeSave()
{
    if (!isModified())
        return true;
    const auto answer = QMessageBox::question(
        window_, tr("Unsaved changes"),
        tr("The sentences have changes that are not saved in a project. Save them first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Discard)
        return true;
    if (projectPath_.isEmpty()) {
        saveAs();
        return !isModified();
    }
    return save(projectPath_);
}

void DocumentFiles::save()
{
    if (projectPath_.isEmpty())
        saveAs();
    else
        save(projectPath_);
}

void DocumentFiles::saveAs()
{
    QString suggestion = projectPath_;
    if (suggestion.isEmpty()) {
        const QFileInfo src(doc_->model()->source());
        suggestion = (src.absolutePath().isEmpty() ? QString() : src.absolutePath() + QLatin1Char('/'))
                     + (src.completeBaseName().isEmpty() ? QStringLiteral("untitled") : src.completeBaseName())
                     + QStringLiteral(".embedscope");
    }
    const QString path = QFileDialog::getSaveFileName(window_, tr("Save Project"), suggestion,
                                                      tr("EmbedScope projects (*.embedscope)"));
    if (path.isEmpty())
        return;
    save(path.endsWith(QLatin1String(".embedscope")) ? path : path + QStringLiteral(".embedscope"));
}

bool DocumentFiles::save(const QString &path)
{
    // The document's data, maps and their parameters; the view state beside them.
    const QJsonObject params = hooks_.viewState(); // also hands the bar's parameters to the document
    formats::Project p = doc_->toProject();
    const nlohmann::json view = nlohmann::json::parse(
        QJsonDocument(params).toJson(QJsonDocument::Compact).toStdString(), nullptr, false);
    for (auto it = view.begin(); it != view.end(); ++it)
        p.parameters[it.key()] = it.value();
    if (marks_->markedCount() > 0) {
        QStringList marks = marks_->toStrings();
        marks.resize(doc_->model()->rowCount());
        for (const QString &m : std::as_const(marks))
            p.marks.push_back(m.toStdString());
    }
    const auto st = formats::saveProject(path.toStdString(), p);
    if (!st) {
        emit failed(tr("Could not save the project"), qs(st.error().message));
        return false;
    }
    marksModified_ = false;
    projectPath_ = path;
    documentName_ = QFileInfo(path).fileName();
    doc_->model()->undoStack()->setClean();
    addRecentFile(path);
    updateTitle();
    emit message(tr("Saved %1").arg(QFileInfo(path).fileName()), 6000);
    return true;
}

} // namespace es
