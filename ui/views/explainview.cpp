#include "views/explainview.h"

#include "embed/cache/cache.h"
#include "embed/lexical/lexical_embedder.h"
#include "jobs/jobrunner.h"
#include "views/palette.h"
#include "views/reporttable.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QResizeEvent>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace es {

namespace {

const QString kJobKind = QStringLiteral("explain");
constexpr int kValueRole = Qt::UserRole;

// Okabe-Ito blue (pulls together) and vermillion (pulls apart): colour-blind safe.
const QColor kTogether(0, 114, 178);
const QColor kApart(213, 94, 0);

struct Span {
    std::size_t begin = 0, end = 0;
    double value = 0;
};

// The text as HTML with each span's background blended toward blue/orange by |value|/scale.
QString highlighted(const std::string &text, std::vector<Span> spans, double scale, const QColor &base)
{
    std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) { return a.begin < b.begin; });
    // Overlapping spans (hyphen parts of one token) are merged into the first.
    std::vector<Span> merged;
    for (const Span &s : spans) {
        if (s.end <= s.begin || s.end > text.size())
            continue;
        if (!merged.empty() && s.begin < merged.back().end) {
            merged.back().end = std::max(merged.back().end, s.end);
            merged.back().value += s.value;
        } else {
            merged.push_back(s);
        }
    }
    QString html;
    std::size_t pos = 0;
    auto plain = [&](std::size_t from, std::size_t to) {
        html += QString::fromUtf8(text.data() + from, qsizetype(to - from)).toHtmlEscaped();
    };
    for (const Span &s : merged) {
        plain(pos, s.begin);
        const double t = scale > 0 ? std::min(1.0, std::abs(s.value) / scale) : 0.0;
        const QColor c = palette::mix(base, s.value >= 0 ? kTogether : kApart, 0.12 + 0.6 * t);
        html += QStringLiteral("<span style=\"background-color:%1\">").arg(c.name());
        plain(s.begin, s.end);
        html += QStringLiteral("<sub style=\"font-size:small\">%1</sub></span>")
                    .arg(reports::number(s.value, 2));
        pos = s.end;
    }
    plain(pos, text.size());
    return html;
}

} // namespace

ExplainView::ExplainView(JobRunner *runner, QWidget *parent) : QWidget(parent)
{
    buildUi();
    setJobRunner(runner);
    clear();
}

ExplainView::~ExplainView()
{
    if (runner_)
        runner_->cancel(kJobKind);
    delete ownRunner_;
}

void ExplainView::setJobRunner(JobRunner *runner)
{
    if (runner_)
        disconnect(runner_, nullptr, this, nullptr);
    if (!runner) {
        if (!ownRunner_)
            ownRunner_ = new JobRunner;
        runner = ownRunner_;
    }
    runner_ = runner;
    // No status line: the note shows only a failure.
    watchJobs(runner, this, kJobKind, {progress_, nullptr, {}, [this](const QString &message) {
                                           note_->setText(tr("Failed: %1").arg(message));
                                           emit failed(message);
                                       }});
}

void ExplainView::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *head = new QHBoxLayout;
    title_ = new QLabel;
    title_->setObjectName(QStringLiteral("explainTitle"));
    title_->setWordWrap(true);
    QFont f = title_->font();
    f.setBold(true);
    title_->setFont(f);
    badge_ = new QLabel;
    badge_->setObjectName(QStringLiteral("explainBadge"));
    badge_->setMargin(3);
    head->addWidget(title_, 1);
    head->addWidget(badge_);
    layout->addLayout(head);

    sentences_ = new QTextBrowser;
    sentences_->setOpenLinks(false);
    sentences_->setMinimumHeight(90);
    sentences_->setMaximumHeight(170);
    QFont big = sentences_->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    sentences_->setFont(big);
    layout->addWidget(sentences_, 1);

    auto *row = new QHBoxLayout;
    estimateButton_ = new QPushButton(tr("Estimate"));
    estimateButton_->setToolTip(tr("Leave-one-word-out estimate: re-embeds both texts without each word in turn"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(8);
    progress_->setVisible(false);
    note_ = new QLabel;
    note_->setWordWrap(true);
    row->addWidget(estimateButton_);
    row->addWidget(note_, 1);
    layout->addLayout(row);
    layout->addWidget(progress_);

    auto makeTable = [](QLabel *&title, const QString &text) {
        auto *box = new QWidget;
        auto *v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        title = new QLabel(text);
        auto *table = reports::newListTable({tr("Word"), tr("Word"), tr("Contribution")}, reports::Fill::AllColumns, {2});
        v->addWidget(title);
        v->addWidget(table, 1);
        return std::pair{box, table};
    };
    auto [boxT, tableT] = makeTable(togetherTitle_, QString());
    auto [boxA, tableA] = makeTable(apartTitle_, QString());
    together_ = tableT;
    apart_ = tableA;
    split_ = new QSplitter(Qt::Horizontal);
    split_->addWidget(boxT);
    split_->addWidget(boxA);
    layout->addWidget(split_, 3);

    connect(estimateButton_, &QPushButton::clicked, this, &ExplainView::estimate);
}

void ExplainView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Each table needs about 220 px for two words and a contribution.
    const Qt::Orientation want = width() < 460 ? Qt::Vertical : Qt::Horizontal;
    if (split_ && split_->orientation() != want)
        split_->setOrientation(want);
}

