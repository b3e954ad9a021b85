// web/server/static_files.h — the app's files, compressed once.
//
// The app is a few files, one of them a 2.5 MB WebAssembly module. They are
// served compressed to a browser that accepts it, with Zstandard when it
// does (a browser decodes it several times faster than gzip, and it is
// smaller), else gzip: each file is compressed once (all of them when the
// server starts, see warm()), kept in memory, and compressed again only
// when it changes on disk. The build writes `<file>.zst` beside the
// largest files at Zstandard's best level; such a file is used when it
// decodes to exactly the file's bytes, else the server compresses the file
// itself at a quicker level. What this does not serve (a range, a browser
// that accepts neither coding, a path with folders) the plain file handler
// serves.
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
    struct Entry {
        long long mtime_ns = -1, size = -1;
        // Null when it is not a regular file of the folder or compressing
        // would not shrink it.
        std::shared_ptr<const std::string> gz, zst;
    };
    // The file compressed both ways, from memory while it is unchanged.
    Entry compressed(const std::string& name);
    std::string root_;
    std::mutex mu_;
    std::map<std::string, Entry> cache_;
};

// A body kept compressed both ways (either may be null: not worth it),
// sent in the coding the request's Accept-Encoding prefers (Zstandard
// unless gzip weighs more). False, nothing sent, when it accepts neither
// coding that is there.
bool send_coded(const httplib::Request& req, httplib::Response& res, const std::shared_ptr<const std::string>& gz,
                const std::shared_ptr<const std::string>& zst, const char* type);

// `data` compressed as a gzip stream at `level` (zlib's 0 to 9).
std::string gzip(const std::string& data, int level = 9);
// `data` compressed as one Zstandard frame at `level` (1 to 19), and the
// frame decoded; unzstd throws on anything but one whole, valid frame.
std::string zstd(const std::string& data, int level);
std::string unzstd(const std::string& frame);

}  // namespace atelier
