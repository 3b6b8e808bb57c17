#include "jobs/jobstatus.h"

#include "jobs/jobrunner.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

namespace es {

JobStatus::JobStatus(JobRunner *jobs, QStatusBar *bar) : QObject(bar)
{
    QWidget *window = bar->window();
    jobLabel_ = new QLabel(window);
    progress_ = new QProgressBar(window);
    progress_->setRange(0, 1000);
    progress_->setMaximumWidth(220);
    progress_->setTextVisible(false);
    cancelButton_ = new QPushButton(tr("Cancel"), window);
    cancelButton_->setObjectName(QStringLiteral("cancelButton"));
    connect(cancelButton_, &QPushButton::clicked, this, &JobStatus::cancelRequested);
    bar->addPermanentWidget(jobLabel_);
    bar->addPermanentWidget(progress_);
    bar->addPermanentWidget(cancelButton_);
    jobLabel_->hide();
    progress_->hide();
    cancelButton_->hide();

    connect(jobs, &JobRunner::jobStarted, this, [this](const QString &, const QString &title) {
        jobLabel_->setText(title);
        progress_->setValue(0);
        progress_->show();
        jobLabel_->show();
        cancelButton_->show();
    });
    connect(jobs, &JobRunner::jobProgress, this, [this](const QString &, double f, const QString &stage) {
        setProgressValue(progress_, int(f * 1000));
        if (!stage.isEmpty())
            jobLabel_->setText(stage);
    });
    connect(jobs, &JobRunner::busyChanged, this, [this](bool busy) {
        progress_->setVisible(busy);
        jobLabel_->setVisible(busy);
        cancelButton_->setVisible(busy);
    });
}

} // namespace es
