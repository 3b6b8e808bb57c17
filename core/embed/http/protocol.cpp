// The wire formats of the providers: request bodies, response decoding and validation,
// error messages, limits and prices. No I/O here.
#include "embed/http/http_embedder.h"
#include "util/json_depth.h"
#include "util/url.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace es::http {

using nlohmann::json;

std::string_view providerName(Provider p)
{
    switch (p) {
    case Provider::OpenAI: return "openai";
    case Provider::Azure: return "azure";
    case Provider::Ollama: return "ollama";
    case Provider::Tei: return "tei";
    }
    return "?";
}

std::optional<Provider> providerFromName(std::string_view name)
{
    if (name == "openai") return Provider::OpenAI;
    if (name == "azure") return Provider::Azure;
    if (name == "ollama") return Provider::Ollama;
    if (name == "tei") return Provider::Tei;
    return std::nullopt;
}

std::string defaultBaseUrl(Provider p)
{
    switch (p) {
    case Provider::OpenAI: return "https://api.openai.com/v1";
    case Provider::Azure: return {};
    case Provider::Ollama: return "http://localhost:11434";
    case Provider::Tei: return "http://localhost:8080";
    }
    return {};
}

int defaultBatchSize(Provider p)
{
    switch (p) {
    case Provider::OpenAI:
    case Provider::Azure: return 256;
    case Provider::Ollama: return 64;
    case Provider::Tei: return 32;
    }
    return 32;
}

int maxBatchSize(Provider p)
{
    return (p == Provider::OpenAI || p == Provider::Azure) ? 2048 : 1 << 20;
}

int defaultMaxTokensPerRequest(Provider p)
{
    // OpenAI documents about 300,000 tokens per request; keep a margin for the estimate.
    return (p == Provider::OpenAI || p == Provider::Azure) ? 250000 : 1 << 30;
}

std::string endpointUrl(const HttpOptions &o)
{
    std::string base = o.baseUrl;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    switch (o.provider) {
    case Provider::OpenAI: return base + "/embeddings";
    case Provider::Azure: return base + "/embeddings?api-version=" + o.apiVersion;
    case Provider::Ollama: return base + "/api/embed";
    case Provider::Tei: return base + "/embed";
    }
    return base;
}

std::int64_t responseCap(std::size_t texts, int dims)
{
    constexpr std::int64_t kFloor = 16'000'000;
    const std::int64_t d = dims > 0 ? dims : 4096;
    const std::int64_t largest = std::int64_t(texts) * (d * 32 + 256);
    return std::max(kFloor, 2 * largest);
}

std::optional<std::string> apiKeyProblem(std::string_view key)
{
    for (const unsigned char c : key)
        if (c < 0x20 || c == 0x7f)
            return std::string("the API key contains a control character (a line break, tab or similar), which "
                               "would add HTTP headers of its own; it was not sent. Set the key again without it");
    return std::nullopt;
}

std::optional<std::string> optionsProblem(const HttpOptions &o)
{
    if (auto p = url::httpUrlProblem(o.baseUrl))
        return p;
    if (o.provider == Provider::Azure) // the version goes into the URL as it is
        if (auto p = url::httpUrlProblem("https://h/?api-version=" + o.apiVersion))
            return std::string("the Azure API version (--api-version) holds a space, a control character or a "
                               "character beyond ASCII, which a URL cannot carry");
    return apiKeyProblem(o.apiKey);
}

std::int64_t estimateTokens(std::string_view text)
{
    return std::max<std::int64_t>(1, std::int64_t((text.size() + 3) / 4));
}

std::optional<double> pricePerMillionTokens(std::string_view model)
{
    if (model == "text-embedding-3-small") return 0.02;
    if (model == "text-embedding-3-large") return 0.13;
    if (model == "text-embedding-ada-002") return 0.10;
    return std::nullopt;
}

