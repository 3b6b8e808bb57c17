#pragma once
// SentenceModel: the editable sentence table (text, label, metadata columns).
// Every user edit (cell edit, added, pasted and deleted rows) goes through a QUndoCommand
// on the model's QUndoStack, so Undo/Redo cover all of them; loading a data set replaces
// the content and clears the stack. Rows can be highlighted (search hits).
#include "dataset/dataset.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QStringList>

#include <optional>
#include <QUndoStack>
#include <QVector>

namespace es {

class SentenceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum FixedColumn { TextColumn = 0, LabelColumn = 1, FirstMetadataColumn = 2 };

    // One table row; metadata holds one value per metadataNames() entry.
    struct Row {
        QString text;
        QString label;
        QStringList metadata;
        bool operator==(const Row &) const = default;
    };

    explicit SentenceModel(QObject *parent = nullptr);

    QUndoStack *undoStack() { return &undo_; }

    // Replaces the content (not undoable: the undo stack is cleared).
    void setDataset(const Dataset &dataset);
    // The table of a data set made ahead, on any thread (a million rows take about a second
    // to convert): setPrepared then only moves it in. Repeated labels share one string.
    struct Prepared {
        QVector<Row> rows;
        QStringList metadataNames;
        QString labelName, textName, source;
        QStringList texts, labels; // texts() and labels() of these rows, made with them
    };
    static Prepared prepare(const Dataset &dataset);
    void setPrepared(Prepared prepared);
    // The content as a core Dataset (label column included when any row has a label).
    Dataset toDataset() const;
    void clear();

    QString text(int row) const { return rows_.at(row).text; }
    QString label(int row) const { return rows_.at(row).label; }
    const Row &rowAt(int row) const { return rows_.at(row); }
    // Every row's text / label, in row order. Made once and kept until the rows change (a
    // million-row set is handed to several views; the lists share their strings).
    QStringList texts() const;
    QStringList labels() const;
    QStringList metadataNames() const { return metadataNames_; }
    QString labelName() const { return labelName_; }
    QString source() const { return source_; }
    void setSource(const QString &source) { source_ = source; }

    // Undoable edits. insertRows* insert before `row` (row == rowCount() appends).
    void insertRowsUndoable(int row, const QVector<Row> &rows, const QString &what = {});
    void insertTexts(int row, const QStringList &texts);
    // Pastes text: one row per non-blank line; "text<TAB>label" lines fill the label too.
    // Returns the number of rows added.
    int pasteLines(int row, const QString &clipboard);
    void removeRowsUndoable(QList<int> rows);
    bool setCellUndoable(int row, int column, const QString &value);

    // Rows drawn highlighted (search hits).
    void setHighlightedRows(const QSet<int> &rows);
    const QSet<int> &highlightedRows() const { return highlighted_; }

    // QAbstractItemModel
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

signals:
    // textsChanged: after every change of texts or rows (edits, inserts, removals, resets),
    // which may change labels too (one signal, so a listener does its work once);
    // labelsChanged: after label and metadata edits only, which need no re-embedding.
    void textsChanged();
    void labelsChanged();

private:
    friend class SetCellCommand;
    friend class InsertRowsCommand;
    friend class RemoveRowsCommand;
    QString cell(int row, int column) const;
    void setCellDirect(int row, int column, const QString &value);
    void insertDirect(int row, const QVector<Row> &rows);
    void removeDirect(int row, int count);

    QVector<Row> rows_;
    mutable std::optional<QStringList> texts_, labels_; // texts() / labels(), until the rows change
    void rowsChanged()
    {
        texts_.reset();
        labels_.reset();
    }
    QStringList metadataNames_;
    QString labelName_ = QStringLiteral("label");
    QString textName_ = QStringLiteral("text");
    QString source_;
    QSet<int> highlighted_;
    QUndoStack undo_;
};

} // namespace es
