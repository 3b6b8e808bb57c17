#include "models/sentencemodel.h"

#include "views/rownumber.h"

#include <QBrush>
#include <QColor>
#include <QRegularExpression>
#include <QUndoCommand>

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace es {

// Changes one cell; consecutive edits are separate steps (one per commit of an editor).
class SetCellCommand : public QUndoCommand {
public:
    SetCellCommand(SentenceModel *m, int row, int column, QString before, QString after)
        : m_(m), row_(row), column_(column), before_(std::move(before)), after_(std::move(after))
    {
        setText(column == SentenceModel::TextColumn ? QObject::tr("Edit sentence %1").arg(displayRow(row))
                                                    : QObject::tr("Edit cell"));
    }
    void redo() override { m_->setCellDirect(row_, column_, after_); }
    void undo() override { m_->setCellDirect(row_, column_, before_); }

private:
    SentenceModel *m_;
    int row_, column_;
    QString before_, after_;
};

class InsertRowsCommand : public QUndoCommand {
public:
    InsertRowsCommand(SentenceModel *m, int row, QVector<SentenceModel::Row> rows, const QString &what)
        : m_(m), row_(row), rows_(std::move(rows))
    {
        setText(what.isEmpty() ? QObject::tr("Add %n sentence(s)", nullptr, int(rows_.size())) : what);
    }
    void redo() override { m_->insertDirect(row_, rows_); }
    void undo() override { m_->removeDirect(row_, int(rows_.size())); }

private:
    SentenceModel *m_;
    int row_;
    QVector<SentenceModel::Row> rows_;
};

// Removes any set of rows; undo puts each back at its old position.
class RemoveRowsCommand : public QUndoCommand {
public:
    RemoveRowsCommand(SentenceModel *m, QList<int> rows) : m_(m)
    {
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
        for (int r : rows)
            removed_.append({r, m->rowAt(r)});
        setText(QObject::tr("Delete %n sentence(s)", nullptr, int(rows.size())));
    }
    void redo() override
    {
        // Contiguous runs from the bottom up, so earlier indices stay valid.
        int i = int(removed_.size()) - 1;
        while (i >= 0) {
            int j = i;
            while (j > 0 && removed_[j - 1].first == removed_[j].first - 1)
                --j;
            m_->removeDirect(removed_[j].first, i - j + 1);
            i = j - 1;
        }
    }
    void undo() override
    {
        int i = 0;
        while (i < removed_.size()) {
            int j = i;
            QVector<SentenceModel::Row> run{removed_[i].second};
            while (j + 1 < removed_.size() && removed_[j + 1].first == removed_[j].first + 1)
                run.append(removed_[++j].second);
            m_->insertDirect(removed_[i].first, run);
            i = j + 1;
        }
    }

private:
    SentenceModel *m_;
    QVector<QPair<int, SentenceModel::Row>> removed_;
};

SentenceModel::SentenceModel(QObject *parent) : QAbstractTableModel(parent)
{
    undo_.setUndoLimit(1000);
}

SentenceModel::Prepared SentenceModel::prepare(const Dataset &ds)
{
    Prepared out;
    out.source = QString::fromStdString(ds.source);
    out.textName = ds.textColumn.empty() ? QStringLiteral("text") : QString::fromStdString(ds.textColumn);
    out.labelName = ds.label() ? QString::fromStdString(ds.label()->name) : QStringLiteral("label");
    QVector<int> metaCols;
    for (int c = 0; c < int(ds.columns.size()); ++c) {
        if (c == ds.labelColumn)
            continue;
        metaCols.append(c);
        out.metadataNames.append(QString::fromStdString(ds.columns[c].name));
    }
    // Labels repeat (a dozen values over a million rows): one shared QString per value.
    std::unordered_map<std::string, QString> labels;
    const Column *l = ds.label();
    out.rows.resize(qsizetype(ds.size()));
    for (std::size_t i = 0; i < ds.size(); ++i) {
        Row &r = out.rows[qsizetype(i)];
        r.text = QString::fromStdString(ds.texts[i]);
        if (l && i < l->values.size()) {
            auto it = labels.find(l->values[i]);
            if (it == labels.end())
                it = labels.emplace(l->values[i], QString::fromStdString(l->values[i])).first;
            r.label = it->second;
        }
        if (!metaCols.isEmpty()) {
            r.metadata.reserve(metaCols.size());
            for (int c : metaCols) {
                const auto &vals = ds.columns[c].values;
                r.metadata.append(i < vals.size() ? QString::fromStdString(vals[i]) : QString());
            }
        }
    }
    // The lists the views take, made here too (prepare may run off the GUI thread).
    out.texts.reserve(out.rows.size());
    out.labels.reserve(out.rows.size());
    for (const Row &r : std::as_const(out.rows)) {
        out.texts.append(r.text);
        out.labels.append(r.label);
    }
    return out;
}

void SentenceModel::setDataset(const Dataset &ds)
{
    setPrepared(prepare(ds));
}

void SentenceModel::setPrepared(Prepared p)
{
    beginResetModel();
    // The old rows are freed after the reset (a million of them take a while); swapped out
    // here so that the model never holds both.
    QVector<Row> old = std::exchange(rows_, std::move(p.rows));
    rowsChanged();
    if (p.texts.size() == rows_.size() && p.labels.size() == rows_.size()) {
        texts_ = std::move(p.texts);
        labels_ = std::move(p.labels);
    }
    metadataNames_ = std::move(p.metadataNames);
    highlighted_.clear();
    source_ = std::move(p.source);
    textName_ = std::move(p.textName);
    labelName_ = std::move(p.labelName);
    endResetModel();
    undo_.clear();
    emit textsChanged();
}

void SentenceModel::clear()
{
    setDataset(Dataset{});
}

Dataset SentenceModel::toDataset() const
{
    Dataset ds;
    ds.source = source_.toStdString();
    ds.textColumn = textName_.toStdString();
    ds.texts.reserve(std::size_t(rows_.size()));
    for (const Row &r : rows_)
        ds.texts.push_back(r.text.toStdString());
    const bool anyLabel = std::any_of(rows_.begin(), rows_.end(), [](const Row &r) { return !r.label.isEmpty(); });
    if (anyLabel) {
        Column c{labelName_.toStdString(), {}};
        for (const Row &r : rows_)
            c.values.push_back(r.label.toStdString());
        ds.columns.push_back(std::move(c));
        ds.labelColumn = 0;
    }
    for (int m = 0; m < metadataNames_.size(); ++m) {
        Column c{metadataNames_[m].toStdString(), {}};
        for (const Row &r : rows_)
            c.values.push_back(m < r.metadata.size() ? r.metadata[m].toStdString() : std::string());
        ds.columns.push_back(std::move(c));
    }
    return ds;
}

QStringList SentenceModel::texts() const
{
    if (!texts_) {
        QStringList out;
        out.reserve(rows_.size());
        for (const Row &r : rows_)
            out.append(r.text);
        texts_ = std::move(out);
    }
    return *texts_;
}

QStringList SentenceModel::labels() const
{
    if (!labels_) {
        QStringList out;
        out.reserve(rows_.size());
        for (const Row &r : rows_)
            out.append(r.label);
        labels_ = std::move(out);
    }
    return *labels_;
}

void SentenceModel::insertRowsUndoable(int row, const QVector<Row> &rows, const QString &what)
{
    if (rows.isEmpty())
        return;
    row = std::clamp(row, 0, int(rows_.size()));
    undo_.push(new InsertRowsCommand(this, row, rows, what));
}

void SentenceModel::insertTexts(int row, const QStringList &texts)
{
    QVector<Row> rows;
    for (const QString &t : texts) {
        const QString s = t.trimmed();
        if (!s.isEmpty())
            rows.append(Row{s, {}, {}});
    }
    insertRowsUndoable(row, rows);
}

int SentenceModel::pasteLines(int row, const QString &clipboard)
{
    QVector<Row> rows;
    const QStringList lines = clipboard.split(QRegularExpression(QStringLiteral("\r\n|\n|\r")));
    for (const QString &line : lines) {
        const QStringList cells = line.split(QLatin1Char('\t'));
        const QString text = cells.value(0).trimmed();
        if (text.isEmpty())
            continue;
        Row r{text, cells.size() > 1 ? cells.at(1).trimmed() : QString(), {}};
        for (int m = 0; m < metadataNames_.size(); ++m)
            r.metadata.append(cells.size() > 2 + m ? cells.at(2 + m).trimmed() : QString());
        rows.append(r);
    }
    insertRowsUndoable(row, rows, tr("Paste %n sentence(s)", nullptr, int(rows.size())));
    return int(rows.size());
}

void SentenceModel::removeRowsUndoable(QList<int> rows)
{
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [this](int r) { return r < 0 || r >= this->rows_.size(); }),
               rows.end());
    if (rows.isEmpty())
        return;
    undo_.push(new RemoveRowsCommand(this, rows));
}

