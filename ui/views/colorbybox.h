#pragma once
// ColorByBox: the maps' "Colour by" box (on the projection bar): the label column, then
// every metadata column of the sentences. coloring() colours the rows by the choice
// (colorby.h: text values one colour each, numbers a colour scale; the label column: the
// label groups every view shares). Its width fits about 10 characters whatever the columns
// are called (longer names are elided, the list shows them whole): the bar's width never
// depends on the data.
#include "views/colorby.h"

#include <QComboBox>

namespace es {

class SentenceModel;

class ColorByBox : public QComboBox {
    Q_OBJECT
public:
    explicit ColorByBox(SentenceModel *model, QWidget *parent = nullptr);

    // Lists the model's columns again when they changed (the choice is kept when it still exists).
    void updateColumns();
    // True when the label column is chosen.
    bool byLabel() const { return currentIndex() <= 0; }
    // The chosen column's name ("" = the label column), and choosing one (unknown = label).
    QString column() const { return currentData().toString(); }
    void setColumn(const QString &name);
    // The rows' colouring by the choice; labelGroup / labelGroups: the label groups.
    colorby::Coloring coloring(const QVector<int> &labelGroup, const QList<PointGroup> &labelGroups, bool dark) const;

private:
    SentenceModel *model_;
};

} // namespace es
