// web/server/server.cpp — see server.h.
//
// [SECTION] database and helpers
// [SECTION] client links /c/<token>
// [SECTION] lead intake
// [SECTION] serve
#include "server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "auth.h"
#include "brief.h"
#include "http_util.h"
#include "outbox.h"
#include "metrics.h"
#include "static_files.h"
#include "mail.h"
#include "automation.h"
#include "client_pages.h"
#include "demo.h"
#include "error.h"
#include "functions.h"
#include "documents.h"
#include "ids.h"
#include "json_in.h"
#include "leads.h"
#include "links.h"
#include "projects.h"
#include "store.h"
#include "uploads.h"
#include "payments_in.h"
#include "sync.h"
#include "version.h"
#include "workflow.h"

namespace atelier {

namespace {
// When the request this worker thread is answering arrived (for the latency histogram).
thread_local std::chrono::steady_clock::time_point tl_request_start = std::chrono::steady_clock::now();
}  // namespace

std::string client_addr(const httplib::Request& req, const ServeOptions& opt) {
    auto trusted = [&](const std::string& a) {
        return std::find(opt.trusted_proxies.begin(), opt.trusted_proxies.end(), a) != opt.trusted_proxies.end();
    };
    if (!trusted(req.remote_addr)) return req.remote_addr;
    // The proxy appends the address it saw: read from the right, skipping
    // other trusted proxies in a chain.
    std::string xff;
    for (auto it = req.headers.lower_bound("X-Forwarded-For"); it != req.headers.upper_bound("X-Forwarded-For"); ++it)
        xff += (xff.empty() ? "" : ",") + it->second;
    size_t end = xff.size();
    while (end > 0) {
        size_t start = xff.rfind(',', end - 1);
        start = start == std::string::npos ? 0 : start + 1;
        std::string a = xff.substr(start, end - start);
        size_t l = a.find_first_not_of(" \t"), r = a.find_last_not_of(" \t");
        a = l == std::string::npos ? "" : a.substr(l, r - l + 1);
        if (!a.empty() && !trusted(a)) return clip_utf8(a, 64);
        if (start == 0) break;
        end = start - 1;
    }
    return req.remote_addr;
}

namespace {

using nlohmann::json;

// Client pages and documents: inline styles, images as data: URLs, forms that
// post to the same page; nothing else, and never in a frame.
const char* const kDocumentPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// -------------------------------------------------------------------------
// [SECTION] database and helpers
// -------------------------------------------------------------------------

bool is_dir(const std::string& p) {
    struct stat st{};
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Client pages carry a capability in their URL: never cached, never framed,
// never sent on as a referrer. They are plain HTML with inline styles and
// forms posting to themselves: no script, no other origin.
void client_headers(httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Content-Security-Policy", kDocumentPolicy);
}

// Reads the request body through `reader`, at most `max` bytes. False if
// the body is larger (what was read so far is dropped).
bool read_body(const httplib::ContentReader& reader, size_t max, std::string& body) {
    bool too_large = false;
    reader([&](const char* data, size_t n) {
        if (body.size() + n > max) {
            too_large = true;
            return false;
        }
        body.append(data, n);
        return true;
    });
    if (too_large) body.clear();
    return !too_large;
}

// A file part of a multipart form, as sent.
struct Upload {
    std::string filename, content;
    bool over = false;  // larger than uploads::kFileMax: the rest was read and dropped
};

// The posted fields of a form body (urlencoded; multipart is read as parts).
// With `files`, parts with a file name are files: each is kept up to
// uploads::kFileMax bytes, the rest of a larger one is read and dropped, so
// that the client gets an answer that names it. Parts of an empty file
// input (no name, no bytes) are skipped.
FormFields read_form(const httplib::Request& req, const httplib::ContentReader& reader, size_t max, bool& too_large,
                     std::vector<Upload>* files = nullptr) {
    FormFields fields;
    too_large = false;
    if (req.is_multipart_form_data()) {
        size_t total = 0;
        std::string name, value;
        bool is_file = false, open = false;
        auto flush = [&] {
            if (!open) return;
            if (is_file) {
                if (!files->back().filename.empty() || !files->back().content.empty()) return;
                files->pop_back();
            } else {
                fields.emplace(name, value);
            }
        };
        bool ok = reader(
            [&](const httplib::MultipartFormData& part) {
                flush();
                open = true;
                name = part.name;
                value.clear();
                is_file = files && !part.filename.empty();
                if (files && part.filename.empty() && part.name == "files") is_file = true;  // an empty file input
                if (is_file) files->push_back({part.filename, {}, false});
                return fields.size() + (files ? files->size() : 0) < 1000;
            },
            [&](const char* data, size_t n) {
                total += n;
                if (total > max) { too_large = true; return false; }
                if (!is_file) {
                    value.append(data, n);
                } else if (!files->back().over) {
                    std::string& c = files->back().content;
                    if (c.size() + n > uploads::kFileMax) {
                        files->back().over = true;
                        std::string().swap(c);
                    } else {
                        c.append(data, n);
                    }
                }
                return true;
            });
        if (ok) flush();
        for (const auto& [k, v] : fields)
            if (!valid_utf8(k) || !valid_utf8(v)) throw Error("form: " + clip_utf8(k, 60) + ": not UTF-8 text");
        if (!ok && !too_large) throw Error("form: malformed multipart body");
        return fields;
    }
    std::string body;
    if (!read_body(reader, max, body)) {
        too_large = true;
        return fields;
    }
    return decode_form(body);
}

// Files of a client's answer written beside the database, each under its
// id: to a temporary name, synced, then renamed, so that a file is there
// whole or not at all. Until keep(), the destructor removes them again (the
// answer was refused or its transaction failed).
class StoredFiles {
public:
    explicit StoredFiles(std::string folder) : folder_(std::move(folder)) {}
    ~StoredFiles() {
        if (kept_) return;
        for (const projects::FileMeta& f : meta) std::remove((folder_ + "/" + f.id).c_str());
    }
    // False if the disk refused (the files written so far are removed).
    bool store(const Upload& u, const uploads::Accepted& a) {
        ::mkdir(folder_.c_str(), 0700);
        projects::FileMeta f{new_uuid(), a.name, a.type, auth::sha256_hex(u.content), (int64_t)u.content.size()};
        const std::string path = folder_ + "/" + f.id, part = path + ".part";
        FILE* out = std::fopen(part.c_str(), "wb");
        bool ok = out && std::fwrite(u.content.data(), 1, u.content.size(), out) == u.content.size() && std::fflush(out) == 0 &&
                  ::fsync(fileno(out)) == 0;
        if (out && std::fclose(out) != 0) ok = false;
        if (ok && std::rename(part.c_str(), path.c_str()) != 0) ok = false;
        if (!ok) {
            std::remove(part.c_str());
            return false;
        }
        meta.push_back(std::move(f));
        return true;
    }
    void keep() {
        kept_ = true;
        const int dir = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY);  // the renames last too
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
    }
    std::vector<projects::FileMeta> meta;

private:
    std::string folder_;
    bool kept_ = false;
};

}  // namespace

void Database::flush_views() {
    if (views.empty()) return;
    const int64_t before = sqlite3_total_changes(db);
    try {
        Savepoint sp(db, "atelier_views");
        for (const auto& [token, v] : views) automation::record_view(db, token, v.first, v.count, v.last);
        sp.commit();
    } catch (const std::exception& e) {
        metrics::log_failure("view", e.what());
    }
    views.clear();
    unseen_changes += sqlite3_total_changes(db) - before;
}

void send_stored_file(httplib::Response& res, const std::string& folder, const projects::FileMeta& f) {
    const std::string path = folder + "/" + f.id;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return send_error(res, 404, "file: not found");
    const bool raster = f.type == "image/png" || f.type == "image/jpeg" || f.type == "image/gif" || f.type == "image/webp";
    res.set_header("Content-Disposition", uploads::disposition({f.name, f.type, raster}));
    res.headers.erase("Content-Security-Policy");
    res.set_header("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'");
    res.set_header("Cache-Control", "private, no-store");
    std::shared_ptr<FILE> in(std::fopen(path.c_str(), "rb"), [](FILE* f) { if (f) std::fclose(f); });
    if (!in) return send_error(res, 404, "file: not found");
    res.set_content_provider((size_t)st.st_size, raster ? f.type : "application/octet-stream",
                             [in](size_t offset, size_t length, httplib::DataSink& sink) {
                                 std::string buf(std::min<size_t>(length, 1u << 16), '\0');
                                 return std::fseek(in.get(), (long)offset, SEEK_SET) == 0 &&
                                        std::fread(buf.data(), 1, buf.size(), in.get()) == buf.size() && sink.write(buf.data(), buf.size());
                             });
}

namespace {

// A client link that leads nowhere gets a page with the studio's contact.
void dead_link(Database& d, const std::string& token, httplib::Response& res) {
    client_headers(res);
    int status = 404;
    std::string page;
    try {
        page = dead_link_html(d.db, token, now_iso(), &status);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atelier: dead link: %s\n", e.what());
        page = "Not found\n";
    }
    res.status = status;
    res.set_content(page, "text/html; charset=utf-8");
}

// -------------------------------------------------------------------------
// [SECTION] client links
// -------------------------------------------------------------------------

void send_internal_error(httplib::Response& res, const char* where, const std::exception& e) {
    std::fprintf(stderr, "atelier: %s: %s\n", where, e.what());
    res.status = 500;
    res.set_content("Internal error\n", "text/plain; charset=utf-8");
}

// An accepted proposal leads on to its contract, a signed contract to its
// invoices: the client never reaches a dead end.
std::string with_next_step(Database& d, const Link& link, Lang lang, std::string page) {
    std::vector<std::pair<std::string, std::string>> next;  // label, token
    const int li = lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2;
    static const char* const contract[3] = {"Следующий шаг — договор", "Étape suivante : le contrat", "Next step: the contract"};
    static const char* const invoice[3] = {"Счёт", "Facture n°", "Invoice"};
    try {
        if (link.kind == "proposal") {
            Stmt q(d.db, "SELECT c.id FROM contracts c JOIN proposals p ON p.id = c.proposal_id WHERE p.id = ?1 AND p.status = 'accepted'"
                         " AND c.status != 'superseded' ORDER BY c.version DESC LIMIT 1");
            q.bind(1, link.doc_id);
            if (q.step()) next.push_back({contract[li], link_for(d.db, "contract", q.text(0), now_iso())});
        } else if (link.kind == "contract") {
            Stmt q(d.db, "SELECT i.id, coalesce(i.number, i.provisional_number, '') FROM invoices i JOIN contracts c ON c.id = i.contract_id"
                         " WHERE c.id = ?1 AND c.status = 'accepted' AND i.status NOT IN ('draft', 'void') ORDER BY i.position");
            q.bind(1, link.doc_id);
            while (q.step()) next.push_back({std::string(invoice[li]) + " " + q.text(1), link_for(d.db, "invoice", q.text(0), now_iso())});
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atelier: next step: %s\n", e.what());
        return page;
    }
    if (next.empty()) return page;
    std::string bar = "<nav style=\"font:16px/1.5 system-ui,sans-serif;background:#eaf1fc;border:1px solid #b9cdf0;border-radius:6px;"
                      "padding:10px 16px;margin:12px auto;max-width:46em\" class=\"no-print\">";
    for (const auto& [label, token] : next)
        bar += "<a href=\"/c/" + token + "\" style=\"color:#1f5fbf;font-weight:600;margin-right:1.5em\">" + mail::escape_html(label) + " →</a>";
    bar += "</nav>";
    size_t body = page.find("<body");
    size_t at = body == std::string::npos ? std::string::npos : page.find('>', body);
    if (at == std::string::npos) return page;
    page.insert(at + 1, bar);
    return page;
}

// The page behind a client's link, as a string, and the time it is good
// until (empty: until the data changes). Call with `d.mu` held.
std::string client_page(Database& d, const Link& link, const std::string& done, const std::string& now, std::string& until) {
    Lang lang = lead_lang(d.db, link.lead_id);
    until = link.expires_at;
    if (link.kind == "brief") {
        std::string notice;
        if (done == "saved" || done == "submitted" || done == "revised") {
            static const char* msgs[3][3] = {{"Черновик сохранён. Можно вернуться к брифу по этой же ссылке.", "Спасибо! Бриф отправлен, менеджер свяжется с вами.",
                                              "Изменения сохранены новой версией брифа, и студия о них уже знает. Расчёт и документы, которые вы уже получили, не меняются, пока студия не пришлёт новые."},
                                             {"Brouillon enregistré. Vous pouvez revenir par le même lien.", "Merci ! Votre brief est envoyé, nous revenons vers vous rapidement.",
                                              "Vos modifications sont enregistrées comme une nouvelle version du brief, et le studio en est informé. Le chiffrage et les documents déjà reçus ne changent pas tant que le studio ne vous en envoie pas de nouveaux."},
                                             {"Draft saved. You can come back with the same link.", "Thank you! Your brief is sent; we will be in touch.",
                                              "Your changes are saved as a new version of the brief, and the studio has been told. The estimate and the documents you already have do not change until the studio sends new ones."}};
            notice = msgs[lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2][done == "submitted" ? 1 : done == "revised" ? 2 : 0];
        }
        // The form as stored, kept until the data changes.
        const std::string key = "brief/" + link.doc_id + "/" + lang_code(lang) + "/" + (notice.empty() ? "" : done);
        if (const std::string* page = d.cached(key)) return *page;
        std::string page = brief_form_html(d.db, link.doc_id, lang, nullptr, {}, notice);
        d.remember(key, page);
        return page;
    }
    if (link.kind == "project") {
        // Where the project is now: the page depends on the data and on
        // the day (what is late, by how much), so it is kept for the day
        // until anything changes.
        static const char* const thanks[3] = {"Спасибо! Ответ получен, менеджер проекта его уже видит.",
                                              "Merci ! Votre réponse est reçue, le chef de projet la voit déjà.",
                                              "Thank you! Your answer is in, and the project's manager can see it."};
        const bool answered = done == "answered";
        const std::string tomorrow = automation::add_seconds(now.substr(0, 10) + "T00:00:00Z", 86400);
        if (until.empty() || tomorrow < until) until = tomorrow;
        const std::string key = "project/" + link.doc_id + "/" + lang_code(lang) + "/" + now.substr(0, 10) + (answered ? "/answered" : "");
        if (const std::string* page = d.cached(key)) return *page;
        std::string page = projects::page_html(d.db, link.doc_id, lang, now, answered ? thanks[lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2] : "");
        d.remember(key, page);
        return page;
    }
    const std::string key = link.kind + "/" + link.doc_id + "/" + lang_code(lang);
    if (const std::string* page = d.cached(key)) return *page;
    std::string page = with_next_step(d, link, lang, client_document_html(d.db, link.kind, link.doc_id, lang, ""));
    d.remember(key, page);
    return page;
}

// The token of a path /c/<token> (1 to 64 of A-Z a-z 0-9 _ -), or empty.
std::string_view client_page_token(std::string_view path) {
    if (path.size() < 4 || path.size() > 3 + 64 || path.substr(0, 3) != "/c/") return {};
    for (char c : path.substr(3))
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return {};
    return path.substr(3);
}

// GET /c/<token>[?done=...]. What was served for the same link and notice
// is served again, without reading a table, until the data changes, the
// link expires or (the project page) the day ends.
void get_client_page(Database& d, const std::string& token, const httplib::Request& req, httplib::Response& res) {
    const std::string done = req.get_param_value("done");
    const std::string now = now_iso();
    std::lock_guard<std::mutex> lock(d.mu);
    const std::string key = "served/" + token + "/" + done;
    const std::string* page = d.cached(key, now);
    if (!page) {
        auto link = resolve_link(d.db, token, now);
        if (!link) return dead_link(d, token, res);
        std::string until;
        std::string body = client_page(d, *link, done, now, until);
        d.remember(key, body, until);
        page = d.cached(key, now);
        if (!page) {  // already out of date (the link expires this second)
            client_headers(res);
            res.set_content(body, "text/html; charset=utf-8");
            return;
        }
    }
    client_headers(res);
    // The client opened it: counted, and the first opening is an event the
    // manager sees (and a rule can react to).
    if (req.method == "GET" && done.empty()) d.note_view(token, now);
    res.set_content(*page, "text/html; charset=utf-8");
}

void post_client_page(Database& d, const ServeOptions& opt, const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader) {
    const std::string token = req.matches[1].str();
    std::optional<Link> link;
    Lang lang = Lang::ru;
    json tpl;
    std::string code;
    size_t max = kAnonymousBodyMax;
    {
        std::lock_guard<std::mutex> lock(d.mu);
        link = resolve_link(d.db, token, now_iso());
        if (!link) return dead_link(d, token, res);
        lang = lead_lang(d.db, link->lead_id);
        if (link->kind == "brief") {
            Stmt t(d.db, "SELECT bt.code, bt.body_json FROM briefs b JOIN brief_templates bt ON bt.id = b.template_id WHERE b.id = ?1");
            t.bind(1, link->doc_id);
            if (!t.step()) return dead_link(d, token, res);
            code = t.text(0);
            tpl = parse_json(t.text(1), "brief_template");
            max = std::min(kBriefFormMax, form_max_bytes(tpl));
        }
        if (link->kind == "project") max = uploads::kRequestMax;
    }
    client_headers(res);
    // The body is read without the database lock: a slow client holds
    // nobody up.
    bool too_large = false;
    bool malformed = false;
    FormFields fields;
    std::vector<Upload> uploaded;
    try {
        fields = read_form(req, reader, max, too_large, link->kind == "project" ? &uploaded : nullptr);
    } catch (const Error&) {
        malformed = true;
    }
    // A project answer's files: checked, then written beside the database,
    // still without the lock; what is refused is named in the client's
    // language and nothing is kept.
    const int li = lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2;
    StoredFiles stored(uploads::folder_of(opt.db_path));
    std::string file_problems;
    if (!too_large && !malformed && !uploaded.empty()) {
        static const char* const too_many[3] = {"Можно отправить не больше 10 файлов за раз.", "Pas plus de 10 fichiers à la fois.",
                                                "No more than 10 files at a time, please."};
        static const char* const why[3][7] = {
            {"пустой файл", "больше 20 МБ", "программы и веб-страницы не принимаются", "программы и веб-страницы не принимаются",
             "такой тип файлов не принимается", "содержимое не соответствует расширению", "имя файла повреждено"},
            {"fichier vide", "plus de 20 Mo", "les programmes et les pages web ne sont pas acceptés",
             "les programmes et les pages web ne sont pas acceptés", "ce type de fichier n’est pas accepté",
             "le contenu ne correspond pas à l’extension", "nom de fichier endommagé"},
            {"the file is empty", "larger than 20 MB", "programs and web pages are not accepted", "programs and web pages are not accepted",
             "this kind of file is not accepted", "the content does not match the extension", "the file name is damaged"}};
        static const char* const accepted[3] = {"Принимаются: ", "Acceptés : ", "Accepted: "};
        static const char* const disk[3] = {"Не удалось сохранить файлы. Попробуйте ещё раз позже.",
                                            "Les fichiers n’ont pas pu être enregistrés. Réessayez plus tard.",
                                            "The files could not be stored. Please try again later."};
        if (uploaded.size() > uploads::kFilesPerAnswer) file_problems = too_many[li];
        std::vector<uploads::Accepted> ok;
        bool kinds = false;
        for (const Upload& u : uploaded) {
            if (!file_problems.empty() && uploaded.size() > uploads::kFilesPerAnswer) break;
            try {
                if (u.over) throw uploads::Refused(uploads::clean_name(u.filename), uploads::Reason::too_large, "");
                ok.push_back(uploads::check(u.filename, u.content));
            } catch (const uploads::Refused& r) {
                kinds = kinds || r.reason == uploads::Reason::not_accepted || r.reason == uploads::Reason::mismatch;
                file_problems += (file_problems.empty() ? "" : " ") + std::string("«") + r.file + "»: " + why[li][(int)r.reason] + ".";
            }
        }
        if (kinds) file_problems += std::string(" ") + accepted[li] + uploads::kAcceptedKinds + ".";
        if (file_problems.empty())
            for (size_t i = 0; i < uploaded.size(); ++i)
                if (!stored.store(uploaded[i], ok[i])) {
                    file_problems = disk[li];
                    break;
                }
        std::vector<Upload>().swap(uploaded);
    }
    auto field = [&](const char* name) {
        auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
    };
    const std::string action = field("action");
    const std::string now = now_iso();
    std::lock_guard<std::mutex> lock(d.mu);

    if (link->kind == "brief") {
        if (too_large || malformed) {
            if (too_large) res.set_header("Connection", "close");  // the rest of the body was not read
            static const char* msgs[3][2] = {
                {"Ответы слишком длинные, бриф не сохранён. Сократите самые длинные ответы и отправьте ещё раз.",
                 "Форма пришла повреждённой, бриф не сохранён. Попробуйте ещё раз."},
                {"Les réponses sont trop longues : le brief n'est pas enregistré. Raccourcissez les plus longues et renvoyez-le.",
                 "Le formulaire est arrivé endommagé : le brief n'est pas enregistré. Veuillez réessayer."},
                {"The answers are too long, so the brief was not saved. Please shorten the longest ones and send it again.",
                 "The form arrived damaged, so the brief was not saved. Please try again."}};
            res.status = too_large ? 413 : 400;
            res.set_content(brief_form_html(d.db, link->doc_id, lang, nullptr, {}, msgs[li][too_large ? 0 : 1]),
                            "text/html; charset=utf-8");
            return;
        }
        if (action != "save" && action != "submit") {
            res.status = 400;
            res.set_content("Unknown action\n", "text/plain; charset=utf-8");
            return;
        }
        fields.erase("action");
        BriefInput input = brief_input(tpl, fields, action == "submit");
        json& answers = input.answers;
        auto& problems = input.problems;
        if (!problems.empty()) {
            res.status = 422;
            res.set_content(brief_form_html(d.db, link->doc_id, lang, &answers, problems, ""), "text/html; charset=utf-8");
            return;
        }
        // After the studio has estimated the brief, the client's change is a
        // new version: the lead's owner is told, nothing estimated changes.
        Stmt who(d.db, "SELECT c.name FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
        who.bind(1, link->lead_id);
        const std::string client_name = who.step() ? who.text(0) : "";
        Outcome saved = conveyor::save_brief(d.db, link->lead_id, code, answers, action == "submit", client_actor(client_name), now);
        const bool revised = saved.made["revised"].get<bool>();
        res.status = 303;
        res.set_header("Location", "/c/" + token + "?done=" + (action != "submit" ? "saved" : revised ? "revised" : "submitted"));
        return;
    }
    if (link->kind == "project") {
        // The client's answer to one of this project's material requests.
        static const char* const damaged[3] = {
            "Ответ или файлы слишком велики (всего не больше 60 МБ) или форма пришла повреждённой: ничего не сохранено. Отправьте ещё раз, частями.",
            "La réponse ou les fichiers sont trop volumineux (60 Mo au total) ou le formulaire est endommagé : rien n’est enregistré. Renvoyez-les en plusieurs fois.",
            "The answer or the files are too large (60 MB in all) or the form arrived damaged: nothing was saved. Please send them again, in parts."};
        static const char* const unknown[3] = {"Этот запрос не относится к вашему проекту.", "Cette demande ne concerne pas votre projet.",
                                               "This request is not part of your project."};
        static const char* const empty[3] = {"Напишите ответ, вставьте ссылку или приложите файлы.",
                                             "Écrivez votre réponse, collez un lien ou joignez des fichiers.",
                                             "Please write your answer, paste a link or attach files."};
        auto refuse = [&](int status, const char* msg) {
            if (too_large) res.set_header("Connection", "close");
            res.status = status;
            res.set_content(projects::page_html(d.db, link->doc_id, lang, now, "", msg), "text/html; charset=utf-8");
        };
        if (too_large || malformed) return refuse(too_large ? 413 : 400, damaged[li]);
        if (!file_problems.empty()) return refuse(422, file_problems.c_str());
        if (action != "answer") {
            res.status = 400;
            res.set_content("Unknown action\n", "text/plain; charset=utf-8");
            return;
        }
        Stmt mine(d.db, "SELECT 1 FROM material_requests WHERE id = ?1 AND project_id = ?2");
        mine.bind(1, field("request_id")).bind(2, link->doc_id);
        if (!mine.step()) return refuse(404, unknown[li]);
        const std::string answer = field("answer");
        if (answer.find_first_not_of(" \t\r\n") == std::string::npos && stored.meta.empty()) return refuse(422, empty[li]);
        Stmt who(d.db, "SELECT c.name FROM leads l JOIN clients c ON c.id = l.client_id WHERE l.id = ?1");
        who.bind(1, link->lead_id);
        const std::string client_name = who.step() ? who.text(0) : "";
        try {
            projects::answer_material(d.db, field("request_id"), answer, client_actor(client_name), now, stored.meta);
            stored.keep();
        } catch (const DbError&) {
            throw;
        } catch (const Error&) {
            return refuse(422, damaged[li]);
        }
        res.status = 303;
        res.set_header("Location", "/c/" + token + "?done=answered");
        return;
    }
    if ((link->kind == "proposal" || link->kind == "contract" || link->kind == "act") && action == "accept") {
        std::string next_token;  // the client goes on to the contract, then to the invoice
        try {
            // Acceptance moves the lead on, in the same transaction: an
            // accepted proposal becomes the contract to accept, an accepted
            // contract becomes the invoices of its payment schedule; the
            // studio is told either way.
            Savepoint sp(d.db, "client_accept");
            const std::string name = field("name");
            const Acceptance how{"online", name, client_addr(req, opt), ""};
            std::string next_kind, next_id;
            if (link->kind == "proposal") {
                next_id = conveyor::accept(d.db, link->doc_id, how, client_actor(name), now).made["contract_id"];
                next_kind = "contract";
            } else if (link->kind == "act") {
                conveyor::sign_act(d.db, link->doc_id, how, client_actor(name), now);
            } else {
                // The client's legal details, if given, go on the contract and the invoices.
                std::vector<std::string> problems;
                json rq = requisites_from_form(d.db, link->lead_id, fields, lang, &problems);
                if (!problems.empty()) {
                    std::string msg;
                    for (const std::string& p : problems) msg += (msg.empty() ? "" : "; ") + p;
                    throw Error(msg);
                }
                if (!rq.empty()) conveyor::set_requisites(d.db, link->lead_id, rq, client_actor(name), now);
                json ids = conveyor::sign(d.db, link->doc_id, how, client_actor(name), now).made["invoice_ids"];
                next_kind = "invoice";
                next_id = ids.empty() ? "" : ids.front().get<std::string>();
            }
            if (!next_id.empty()) next_token = link_for(d.db, next_kind, next_id, now);
            sp.commit();
        } catch (const DbError& e) {
            return send_internal_error(res, "client accept", e);
        } catch (const Error& e) {
            res.status = 422;
            std::string msg = e.what();
            if (msg.rfind("atelier: ", 0) == 0) msg.erase(0, 9);
            res.set_content(client_document_html(d.db, link->kind, link->doc_id, lang, msg), "text/html; charset=utf-8");
            return;
        }
        res.status = 303;
        res.set_header("Location", "/c/" + (next_token.empty() ? token : next_token));
        return;
    }
    res.status = 405;
    res.set_content("Method not allowed\n", "text/plain; charset=utf-8");
}

// -------------------------------------------------------------------------
// [SECTION] lead intake
// -------------------------------------------------------------------------

// A fixed window per client address: at most `limit` requests a minute.
class RateLimiter {
public:
    explicit RateLimiter(int limit) : limit_(limit) {}
    // Returns 0 if allowed, else the seconds to wait.
    int check(const std::string& addr) {
        std::lock_guard<std::mutex> lock(mu_);
        auto now = std::chrono::steady_clock::now();
        auto& w = windows_[addr];
        if (now - w.start >= std::chrono::minutes(1)) { w.start = now; w.count = 0; }
        if (windows_.size() > 100000) windows_.clear();  // bounded memory under a flood of addresses
        if (++w.count <= limit_) return 0;
        return (int)std::chrono::duration_cast<std::chrono::seconds>(w.start + std::chrono::minutes(1) - now).count() + 1;
    }

private:
    struct Window {
        std::chrono::steady_clock::time_point start{};
        int count = 0;
    };
    int limit_;
    std::mutex mu_;
    std::map<std::string, Window> windows_;
};

bool origin_allowed(const ServeOptions& opt, const std::string& origin) {
    for (const auto& o : opt.cors_origins)
        if (o == "*" || o == origin) return true;
    return false;
}

// A browser's fetch() or XMLHttpRequest, as opposed to a form that the
// visitor submits: only these need the site's origin in --cors-origin.
bool is_script_request(const httplib::Request& req) {
    const std::string mode = req.get_header_value("Sec-Fetch-Mode");
    if (!mode.empty()) return mode == "cors" || mode == "same-origin" || mode == "no-cors";
    const std::string type = req.get_header_value("Content-Type");
    return type.find("application/json") != std::string::npos;  // forms cannot send it without a preflight
}

// What a visitor reads when the site form was refused: the fields to check,
// in the form's language, not the core's message.
std::string visitor_message(const std::string& err, Lang lang) {
    const int li = lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2;
    static const char* const name[3] = {"Укажите, как к вам обращаться.", "Indiquez votre nom.", "Please tell us your name."};
    static const char* const email[3] = {"Проверьте адрес e-mail.", "Vérifiez l’adresse e-mail.", "Please check the e-mail address."};
    static const char* const phone[3] = {"Проверьте номер телефона.", "Vérifiez le numéro de téléphone.", "Please check the phone number."};
    static const char* const other[3] = {"Проверьте поля формы.", "Vérifiez les champs du formulaire.", "Please check the form’s fields."};
    std::string out;
    if (err.find("client_name:") != std::string::npos) out += name[li];
    if (err.find("email:") != std::string::npos) out += (out.empty() ? "" : " ") + std::string(email[li]);
    if (err.find("phone:") != std::string::npos) out += (out.empty() ? "" : " ") + std::string(phone[li]);
    return out.empty() ? other[li] : out;
}

// A thank-you page for a plain form post (the visitor sees the answer).
void intake_page(httplib::Response& res, int status, Lang lang, bool ok, const std::string& detail) {
    static const char* const title[3][2] = {{"Заявка не отправлена", "Спасибо! Заявка отправлена"},
                                            {"La demande n'est pas envoyée", "Merci ! Votre demande est envoyée"},
                                            {"The request was not sent", "Thank you! Your request is sent"}};
    static const char* const back[3] = {"Вернитесь на предыдущую страницу, чтобы исправить заявку.",
                                        "Revenez à la page précédente pour corriger la demande.",
                                        "Go back to the previous page to correct the request."};
    const int li = lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2;
    json d = {{"lang", lang_code(lang)}, {"title", title[li][ok ? 1 : 0]}, {"detail", detail}, {"ok", ok}, {"back", back[li]}};
    res.status = status;
    res.set_header("Content-Security-Policy", kDocumentPolicy);
    res.set_content(render_template("<!doctype html><html lang=\"{{lang}}\"><head><meta charset=\"utf-8\">"
                                    "<meta name=\"viewport\" content=\"width=device-width\"><title>{{title}}</title></head>"
                                    "<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em\">"
                                    "<h1>{{title}}</h1>{{^ok}}<p>{{detail}}</p><p>{{back}}</p>{{/ok}}"
                                    "</body></html>",
                                    d),
                    "text/html; charset=utf-8");
}

void post_lead(Database& d, const ServeOptions& opt, RateLimiter& limiter, const httplib::Request& req,
               httplib::Response& res, const httplib::ContentReader& reader) {
    // A manager (session or API token) creates leads with every field,
    // amount, currency and source included; a visitor only says who they are.
    if (auto p = principal_of(d, req)) {
        if (!p->csrf.empty() && req.get_header_value("X-CSRF-Token") != p->csrf)
            return send_error(res, 403, "X-CSRF-Token: missing or wrong");
        std::string body;
        if (!read_body(reader, kApiBodyMax, body)) {
            res.set_header("Connection", "close");
            return send_error(res, 413, "atelier: lead: body: too large");
        }
        try {
            NewLead l = new_lead_from_json(parse_json(body, "lead: body", kApiBodyMax));
            std::lock_guard<std::mutex> lock(d.mu);
            Outcome o = conveyor::intake(d.db, l, json::object(), actor_of(d.db, *p), opt.base_url, now_iso());
            return send_json(res, 201, json{{"id", o.lead_id}});
        } catch (const DbError& e) {
            return send_internal_error(res, "lead", e);
        } catch (const Error& e) {
            return send_error(res, 400, e.what());
        }
    }
    const bool script = is_script_request(req);
    const std::string origin = req.get_header_value("Origin");
    if (script && !origin.empty()) {
        if (!origin_allowed(opt, origin)) return send_error(res, 403, "origin not allowed: start the server with --cors-origin " + clip_utf8(origin, 100));
        res.set_header("Access-Control-Allow-Origin", origin);
        res.set_header("Vary", "Origin");
    }
    // A form's visitor reads the answer as a page in the form's language.
    Lang lang = Lang::ru;
    auto answer = [&](int status, const std::string& msg, const std::string& id) {
        if (script) return id.empty() ? send_error(res, status, msg) : send_json(res, status, json{{"id", id}});
        const int li = lang == Lang::ru ? 0 : lang == Lang::fr ? 1 : 2;
        static const char* const busy[3] = {"Слишком много заявок подряд. Попробуйте через минуту.",
                                            "Trop de demandes à la suite. Réessayez dans une minute.",
                                            "Too many requests in a row. Please try again in a minute."};
        static const char* const big[3] = {"Сообщение слишком длинное: сократите его, пожалуйста.",
                                           "Le message est trop long : raccourcissez-le, s’il vous plaît.",
                                           "The message is too long: please shorten it."};
        intake_page(res, status, lang, !id.empty(), status == 429 ? busy[li] : status == 413 ? big[li] : visitor_message(msg, lang));
    };
    if (int wait = limiter.check(client_addr(req, opt))) {
        res.set_header("Retry-After", std::to_string(wait));
        return answer(429, "too many requests: try again in " + std::to_string(wait) + " s", "");
    }
    // Fields from JSON or from a form post, read up to the anonymous limit.
    json in = json::object();
    const std::string type = req.get_header_value("Content-Type");
    try {
        const std::string too_large = "atelier: lead: body: larger than " + std::to_string(kAnonymousBodyMax) + " bytes";
        if (req.is_multipart_form_data()) {
            bool over = false;
            FormFields f = read_form(req, reader, kAnonymousBodyMax, over);
            if (over) {
                res.set_header("Connection", "close");  // the rest of the body was not read
                return answer(413, too_large, "");
            }
            for (const auto& [k, v] : f) in[k] = v;
        } else {
            std::string body;
            if (!read_body(reader, kAnonymousBodyMax, body)) {
                res.set_header("Connection", "close");  // the rest of the body was not read
                return answer(413, too_large, "");
            }
            if (type.find("application/json") != std::string::npos || (!body.empty() && body[0] == '{')) {
                in = parse_json(body, "lead: body", kAnonymousBodyMax, 8);
                if (!in.is_object()) return answer(400, "atelier: lead: body: expected a JSON object", "");
            } else {
                for (const auto& [k, v] : decode_form(body)) in[k] = v;
            }
        }
        if (in.contains("lang") && in["lang"].is_string()) lang = lang_from_code(in["lang"].get<std::string>()).value_or(Lang::ru);
        Intake intake = intake_from_fields(in);
        // Honeypot: a field people never see and bots fill in.
        if (intake.trapped) return answer(422, "rejected", "");
        std::lock_guard<std::mutex> lock(d.mu);
        Outcome o = conveyor::intake(d.db, intake.lead, intake.utm, client_actor(intake.lead.client_name), opt.base_url, now_iso());
        answer(201, "", o.lead_id);
    } catch (const DbError& e) {
        send_internal_error(res, "intake", e);
    } catch (const Error& e) {
        answer(400, e.what(), "");
    }
}

void preflight(const ServeOptions& opt, const httplib::Request& req, httplib::Response& res) {
    const std::string origin = req.get_header_value("Origin");
    if (origin.empty() || !origin_allowed(opt, origin)) {
        res.status = 403;
        return;
    }
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    res.set_header("Vary", "Origin");
}

}  // namespace

// -------------------------------------------------------------------------
// [SECTION] serve
// -------------------------------------------------------------------------

int backup(const std::string& db_path, const std::string& dest) {
    sqlite3* src = nullptr;
    sqlite3* dst = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "atelier: cannot open database %s: %s\n", db_path.c_str(), sqlite3_errmsg(src));
        sqlite3_close(src);
        return 1;
    }
    if (sqlite3_open(dest.c_str(), &dst) != SQLITE_OK) {
        std::fprintf(stderr, "atelier: cannot create %s: %s\n", dest.c_str(), sqlite3_errmsg(dst));
        sqlite3_close(src);
        sqlite3_close(dst);
        return 1;
    }
    sqlite3_busy_timeout(src, 5000);
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;  // one step: a consistent snapshot
    if (b) sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        std::fprintf(stderr, "atelier: backup failed: %s\n", sqlite3_errmsg(dst));
        sqlite3_close(src);
        sqlite3_close(dst);
        return 1;
    }
    sqlite3_close(src);
    sqlite3_close(dst);
    // The clients' files beside it: those the copy knows, whole ones only.
    std::error_code ec;
    const std::filesystem::path from = uploads::folder_of(db_path), to = uploads::folder_of(dest);
    size_t copied = 0;
    if (std::filesystem::is_directory(from, ec)) {
        std::filesystem::create_directories(to, ec);
        for (const auto& entry : std::filesystem::directory_iterator(from, ec)) {
            if (!entry.is_regular_file() || entry.path().extension() == ".part") continue;
            std::filesystem::copy_file(entry.path(), to / entry.path().filename(), std::filesystem::copy_options::overwrite_existing, ec);
            if (ec) {
                std::fprintf(stderr, "atelier: backup: cannot copy %s: %s\n", entry.path().c_str(), ec.message().c_str());
                return 1;
            }
            ++copied;
        }
    }
    std::printf("%s: backed up to %s", db_path.c_str(), dest.c_str());
    if (copied) std::printf(", %zu client file%s to %s", copied, copied == 1 ? "" : "s", to.c_str());
    std::printf("\n");
    return 0;
}

