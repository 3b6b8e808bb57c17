#pragma once
// SentencesDock: the sentence table (left, full height) with its search row above and the
// "new sentence" box below, and the edit actions on it (add, paste, delete; also in the Edit
// menu). Edits go to the SentenceModel (undoable); the table shares the window's selection
// model. The search marks its hits in the table and reports them (hitsChanged) for the
// window to highlight them in the views.
#include <QDockWidget>
#include <QVector>

class QAction;
class QCheckBox;
class QItemSelectionModel;
class QJsonObject;
class QLabel;
class QLineEdit;
class QTableView;

namespace es {

class SentenceModel;

class SentencesDock : public QDockWidget {
    Q_OBJECT
public:
    SentencesDock(SentenceModel *model, QItemSelectionModel *selection, QWidget *parent = nullptr);

    QTableView *table() const { return table_; }
    QLineEdit *searchBox() const { return search_; }
    QLineEdit *newSentenceBox() const { return newSentence_; }
    // Rows matching the search box.
    const QVector<int> &searchHits() const { return searchHits_; }
    // Finds the rows again (after the texts changed).
    void updateSearch();
    // Edit > Find: the focus in the search box.
    void focusSearch();

    QAction *addRowAction() const { return addRowAction_; }
    QAction *pasteAction() const { return pasteAction_; }
    QAction *deleteRowsAction() const { return deleteRowsAction_; }

    // The search in a project's view state ("search", "searchRegex"), and back.
    void saveState(QJsonObject &params) const;
    void restoreState(const QJsonObject &params);

signals:
    void hitsChanged();
    // A message for the status bar.
    void message(const QString &text);

private:
    void addSentenceFromBox();
    void pasteSentences();
    void addRow();
    void deleteSelectedRows();

    SentenceModel *model_;
    QItemSelectionModel *selection_;
    QTableView *table_ = nullptr;
    QLineEdit *search_ = nullptr;
    QCheckBox *searchRegex_ = nullptr;
    QCheckBox *searchWholeWords_ = nullptr;
    QLabel *searchCount_ = nullptr;
    QLineEdit *newSentence_ = nullptr;
    QAction *addRowAction_ = nullptr;
    QAction *pasteAction_ = nullptr;
    QAction *deleteRowsAction_ = nullptr;
    QVector<int> searchHits_;
};

} // namespace es