std::string scrubKey(std::string text, std::string_view key)
{
    if (key.empty())
        return text;
    const std::string redacted = "[redacted]";
    // The whole key first, then any run of 6+ characters shared with the key (providers
    // echo masked keys such as "sk-abc1****wxyz").
    for (std::size_t pos; (pos = text.find(key)) != std::string::npos;)
        text.replace(pos, key.size(), redacted);
    const std::size_t minRun = std::min<std::size_t>(6, key.size());
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t best = 0;
        for (std::size_t j = 0; j < key.size(); ++j) {
            std::size_t n = 0;
            while (i + n < text.size() && j + n < key.size() && text[i + n] == key[j + n])
                ++n;
            best = std::max(best, n);
        }
        if (best >= minRun) {
            out += redacted;
            i += best;
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::string requestBody(const HttpOptions &o, const std::vector<std::string_view> &texts)
{
    json input = json::array();
    for (auto t : texts)
        input.push_back(std::string(t));
    json body;
    switch (o.provider) {
    case Provider::OpenAI:
    case Provider::Azure:
        if (o.provider == Provider::OpenAI) // Azure: the deployment in the URL is the model
            body["model"] = o.model;
        body["input"] = std::move(input);
        body["encoding_format"] = "base64";
        if (o.dimensions > 0)
            body["dimensions"] = o.dimensions;
        break;
    case Provider::Ollama:
        body["model"] = o.model;
        body["input"] = std::move(input);
        if (o.dimensions > 0)
            body["dimensions"] = o.dimensions;
        break;
    case Provider::Tei:
        body["inputs"] = std::move(input);
        break;
    }
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

bool decodeBase64(std::string_view in, std::vector<float> &out)
{
    static const auto table = [] {
        std::array<int, 256> t{};
        t.fill(-1);
        const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            t[static_cast<unsigned char>(a[i])] = i;
        return t;
    }();
    std::string bytes;
    bytes.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t pad = 0;
    for (char c : in) {
        if (c == '=') { ++pad; continue; }
        if (pad)
            return false;
        const int v = table[static_cast<unsigned char>(c)];
        if (v < 0)
            return false;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(char((acc >> bits) & 0xff));
        }
    }
    if (in.size() % 4 != 0 || bytes.size() % 4 != 0)
        return false;
    out.resize(bytes.size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::uint8_t b[4];
        std::memcpy(b, bytes.data() + 4 * i, 4);
        const std::uint32_t u = std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8
                                | std::uint32_t(b[2]) << 16 | std::uint32_t(b[3]) << 24;
        std::memcpy(&out[i], &u, 4);
    }
    return true;
}

bool readNumbers(const json &arr, std::vector<float> &out)
{
    if (!arr.is_array())
        return false;
    out.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_number())
            return false;
        out[i] = arr[i].get<float>();
    }
    return true;
}

} // namespace

