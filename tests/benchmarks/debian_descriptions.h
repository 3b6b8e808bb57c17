#pragma once
// The labelled Debian package descriptions used by the quality benchmarks (quality_local,
// bench_doctor): the first line of each Description from `apt-cache dumpavail`, labelled by
// its Section without an archive prefix such as "contrib/"; sections games, sound,
// graphics, math, science, mail, net, editors, database, video, electronics, hamradio;
// lib*, *-dev, *-doc and *-data packages left out; de-duplicated by package and by
// lower-cased text. In dumpavail order; empty when apt-cache is missing.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace es::bench {

struct DebianDescriptions {
    std::vector<std::string> texts, labels;
};

inline DebianDescriptions debianDescriptions()
{
    DebianDescriptions d;
    const std::set<std::string> wanted{"games", "sound", "graphics", "math", "science", "mail", "net",
                                       "editors", "database", "video", "electronics", "hamradio"};
    FILE *p = ::popen("apt-cache dumpavail 2>/dev/null", "r");
    if (!p)
        return d;
    std::set<std::string> seenPackages, seenTexts;
    std::string package, section, description, line;
    std::vector<char> buf(65536);
    auto flush = [&] {
        if (!package.empty() && !section.empty() && !description.empty()) {
            std::string sec = section;
            if (auto slash = sec.rfind('/'); slash != std::string::npos)
                sec = sec.substr(slash + 1);
            auto endsWith = [&](const std::string &s) {
                return package.size() >= s.size() && package.compare(package.size() - s.size(), s.size(), s) == 0;
            };
            std::string key = description;
            std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            if (wanted.count(sec) && package.rfind("lib", 0) != 0 && !endsWith("-dev") && !endsWith("-doc")
                && !endsWith("-data") && !seenPackages.count(package) && !seenTexts.count(key)) {
                seenPackages.insert(package);
                seenTexts.insert(key);
                d.texts.push_back(description);
                d.labels.push_back(sec);
            }
        }
        package.clear();
        section.clear();
        description.clear();
    };
    while (std::fgets(buf.data(), int(buf.size()), p)) {
        line = buf.data();
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        if (line.empty()) {
            flush();
            continue;
        }
        auto value = [&](const char *key) {
            std::string v = line.substr(std::strlen(key));
            while (!v.empty() && v.front() == ' ')
                v.erase(v.begin());
            return v;
        };
        if (line.rfind("Package:", 0) == 0)
            package = value("Package:");
        else if (line.rfind("Section:", 0) == 0)
            section = value("Section:");
        else if (line.rfind("Description:", 0) == 0)
            description = value("Description:");
    }
    flush();
    ::pclose(p);
    return d;
}

} // namespace es::bench
