// What the native benchmarks share.
#pragma once
#include <algorithm>
#include <chrono>
#include <vector>

// The median wall time of `runs` calls of f, in seconds.
template <class F>
double median_seconds(int runs, F&& f) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}
