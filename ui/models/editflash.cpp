#include "models/editflash.h"

#include "models/sentencemodel.h"

#include <QTimer>

namespace es {

EditFlash::EditFlash(SentenceModel *model, QObject *parent) : QObject(parent)
{
    timer_ = new QTimer(this);
    timer_->setSingleShot(true);
    timer_->setInterval(1800);
    connect(timer_, &QTimer::timeout, this, [this] {
        flash_.clear();
        emit changed();
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        for (int r = first; r <= last; ++r)
            pending_.append(r);
    });
    connect(model, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex &, int first, int last) {
        const int count = last - first + 1;
        QVector<int> kept;
        for (int r : std::as_const(pending_))
            if (r < first)
                kept.append(r);
            else if (r > last)
                kept.append(r - count);
        pending_ = kept;
    });
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this, model](const QModelIndex &tl, const QModelIndex &br, const QList<int> &roles) {
                if (tl.column() > SentenceModel::TextColumn
                    || (!roles.isEmpty() && !roles.contains(Qt::DisplayRole) && !roles.contains(Qt::EditRole)))
                    return;
                for (int r = tl.row(); r <= br.row(); ++r)
                    if (r < model->rowCount())
                        pending_.append(r);
            });
}

void EditFlash::mapShown()
{
    if (pending_.isEmpty())
        return;
    flash_ = pending_;
    pending_.clear();
    emit changed();
    timer_->start();
}

} // namespace es