namespace {

bool read_file(const std::string& path, std::string* out) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
    std::fclose(f);
    return true;
}

// The database of a one-shot command: migrated, its writes logged for sync;
// `run` prints what it did. 0 on success, 1 with the reason on stderr.
int with_command_db(const std::string& db_path, const std::function<void(sqlite3*)>& run) {
    sqlite3_auto_extension((void (*)())atelier_auto_init);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "atelier: cannot open database %s: %s\n", db_path.c_str(), sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    int rc = 0;
    try {
        exec(db, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        if (schema_version(db) < latest_schema_version()) migrate(db);
        sync::attach(db);
        run(db);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atelier: %s\n", e.what());
        rc = 1;
    }
    sqlite3_close(db);
    return rc;
}

}  // namespace

int sync_command(const std::string& db_path, const std::string& what, const std::string& file, int64_t since) {
    std::string bundle;
    if (what == "import" && !read_file(file, &bundle)) {
        std::fprintf(stderr, "atelier: sync import: cannot read %s\n", file.c_str());
        return 1;
    }
    return with_command_db(db_path, [&](sqlite3* db) {
        if (what == "import") {
            sync::ApplyResult r = sync::apply(db, bundle);
            std::printf("%s\n", r.json().c_str());
        } else if (what == "export") {
            sync::ExportOptions o;
            o.since = since;
            std::printf("%s\n", sync::export_changes(db, o).c_str());
        } else {
            std::printf("%s\n", sync::digest(db).c_str());
        }
    });
}

