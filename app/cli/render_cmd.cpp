// embedscope render FILE --view heatmap|pca2d|pca3d|tsne2d|tsne3d|umap2d|umap3d -o OUT.png: computes what
// the view needs and draws it with the GUI's own view classes (legend included) into a
// PNG, written atomically. Needs a display (xvfb-run works); a QApplication exists only
// inside this command. 2D views and the heatmap paint with QPainter and also run on the
// offscreen platform; the 3D views need OpenGL (xcb under Xvfb uses Mesa).
#include "cli/common.h"

#include "analysis/pca.h"
#include "analysis/similarity.h"
#include "analysis/tsne.h"
#include "analysis/umap.h"
#include "formats/texts.h"
#include "theme.h"
#include "views/colorby.h"
#include "views/heatmapview.h"
#include "views/legend.h"
#include "views/palette.h"
#include "views/pointlabels.h"
#include "views/scatter2dview.h"
#include "views/scatter3dview.h"

#include <QApplication>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <QRegularExpression>
#include <QSaveFile>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <numeric>

namespace es::cli {
namespace {

constexpr long long kHeatmapMax = 20000;

QSize parseSize(const std::string &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{2,5})[xX](\\d{2,5})$"));
    const auto m = re.match(QString::fromStdString(text));
    const int w = m.hasMatch() ? m.captured(1).toInt() : 0, h = m.hasMatch() ? m.captured(2).toInt() : 0;
    if (w < 64 || h < 64 || w > 8192 || h > 8192)
        throw UsageError("--size " + text + ": expected WxH with each side 64 to 8192, e.g. 1200x800");
    return {w, h};
}

bool haveDisplay()
{
    auto set = [](const char *name) {
        const char *v = std::getenv(name);
        return v && *v;
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
}

QVector<QVector3D> toPoints(const Matrix &coords)
{
    QVector<QVector3D> pts(int(coords.rows()));
    for (Eigen::Index i = 0; i < coords.rows(); ++i)
        pts[int(i)] = QVector3D(coords(i, 0), coords.cols() > 1 ? coords(i, 1) : 0.0f,
                                coords.cols() > 2 ? coords(i, 2) : 0.0f);
    return pts;
}

QString percent(const std::vector<double> &ratio, std::size_t i)
{
    return i < ratio.size() ? QStringLiteral(" (%1%)").arg(ratio[i] * 100.0, 0, 'f', 1) : QString();
}

int runRender(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    outputKind(out, {"png"});
    const std::string view = args.required("--view");
    if (view != "heatmap" && view != "pca2d" && view != "pca3d" && view != "tsne2d" && view != "tsne3d"
        && view != "umap2d" && view != "umap3d")
        throw UsageError("--view " + view + ": expected heatmap, pca2d, pca3d, tsne2d, tsne3d, umap2d or umap3d");
    const QSize fullSize = parseSize(args.get("--size", "1200x800"));
    const QString title = QString::fromStdString(args.get("--title", ""));
    const std::string theme = args.get("--theme", "light");
    if (theme != "light" && theme != "dark")
        throw UsageError("--theme " + theme + ": expected light or dark");
    const std::string labels = args.get("--labels", "auto");
    // The window's "Point labels" switch draws the same labels (es::pointlabels).
    const auto labelMode = pointlabels::parseMode(QString::fromStdString(labels));
    if (!labelMode)
        throw UsageError("--labels " + labels + ": expected auto, on or off");
    const long long seed = args.getInt("--seed", 42, 0, std::numeric_limits<int>::max());
    const double perplexity = args.getDouble("--perplexity", 30.0, 1.0, 1000.0);
    if (!haveDisplay())
        return fail(Error{"render draws with Qt and needs a display: run it under xvfb-run, e.g. "
                          "xvfb-run -a embedscope render " + input + " --view " + view + " -o " + out});

    auto loaded = loadInputVectors(input, args);
    if (!loaded)
        return fail(loaded.error());
    const Matrix &vectors = loaded->vectors;
    // Vectors without metadata take their texts and labels from a text table with the same
    // base name and as many rows, as the window does (make_synthetic.py writes such pairs).
    if (!loaded->dataset && std::filesystem::path(input).extension() == ".npy") {
        for (const char *ext : {".csv", ".tsv", ".txt", ".jsonl"}) {
            std::filesystem::path candidate(input);
            candidate.replace_extension(ext);
            std::error_code ec;
            if (!std::filesystem::exists(candidate, ec))
                continue;
            auto t = formats::loadTexts(candidate.string());
            if (t && t->dataset.size() == std::size_t(vectors.rows())) {
                loaded->dataset = std::move(t->dataset);
                break;
            }
        }
    }
    const Dataset *dataset = loaded->dataset ? &*loaded->dataset : nullptr;
    const int n = int(vectors.rows());
    if (n == 0)
        return fail(Error{input + ": no rows to draw", false, true});

    // Colour groups: --color-by COLUMN, else the label column, else none.
    std::vector<std::string> values;
    std::string groupTitle;
    if (args.has("--color-by")) {
        const std::string name = args.get("--color-by");
        const Column *col = dataset ? dataset->column(name) : nullptr;
        if (!col) {
            std::string have;
            if (dataset)
                for (const auto &c : dataset->columns)
                    have += (have.empty() ? "" : ", ") + c.name;
            return fail(Error{input + ": no column named '" + name + "'"
                                  + (have.empty() ? std::string(" (the input has no metadata columns)")
                                                  : " (columns: " + have + ")"),
                              false, true});
        }
        values = col->values;
        groupTitle = name;
    } else if (dataset && dataset->label()) {
        values = dataset->label()->values;
        groupTitle = dataset->label()->name;
    }
    if (!values.empty() && int(values.size()) != n)
        return fail(Error{input + ": the colour column has " + std::to_string(values.size())
                          + " values for " + std::to_string(n) + " rows"});

    // The numbers, before any window exists.
    Matrix coords;
    std::vector<double> varianceRatio;
    std::shared_ptr<const Matrix> similarity;
    const bool threeD = view == "pca3d" || view == "tsne3d" || view == "umap3d";
    if (view == "pca2d" || view == "pca3d") {
        analysis::PcaConfig cfg;
        cfg.components = threeD ? 3 : 2;
        if (n < 2)
            return fail(Error{input + ": PCA needs at least 2 rows", false, true});
        auto r = analysis::pca(vectors, cfg, progress, stopToken());
        if (!r)
            return fail(r.error());
        coords = std::move(r->coords);
        varianceRatio = r->explainedVarianceRatio;
    } else if (view == "tsne2d" || view == "tsne3d") {
        analysis::TsneConfig cfg;
        cfg.dims = threeD ? 3 : 2;
        cfg.seed = std::uint64_t(seed);
        cfg.perplexity = perplexity;
        analysis::TsneCallbacks cb;
        cb.progress = progress;
        auto r = analysis::tsne(vectors, cfg, cb, stopToken());
        if (!r)
            return fail(r.error());
        printWarnings(r->warnings);
        coords = std::move(r->coords);
    } else if (view == "umap2d" || view == "umap3d") {
        analysis::UmapConfig cfg;
        cfg.dims = threeD ? 3 : 2;
        cfg.seed = std::uint64_t(seed);
        analysis::UmapCallbacks cb;
        cb.progress = progress;
        auto r = analysis::umap(vectors, cfg, cb, stopToken());
        if (!r)
            return fail(r.error());
        printWarnings(r->warnings);
        coords = std::move(r->coords);
    } else {
        // Above kHeatmapMax rows no N x N matrix: the view draws exact block means from the vectors.
        if (n <= kHeatmapMax) {
            auto r = analysis::cosineSimilarity(vectors, progress, stopToken());
            if (!r)
                return fail(r.error());
            similarity = std::make_shared<const Matrix>(std::move(*r));
        }
    }

    static int argc = 1;
    static char name[] = "embedscope";
    static char *argv[] = {name, nullptr};
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("EmbedScope"));
    const bool dark = theme == "dark";
    applyTheme(dark ? Theme::Dark : Theme::Light, false);

    QStringList texts;
    if (dataset) {
        texts.reserve(int(dataset->texts.size()));
        for (const auto &t : dataset->texts)
            texts.append(QString::fromStdString(t));
    }
    // The window's colour-by rules (views/colorby.h): a numeric column gets a colour bar.
    colorby::Coloring groups;
    if (!values.empty()) {
        QStringList v;
        v.reserve(int(values.size()));
        for (const auto &s : values)
            v.append(QString::fromStdString(s));
        groups = colorby::fromValues(QString::fromStdString(groupTitle), v, dark);
    }
    const QString legendTitle = QString::fromStdString(groupTitle);
    // --title: a band across the top, the view below it in the rest of the picture.
    QFont titleFont = QApplication::font();
    titleFont.setPointSizeF((titleFont.pointSizeF() > 0 ? titleFont.pointSizeF() : 10.0) * 1.5);
    titleFont.setBold(true);
    const int band = title.isEmpty() ? 0 : QFontMetrics(titleFont).height() * 2;
    if (band >= fullSize.height() / 2)
        throw UsageError("--title needs a taller picture than --size " + std::to_string(fullSize.width()) + "x"
                         + std::to_string(fullSize.height()));
    const QSize size(fullSize.width(), fullSize.height() - band);

    QImage image;
    if (view == "heatmap") {
        HeatmapView heat;
        heat.resize(size);
        if (similarity)
            heat.setMatrix(similarity);
        else // non-owning: the vectors outlive the view
            heat.setVectors(std::shared_ptr<const Matrix>(std::shared_ptr<const Matrix>{}, &vectors));
        if (!groups.group.isEmpty()) {
            heat.setGroups(groups.group, groups.groups);
            QVector<int> order(n);
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
                const int ga = groups.group[a] < 0 ? INT_MAX : groups.group[a];
                const int gb = groups.group[b] < 0 ? INT_MAX : groups.group[b];
                return ga < gb;
            });
            heat.setOrder(order);
        }
        heat.setTextProvider([&texts](int row) { return texts.value(row); });
        // The heatmap's label strips use the groups' colours: the legend names them.
        QList<LegendEntry> entries;
        for (int g = 0; g < groups.groups.size(); ++g)
            entries.append(LegendEntry{groups.groups[g].name, groups.groups[g].color, groups.counts[g], true});
        const int legendW = entries.isEmpty()
            ? 0
            : std::min(LegendWidget::measure(legendTitle, entries, heat.font(), 260, groups.scale).width(), size.width() / 3);
        // The matrix is square: the heatmap (with its colour bar) and the label legend are
        // drawn side by side and centred, instead of leaving a gap between them.
        const int heatW = std::min(size.width() - legendW, size.height() + 110);
        const int x0 = std::max(0, (size.width() - legendW - heatW) / 2);
        const QImage matrix = heat.renderImage(QSize(heatW, size.height()));
        image = QImage(size, QImage::Format_ARGB32_Premultiplied);
        const auto colors = palette::ViewColors::fromPalette(heat.palette());
        image.fill(matrix.pixel(matrix.width() - 1, matrix.height() - 1));
        QPainter p(&image);
        p.drawImage(x0, 0, matrix);
        if (legendW > 0)
            LegendWidget::paint(p, QRectF(x0 + heatW, 0, legendW, size.height()), legendTitle, entries, colors,
                                heat.font(), groups.scale);
        p.end();
    } else if (!threeD) {
        Scatter2DView plot;
        plot.setOpenGLThreshold(INT_MAX); // the image is painted with QPainter anyway
        plot.resize(size);
        plot.setTexts(texts);
        plot.setPoints(toPoints(coords));
        plot.legend()->setScale(groups.scale);
        plot.setColors(groups.group, groups.groups);
        plot.setLegendTitle(legendTitle);
        if (view == "pca2d")
            plot.setAxisTitles(QStringLiteral("PC 1") + percent(varianceRatio, 0),
                               QStringLiteral("PC 2") + percent(varianceRatio, 1));
        else if (view == "umap2d")
            plot.setAxisTitles(QStringLiteral("UMAP 1"), QStringLiteral("UMAP 2"));
        else
            plot.setAxisTitles(QStringLiteral("t-SNE 1"), QStringLiteral("t-SNE 2"));
        plot.setLabelMode(*labelMode);
        image = plot.renderImage(size);
    } else {
        QString why;
        if (!Scatter3DView::isOpenGLAvailable(&why))
            return fail(Error{why.toStdString() + " Run render under xvfb-run with the xcb platform for "
                              + view + "."});
        Scatter3DView plot;
        plot.resize(size);
        plot.setTexts(texts);
        plot.setPoints(toPoints(coords));
        plot.legend()->setScale(groups.scale);
        plot.setColors(groups.group, groups.groups);
        plot.setLegendTitle(legendTitle);
        if (view == "pca3d")
            plot.setAxisTitles(QStringLiteral("PC 1") + percent(varianceRatio, 0),
                               QStringLiteral("PC 2") + percent(varianceRatio, 1),
                               QStringLiteral("PC 3") + percent(varianceRatio, 2));
        else if (view == "umap3d")
            plot.setAxisTitles(QStringLiteral("UMAP 1"), QStringLiteral("UMAP 2"), QStringLiteral("UMAP 3"));
        else
            plot.setAxisTitles(QStringLiteral("t-SNE 1"), QStringLiteral("t-SNE 2"), QStringLiteral("t-SNE 3"));
        image = plot.renderImage(size);
    }
    if (image.isNull() || image.size() != size)
        return fail(Error{"rendering the " + view + " view failed"});
    if (band > 0) {
        QImage titled(fullSize, QImage::Format_ARGB32_Premultiplied);
        titled.fill(image.pixel(image.width() - 1, image.height() - 1)); // the view's background
        QPainter p(&titled);
        p.drawImage(0, band, image);
        p.setFont(titleFont);
        p.setPen(QApplication::palette().color(QPalette::WindowText));
        p.drawText(QRect(0, 0, fullSize.width(), band), Qt::AlignCenter,
                   QFontMetrics(titleFont).elidedText(title, Qt::ElideRight, fullSize.width() - 20));
        p.end();
        image = titled;
    }

    QSaveFile file(QString::fromStdString(out));
    if (!file.open(QIODevice::WriteOnly))
        return fail(Error{out + ": " + file.errorString().toStdString()});
    if (!image.convertToFormat(QImage::Format_RGB32).save(&file, "PNG") || !file.commit())
        return fail(Error{out + ": " + file.errorString().toStdString()});
    return ExitOk;
}

