#include "views/isolatebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace es {

IsolateBar::IsolateBar(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("isolateBar"));
    setAutoFillBackground(false);
    auto *lay = new QHBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(6);
    isolate_ = new QToolButton(this);
    isolate_->setObjectName(QStringLiteral("isolateButton"));
    isolate_->setAutoRaise(false);
    isolate_->setToolTip(tr("Show only the selected point and its nearest neighbours (Esc or Show all comes back)"));
    showAll_ = new QToolButton(this);
    showAll_->setObjectName(QStringLiteral("showAllButton"));
    showAll_->setText(tr("Show all"));
    showAll_->setToolTip(tr("Show every point again (Esc)"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("isolateStatus"));
    lay->addWidget(isolate_);
    lay->addWidget(showAll_);
    lay->addWidget(status_);
    connect(isolate_, &QToolButton::clicked, this, &IsolateBar::isolateClicked);
    connect(showAll_, &QToolButton::clicked, this, &IsolateBar::showAllClicked);
    setState(0, 0, 0);
}

void IsolateBar::setState(int candidates, int shown, int total)
{
    const bool isolated = shown > 0;
    isolate_->setText(candidates == 1 ? tr("Isolate this point") : tr("Isolate these %1 points").arg(candidates));
    isolate_->setVisible(candidates >= 2 && !isolated);
    showAll_->setVisible(isolated);
    status_->setVisible(isolated);
    status_->setText(isolated ? tr("%1 of %2 points").arg(shown).arg(total) : QString());
    setVisible(isolate_->isVisibleTo(this) || showAll_->isVisibleTo(this));
    adjustSize();
}

} // namespace es
