#pragma once
// Whether OpenGL can be used in this process (Qt Charts' OpenGL series, the 3D view): a
// context is created and made current on an offscreen surface once, and the answer is
// cached. The offscreen and minimal platforms answer false without trying (Q3DScatter
// crashes there). Call after the QGuiApplication exists.
#include <QString>

namespace es {

bool openGLAvailable(QString *why = nullptr);

// Whether that OpenGL is a software rasteriser (Mesa's llvmpipe or softpipe, as under Xvfb
// or in a VM without a GPU); false when OpenGL is not available. Views use it to skip
// costs a GPU does not notice, such as multisampling.
bool openGLIsSoftware();

// A software rasteriser's name in a GL_RENDERER string.
bool isSoftwareRenderer(const QString &glRenderer);

} // namespace es
