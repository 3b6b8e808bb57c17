#include "views/colorbybox.h"

#include "models/sentencemodel.h"

#include <QSignalBlocker>

#include <algorithm>

namespace es {

ColorByBox::ColorByBox(SentenceModel *model, QWidget *parent) : QComboBox(parent), model_(model)
{
    setObjectName(QStringLiteral("colorBy"));
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(10);
    addItem(tr("label"), QString());
    setToolTip(tr("The column the 2D and 3D maps colour points by: text values get one colour "
                  "each, numbers a colour scale"));
}

void ColorByBox::updateColumns()
{
    // The box lists the label column, then every metadata column (item data: "" = label).
    const QString labelTitle = model_->headerData(SentenceModel::LabelColumn, Qt::Horizontal).toString();
    const QStringList names = model_->metadataNames();
    QStringList items{labelTitle};
    items += names;
    QStringList have;
    for (int i = 0; i < count(); ++i)
        have << itemText(i);
    if (have == items)
        return;
    const QString want = column();
    const QSignalBlocker block(this);
    clear();
    addItem(labelTitle, QString());
    for (const QString &n : names)
        addItem(n, n);
    setCurrentIndex(std::max(0, findData(want)));
}

void ColorByBox::setColumn(const QString &name)
{
    setCurrentIndex(std::max(0, findData(name)));
}

colorby::Coloring ColorByBox::coloring(const QVector<int> &labelGroup, const QList<PointGroup> &labelGroups,
                                       bool dark) const
{
    const QStringList names = model_->metadataNames();
    const int col = int(names.indexOf(column()));
    if (col < 0 || currentIndex() == 0) {
        colorby::Coloring c;
        c.title = model_->headerData(SentenceModel::LabelColumn, Qt::Horizontal).toString();
        c.group = labelGroup;
        c.groups = labelGroups;
        return c;
    }
    QStringList values;
    values.reserve(model_->rowCount());
    for (int r = 0; r < model_->rowCount(); ++r)
        values << model_->rowAt(r).metadata.value(col);
    return colorby::fromValues(names[col], values, dark);
}

} // namespace es