void ExplainView::setEmbedder(std::shared_ptr<Embedder> embedder)
{
    embedder_ = std::move(embedder);
    sif_ = std::dynamic_pointer_cast<local::SifEmbedder>(embedder_);
    if (!textA_.isEmpty() || !textB_.isEmpty())
        explainTexts(textA_, textB_, rowA_, rowB_);
}

void ExplainView::setTexts(const QStringList &texts) { texts_ = texts; }

bool ExplainView::isRunning() const { return runner_ && runner_->isRunning(kJobKind); }

void ExplainView::clear()
{
    ++request_;
    if (runner_)
        runner_->cancel(kJobKind);
    mode_ = Mode::None;
    textA_.clear();
    textB_.clear();
    rowA_ = rowB_ = -1;
    cosine_ = 0;
    title_->setText(tr("Why are these two close?"));
    badge_->clear();
    badge_->setStyleSheet(QString());
    sentences_->setHtml(tr("<p>Click a heatmap cell or select two points to see which words make the two "
                           "sentences similar.</p>"));
    together_->setRowCount(0);
    apart_->setRowCount(0);
    togetherTitle_->setText(tr("Pull together"));
    apartTitle_->setText(tr("Pull apart"));
    note_->clear();
    estimateButton_->setVisible(false);
}

void ExplainView::explainRows(int rowA, int rowB)
{
    if (rowA < 0 || rowB < 0 || rowA >= texts_.size() || rowB >= texts_.size())
        return;
    explainTexts(texts_[rowA], texts_[rowB], rowA, rowB);
}

void ExplainView::setTitle()
{
    const QString who = rowA_ >= 0 && rowB_ >= 0 ? tr("rows %1 and %2").arg(displayRow(rowA_), displayRow(rowB_)) : tr("these two texts");
    if (mode_ == Mode::Exact || mode_ == Mode::Estimate)
        title_->setText(tr("Why are %1 close?  cosine %2").arg(who, reports::number(cosine_, 4)));
    else
        title_->setText(tr("Why are %1 close?").arg(who));
}

void ExplainView::explainTexts(const QString &textA, const QString &textB, int rowA, int rowB)
{
    const quint64 request = ++request_;
    if (runner_)
        runner_->cancel(kJobKind);
    textA_ = textA;
    textB_ = textB;
    rowA_ = rowA;
    rowB_ = rowB;
    together_->setRowCount(0);
    apart_->setRowCount(0);
    note_->clear();
    if (!embedder_) {
        mode_ = Mode::None;
        setTitle();
        sentences_->setHtml(tr("<p>No model: embed the texts first.</p>"));
        estimateButton_->setVisible(false);
        return;
    }
    if (!sif_) {
        showOffer();
        return;
    }
    mode_ = Mode::Exact;
    auto sif = sif_;
    const std::vector<float> component = sif_->lastDatasetComponent();
    const std::string a = textA.toStdString(), b = textB.toStdString();
    QPointer<ExplainView> self(this);
    runner_->start<local::SimilarityExplanation>(
        kJobKind, tr("Explain similarity"),
        [sif, component, a, b](JobContext &) { return sif->explainSimilarity(a, b, component); },
        [self, request](local::SimilarityExplanation &e) {
            if (self && request == self->request_)
                self->showExact(e);
        });
}

void ExplainView::showOffer()
{
    mode_ = Mode::Offer;
    cosine_ = 0;
    setTitle();
    badge_->setText(tr("ESTIMATE"));
    badge_->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 3px; }")
                              .arg(kApart.name()));
    const auto words = [](const QString &t) { return int(t.split(QRegularExpression(QStringLiteral("\\W+")),
                                                                Qt::SkipEmptyParts).size()); };
    const int n = 2 + words(textA_) + words(textB_);
    const bool remote = embedder_->isRemote();
    estimateButton_->setText(tr("Estimate (embeds %n text(s))", nullptr, n));
    estimateButton_->setVisible(true);
    estimateButton_->setEnabled(true);
    QString html = QStringLiteral("<p><b>A</b>  %1</p><p><b>B</b>  %2</p>")
                       .arg(textA_.toHtmlEscaped(), textB_.toHtmlEscaped());
    sentences_->setHtml(html);
    note_->setText(tr("%1 has no exact word-level split. The leave-one-word-out estimate removes each word in turn "
                      "and re-embeds%2.")
                       .arg(QString::fromStdString(embedder_->displayName()),
                            remote ? tr(" (the texts are sent to the provider)") : QString()));
}

