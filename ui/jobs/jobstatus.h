#pragma once
// JobStatus: the running job in the status bar: its title or stage, a progress bar and a
// Cancel button, shown while the runner is busy.
#include <QObject>

class QLabel;
class QProgressBar;
class QPushButton;
class QStatusBar;

namespace es {

class JobRunner;

class JobStatus : public QObject {
    Q_OBJECT
public:
    // Adds its widgets (permanent, hidden while idle) to bar.
    JobStatus(JobRunner *jobs, QStatusBar *bar);
    QProgressBar *progressBar() const { return progress_; }
    QPushButton *cancelButton() const { return cancelButton_; }

signals:
    void cancelRequested();

private:
    QLabel *jobLabel_ = nullptr;
    QProgressBar *progress_ = nullptr;
    QPushButton *cancelButton_ = nullptr;
};

} // namespace es
