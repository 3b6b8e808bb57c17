#pragma once
// SHA-256 (FIPS 180-4), used for the cache keys: a key must not collide across texts and
// must not depend on the platform's std::hash.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace es {

class Sha256 {
public:
    Sha256();
    void update(std::string_view data);
    void update(const void *data, std::size_t size);
    std::array<std::uint8_t, 32> finish();

    static std::array<std::uint8_t, 32> digest(std::string_view data);
    static std::string hex(std::string_view data);

private:
    void block(const std::uint8_t *p);
    std::uint32_t h_[8];
    std::uint8_t buf_[64];
    std::size_t bufLen_ = 0;
    std::uint64_t total_ = 0;
};

} // namespace es
