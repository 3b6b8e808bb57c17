#include "io/exporter.h"

#include "doctor/doctor.h"
#include "document/explorerdocument.h"
#include "formats/texts.h"
#include "formats/vectors.h"
#include "models/sentencemodel.h"
#include "views/doctorpanel.h"
#include "views/heatmapview.h"
#include "views/pointview.h"
#include "views/scatter2dview.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QPainter>
#include <QRegularExpression>
#include <QSettings>
#include <QSvgGenerator>
#include <QTabWidget>

#include <cstdio>

namespace es {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}
bool isNpy(const QString &p)
{
    return p.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive);
}
std::string num(float v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", double(v));
    return buf;
}
Status writeMatrix(const QString &path, const Matrix &m, std::vector<std::string> header)
{
    if (isNpy(path))
        return formats::writeNpy(path.toStdString(), m);
    if (header.empty())
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            header.push_back("c" + std::to_string(c));
    std::vector<std::vector<std::string>> rows(std::size_t(m.rows()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            rows[std::size_t(r)].push_back(num(m(r, c)));
    return formats::writeCsv(path.toStdString(), header, rows);
}

} // namespace

Exporter::Exporter(ExplorerDocument *doc, Sources sources, QWidget *window)
    : QObject(window), doc_(doc), src_(std::move(sources)), window_(window)
{
}

QString Exporter::ask(const QString &title, const QString &suffix, const QString &filter) const
{
    const QString name = src_.documentName ? src_.documentName() : QString();
    QString base = QFileInfo(name.isEmpty() ? QStringLiteral("embedscope") : name).completeBaseName();
    const QString dir = QSettings().value(QStringLiteral("ui/exportDir"), QDir::homePath()).toString();
    QString path = QFileDialog::getSaveFileName(window_, title, dir + QLatin1Char('/') + base + suffix, filter);
    if (!path.isEmpty())
        QSettings().setValue(QStringLiteral("ui/exportDir"), QFileInfo(path).absolutePath());
    return path;
}

void Exporter::fillMenu(QMenu *menu)
{
    menu->addAction(tr("Current View as &PNG..."), this, [this] {
        const QString p = ask(tr("Export View"), QStringLiteral(".png"), tr("PNG images (*.png)"));
        if (!p.isEmpty())
            exportCurrentView(p);
    });
    menu->addAction(tr("Current View as &SVG..."), this, [this] {
        const QString p = ask(tr("Export View"), QStringLiteral(".svg"), tr("SVG images (*.svg)"));
        if (!p.isEmpty())
            exportCurrentView(p);
    });
    menu->addSeparator();
    menu->addAction(tr("Map &Coordinates (CSV or .npy)..."), this, [this] {
        const QString p = ask(tr("Export Coordinates"), QStringLiteral("-%1.csv").arg(src_.shownProjection()),
                              tr("CSV (*.csv);;NumPy (*.npy)"));
        if (!p.isEmpty())
            exportCoordinates(p);
    });
    menu->addAction(tr("&Neighbours (CSV)..."), this, [this] {
        const QString p = ask(tr("Export Neighbours"), QStringLiteral("-neighbors.csv"), tr("CSV (*.csv)"));
        if (!p.isEmpty())
            exportNeighbors(p);
    });
    menu->addAction(tr("Similarity &Matrix (.npy or CSV)..."), this, [this] {
        const QString p = ask(tr("Export Similarity"), QStringLiteral("-similarity.npy"), tr("NumPy (*.npy);;CSV (*.csv)"));
        if (!p.isEmpty())
            exportSimilarity(p);
    });
    menu->addAction(tr("&Vectors (.npy or CSV)..."), this, [this] {
        const QString p = ask(tr("Export Vectors"), QStringLiteral("-vectors.npy"), tr("NumPy (*.npy);;CSV (*.csv)"));
        if (!p.isEmpty())
            exportVectors(p);
    });
    menu->addAction(tr("Sentences with Doctor M&arks (CSV)..."), this, [this] {
        const QString p = ask(tr("Export Sentences"), QStringLiteral("-marked.csv"), tr("CSV (*.csv)"));
        if (!p.isEmpty() && exportSentences(p))
            emit message(tr("Wrote %1").arg(QFileInfo(p).fileName()));
    });
    menu->addAction(tr("TensorFlow &Projector TSV Pair..."), this, [this] {
        const QString p = ask(tr("Export for projector.tensorflow.org (vectors file)"), QStringLiteral("-vectors.tsv"),
                              tr("TSV (*.tsv)"));
        if (p.isEmpty())
            return;
        QString meta = p;
        meta.replace(QRegularExpression(QStringLiteral("(vectors)?\\.tsv$")), QStringLiteral("metadata.tsv"));
        if (meta == p)
            meta = p + QStringLiteral(".metadata.tsv");
        if (exportProjector(p, meta))
            emit message(tr("Wrote %1 and %2").arg(QFileInfo(p).fileName(), QFileInfo(meta).fileName()));
    });
}

bool Exporter::exportCurrentView(const QString &path, const QSize &requested)
{
    QWidget *page = src_.tabs->currentWidget();
    const bool svg = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive);
    PointView *pv = nullptr;
    QWidget *pw = nullptr;
    for (const auto &[w, v] : std::as_const(src_.pointViews))
        if (w == page) {
            pv = v;
            pw = w;
        }
    HeatmapView *heatmap = src_.heatmap;
    const QSize size = requested.isValid() ? requested : (pw ? pw->size() : heatmap->size());
    if (svg) {
        if (pw && pw == src_.scatter2d) {
            QString err;
            if (!src_.scatter2d->exportSvg(path, size, &err)) {
                emit failed(tr("Export failed"), err);
                return false;
            }
            return true;
        }
        if (pw) {
            emit failed(tr("Export failed"), tr("The 3D map can be exported as PNG only."));
            return false;
        }
        QSvgGenerator gen;
        gen.setFileName(path);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        gen.setTitle(QStringLiteral("EmbedScope heatmap"));
        QPainter p;
        if (!p.begin(&gen)) {
            emit failed(tr("Export failed"), tr("%1: cannot be written").arg(path));
            return false;
        }
        p.drawImage(QPoint(0, 0), heatmap->renderImage(size));
        p.end();
        return true;
    }
    const QImage img = pv ? pv->renderImage(size) : heatmap->renderImage(size);
    if (img.isNull() || !img.save(path)) {
        emit failed(tr("Export failed"), tr("%1: cannot be written").arg(path));
        return false;
    }
    return true;
}

