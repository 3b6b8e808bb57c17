#pragma once
// ProjectionDock: the projection bar over the map (a dock in the top area, beside the
// sentences): the projection shown (one entry per registered ProjectionMethod), the
// parameters of the method Run starts (boxes made from its ParameterSpecs) and Run / Pause / Cancel, what a drag does on the 2D map, and the run's status
// on its own line. A row, not a form in a side dock: the map keeps the width (at 1280 x 720
// the old form pushed Run / Pause / Cancel under the doctor's dock).
// It works on the document (ExplorerDocument): the box sets the active projection, the
// boxes are the method's parameters, Run starts the document's run; the window only
// redraws the maps on shownChanged and applies the drag mode.
#include "projection/projectionmethod.h"
#include "views/scatter2dview.h"

#include <QDockWidget>
#include <QPair>
#include <QVector>

class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace es {

class ExplorerDocument;

class ProjectionDock : public QDockWidget {
    Q_OBJECT
public:
    ProjectionDock(ExplorerDocument *doc, QWidget *parent = nullptr);

    // The method chosen in the box ("pca", "tsne") and choosing one (as the user would).
    QString chosen() const;
    void choose(const QString &id);
    // Starts a run of id with the bar's parameters and shows it; false (and why in the
    // status line) when it cannot start.
    bool run(const QString &id);
    // The boxes into the method's parameters, and back (after a project is opened).
    void pushParameters();
    void pullParameters();

    QComboBox *projectionBox() const { return projection_; }
    // Puts a widget at the end of the status line (the rows above are full at 1280 x 720).
    void addToStatusLine(QWidget *w);
    QLabel *status() const { return tsneStatus_; }
    // The parameter box named objectName (ParameterSpec::objectName), or null.
    QWidget *parameterBox(const QString &objectName) const;
    QSpinBox *iterationsBox() const; // t-SNE's iterations
    QComboBox *dimsBox() const;      // the shared 2D / 3D box

signals:
    // The box changed the projection the maps show.
    void shownChanged();
    // A run of a method ended (finished, failed or cancelled).
    void runEnded();
    void dragModeChosen(Scatter2DView::DragMode mode);

private:
    // kind is a method made on request (its job kind is its id).
    bool isMapRun(const QString &kind) const;
    // What Run starts: the method chosen, or the first made on request when PCA is chosen.
    QString runnable() const;
    // One box made from a ParameterSpec, with its label; owners are the methods whose specs
    // name it (more than one: a shared box, editing the parameters of the method shown).
    struct ParamBox {
        ParameterSpec spec;
        QVector<QWidget *> widgets; // label (if any), box
        QWidget *box = nullptr;
        QStringList owners;
    };
    QWidget *makeBox(const ParameterSpec &spec, QWidget *parent);
    QJsonValue valueOf(const ParamBox &b) const;
    void setValue(const ParamBox &b, const QJsonValue &v);
    // Shows the parameter boxes of method id (its ParameterSpecs) and hides the others; the
    // shared ones show id's values.
    void showParametersOf(const QString &id);
    // What the run of method id counts ("iteration", "epoch").
    QString stepWord(const QString &id) const;

    ExplorerDocument *doc_;
    QString running_ = QStringLiteral("tsne"); // the method of the last run started
    QComboBox *projection_ = nullptr;
    QVector<ParamBox> boxes_;
    QString shared_; // the method the shared boxes edit
    QPushButton *tsneRun_ = nullptr;
    QPushButton *tsnePause_ = nullptr;
    QPushButton *tsneCancel_ = nullptr;
    QLabel *tsneStatus_ = nullptr;
    QHBoxLayout *statusRow_ = nullptr;
};

} // namespace es