std::variant<DecodedResponse, ResponseError> decodeResponse(Provider p, std::string_view body,
                                                            std::size_t inputs, int expectDims)
{
    if (findJsonTooDeep(body) != std::string_view::npos)
        return ResponseError{"the response is nested too deep (more than " + std::to_string(kMaxJsonDepth)
                                 + " levels of arrays and objects)", -1, false};
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded())
        return ResponseError{"the response is not valid JSON (" + std::to_string(body.size())
                                 + " bytes; truncated?)", -1, true};
    DecodedResponse r;
    r.vectors.resize(inputs);
    std::vector<char> seen(inputs, 0);
    auto badShape = [&](const std::string &what) {
        return ResponseError{"unexpected response shape: " + what, -1, false};
    };
    auto place = [&](std::size_t index, std::vector<float> v) -> std::optional<ResponseError> {
        if (seen[index])
            return ResponseError{"index " + std::to_string(index) + " appears more than once", int(index)};
        seen[index] = 1;
        r.vectors[index] = std::move(v);
        return std::nullopt;
    };

    if (p == Provider::OpenAI || p == Provider::Azure) {
        if (!j.is_object() || !j.contains("data") || !j["data"].is_array())
            return badShape("no \"data\" array");
        const auto &data = j["data"];
        if (data.size() != inputs)
            return ResponseError{"the response has " + std::to_string(data.size()) + " embeddings for "
                                 + std::to_string(inputs) + " inputs"};
        for (const auto &item : data) {
            if (!item.is_object() || !item.contains("index") || !item["index"].is_number_integer()
                || !item.contains("embedding"))
                return badShape("an item without an integer \"index\" and an \"embedding\"");
            const auto idx = item["index"].get<std::int64_t>();
            if (idx < 0 || std::size_t(idx) >= inputs)
                return ResponseError{"index " + std::to_string(idx) + " is outside 0.." + std::to_string(inputs - 1)};
            std::vector<float> v;
            const auto &e = item["embedding"];
            if (e.is_string()) {
                if (!decodeBase64(e.get_ref<const std::string &>(), v))
                    return ResponseError{"embedding " + std::to_string(idx) + " is not valid base64 float32", int(idx)};
            } else if (!readNumbers(e, v)) {
                return ResponseError{"embedding " + std::to_string(idx) + " is not a list of numbers", int(idx)};
            }
            if (auto err = place(std::size_t(idx), std::move(v)))
                return *err;
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            const auto &u = j["usage"];
            if (u.contains("total_tokens") && u["total_tokens"].is_number_integer())
                r.tokens = u["total_tokens"].get<std::int64_t>();
            else if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer())
                r.tokens = u["prompt_tokens"].get<std::int64_t>();
        }
    } else {
        const json *arr = &j;
        if (p == Provider::Ollama) {
            if (!j.is_object() || !j.contains("embeddings") || !j["embeddings"].is_array())
                return badShape("no \"embeddings\" array");
            arr = &j["embeddings"];
            if (j.contains("prompt_eval_count") && j["prompt_eval_count"].is_number_integer())
                r.tokens = j["prompt_eval_count"].get<std::int64_t>();
        } else if (!j.is_array()) {
            return badShape("not an array of embeddings");
        }
        if (arr->size() != inputs)
            return ResponseError{"the response has " + std::to_string(arr->size()) + " embeddings for "
                                 + std::to_string(inputs) + " inputs"};
        for (std::size_t i = 0; i < inputs; ++i) {
            std::vector<float> v;
            if (!readNumbers((*arr)[i], v))
                return ResponseError{"embedding " + std::to_string(i) + " is not a list of numbers", int(i)};
            place(i, std::move(v));
        }
    }

    for (std::size_t i = 0; i < inputs; ++i)
        if (!seen[i])
            return ResponseError{"no embedding for index " + std::to_string(i), int(i)};
    const std::size_t dims = r.vectors.empty() ? 0 : r.vectors[0].size();
    for (std::size_t i = 0; i < inputs; ++i) {
        const auto &v = r.vectors[i];
        if (v.empty())
            return ResponseError{"embedding " + std::to_string(i) + " is empty", int(i)};
        if (v.size() != dims)
            return ResponseError{"embedding " + std::to_string(i) + " has " + std::to_string(v.size())
                                     + " dimensions, embedding 0 has " + std::to_string(dims), int(i)};
        if (expectDims > 0 && int(v.size()) != expectDims)
            return ResponseError{"embedding " + std::to_string(i) + " has " + std::to_string(v.size())
                                     + " dimensions, expected " + std::to_string(expectDims), int(i)};
        bool nonZero = false;
        for (std::size_t c = 0; c < v.size(); ++c) {
            if (!std::isfinite(v[c]))
                return ResponseError{"embedding " + std::to_string(i) + " has a non-finite value at dimension "
                                         + std::to_string(c), int(i)};
            nonZero |= v[c] != 0.0f;
        }
        if (!nonZero)
            return ResponseError{"embedding " + std::to_string(i) + " is all zeros", int(i)};
    }
    return r;
}

std::string providerMessage(std::string_view body)
{
    json j = findJsonTooDeep(body) == std::string_view::npos ? json::parse(body, nullptr, false)
                                                            : json(json::value_t::discarded);
    std::string msg;
    auto str = [](const json &v) -> std::string {
        return v.is_string() ? v.get<std::string>() : (v.is_null() ? std::string() : v.dump());
    };
    if (!j.is_discarded() && j.is_object()) {
        if (j.contains("error")) {
            const auto &e = j["error"];
            if (e.is_object()) {
                msg = e.contains("message") ? str(e["message"]) : e.dump();
                std::string code;
                if (e.contains("code") && !e["code"].is_null())
                    code = str(e["code"]);
                else if (e.contains("type") && !e["type"].is_null())
                    code = str(e["type"]);
                if (!code.empty())
                    msg += " (" + code + ")";
            } else {
                msg = str(e);
                if (j.contains("error_type"))
                    msg += " (" + str(j["error_type"]) + ")";
            }
        } else if (j.contains("message")) {
            msg = str(j["message"]);
        } else if (j.contains("detail")) {
            msg = str(j["detail"]);
        }
    }
    if (msg.empty())
        msg = std::string(body.substr(0, 300));
    for (char &c : msg)
        if (c == '\n' || c == '\r')
            c = ' ';
    if (msg.size() > 500)
        msg = msg.substr(0, 500) + "...";
    return msg;
}

} // namespace es::http