bool Exporter::exportCoordinates(const QString &path)
{
    // The projection the maps show: t-SNE when it is shown, else PCA.
    const QString id = src_.shownProjection();
    const ExplorerDocument::Projection &map = doc_->projection(id);
    if (!doc_->hasProjection(id) || (doc_->method(id)->automatic() && !map.fit)) {
        emit failed(tr("Nothing to export"), tr("There is no map yet: embed the sentences first."));
        return false;
    }
    const QVector<QVector3D> &shown = map.coords;
    const int dims = map.dims == 3 ? 3 : 2;
    Matrix c(shown.size(), dims);
    for (int i = 0; i < shown.size(); ++i)
        for (int d = 0; d < dims; ++d)
            c(i, d) = shown[i][d];
    Status st = Ok{};
    if (isNpy(path)) {
        st = formats::writeNpy(path.toStdString(), c);
    } else {
        // The columns of `embedscope project` (DESIGN.md s.6), so scripts read both alike;
        // the suggested file name carries the method.
        std::vector<std::string> header{"row", "x", "y"};
        if (dims == 3)
            header.push_back("z");
        std::vector<std::vector<std::string>> rows;
        for (int i = 0; i < c.rows(); ++i) {
            std::vector<std::string> r{std::to_string(i)};
            for (int d = 0; d < dims; ++d)
                r.push_back(num(c(i, d)));
            rows.push_back(std::move(r));
        }
        st = formats::writeCsv(path.toStdString(), header, rows);
    }
    if (!st)
        emit failed(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool Exporter::exportNeighbors(const QString &path)
{
    const auto knn = doc_->neighbors();
    if (!knn) {
        emit failed(tr("Nothing to export"), tr("There are no neighbours yet: embed the sentences first."));
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    const int n = int(knn->index.size() / std::size_t(std::max(1, knn->k)));
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < knn->k; ++r)
            rows.push_back({std::to_string(i), std::to_string(r + 1), std::to_string(knn->at(i, r)), num(knn->sim(i, r))});
    const auto st = formats::writeCsv(path.toStdString(), {"row", "rank", "neighbor", "similarity"}, rows);
    if (!st)
        emit failed(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool Exporter::exportSimilarity(const QString &path)
{
    if (!doc_->similarity()) {
        emit failed(tr("Nothing to export"), tr("There is no similarity matrix yet: embed the sentences first."));
        return false;
    }
    const auto st = writeMatrix(path, *doc_->similarity(), {});
    if (!st)
        emit failed(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool Exporter::exportVectors(const QString &path)
{
    if (!doc_->vectors()) {
        emit failed(tr("Nothing to export"), tr("There are no vectors yet: embed the sentences first."));
        return false;
    }
    const auto st = writeMatrix(path, *doc_->vectors(), {});
    if (!st)
        emit failed(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool Exporter::exportProjector(const QString &vectorsPath, const QString &metadataPath)
{
    if (!doc_->vectors()) {
        emit failed(tr("Nothing to export"), tr("There are no vectors yet: embed the sentences first."));
        return false;
    }
    const auto st = formats::writeProjectorTsv(vectorsPath.toStdString(), metadataPath.toStdString(), *doc_->vectors(),
                                               doc_->model()->toDataset());
    if (!st)
        emit failed(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

bool Exporter::exportSentences(const QString &path)
{
    const Dataset ds = doc_->model()->toDataset();
    std::vector<std::string> header{"row", "text"};
    for (const Column &c : ds.columns)
        header.push_back(c.name);
    header.push_back("mark");
    std::vector<std::vector<std::string>> rows;
    rows.reserve(ds.size());
    for (std::size_t i = 0; i < ds.size(); ++i) {
        std::vector<std::string> r{std::to_string(i), ds.texts[i]};
        for (const Column &c : ds.columns)
            r.push_back(i < c.values.size() ? c.values[i] : std::string());
        r.emplace_back(doctor::markName(src_.marks->mark(int(i))));
        rows.push_back(std::move(r));
    }
    const auto st = formats::writeCsv(path.toStdString(), header, rows);
    if (!st)
        emit failed(tr("Export failed"), qs(st.error().message));
    return st.ok();
}

} // namespace es
