#pragma once
// Test helper: starts tests/tools/fake_provider.py (a loopback embedding server speaking the
// OpenAI, Azure, Ollama and TEI APIs) on a free port, talks to its control endpoint, and
// computes the vectors it returns. The server exits by itself when the test process dies.
#include "embed/cache/sha256.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace es::test {

class FakeProvider {
public:
    explicit FakeProvider(const QString &key = {}, const QStringList &args = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("FAKE_PROVIDER_KEY", key);
        proc_.setProcessEnvironment(env);
        proc_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        proc_.start("/usr/bin/python3",
                    QStringList{QStringLiteral(EMBEDSCOPE_SOURCE_DIR "/tests/tools/fake_provider.py"),
                                "--port", "0", "--idle-timeout", "120"}
                        + args);
        if (!proc_.waitForStarted(10000))
            return;
        for (int i = 0; i < 100 && port_ == 0; ++i) { // bounded: at most ~10 s
            if (!proc_.canReadLine())
                proc_.waitForReadyRead(100);
            while (proc_.canReadLine()) {
                const QString line = QString::fromUtf8(proc_.readLine()).trimmed();
                if (line.startsWith("PORT "))
                    port_ = line.mid(5).toInt();
            }
        }
    }
    ~FakeProvider()
    {
        proc_.kill();
        proc_.waitForFinished(5000);
    }
    FakeProvider(const FakeProvider &) = delete;
    FakeProvider &operator=(const FakeProvider &) = delete;

    bool ok() const { return port_ > 0; }
    int port() const { return port_; }
    std::string root() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // A minimal blocking HTTP/1.0 exchange with the server (control and stats only).
    std::string request(const std::string &method, const std::string &path, const std::string &body = {}) const
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return {};
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(std::uint16_t(port_));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::string reply;
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
            const std::string req = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: "
                                    + std::to_string(body.size()) + "\r\nContent-Type: application/json\r\n\r\n"
                                    + body;
            std::size_t sent = 0;
            while (sent < req.size()) {
                const ssize_t k = ::send(fd, req.data() + sent, req.size() - sent, 0);
                if (k <= 0)
                    break;
                sent += std::size_t(k);
            }
            char buf[4096];
            ssize_t k;
            while ((k = ::recv(fd, buf, sizeof buf, 0)) > 0)
                reply.append(buf, std::size_t(k));
        }
        ::close(fd);
        const auto split = reply.find("\r\n\r\n");
        return split == std::string::npos ? std::string() : reply.substr(split + 4);
    }
    void control(const std::string &json) const { request("POST", "/control", json); }
    void reset() const { control(R"({"reset": true, "latency_ms": 0})"); }
    // Number of embedding requests the server has received since the last reset.
    int requests() const
    {
        const std::string s = request("GET", "/stats");
        const auto p = s.find("\"requests\": ");
        return p == std::string::npos ? -1 : std::atoi(s.c_str() + p + 12);
    }

    // Every request since the last reset but /control and /stats: refused ones and proxy
    // CONNECTs included (a test that points https_proxy here sees any attempt to go out).
    int allRequests() const
    {
        return QJsonDocument::fromJson(QByteArray::fromStdString(request("GET", "/stats")))
            .object()["all_requests"].toInt(-1);
    }
    // Lower-case names of every header received with those requests.
    QStringList headerNames() const
    {
        QStringList names;
        const auto a = QJsonDocument::fromJson(QByteArray::fromStdString(request("GET", "/stats")))
                           .object()["header_names"].toArray();
        for (const auto &v : a)
            names << v.toString();
        return names;
    }

    // The vector the server returns for `text` (see fake_provider.py).
    static std::vector<float> vector(const std::string &text, int dims)
    {
        std::vector<float> out;
        for (int block = 0; int(out.size()) < dims; ++block) {
            const auto d = Sha256::digest(text + std::string(1, '\0') + std::to_string(block));
            for (int i = 0; i < 8 && int(out.size()) < dims; ++i) {
                std::uint32_t u;
                std::memcpy(&u, d.data() + 4 * i, 4);
                out.push_back(float(double(u) / 4294967296.0 * 2.0 - 1.0));
            }
        }
        return out;
    }

private:
    QProcess proc_;
    int port_ = 0;
};

} // namespace es::test
