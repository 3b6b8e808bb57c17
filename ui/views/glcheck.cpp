#include "views/glcheck.h"

#include <QGuiApplication>
#include <QObject>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>

namespace es {

namespace {
QString g_renderer; // GL_RENDERER of the probe context
}

bool isSoftwareRenderer(const QString &glRenderer)
{
    for (const char *name : {"llvmpipe", "softpipe", "swrast", "software rasterizer", "lavapipe", "swr"}) {
        if (glRenderer.contains(QLatin1String(name), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool openGLIsSoftware()
{
    return openGLAvailable() && isSoftwareRenderer(g_renderer);
}

bool openGLAvailable(QString *why)
{
    static int cached = -1;
    static QString reason;
    if (cached < 0) {
        const QString platform = QGuiApplication::platformName();
        if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal")
            || platform == QLatin1String("vnc")) {
            reason = QObject::tr("The 3D view needs OpenGL, which the \"%1\" display platform does not offer.")
                         .arg(platform);
            cached = 0;
        } else {
            QOpenGLContext ctx;
            QOffscreenSurface surface;
            surface.setFormat(ctx.format());
            surface.create();
            if (!ctx.create()) {
                reason = QObject::tr("The 3D view needs OpenGL, but no OpenGL context could be created.");
                cached = 0;
            } else if (!surface.isValid() || !ctx.makeCurrent(&surface)) {
                reason = QObject::tr("The 3D view needs OpenGL, but the OpenGL context could not be used.");
                cached = 0;
            } else {
                const QSurfaceFormat f = ctx.format();
                if (const GLubyte *r = ctx.functions()->glGetString(GL_RENDERER))
                    g_renderer = QString::fromLatin1(reinterpret_cast<const char *>(r));
                const bool ok = ctx.isOpenGLES() ? f.majorVersion() >= 2
                                                 : (f.majorVersion() > 2 || (f.majorVersion() == 2 && f.minorVersion() >= 1));
                if (!ok)
                    reason = QObject::tr("The 3D view needs OpenGL 2.1 or OpenGL ES 2.0; this system offers %1.%2.")
                                 .arg(f.majorVersion()).arg(f.minorVersion());
                ctx.doneCurrent();
                cached = ok ? 1 : 0;
            }
        }
    }
    if (why)
        *why = reason;
    return cached == 1;
}

} // namespace es