void ExplainView::estimate()
{
    if (!embedder_ || (textA_.isEmpty() && textB_.isEmpty()))
        return;
    const quint64 request = ++request_;
    auto embedder = embedder_;
    const std::string a = textA_.toStdString(), b = textB_.toStdString();
    // Lexical / hybrid: the IDF comes from the batch, so the data set goes with it.
    auto context = std::make_shared<std::vector<std::string>>();
    Embedder &inner = CachingEmbedder::unwrap(*embedder_);
    if (dynamic_cast<lexical::TfidfEmbedder *>(&inner) || dynamic_cast<lexical::HybridEmbedder *>(&inner))
        for (const QString &t : std::as_const(texts_))
            context->push_back(t.toStdString());
    estimateButton_->setEnabled(false);
    note_->setText(tr("Estimating…"));
    QPointer<ExplainView> self(this);
    runner_->start<doctor::LeaveOneOutEstimate>(
        kJobKind, tr("Leave-one-word-out estimate"),
        [embedder, a, b, context](JobContext &ctx) {
            return doctor::leaveOneWordOut(*embedder, a, b, 64, ctx.progress, ctx.stop, *context);
        },
        [self, request](doctor::LeaveOneOutEstimate &e) {
            if (self && request == self->request_)
                self->showEstimate(e);
        });
}

void ExplainView::fillTable(QTableWidget *table, const QList<QStringList> &rows, const QVector<double> &values,
                            bool together)
{
    const QColor base = palette().color(QPalette::Base);
    double scale = 0;
    for (double v : values)
        scale = std::max(scale, std::abs(v));
    table->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const double t = scale > 0 ? std::abs(values[r]) / scale : 0;
        table->setItem(r, 0, new QTableWidgetItem(rows[r].value(0)));
        table->setItem(r, 1, new QTableWidgetItem(rows[r].value(1)));
        table->setItem(r, 2, reports::valueItem(rows[r].value(2), values[r], kValueRole, base,
                                               together ? kTogether : kApart, 0.1 + 0.5 * t));
    }
}

QVector<double> ExplainView::tableValues() const
{
    QVector<double> out;
    for (auto *t : {together_, apart_})
        for (int r = 0; r < t->rowCount(); ++r)
            out << t->item(r, 2)->data(kValueRole).toDouble();
    return out;
}

void ExplainView::showExact(const local::SimilarityExplanation &e)
{
    mode_ = Mode::Exact;
    cosine_ = e.cosine;
    setTitle();
    badge_->setText(tr("exact split"));
    badge_->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 3px; }")
                              .arg(kTogether.name()));
    estimateButton_->setVisible(false);

    QList<QStringList> tRows, aRows;
    QVector<double> tVals, aVals;
    double sumT = 0, sumA = 0;
    for (const auto &p : e.pairs) { // largest first
        const QStringList cells = {QString::fromStdString(e.a.words[std::size_t(p.a)].text),
                                   QString::fromStdString(e.b.words[std::size_t(p.b)].text),
                                   reports::signedNumber(p.contribution)};
        if (p.contribution >= 0) {
            tRows << cells;
            tVals << p.contribution;
            sumT += p.contribution;
        } else {
            aRows.prepend(cells); // most negative first
            aVals.prepend(p.contribution);
            sumA += p.contribution;
        }
    }
    for (auto *t : {together_, apart_})
        t->setHorizontalHeaderLabels({tr("Word in A"), tr("Word in B"), tr("Contribution")});
    fillTable(together_, tRows, tVals, true);
    fillTable(apart_, aRows, aVals, false);
    togetherTitle_->setText(tr("<b>Pull together</b>: %n pair(s), sum %1", nullptr, int(tRows.size()))
                                .arg(reports::signedNumber(sumT)));
    apartTitle_->setText(tr("<b>Pull apart</b>: %n pair(s), sum %1", nullptr, int(aRows.size()))
                             .arg(reports::signedNumber(sumA)));

    const std::string a = textA_.toStdString(), b = textB_.toStdString();
    std::vector<Span> sa, sb;
    double scale = 0;
    for (std::size_t i = 0; i < e.a.words.size(); ++i) {
        const double v = i < e.wordTotalsA.size() ? e.wordTotalsA[i] : 0;
        sa.push_back({e.a.words[i].begin, e.a.words[i].end, v});
        scale = std::max(scale, std::abs(v));
    }
    for (std::size_t i = 0; i < e.b.words.size(); ++i) {
        const double v = i < e.wordTotalsB.size() ? e.wordTotalsB[i] : 0;
        sb.push_back({e.b.words[i].begin, e.b.words[i].end, v});
        scale = std::max(scale, std::abs(v));
    }
    const QColor base = palette().color(QPalette::Base);
    QString html = QStringLiteral("<p><b>A</b>&nbsp; %1</p><p><b>B</b>&nbsp; %2</p>")
                       .arg(highlighted(a, sa, scale, base), highlighted(b, sb, scale, base));
    QStringList unknown;
    for (const auto &w : e.a.unknownWords)
        unknown << QString::fromStdString(w);
    for (const auto &w : e.b.unknownWords)
        unknown << QString::fromStdString(w);
    html += QStringLiteral("<p style=\"font-size:small\">%1</p>")
                .arg(tr("Each word's number is the sum of its pairs; all pairs sum to the cosine %1. "
                        "<span style=\"background-color:%2\">&nbsp;blue&nbsp;</span> pulls together, "
                        "<span style=\"background-color:%3\">&nbsp;orange&nbsp;</span> pulls apart.")
                         .arg(reports::number(e.cosine, 4), palette::mix(base, kTogether, 0.5).name(),
                              palette::mix(base, kApart, 0.5).name()));
    if (!unknown.isEmpty())
        html += QStringLiteral("<p style=\"font-size:small\">%1</p>")
                    .arg(tr("Not in the model's vocabulary (left out): %1").arg(unknown.join(QStringLiteral(", ")).toHtmlEscaped()));
    sentences_->setHtml(html);
    note_->setText(tr("Exact: the local model's sentence vector is a weighted sum of word vectors."));
    emit explained();
}

