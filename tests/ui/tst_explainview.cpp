// ExplainView: with the local model the pair table holds the exact split (every value
// together sums to the cosine of the two sentence vectors) and the words are highlighted;
// with another model nothing is computed until the user clicks Estimate, and the result is
// labelled an estimate.
#include "views/explainview.h"

#include "embed/lexical/lexical_embedder.h"
#include "jobs/jobrunner.h"

#include "testdata.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include "tools/testmain.h"

#include <QTextBrowser>

using namespace es;


namespace {

// Bag of lower-case words, counted: a model whose cosines can be checked by hand.
class WordCounts : public es::Embedder {
public:
    std::string id() const override { return "test:word-counts"; }
    std::string displayName() const override { return "word counts"; }
    int dimensions() const override { return 64; }
    bool isRemote() const override { return false; }
    es::Result<es::EmbedResult> embed(const std::vector<std::string> &texts, const es::Progress &,
                                      std::stop_token) override
    {
        es::EmbedResult r;
        r.vectors = es::Matrix::Zero(Eigen::Index(texts.size()), 64);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const QStringList words = QString::fromStdString(texts[i]).toLower().split(' ', Qt::SkipEmptyParts);
            for (const QString &w : words)
                r.vectors(Eigen::Index(i), vocabulary_.indexOf(w) >= 0 ? vocabulary_.indexOf(w) : add(w)) += 1.0f;
        }
        return r;
    }

private:
    int add(const QString &w)
    {
        vocabulary_.append(w);
        return int(vocabulary_.size()) - 1;
    }
    QStringList vocabulary_;
};

} // namespace

class TestExplainView : public QObject {
    Q_OBJECT
private slots:
    void estimateOnDemandForOtherModels()
    {
        JobRunner runner;
        ExplainView view(&runner);
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setEmbedder(std::make_shared<lexical::TfidfEmbedder>());
        view.setTexts({"the cat sleeps on the warm mat", "a cat naps on the mat", "stocks fell sharply"});

        // Named columns before anything is explained (they read "1 2 3").
        for (QTableWidget *t : {view.togetherTable(), view.apartTable()})
            for (int c = 0; c < t->columnCount(); ++c) {
                const QString h = t->horizontalHeaderItem(c) ? t->horizontalHeaderItem(c)->text() : QString();
                QVERIFY2(!h.isEmpty() && !h.front().isDigit(), qPrintable(h));
            }
        view.explainRows(0, 1);
        QCOMPARE(view.mode(), ExplainView::Mode::Offer);
        // The title numbers the rows as the sentence table does (from 1).
        QVERIFY2(view.findChild<QLabel *>("explainTitle")->text().contains("rows 1 and 2"),
                 qPrintable(view.findChild<QLabel *>("explainTitle")->text()));
        QVERIFY(!runner.isBusy()); // nothing embedded before the user asks
        QCOMPARE(view.togetherTable()->rowCount(), 0);
        QVERIFY(view.estimateButton()->isVisible());
        QVERIFY(view.estimateButton()->text().contains("15")); // 2 texts + 13 words

        QSignalSpy explained(&view, &ExplainView::explained);
        QTest::mouseClick(view.estimateButton(), Qt::LeftButton);
        QVERIFY(explained.wait(30000));
        QCOMPARE(view.mode(), ExplainView::Mode::Estimate);
        QVERIFY(!view.isExact());
        // The cosine shown is the TF-IDF cosine of the two texts, as the core estimate
        // computed it for this batch (doctor::leaveOneWordOut with the same texts and a fresh
        // embedder: the expected value is this program's core output, which the view must
        // show unchanged; the hand-checked value is in estimateShowsAHandComputedCosine).
        {
            lexical::TfidfEmbedder same;
            const std::vector<std::string> texts = {"the cat sleeps on the warm mat", "a cat naps on the mat",
                                                    "stocks fell sharply"};
            auto e = doctor::leaveOneWordOut(same, texts[0], texts[1], 64, {}, {}, texts);
            QVERIFY(e);
            QVERIFY2(std::abs(view.cosine() - e->cosine) < 1e-12,
                     qPrintable(QString("%1 vs %2").arg(view.cosine()).arg(e->cosine)));
        }
        // Labelled as an estimate: badge, column header, table title and the text.
        auto *badge = view.findChild<QLabel *>("explainBadge");
        QVERIFY(badge);
        QCOMPARE(badge->text(), QString("ESTIMATE"));
        QVERIFY(view.togetherTable()->horizontalHeaderItem(2)->text().contains("est."));
        QVERIFY(view.sentences()->toPlainText().contains("Estimate, not an exact split"));
        // The shared words "cat" and "mat" pull the texts together.
        QStringList together;
        for (int r = 0; r < view.togetherTable()->rowCount(); ++r)
            together << view.togetherTable()->item(r, 0)->text();
        QVERIFY(together.contains("cat"));
        QVERIFY(together.contains("mat"));
        const auto values = view.tableValues();
        QVERIFY(values.size() >= 10);
    }

    void estimateShowsAHandComputedCosine()
    {
        // Word counts (no IDF, no hashing): "the cat sleeps on the warm mat" has
        // the:2 cat sleeps on warm mat (norm 3), "a cat naps on the mat" has
        // a cat naps on the mat (norm sqrt 6); shared: the 2*1, cat, on, mat: dot 5.
        // Cosine 5 / (3 sqrt 6) = 0.680414.
        JobRunner runner;
        ExplainView view(&runner);
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setEmbedder(std::make_shared<WordCounts>());
        view.setTexts({"the cat sleeps on the warm mat", "a cat naps on the mat"});
        view.explainRows(0, 1);
        QSignalSpy explained(&view, &ExplainView::explained);
        QTest::mouseClick(view.estimateButton(), Qt::LeftButton);
        QVERIFY(explained.wait(30000));
        QCOMPARE(view.mode(), ExplainView::Mode::Estimate);
        QVERIFY2(std::abs(view.cosine() - 5.0 / (3.0 * std::sqrt(6.0))) < 1e-6, qPrintable(QString::number(view.cosine())));
    }