bool SentenceModel::setCellUndoable(int row, int column, const QString &value)
{
    if (row < 0 || row >= rows_.size() || column < 0 || column >= columnCount())
        return false;
    QString v = column == TextColumn ? value.trimmed() : value;
    if (column == TextColumn && v.isEmpty())
        return false; // an empty text cannot be embedded; delete the row instead
    if (cell(row, column) == v)
        return true;
    undo_.push(new SetCellCommand(this, row, column, cell(row, column), v));
    return true;
}

void SentenceModel::setHighlightedRows(const QSet<int> &rows)
{
    if (rows == highlighted_)
        return;
    highlighted_ = rows;
    if (!rows_.isEmpty())
        emit dataChanged(index(0, 0), index(int(rows_.size()) - 1, columnCount() - 1),
                         {Qt::BackgroundRole, Qt::ForegroundRole});
}

QString SentenceModel::cell(int row, int column) const
{
    const Row &r = rows_.at(row);
    if (column == TextColumn)
        return r.text;
    if (column == LabelColumn)
        return r.label;
    return r.metadata.value(column - FirstMetadataColumn);
}

void SentenceModel::setCellDirect(int row, int column, const QString &value)
{
    Row &r = rows_[row];
    rowsChanged();
    if (column == TextColumn)
        r.text = value;
    else if (column == LabelColumn)
        r.label = value;
    else {
        while (r.metadata.size() < metadataNames_.size())
            r.metadata.append(QString());
        r.metadata[column - FirstMetadataColumn] = value;
    }
    emit dataChanged(index(row, column), index(row, column), {Qt::DisplayRole, Qt::EditRole});
    if (column == TextColumn)
        emit textsChanged();
    else
        emit labelsChanged();
}

