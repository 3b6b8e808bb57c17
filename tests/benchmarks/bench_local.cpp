// Speed benchmark of the local embedder (label "benchmark"; checks its figures against the
// targets, tests/benchmarks/targets.h).
//  - model load: ModelFile::open + SifEmbedder construction, with the file evicted from
//    the page cache first (posix_fadvise DONTNEED: "cold"), then warm; plus the first
//    embedding after a cold open, which pays the page faults of the words it touches;
//  - throughput: the demo sentences (classroom.csv, topics300.csv, sentences.txt) repeated
//    to 100,000 texts, embedded with 1 thread and with all hardware threads.
// Targets (issue 3, 2-core machine): load under 0.5 s (cold and warm); at least 100,000
// sentences/s with all hardware threads (the 1-thread figure is printed only).
#include "embed/local/local_embedder.h"

#include "targets.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace es;
using namespace es::local;

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void evict(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fdatasync(fd);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

// First column of a CSV with simple quoting (the demo sets), or each line of a .txt.
std::vector<std::string> readTexts(const std::string &path, bool csv)
{
    std::vector<std::string> out;
    std::ifstream in(path);
    std::string line;
    bool header = csv;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        if (line.empty())
            continue;
        if (!csv) {
            out.push_back(line);
            continue;
        }
        std::string field;
        if (line[0] == '"') {
            std::size_t i = 1;
            for (; i < line.size(); ++i) {
                if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else if (line[i] == '"') {
                    break;
                } else {
                    field += line[i];
                }
            }
        } else {
            field = line.substr(0, line.rfind(','));
        }
        out.push_back(field);
    }
    return out;
}

} // namespace

int main()
{
    const char *env = std::getenv("EMBEDSCOPE_MODEL");
    const ModelLocation loc = locateModel(env ? env : "");
    if (loc.path.empty()) {
        std::printf("SKIP: the local model is not available\n");
        return 77;
    }
    std::vector<std::string> base;
    for (auto &t : readTexts(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv", true))
        base.push_back(t);
    for (auto &t : readTexts(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv", true))
        base.push_back(t);
    for (auto &t : readTexts(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/sentences.txt", false))
        base.push_back(t);
    std::vector<std::string> texts;
    texts.reserve(100000);
    while (texts.size() < 100000)
        texts.push_back(base[texts.size() % base.size()]);
    std::size_t bytes = 0;
    for (const auto &t : texts)
        bytes += t.size();

    bench::Targets targets;
    std::printf("model: %s\n", loc.path.c_str());
    // Cold and warm open.
    for (const char *kind : {"cold", "warm"}) {
        if (std::string(kind) == "cold")
            evict(loc.path);
        const double t0 = now();
        auto m = ModelFile::open(loc.path);
        if (!m) {
            std::printf("error: %s\n", m.error().message.c_str());
            return 1;
        }
        SifEmbedder e(std::shared_ptr<const ModelFile>(std::move(m.value())));
        const double t1 = now();
        std::printf("load (%s): %.4f s (open + validate + embedder)\n", kind, t1 - t0);
        targets.check(std::string("model load (") + kind + ")", t1 - t0, bench::Direction::Below, 0.5, "s");
        if (std::string(kind) == "cold") {
            const std::vector<std::string> first(texts.begin(), texts.begin() + 1000);
            const double t2 = now();
            auto r = e.embed(first);
            std::printf("first 1,000 sentences after a cold open: %.4f s (page faults included)\n",
                        now() - t2);
            if (!r)
                return 1;
        }
    }
    // A full check (reads all 149 MB and recomputes the checksum), as --check does.
    {
        const double t0 = now();
        auto m = ModelFile::open(loc.path, true);
        std::printf("full check (checksum of the whole file): %.4f s %s\n", now() - t0,
                    m ? "valid" : m.error().message.c_str());
    }

    auto m = ModelFile::open(loc.path);
    std::shared_ptr<const ModelFile> model(std::move(m.value()));
    const int hw = int(std::thread::hardware_concurrency());
    std::printf("%zu sentences (%.1f bytes on average), hardware threads: %d\n", texts.size(),
                double(bytes) / double(texts.size()), hw);
    for (int threads : {1, hw}) {
        SifOptions o;
        o.threads = threads;
        SifEmbedder e(model, o);
        double best = 1e9;
        for (int rep = 0; rep < 3; ++rep) {
            const double t0 = now();
            auto r = e.embed(texts);
            const double s = now() - t0;
            if (!r)
                return 1;
            best = std::min(best, s);
        }
        std::printf("threads=%d: best of 3: %.3f s = %.0f sentences/s\n", threads, best,
                    double(texts.size()) / best);
        if (threads == hw)
            targets.check("throughput, " + std::to_string(hw) + " threads", double(texts.size()) / best,
                          bench::Direction::AtLeast, 100000, "sentences/s");
    }
    return targets.summary();
}
