#include "theme.h"

#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QFont>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

namespace es {

namespace {

QPalette lightPalette(bool contrast)
{
    QPalette p;
    const QColor text = contrast ? Qt::black : QColor(28, 28, 30);
    p.setColor(QPalette::Window, contrast ? Qt::white : QColor(242, 242, 244));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(236, 238, 242));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, contrast ? Qt::white : QColor(236, 236, 238));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, QColor(255, 255, 230));
    p.setColor(QPalette::ToolTipText, Qt::black);
    p.setColor(QPalette::Highlight, contrast ? QColor(0, 70, 200) : QColor(38, 110, 220));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(110, 110, 115));
    p.setColor(QPalette::Link, QColor(0, 90, 200));
    // Disabled controls must look disabled (setColor without a group set them like the rest).
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(150, 150, 155));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(150, 150, 155));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(150, 150, 155));
    p.setColor(QPalette::Disabled, QPalette::Button, contrast ? QColor(235, 235, 235) : QColor(228, 228, 230));
    return p;
}

QPalette darkPalette(bool contrast)
{
    QPalette p;
    const QColor text = contrast ? Qt::white : QColor(230, 230, 232);
    p.setColor(QPalette::Window, contrast ? Qt::black : QColor(37, 38, 42));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, contrast ? Qt::black : QColor(28, 29, 32));
    p.setColor(QPalette::AlternateBase, QColor(45, 46, 52));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, contrast ? QColor(20, 20, 20) : QColor(50, 51, 56));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, QColor(50, 50, 56));
    p.setColor(QPalette::ToolTipText, Qt::white);
    p.setColor(QPalette::Highlight, contrast ? QColor(255, 200, 0) : QColor(64, 140, 255));
    p.setColor(QPalette::HighlightedText, Qt::black);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
    return p;
}

} // namespace

void applyTheme(Theme theme, bool presentation)
{
    static const QFont baseFont = QApplication::font();
    // Fusion once: a new style object on every call (each window's start, each theme switch)
    // re-polished every widget of the application and deleted the style they were polished with.
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Theme::Dark ? darkPalette(presentation) : lightPalette(presentation));
    QFont f = baseFont;
    if (presentation) {
        const qreal pt = f.pointSizeF() > 0 ? f.pointSizeF() : 10.0;
        f.setPointSizeF(pt * 1.6);
    }
    QApplication::setFont(f);
    // Style-sheet fonts are resolved when the sheet is applied: apply them again.
    for (QWidget *w : QApplication::allWidgets()) {
        if (!w->styleSheet().isEmpty())
            w->setStyleSheet(w->styleSheet());
        w->update();
    }
    refreshSizeHints();
}

void refreshSizeHints()
{
    for (QWidget *w : QApplication::allWidgets()) {
        if (qobject_cast<QComboBox *>(w)) {
            // QComboBox forgets its cached minimum size on a style change only.
            QEvent changed(QEvent::StyleChange);
            QCoreApplication::sendEvent(w, &changed);
        }
        w->updateGeometry();
    }
}

Theme themeFromName(const QString &name)
{
    return name == QLatin1String("dark") ? Theme::Dark : Theme::Light;
}

QString themeName(Theme theme)
{
    return theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light");
}

} // namespace es