    void exactSplitSumsToCosine()
    {
        const QByteArray modelPath = qgetenv("EMBEDSCOPE_MODEL");
        if (modelPath.isEmpty() || !QFile::exists(QString::fromLocal8Bit(modelPath))) {
            if (qgetenv("EMBEDSCOPE_REQUIRE_MODEL") == "1")
                QFAIL("EMBEDSCOPE_REQUIRE_MODEL=1 but $EMBEDSCOPE_MODEL names no model file");
            QSKIP("no local model ($EMBEDSCOPE_MODEL unset)");
        }
        auto opened = local::SifEmbedder::open(modelPath.toStdString());
        QVERIFY2(opened, opened ? "" : opened.error().message.c_str());
        std::shared_ptr<local::SifEmbedder> sif(std::move(*opened));

        const QString a = "The cat sleeps on the warm mat.", b = "A kitten naps on a rug, far from the stock market.";
        auto vectors = sif->embed({a.toStdString(), b.toStdString()});
        QVERIFY(vectors);
        const auto &m = vectors->vectors;
        const double cosine = double(m.row(0).dot(m.row(1))) / (double(m.row(0).norm()) * double(m.row(1).norm()));

        JobRunner runner;
        ExplainView view(&runner);
        view.resize(900, 650);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setEmbedder(sif);
        view.setTexts({a, b});
        QSignalSpy explained(&view, &ExplainView::explained);
        view.explainRows(0, 1);
        QVERIFY(explained.wait(30000));
        QCOMPARE(view.mode(), ExplainView::Mode::Exact);
        QVERIFY(!view.estimateButton()->isVisible());
        QVERIFY(std::abs(view.cosine() - cosine) < 1e-4);

        // Every pair shown, and all values sum to the cosine.
        const auto values = view.tableValues();
        QVERIFY(values.size() > 20);
        double sum = 0;
        for (double v : values)
            sum += v;
        QVERIFY2(std::abs(sum - cosine) < 1e-4, qPrintable(QString("sum %1, cosine %2").arg(sum).arg(cosine)));
        // Both tables are sorted: together descending, apart ascending (most negative first).
        QTableWidget *t = view.togetherTable(), *p = view.apartTable();
        QVERIFY(t->rowCount() > 0 && p->rowCount() > 0);
        for (int r = 1; r < t->rowCount(); ++r)
            QVERIFY(t->item(r - 1, 2)->data(Qt::UserRole).toDouble() >= t->item(r, 2)->data(Qt::UserRole).toDouble());
        for (int r = 1; r < p->rowCount(); ++r)
            QVERIFY(p->item(r - 1, 2)->data(Qt::UserRole).toDouble() <= p->item(r, 2)->data(Qt::UserRole).toDouble());
        QVERIFY(p->item(0, 2)->data(Qt::UserRole).toDouble() < 0);
        // The strongest pair is shown first and its words are the model's words.
        QVERIFY(!t->item(0, 0)->text().isEmpty());
        QVERIFY(a.toLower().contains(t->item(0, 0)->text()));
        QVERIFY(b.toLower().contains(t->item(0, 1)->text()));

        // The sentences are shown with highlighted words (coloured spans) and the cosine.
        const QString html = view.sentences()->toHtml();
        QVERIFY(html.contains("background-color"));
        const QString plain = view.sentences()->toPlainText();
        QVERIFY(plain.contains("kitten"));
        QVERIFY(plain.contains(QString::number(cosine, 'f', 4)));
        auto *badge = view.findChild<QLabel *>("explainBadge");
        QCOMPARE(badge->text(), QString("exact split"));

        // A heatmap-style request for another pair replaces the result.
        view.explainTexts("The cat sleeps.", "The cat sleeps.");
        QVERIFY(explained.wait(30000));
        QVERIFY(std::abs(view.cosine() - 1.0) < 1e-4);
    }

    void screenshot()
    {
        QString why;
        auto demo = shot::demo(&why);
        if (!demo)
            QSKIP(qPrintable(why));
        auto &[ds, sif, vectors] = *demo;
        // Row 0 and its most similar other row.
        Matrix unit = vectors->rowwise().normalized();
        Eigen::VectorXf sims = unit * unit.row(0).transpose();
        sims(0) = -2;
        Eigen::Index best = 0;
        sims.maxCoeff(&best);
        QStringList texts;
        for (const auto &t : ds.texts)
            texts << QString::fromStdString(t);
        ExplainView view;
        view.resize(900, 640);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setEmbedder(sif);
        view.setTexts(texts);
        QSignalSpy explained(&view, &ExplainView::explained);
        view.explainRows(0, int(best));
        QVERIFY(explained.wait(30000));
        QTest::qWait(100);
        QVERIFY(view.grab().save(shot::dir() + "/explain_exact.png"));
        view.setEmbedder(std::make_shared<lexical::TfidfEmbedder>());
        QTest::qWait(100);
        QVERIFY(view.grab().save(shot::dir() + "/explain_offer.png"));
        view.estimate();
        QVERIFY(explained.wait(30000));
        QTest::qWait(100);
        QVERIFY(view.grab().save(shot::dir() + "/explain_estimate.png"));
    }
};

ES_TEST_MAIN(TestExplainView)
#include "tst_explainview.moc"
