// atelier/ids.cpp — see ids.h.
#include "ids.h"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <random>

namespace atelier {

namespace {

std::string format_uuid(uint64_t hi, uint64_t lo, unsigned version) {
    hi = (hi & ~0xF000ull) | ((uint64_t)version << 12);
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
    static const char* hex = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 15; i >= 0; --i) {
        s += hex[(hi >> (i * 4)) & 0xF];
        if (i == 8 || i == 4) s += '-';
    }
    s += '-';
    for (int i = 15; i >= 0; --i) {
        s += hex[(lo >> (i * 4)) & 0xF];
        if (i == 12) s += '-';
    }
    return s;
}

uint64_t fnv1a(std::string_view s, uint64_t h) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    // Final avalanche (splitmix64) so that similar seeds give unrelated ids.
    h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27; h *= 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

}  // namespace

namespace {
std::mutex g_seed_mu;
bool g_seeded = false;
std::mt19937_64 g_seeded_rng;
}  // namespace

void seed_ids(uint64_t seed) {
    std::lock_guard<std::mutex> lock(g_seed_mu);
    g_seeded = true;
    g_seeded_rng.seed(seed);
}

uint64_t random_u64() {
    {
        std::lock_guard<std::mutex> lock(g_seed_mu);
        if (g_seeded) return g_seeded_rng();
    }
    static thread_local std::random_device rd;
    return ((uint64_t)rd() << 32) ^ (uint64_t)rd();
}

std::string new_uuid() {
    uint64_t hi = random_u64();
    return format_uuid(hi, random_u64(), 4);
}

std::string uuid_from(std::string_view seed) {
    return format_uuid(fnv1a(seed, 0xcbf29ce484222325ull), fnv1a(seed, 0x84222325cbf29ce4ull), 8);
}

std::string now_iso() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool is_iso_time(std::string_view s) {
    auto digits = [&](size_t from, size_t n) {
        for (size_t i = from; i < from + n; ++i)
            if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        return true;
    };
    if (s.size() != 10 && s.size() != 20) return false;
    if (!digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) return false;
    if (s.size() == 10) return true;
    return s[10] == 'T' && digits(11, 2) && s[13] == ':' && digits(14, 2) && s[16] == ':' && digits(17, 2) &&
           s[19] == 'Z';
}

}  // namespace atelier
