// atelier/ids.cpp — see ids.h.
#include "ids.h"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <optional>
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
uint64_t g_seeded_ticks = 0;
}  // namespace

void seed_ids(uint64_t seed) {
    std::lock_guard<std::mutex> lock(g_seed_mu);
    g_seeded = true;
    g_seeded_rng.seed(seed);
    g_seeded_ticks = 0;
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
    // 48 bits of milliseconds, the version, 12 bits of a counter that starts
    // at a random value in each millisecond (so that ids made in one
    // millisecond by one thread still sort in the order they were made), then
    // 62 random bits. A clock that goes back, or a millisecond that runs out
    // of counter, moves on from the last id instead.
    {
        std::lock_guard<std::mutex> lock(g_seed_mu);
        if (g_seeded) {
            // A seeded sequence has a clock of its own, one millisecond per id
            // from 2026-01-01, so that it is the same in every run.
            const uint64_t hi = ((1767225600000ull + g_seeded_ticks++) << 16) | (g_seeded_rng() & 0xFFF);
            return format_uuid(hi, g_seeded_rng(), 7);
        }
    }
    struct Clock {
        uint64_t ms = 0, seq = 0;
    };
    static thread_local Clock last;
    const uint64_t now = (uint64_t)std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    const uint64_t noise = random_u64(), low = random_u64();
    if (now > last.ms) {
        last.ms = now;
        last.seq = noise & 0x7FF;  // the lower half of the counter's range: room to count
    } else if (++last.seq > 0xFFF) {
        ++last.ms;
        last.seq = noise & 0x7FF;
    }
    return format_uuid(((last.ms & 0xFFFFFFFFFFFFull) << 16) | last.seq, low, 7);
}

std::string uuid_from(std::string_view seed) {
    return format_uuid(fnv1a(seed, 0xcbf29ce484222325ull), fnv1a(seed, 0x84222325cbf29ce4ull), 8);
}

std::optional<uint64_t> uuid_time_ms(std::string_view id) {
    if (id.size() != 36 || id[14] != '7') return std::nullopt;
    uint64_t ms = 0;
    for (size_t i = 0; i < 36; ++i) {
        const char c = id[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return std::nullopt;
            continue;
        }
        const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) return std::nullopt;
        if (i < 13) ms = ms * 16 + (uint64_t)v;
    }
    if (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b') return std::nullopt;
    return ms;
}

std::string uuid_from(std::string_view seed, std::string_view near) {
    const std::optional<uint64_t> ms = uuid_time_ms(near);
    if (!ms) return uuid_from(seed);
    const uint64_t hash = fnv1a(seed, 0xcbf29ce484222325ull);
    return format_uuid((*ms << 16) | (hash & 0xFFFF), fnv1a(seed, 0x84222325cbf29ce4ull), 8);
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
