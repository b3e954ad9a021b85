// web/server/static_files.cpp — see static_files.h.
#include "static_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace atelier {

namespace {

// The types worth compressing; images are compressed already.
const char* compressible_type(const std::string& name) {
    static const std::pair<const char*, const char*> types[] = {
        {".html", "text/html"}, {".css", "text/css"}, {".js", "text/javascript"},
        {".wasm", "application/wasm"}, {".data", "application/octet-stream"},
        {".svg", "image/svg+xml"}, {".webmanifest", "application/manifest+json"},
        {".json", "application/json"}, {".txt", "text/plain"}};
    for (const auto& [ext, type] : types) {
        const size_t n = std::char_traits<char>::length(ext);
        if (name.size() > n && name.compare(name.size() - n, n, ext) == 0) return type;
    }
    return nullptr;
}

// The weight Accept-Encoding gives `coding` (its q, 1 when not written), or
// 0 when it is not listed or refused with q=0.
double weight(const std::string& header, const char* coding) {
    std::stringstream in(header);
    std::string item;
    while (std::getline(in, item, ',')) {
        const size_t b = item.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        item.erase(0, b);
        const size_t semi = item.find(';');
        std::string name = item.substr(0, semi);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
        if (name != coding) continue;
        if (semi == std::string::npos) return 1;
        std::string q = item.substr(semi + 1);
        const size_t eq = q.find("q=");
        return eq == std::string::npos ? 1 : std::strtod(q.c_str() + eq + 2, nullptr);
    }
    return 0;
}

// The files the build compresses ahead (a `.zst` beside them, see
// wasm_app/CMakeLists.txt), at Zstandard's best level; the others, and
// these when their `.zst` is missing or not theirs, are compressed here at
// level 9 (about 30 ms per megabyte of the module, against a second at 19).
const int kZstdLevel = 9;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string gzip(const std::string& data, int level) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("gzip: cannot start zlib");
    std::string out(deflateBound(&z, data.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = (uInt)data.size();
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = (uInt)out.size();
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip: zlib did not finish");
    return out;
}

std::string zstd(const std::string& data, int level) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

std::string unzstd(const std::string& frame) {
    const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (size == ZSTD_CONTENTSIZE_ERROR) throw std::runtime_error("zstd: not a Zstandard frame");
    if (size == ZSTD_CONTENTSIZE_UNKNOWN) throw std::runtime_error("zstd: the frame does not say its size");
    if (size > (1ull << 30)) throw std::runtime_error("zstd: the frame is larger than 1 GiB");
    if (ZSTD_findFrameCompressedSize(frame.data(), frame.size()) != frame.size())
        throw std::runtime_error("zstd: not exactly one whole frame");
    std::string out(size, '\0');
    const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
    if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
    if (n != size) throw std::runtime_error("zstd: the frame decodes to another size than it says");
    return out;
}

StaticFiles::Entry StaticFiles::compressed(const std::string& name) {
    const std::string path = root_ + "/" + name;
    struct stat st{};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
    const long long mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    {
        std::lock_guard<std::mutex> lock(mu_);
        const Entry& e = cache_[name];
        if (e.mtime_ns == mtime && e.size == (long long)st.st_size) return e;
    }
    // Compressed outside the lock: the other files are served meanwhile.
    const std::string body = read_file(path);
    if ((long long)body.size() != (long long)st.st_size) return {};  // changing as we read: served plain
    Entry e{mtime, (long long)st.st_size, std::make_shared<const std::string>(gzip(body)), nullptr};
    // The build's frame when it is this file's (an older build's is not);
    // one no smaller than the file would not be sent anyway.
    std::string zst;
    struct stat zs{};
    if (stat((path + ".zst").c_str(), &zs) == 0 && S_ISREG(zs.st_mode) && (long long)zs.st_size < (long long)body.size())
        zst = read_file(path + ".zst");
    bool theirs = !zst.empty() && ZSTD_getFrameContentSize(zst.data(), zst.size()) == (unsigned long long)body.size();
    try {
        theirs = theirs && unzstd(zst) == body;
    } catch (const std::exception&) {
        theirs = false;
    }
    if (!theirs) zst = zstd(body, kZstdLevel);
    e.zst = std::make_shared<const std::string>(std::move(zst));
    // Too small to gain: served plain.
    if (e.gz->size() >= body.size()) e.gz = nullptr;
    if (e.zst->size() >= body.size()) e.zst = nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    cache_[name] = e;
    return e;
}

void StaticFiles::warm() {
    DIR* dir = opendir(root_.c_str());
    if (!dir) return;
    std::vector<std::string> names;
    while (const dirent* e = readdir(dir))
        if (e->d_name[0] != '.' && compressible_type(e->d_name)) names.push_back(e->d_name);
    closedir(dir);
    for (const std::string& n : names) compressed(n);
}

bool StaticFiles::serve(const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") return false;
    if (req.has_header("Range")) return false;
    const std::string accepted = req.get_header_value("Accept-Encoding");
    if (weight(accepted, "zstd") <= 0 && weight(accepted, "gzip") <= 0) return false;
    // One file of the app's folder: no folders, no hidden files.
    std::string name = req.path == "/" ? "index.html" : req.path.substr(1);
    if (name.empty() || name[0] == '.' || name.size() > 100) return false;
    for (char c : name)
        if (!(std::isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_')) return false;
    const char* type = compressible_type(name);
    if (!type) return false;
    const Entry e = compressed(name);
    return send_coded(req, res, e.gz, e.zst, type);
}

bool send_coded(const httplib::Request& req, httplib::Response& res, const std::shared_ptr<const std::string>& gz,
                const std::shared_ptr<const std::string>& zst, const char* type) {
    const std::string accepted = req.get_header_value("Accept-Encoding");
    const double zq = weight(accepted, "zstd"), gq = weight(accepted, "gzip");
    // Zstandard unless the browser weighs gzip higher.
    const bool z = zst && zq > 0 && (zq >= gq || !gz);
    std::shared_ptr<const std::string> body = z ? zst : gq > 0 ? gz : nullptr;
    if (!body) return false;
    res.status = 200;
    res.set_header("Content-Encoding", z ? "zstd" : "gzip");
    res.set_header("Vary", "Accept-Encoding");
    // A provider of known length: sent as it is, not compressed again.
    res.set_content_provider(body->size(), type, [body](size_t offset, size_t length, httplib::DataSink& sink) {
        sink.write(body->data() + offset, length);
        return true;
    });
    return true;
}

}  // namespace atelier
