// web/server/static_files.cpp — see static_files.h.
#include "static_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

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

// "gzip" among the accepted codings, and not refused with q=0.
bool accepts_gzip(const std::string& header) {
    std::stringstream in(header);
    std::string item;
    while (std::getline(in, item, ',')) {
        const size_t b = item.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        item.erase(0, b);
        const size_t semi = item.find(';');
        std::string coding = item.substr(0, semi);
        while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.pop_back();
        if (coding != "gzip") continue;
        if (semi == std::string::npos) return true;
        std::string q = item.substr(semi + 1);
        const size_t eq = q.find("q=");
        return eq == std::string::npos || std::strtod(q.c_str() + eq + 2, nullptr) > 0;
    }
    return false;
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

std::shared_ptr<const std::string> StaticFiles::compressed(const std::string& name) {
    const std::string path = root_ + "/" + name;
    struct stat st{};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    const long long mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    {
        std::lock_guard<std::mutex> lock(mu_);
        const Entry& e = cache_[name];
        if (e.mtime_ns == mtime && e.size == (long long)st.st_size) return e.gz;
    }
    // Compressed outside the lock: the other files are served meanwhile.
    std::ifstream in(path, std::ios::binary);
    if (!in) return nullptr;
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if ((long long)body.size() != (long long)st.st_size) return nullptr;  // changing as we read: served plain
    auto gz = std::make_shared<const std::string>(gzip(body));
    if (gz->size() >= body.size()) gz = nullptr;  // too small to gain: served plain
    std::lock_guard<std::mutex> lock(mu_);
    cache_[name] = {mtime, (long long)st.st_size, gz};
    return gz;
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
    if (req.has_header("Range") || !accepts_gzip(req.get_header_value("Accept-Encoding"))) return false;
    // One file of the app's folder: no folders, no hidden files.
    std::string name = req.path == "/" ? "index.html" : req.path.substr(1);
    if (name.empty() || name[0] == '.' || name.size() > 100) return false;
    for (char c : name)
        if (!(std::isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_')) return false;
    const char* type = compressible_type(name);
    if (!type) return false;
    std::shared_ptr<const std::string> gz = compressed(name);
    if (!gz) return false;
    res.status = 200;
    res.set_header("Content-Encoding", "gzip");
    res.set_header("Vary", "Accept-Encoding");
    // A provider of known length: sent as it is, not compressed again.
    res.set_content_provider(gz->size(), type, [gz](size_t offset, size_t length, httplib::DataSink& sink) {
        sink.write(gz->data() + offset, length);
        return true;
    });
    return true;
}

}  // namespace atelier
