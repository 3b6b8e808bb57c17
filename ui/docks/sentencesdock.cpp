#include "docks/sentencesdock.h"

#include "models/sentencemodel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSet>
#include <QTableView>
#include <QVBoxLayout>

namespace es {

SentencesDock::SentencesDock(SentenceModel *model, QItemSelectionModel *selection, QWidget *parent)
    : QDockWidget(tr("Sentences"), parent), model_(model), selection_(selection)
{
    setObjectName(QStringLiteral("sentencesDock"));
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);

    addRowAction_ = new QAction(tr("&Add Sentence"), this);
    addRowAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    connect(addRowAction_, &QAction::triggered, this, &SentencesDock::addRow);

    deleteRowsAction_ = new QAction(tr("&Delete Sentences"), this);
    deleteRowsAction_->setShortcut(QKeySequence::Delete);
    deleteRowsAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(deleteRowsAction_, &QAction::triggered, this, &SentencesDock::deleteSelectedRows);

    pasteAction_ = new QAction(tr("&Paste Sentences"), this);
    pasteAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    pasteAction_->setToolTip(tr("Add one sentence per line of the clipboard"));
    connect(pasteAction_, &QAction::triggered, this, &SentencesDock::pasteSentences);

    auto *w = new QWidget(this);
    auto *lay = new QVBoxLayout(w);
    lay->setContentsMargins(4, 4, 4, 4);

    auto *searchRow = new QHBoxLayout;
    search_ = new QLineEdit(w);
    search_->setPlaceholderText(tr("Search sentences..."));
    search_->setClearButtonEnabled(true);
    searchRegex_ = new QCheckBox(tr("Regex"), w);
    searchRegex_->setObjectName(QStringLiteral("searchRegex"));
    searchWholeWords_ = new QCheckBox(tr("Words"), w);
    searchWholeWords_->setObjectName(QStringLiteral("searchWholeWords"));
    searchWholeWords_->setToolTip(tr("Whole words only: \"rain\" does not find \"train\""));
    searchCount_ = new QLabel(w);
    searchRow->addWidget(search_, 1);
    searchRow->addWidget(searchWholeWords_);
    searchRow->addWidget(searchRegex_);
    searchRow->addWidget(searchCount_);
    lay->addLayout(searchRow);
    connect(search_, &QLineEdit::textChanged, this, &SentencesDock::updateSearch);
    connect(searchRegex_, &QCheckBox::toggled, this, &SentencesDock::updateSearch);
    connect(searchWholeWords_, &QCheckBox::toggled, this, &SentencesDock::updateSearch);

    table_ = new QTableView(w);
    table_->setObjectName(QStringLiteral("sentenceTable"));
    table_->setModel(model_);
    QItemSelectionModel *old = table_->selectionModel();
    table_->setSelectionModel(selection_);
    delete old;
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // The text takes the width the other columns leave: the label column stays in view at
    // any dock width (it vanished off the right edge at 1280 x 720).
    table_->horizontalHeader()->setSectionResizeMode(SentenceModel::TextColumn, QHeaderView::Stretch);
    table_->horizontalHeader()->setDefaultSectionSize(96);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setWordWrap(false);
    table_->setAlternatingRowColors(true);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    table_->addAction(addRowAction_);
    table_->addAction(pasteAction_);
    table_->addAction(deleteRowsAction_);
    // Ctrl+V on the table (outside an editor) pastes lines as new rows.
    auto *tablePaste = new QAction(table_);
    tablePaste->setShortcut(QKeySequence::Paste);
    tablePaste->setShortcutContext(Qt::WidgetShortcut);
    connect(tablePaste, &QAction::triggered, this, &SentencesDock::pasteSentences);
    table_->addAction(tablePaste);
    lay->addWidget(table_, 1);

    newSentence_ = new QLineEdit(w);
    newSentence_->setPlaceholderText(tr("Type a new sentence and press Enter"));
    lay->addWidget(newSentence_);
    connect(newSentence_, &QLineEdit::returnPressed, this, &SentencesDock::addSentenceFromBox);

    setWidget(w);
}

void SentencesDock::focusSearch()
{
    search_->setFocus();
    search_->selectAll();
}

void SentencesDock::updateSearch()
{
    const QString q = search_->text();
    searchHits_.clear();
    if (!q.isEmpty()) {
        // Whole words: "rain" finds "rain" and "Rain," but not "train" (the pattern is the
        // text, escaped, between word boundaries; with Regex, the pattern as written).
        const bool whole = searchWholeWords_->isChecked();
        QRegularExpression re;
        if (searchRegex_->isChecked() || whole) {
            const QString pattern = searchRegex_->isChecked() ? q : QRegularExpression::escape(q);
            re = QRegularExpression(whole ? QStringLiteral("\\b(?:%1)\\b").arg(pattern) : pattern,
                                    QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
            if (!re.isValid()) {
                searchCount_->setText(tr("bad pattern"));
                searchCount_->setToolTip(re.errorString());
                model_->setHighlightedRows({});
                emit hitsChanged();
                return;
            }
        }
        for (int r = 0; r < model_->rowCount(); ++r) {
            const QString t = model_->text(r);
            if (searchRegex_->isChecked() || whole ? re.match(t).hasMatch() : t.contains(q, Qt::CaseInsensitive))
                searchHits_.append(r);
        }
        searchCount_->setText(tr("%n match(es)", nullptr, int(searchHits_.size())));
    } else {
        searchCount_->clear();
    }
    searchCount_->setToolTip(QString());
    model_->setHighlightedRows(QSet<int>(searchHits_.begin(), searchHits_.end()));
    emit hitsChanged();
}

void SentencesDock::saveState(QJsonObject &params) const
{
    params[QStringLiteral("search")] = search_->text();
    params[QStringLiteral("searchRegex")] = searchRegex_->isChecked();
}

void SentencesDock::restoreState(const QJsonObject &params)
{
    searchRegex_->setChecked(params.value(QStringLiteral("searchRegex")).toBool());
    search_->setText(params.value(QStringLiteral("search")).toString());
}

void SentencesDock::addSentenceFromBox()
{
    const QString t = newSentence_->text().trimmed();
    if (t.isEmpty())
        return;
    model_->insertTexts(model_->rowCount(), {t});
    newSentence_->clear();
    table_->scrollToBottom();
}

void SentencesDock::pasteSentences()
{
    const QString text = QApplication::clipboard()->text();
    const QModelIndex cur = selection_->currentIndex();
    const int at = cur.isValid() ? cur.row() + 1 : model_->rowCount();
    const int added = model_->pasteLines(at, text);
    if (added == 0)
        emit message(tr("The clipboard holds no text to paste"));
    else
        emit message(tr("Pasted %n sentence(s)", nullptr, added));
}

void SentencesDock::addRow()
{
    const QModelIndex cur = selection_->currentIndex();
    const int at = cur.isValid() ? cur.row() + 1 : model_->rowCount();
    model_->insertTexts(at, {tr("New sentence")});
    const QModelIndex idx = model_->index(at, SentenceModel::TextColumn);
    selection_->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table_->scrollTo(idx);
    table_->edit(idx);
}

void SentencesDock::deleteSelectedRows()
{
    QList<int> rows;
    for (const QModelIndex &i : selection_->selectedRows())
        rows.append(i.row());
    if (rows.isEmpty() && selection_->currentIndex().isValid())
        rows.append(selection_->currentIndex().row());
    model_->removeRowsUndoable(rows);
}

} // namespace es