void SentenceModel::insertDirect(int row, const QVector<Row> &rows)
{
    beginInsertRows({}, row, row + int(rows.size()) - 1);
    for (int i = 0; i < rows.size(); ++i)
        rows_.insert(row + i, rows[i]);
    rowsChanged();
    endInsertRows();
    QSet<int> moved;
    for (int h : std::as_const(highlighted_))
        moved.insert(h >= row ? h + int(rows.size()) : h);
    highlighted_ = moved;
    emit textsChanged();
}

void SentenceModel::removeDirect(int row, int count)
{
    beginRemoveRows({}, row, row + count - 1);
    rows_.remove(row, count);
    rowsChanged();
    endRemoveRows();
    QSet<int> moved;
    for (int h : std::as_const(highlighted_)) {
        if (h < row)
            moved.insert(h);
        else if (h >= row + count)
            moved.insert(h - count);
    }
    highlighted_ = moved;
    emit textsChanged();
}

int SentenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int SentenceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstMetadataColumn + int(metadataNames_.size());
}

QVariant SentenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return cell(index.row(), index.column());
    case Qt::ToolTipRole:
        return index.column() == TextColumn ? QVariant(rows_.at(index.row()).text) : QVariant();
    case Qt::BackgroundRole:
        if (highlighted_.contains(index.row()))
            return QBrush(QColor(255, 226, 110));
        return {};
    case Qt::ForegroundRole:
        if (highlighted_.contains(index.row()))
            return QBrush(QColor(20, 20, 20));
        return {};
    default:
        return {};
    }
}

QVariant SentenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return displayRow(section);
    if (section == TextColumn)
        return tr("Text");
    if (section == LabelColumn)
        return labelName_ == QLatin1String("label") ? tr("Label") : labelName_;
    return metadataNames_.value(section - FirstMetadataColumn);
}

Qt::ItemFlags SentenceModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool SentenceModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    return setCellUndoable(index.row(), index.column(), value.toString());
}

} // namespace es