void ExplainView::showEstimate(const doctor::LeaveOneOutEstimate &e)
{
    mode_ = Mode::Estimate;
    cosine_ = e.cosine;
    setTitle();
    badge_->setText(tr("ESTIMATE"));
    estimateButton_->setEnabled(true);
    estimateButton_->setText(tr("Estimate again"));

    struct W {
        QString word, where;
        double v;
    };
    QVector<W> all;
    for (const auto &w : e.a)
        if (!w.skipped)
            all.push_back({QString::fromStdString(w.word), QStringLiteral("A"), w.influence});
    for (const auto &w : e.b)
        if (!w.skipped)
            all.push_back({QString::fromStdString(w.word), QStringLiteral("B"), w.influence});
    std::stable_sort(all.begin(), all.end(), [](const W &x, const W &y) { return x.v > y.v; });
    QList<QStringList> tRows, aRows;
    QVector<double> tVals, aVals;
    for (const W &w : all) {
        const QStringList cells = {w.word, w.where, reports::signedNumber(w.v)};
        if (w.v >= 0) {
            tRows << cells;
            tVals << w.v;
        } else {
            aRows.prepend(cells);
            aVals.prepend(w.v);
        }
    }
    for (auto *t : {together_, apart_})
        t->setHorizontalHeaderLabels({tr("Word"), tr("In"), tr("Influence (est.)")});
    fillTable(together_, tRows, tVals, true);
    fillTable(apart_, aRows, aVals, false);
    togetherTitle_->setText(tr("<b>Estimate: words that pull together</b> (%n)", nullptr, int(tRows.size())));
    apartTitle_->setText(tr("<b>Estimate: words that pull apart</b> (%n)", nullptr, int(aRows.size())));

    std::vector<Span> sa, sb;
    double scale = 0;
    for (const auto &w : e.a) {
        sa.push_back({w.begin, w.end, w.influence});
        scale = std::max(scale, std::abs(w.influence));
    }
    for (const auto &w : e.b) {
        sb.push_back({w.begin, w.end, w.influence});
        scale = std::max(scale, std::abs(w.influence));
    }
    const QColor base = palette().color(QPalette::Base);
    QString html = QStringLiteral("<p><b>A</b>&nbsp; %1</p><p><b>B</b>&nbsp; %2</p>")
                       .arg(highlighted(textA_.toStdString(), sa, scale, base),
                            highlighted(textB_.toStdString(), sb, scale, base));
    html += QStringLiteral("<p style=\"font-size:small\"><b>%1</b></p>")
                .arg(tr("Estimate, not an exact split: each number is the cosine %1 minus the cosine with that word "
                        "removed; they need not sum to the cosine.")
                         .arg(reports::number(e.cosine, 4)));
    sentences_->setHtml(html);
    note_->setText(tr("Leave-one-word-out estimate from %n embedded text(s).", nullptr, e.textsEmbedded));
    emit explained();
}

} // namespace es