int bank_command(const std::string& db_path, const std::string& file, const std::string& mapping) {
    std::string bytes;
    if (!read_file(file, &bytes)) {
        std::fprintf(stderr, "atelier: bank import: cannot read %s\n", file.c_str());
        return 1;
    }
    const size_t slash = file.find_last_of('/');
    const std::string source = slash == std::string::npos ? file : file.substr(slash + 1);
    return with_command_db(db_path, [&](sqlite3* db) {
        std::vector<payments_in::BankLine> lines =
            mapping.empty() ? payments_in::parse_1c(bytes) : payments_in::parse_csv(bytes, payments_in::csv_mapping(db, mapping));
        json r = payments_in::import_statement(db, lines, source, Actor{"system", "bank statement", "system", false}, now_iso());
        std::printf("%s\n", r.dump(2).c_str());
    });
}

int serve(const ServeOptions& in_opt) {
    ServeOptions opt = in_opt;
    if (opt.base_url.empty()) opt.base_url = "http://" + opt.host + ":" + std::to_string(opt.port);
    while (!opt.base_url.empty() && opt.base_url.back() == '/') opt.base_url.pop_back();

    sqlite3_auto_extension((void (*)())atelier_auto_init);
    Database d;
    if (sqlite3_open_v2(opt.db_path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::fprintf(stderr, "atelier: cannot open database %s: %s\n", opt.db_path.c_str(), sqlite3_errmsg(d.db));
        return 1;
    }
    try {
        // WAL with synchronous=NORMAL: a commit is durable against a crash of
        // the process, and fsyncs happen at checkpoints, not at every commit.
        // Temporary storage in memory: a savepoint's page copies (every
        // conveyor step is one) then never go through a file in /var/tmp.
        exec(d.db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;"
                   " PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY;");
        cache_statements(d.db);
        int v = migrate(d.db);
        bool seeded = opt.demo && seed_demo(d.db);
        ensure_studio(d.db, now_iso());
        install_defaults(d.db, now_iso());
        if (seeded) seed_demo_history(d.db, now_iso(), opt.base_url, opt.demo_history);
        sync::attach(d.db);  // every write from here on is in the change log
        std::fprintf(stderr, "atelier: database %s, schema version %d%s\n", opt.db_path.c_str(), v,
                     seeded ? ", demo data created" : "");
        if (!auth::init()) throw Error("libsodium cannot start");
        std::string pw = auth::ensure_owner(d.db, opt.owner_email, opt.owner_password, now_iso());
        if (!pw.empty() && opt.owner_password.empty()) {
            Stmt o(d.db, "SELECT email FROM users WHERE role = 'owner' AND password_hash != '' LIMIT 1");
            o.step();
            std::printf("Owner account created: %s, password %s (shown once; change it after logging in)\n",
                        o.text(0).c_str(), pw.c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atelier: cannot use database %s: %s\n", opt.db_path.c_str(), e.what());
        return 1;
    }

    httplib::Server svr;
    svr.set_tcp_nodelay(true);
    svr.set_payload_max_length(kSyncBodyMax);  // the largest body of any route; each route has its own below
    // Before any body is read: paths with a NUL byte are nobody's, and a
    // declared body over the route's limit is refused unread.
    // The app's own files go out compressed (static_files.h).
    StaticFiles app_files(opt.www);
    // The clients' pages are answered here too, before the routes' patterns
    // are tried: they are the pages under load.
    svr.set_pre_routing_handler([&app_files, &d](const httplib::Request& req, httplib::Response& res) {
        tl_request_start = std::chrono::steady_clock::now();
        if (req.path.find('\0') != std::string::npos) {
            res.status = 404;
            res.set_content("Not found\n", "text/plain; charset=utf-8");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.method == "GET" || req.method == "HEAD") {
            if (std::string_view token = client_page_token(req.path); !token.empty()) {
                get_client_page(d, std::string(token), req, res);
                return httplib::Server::HandlerResponse::Handled;
            }
            return app_files.serve(req, res) ? httplib::Server::HandlerResponse::Handled : httplib::Server::HandlerResponse::Unhandled;
        }
        if (req.method == "OPTIONS") return httplib::Server::HandlerResponse::Unhandled;
        const bool client_page = req.path.rfind("/c/", 0) == 0;
        size_t limit = req.path == "/api/sync/push"                                ? kSyncBodyMax
                       : client_page && req.is_multipart_form_data()                ? uploads::kRequestMax
                       : client_page                                                ? kBriefFormMax
                       : req.path == "/api/leads" || req.path == "/api/login" || req.path == "/api/payments/webhook" ? kAnonymousBodyMax
                                                                                    : kApiBodyMax;
        const bool has_length = req.has_header("Content-Length");
        const size_t length = has_length ? (size_t)std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) : 0;
        if (!has_length && req.has_header("Transfer-Encoding") && limit < kSyncBodyMax && req.path != "/api/leads" &&
            req.path.rfind("/c/", 0) != 0) {
            res.status = 411;
            send_error(res, 411, "request: a Content-Length is required");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (length > limit) {
            send_error(res, 413, "request: body: larger than " + std::to_string(limit) + " bytes");
            res.set_header("Connection", "close");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    // Every answer: no content sniffing, never framed by another site.
    svr.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
        res.set_header("X-Content-Type-Options", "nosniff");
        if (!res.has_header("Content-Security-Policy")) res.set_header("Content-Security-Policy", "frame-ancestors 'none'");
        res.set_header("X-Frame-Options", "DENY");
    });
    // Keep-alive connections hold a worker each: enough workers that clients
    // on keep-alive do not queue behind one another.
    svr.new_task_queue = [] { return new httplib::ThreadPool(64); };
    // SO_REUSEADDR only: the library's default SO_REUSEPORT would let a second
    // server bind the same port silently instead of failing.
    svr.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
    svr.set_file_extension_and_mimetype_mapping("data", "application/octet-stream");
    svr.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
    if (is_dir(opt.www)) {
        svr.set_mount_point("/", opt.www);
    } else {
        std::fprintf(stderr, "atelier: warning: app folder %s not found; the app is not served (build it with scripts/build.sh)\n",
                     opt.www.c_str());
    }
    // Every answer is counted for /metrics, and logged with --log-requests.
    svr.set_logger([log = opt.log_requests](const httplib::Request& req, const httplib::Response& res) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - tl_request_start).count();
        metrics::request(metrics::route_label(req.method, req.path), res.status, seconds);
        if (!log) return;
        // Client-link tokens are capabilities: the log shows only their start.
        std::string path = req.path;
        if (path.rfind("/c/", 0) == 0 && path.size() > 9) path = path.substr(0, 9) + "…";
        json line = {{"t", now_iso()}, {"method", req.method}, {"path", path}, {"status", res.status},
                     {"addr", req.remote_addr}, {"bytes", res.body.size()}};
        std::fprintf(stderr, "%s\n", line.dump().c_str());
    });

    RateLimiter limiter(opt.intake_per_minute);
    // The clients' routes first: the library tries the routes in order. (Their
    // pages, GET /c/<token>, are answered before routing.)
    svr.Get(R"(/c/([A-Za-z0-9_-]{1,64})/files/([0-9a-f-]{36}))", [&](const httplib::Request& req, httplib::Response& res) {
        // A file the client sent, only through a link of its own project.
        std::optional<projects::FileMeta> f;
        {
            std::lock_guard<std::mutex> lock(d.mu);
            std::optional<Link> link = resolve_link(d.db, req.matches[1].str(), now_iso());
            if (link && link->kind == "project") f = projects::file(d.db, req.matches[2].str(), link->doc_id);
        }
        client_headers(res);
        if (!f) return send_error(res, 404, "file: not found");
        send_stored_file(res, uploads::folder_of(opt.db_path), *f);
    });
    register_api(svr, d, opt);

    // A database with the schema and no data, for the app's first visit in
    // a browser: migrating a new file in WebAssembly is most of what that
    // visit waits for (shell.js fetches this while the module downloads;
    // the app migrates as usual when it is not there or not its version).
    // Made once, with the app's files compressed ahead (or by the first
    // request that finds it missing), from no data of this server's.
    struct EmptyImage {
        std::once_flag once;
        std::shared_ptr<const std::string> raw, gz, zst;
        void make() {
            std::call_once(once, [this] {
                std::string image = empty_database_image();
                gz = std::make_shared<const std::string>(gzip(image));
                zst = std::make_shared<const std::string>(zstd(image, 19));
                raw = std::make_shared<const std::string>(std::move(image));
            });
        }
    };
    auto empty = std::make_shared<EmptyImage>();
    svr.Get("/empty.db", [empty](const httplib::Request& req, httplib::Response& res) {
        try {
            empty->make();
        } catch (const std::exception& e) {
            return send_error(res, 500, std::string("empty database: ") + e.what());
        }
        res.set_header("Cache-Control", "no-cache");
        const char* type = "application/vnd.sqlite3";
        if (!send_coded(req, res, empty->gz, empty->zst, type)) res.set_content(*empty->raw, type);
    });

    svr.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(d.mu);
        // The studio's name: what the app's log-in screen greets with (it is on every client page too).
        Stmt q(d.db, "SELECT name FROM studio ORDER BY created_at LIMIT 1");
        const std::string studio = q.step() ? q.text(0) : "";
        send_json(res, 200, json{{"status", "ok"}, {"version", ATELIER_VERSION}, {"schema", schema_version(d.db)}, {"studio", studio}});
    });
    // For the operator's scraper: from this machine, or with the owner's token or session.
    svr.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
        const std::string addr = client_addr(req, opt);
        const bool local = (addr.rfind("127.", 0) == 0 || addr == "::1" || addr == "::ffff:127.0.0.1") && !req.has_header("X-Forwarded-For");
        if (!local) {
            std::optional<auth::Principal> p = principal_of(d, req);
            if (!p || p->role != "owner") return send_error(res, 403, "metrics: only from this machine, or with the owner's API token");
        }
        std::lock_guard<std::mutex> lock(d.mu);
        res.set_content(metrics::exposition(d.db, opt.db_path, now_iso()), "text/plain; version=0.0.4; charset=utf-8");
    });
    svr.Post("/api/leads", [&](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        post_lead(d, opt, limiter, req, res, reader);
    });
    svr.Options("/api/leads", [&](const httplib::Request& req, httplib::Response& res) { preflight(opt, req, res); });
    svr.Post(R"(/c/([A-Za-z0-9_-]{1,64}))", [&](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        post_client_page(d, opt, req, res, reader);
    });
    // What escapes a route is logged for the studio; the client sees only
    // that something went wrong.
    svr.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        const json where = {{"method", req.method}, {"route", metrics::route_label(req.method, req.path)}};
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            metrics::log_failure("http", e.what(), where);
        } catch (...) {
            metrics::log_failure("http", "unknown exception", where);
        }
        res.headers.erase("Content-Security-Policy");
        send_error(res, 500, "atelier: internal error (the server's log has the details)");
    });

    if (!svr.bind_to_port(opt.host.c_str(), opt.port)) {
        std::fprintf(stderr, "atelier: cannot listen on %s:%d (port busy or address unavailable)\n", opt.host.c_str(),
                     opt.port);
        return 1;
    }

    // Stop cleanly on SIGINT/SIGTERM: a thread waits for the signal, then
    // stops the server, which finishes the requests in flight.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::atomic<bool> signalled{false}, listen_done{false};
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&set, &sig);
        signalled = true;
        // A signal that arrives before the accept loop has started must not
        // be lost: stop() only stops a running server.
        while (!svr.is_running() && !listen_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        svr.stop();
    });

    MailOptions mo;
    mo.smtp_url = opt.smtp_url;
    mo.mail_from = opt.mail_from;
    if (mo.mail_from.empty()) {
        std::lock_guard<std::mutex> lock(d.mu);
        Stmt s(d.db, "SELECT email FROM studio ORDER BY created_at LIMIT 1");
        mo.mail_from = s.step() && s.text(0).find('@') != std::string::npos ? s.text(0) : "atelier@localhost";
    }
    if (const char* u = std::getenv("ATELIER_SMTP_USER")) mo.user = u;
    if (const char* p = std::getenv("ATELIER_SMTP_PASSWORD")) mo.password = p;
    mo.base_url = opt.base_url;
    mo.retry_seconds = opt.retry_seconds;
    mo.tick_seconds = opt.rules_every;
    Automation automation(d, mo);
    poke_on_commit(d, automation);
    automation.start();
    if (opt.smtp_url.empty())
        std::fprintf(stderr, "atelier: no --smtp-url: e-mails wait in the outbox, nothing is sent\n");
    else
        std::fprintf(stderr, "atelier: sending e-mail through %s as %s\n", opt.smtp_url.c_str(), mo.mail_from.c_str());

    std::printf("Atelier is running: http://%s:%d/\n", opt.host.c_str(), opt.port);
    std::fflush(stdout);
    std::thread warm_files([&app_files, empty] {
        try {
            empty->make();  // small, and the first thing a first visit asks for
        } catch (const std::exception&) {
            // Said to the browser that asks for it; the app then migrates itself.
        }
        app_files.warm();
    });
    svr.listen_after_bind();
    listen_done = true;
    warm_files.join();
    automation.stop();
    {
        std::lock_guard<std::mutex> lock(d.mu);
        d.flush_views();
    }
    sqlite3_commit_hook(d.db, nullptr, nullptr);
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);  // listen failed: release the waiter
    stopper.join();
    std::fprintf(stderr, "atelier: stopped\n");
    return 0;
}

}  // namespace atelier
