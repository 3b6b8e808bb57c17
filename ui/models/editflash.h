#pragma once
// EditFlash: rows that were inserted or whose text was edited flash on the maps once the
// map that holds them arrives (for 1.8 s): the user sees where the new sentence landed.
// It follows the model's row changes (indexes move with inserted and removed rows).
#include <QObject>
#include <QVector>

class QTimer;

namespace es {

class SentenceModel;

class EditFlash : public QObject {
    Q_OBJECT
public:
    explicit EditFlash(SentenceModel *model, QObject *parent = nullptr);
    // The rows flashing now.
    const QVector<int> &rows() const { return flash_; }
    // A new map is shown: the rows edited since the last one start flashing.
    void mapShown();

signals:
    // rows() changed.
    void changed();

private:
    QVector<int> flash_;
    QVector<int> pending_;
    QTimer *timer_ = nullptr;
};

} // namespace es