std::vector<Option> renderOptions()
{
    std::vector<Option> o{
        {"--output", "-o", "OUT.png", "The image to write (PNG)", ""},
        {"--view", "", "V", "heatmap, pca2d, pca3d, tsne2d, tsne3d, umap2d or umap3d", ""},
        {"--size", "", "WxH", "Image size in pixels", "1200x800"},
        {"--color-by", "", "COLUMN", "Colour points by this column (numbers: a colour bar; empty: grey)", "the label column"},
        {"--labels", "", "MODE", "Text labels beside points: auto (up to " + std::to_string(pointlabels::kAutoLimit) + " points), on, off", "auto"},
        {"--theme", "", "T", "light or dark", "light"},
        {"--title", "", "TEXT", "A title across the top of the picture", ""},
        {"--perplexity", "", "P", "t-SNE perplexity", "30"},
        {"--seed", "", "S", "t-SNE and UMAP random seed", "42"},
    };
    for (auto &v : vectorInputOptions())
        o.push_back(v);
    return o;
}

const Registrar reg{Command{
    "render",
    "Draw a view (heatmap, PCA, t-SNE or UMAP map, 2D or 3D) into a PNG.",
    "render FILE --view heatmap|pca2d|pca3d|tsne2d|tsne3d|umap2d|umap3d -o OUT.png [options]",
    "FILE is anything the window opens: texts (embedded with the local model) or vectors.\n"
    "The view is drawn as the window draws it, legend included, and the PNG is written\n"
    "atomically. Needs a display: under no desktop, run it with xvfb-run -a. The 3D views\n"
    "need OpenGL (Mesa under Xvfb works).",
    renderOptions(),
    1, 1, runRender, true}};

} // namespace
} // namespace es::cli
