// web/server/static_files.h — the app's files, compressed once.
//
// The app is a few files, one of them a 2 MB WebAssembly module. They are
// served gzip-compressed to a browser that accepts it: each file is
// compressed once at the best level (all of them when the server starts,
// see warm()), kept in memory, and compressed again only when it changes
// on disk. What this does not
// serve (a range, a browser without gzip, a path with folders) the plain
// file handler serves.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>

namespace atelier {

class StaticFiles {
public:
    explicit StaticFiles(std::string root) : root_(std::move(root)) {}
    // True when the response is made (the file, compressed).
    bool serve(const httplib::Request& req, httplib::Response& res);
    // Compresses every file of the folder ahead of the first browser.
    void warm();

private:
    // The file compressed, from memory while it is unchanged; null when it
    // is not a regular file of the folder or compressing would not shrink it.
    std::shared_ptr<const std::string> compressed(const std::string& name);
    struct Entry {
        long long mtime_ns = -1, size = -1;
        std::shared_ptr<const std::string> gz;
    };
    std::string root_;
    std::mutex mu_;
    std::map<std::string, Entry> cache_;
};

// `data` compressed as a gzip stream at `level` (zlib's 0 to 9).
std::string gzip(const std::string& data, int level = 9);

}  // namespace atelier
