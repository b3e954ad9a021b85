// web/server/outbox.cpp — see outbox.h.
#include "outbox.h"

#include "metrics.h"

#include <chrono>
#include <cstdio>
#include <cstring>

#include <curl/curl.h>
#include <sodium.h>

#include "automation.h"
#include "ids.h"
#include "mail.h"
#include "store.h"
#include "support.h"

namespace atelier {

namespace {

thread_local bool tl_automation = false;  // commits made by the loop itself do not poke it

struct Upload {
    const std::string* data;
    size_t pos = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* p) {
    auto* u = static_cast<Upload*>(p);
    size_t left = u->data->size() - u->pos, take = std::min(left, size * n);
    std::memcpy(buf, u->data->data() + u->pos, take);
    u->pos += take;
    return take;
}

size_t discard_cb(char*, size_t size, size_t n, void*) { return size * n; }

// The server's refusal, as it said it: "550 5.1.1 <x@y>: Recipient address
// rejected" (the last 4xx or 5xx line, not the "221 Bye" that follows).
int debug_cb(CURL*, curl_infotype type, char* data, size_t size, void* p) {
    if (type == CURLINFO_HEADER_IN && size >= 3 && (data[0] == '4' || data[0] == '5')) {
        std::string line(data, size);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        *static_cast<std::string*>(p) = line;
    }
    return 0;
}

enum class Sent { ok, retry, failed };

struct Result {
    Sent how = Sent::ok;
    std::string error;
};

// One handle for the sender's life: libcurl keeps the SMTP connection open
// between messages (a new one after a failure).
Result smtp_send(CURL*& handle, const MailOptions& o, const std::string& to, const std::string& message) {
    if (!handle) handle = curl_easy_init();
    CURL* c = handle;
    if (!c) return {Sent::retry, "libcurl: cannot start"};
    curl_easy_reset(c);
    std::string last_reply;
    char err[CURL_ERROR_SIZE] = {0};
    Upload up{&message};
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    curl_easy_setopt(c, CURLOPT_URL, o.smtp_url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + o.mail_from + ">").c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);  // STARTTLS when the server offers it
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &last_reply);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds debug_cb only
    if (!o.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, o.user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, o.password.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) return {};
    curl_easy_cleanup(c);  // the connection may be broken: start afresh next time
    handle = nullptr;
    std::string what = last_reply.empty() ? std::string(err[0] ? err : curl_easy_strerror(rc)) : last_reply;
    if (code >= 500 && code < 600) return {Sent::failed, what};
    return {Sent::retry, what};
}

std::string hex(const unsigned char* b, size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += d[b[i] >> 4], s += d[b[i] & 15];
    return s;
}

Result webhook_send(const std::string& url, const std::string& secret, const std::string& id, const std::string& body,
                    const std::string& now) {
    // The signature covers the time and the body: "<timestamp>.<body>".
    const std::string signed_text = now + "." + body;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char*)secret.data(), secret.size());
    crypto_auth_hmacsha256_update(&st, (const unsigned char*)signed_text.data(), signed_text.size());
    crypto_auth_hmacsha256_final(&st, mac);
    CURL* c = curl_easy_init();
    if (!c) return {Sent::retry, "libcurl: cannot start"};
    char err[CURL_ERROR_SIZE] = {0};
    curl_slist* h = nullptr;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, ("X-Atelier-Timestamp: " + now).c_str());
    h = curl_slist_append(h, ("X-Atelier-Signature: sha256=" + hex(mac, sizeof mac)).c_str());
    h = curl_slist_append(h, ("X-Atelier-Delivery: " + id).c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.size());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) return {Sent::retry, err[0] ? err : curl_easy_strerror(rc)};
    if (code >= 200 && code < 300) return {};
    std::string what = "HTTP " + std::to_string(code);
    if (code >= 400 && code < 500 && code != 408 && code != 429) return {Sent::failed, what};
    return {Sent::retry, what};
}

}  // namespace

Automation::Automation(Database& d, MailOptions o) : d_(d), opt_(std::move(o)) { curl_global_init(CURL_GLOBAL_DEFAULT); }

Automation::~Automation() {
    stop();
    if (smtp_) curl_easy_cleanup(static_cast<CURL*>(smtp_));
}

void Automation::start() {
    {
        std::lock_guard<std::mutex> lock(d_.mu);
        tl_automation = true;
        // The one message a crash left in flight goes again (same Message-ID).
        int n = automation::recover(d_.db);
        tl_automation = false;
        if (n) std::fprintf(stderr, "atelier: outbox: %d message(s) interrupted by a stop are queued again\n", n);
    }
    thread_ = std::thread([this] { run(); });
}

void Automation::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Automation::poke() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        poked_ = true;
    }
    cv_.notify_all();
}

void Automation::run() {
    tl_automation = true;
    auto last_full = std::chrono::steady_clock::now() - std::chrono::hours(1);
    for (;;) {
        const auto now_steady = std::chrono::steady_clock::now();
        const bool full = now_steady - last_full >= std::chrono::seconds(opt_.tick_seconds);
        try {
            std::lock_guard<std::mutex> lock(d_.mu);
            d_.flush_views();  // the openings of client pages, for the rules too
            const auto t0 = std::chrono::steady_clock::now();
            const std::string now = now_iso();
            // Support months whose billing day has come (caught up after a
            // stop), then the rules, which send their invoices and acts.
            if (full) {
                try {
                    support::bill(d_.db, now.substr(0, 10), now);
                } catch (const std::exception& e) {
                    metrics::log_failure("support", e.what());
                }
            }
            automation::tick(d_.db, now, opt_.base_url, full);
            metrics::rules_evaluated(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        } catch (const std::exception& e) {
            metrics::log_failure("rules", e.what());
        }
        if (full) last_full = now_steady;
        send_due();
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::seconds(1), [this] { return poked_ || stopping_; });
        if (stopping_) return;
        poked_ = false;
    }
}

void Automation::send_due() {
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (stopping_) return;
        }
        std::optional<automation::Message> m;
        std::string secret;
        const std::string now = now_iso();
        {
            std::lock_guard<std::mutex> lock(d_.mu);
            if (opt_.smtp_url.empty()) {
                // Without a mail server only webhooks go; e-mails wait, queued.
                Stmt q(d_.db, "SELECT 1 FROM outbox WHERE status = 'queued' AND channel = 'webhook' LIMIT 1");
                if (!q.step()) return;
            }
            try {
                m = automation::claim(d_.db, now, opt_.smtp_url.empty() ? "webhook" : "");
            } catch (const std::exception& e) {
                metrics::log_failure("outbox", e.what());
                return;
            }
            if (!m) return;
            if (m->channel == "webhook") {
                Stmt s(d_.db, "SELECT coalesce(json_extract(spec_json, '$.secret'), '') FROM rules WHERE code = ?1");
                s.bind(1, m->rule);
                if (s.step()) secret = s.text(0);
            }
        }
        Result r;
        if (m->channel == "webhook") {
            r = webhook_send(m->recipient, secret, m->id, m->body, now);
        } else if (!mail::plain_address(m->recipient)) {
            r = {Sent::failed, "not an e-mail address: " + m->recipient};
        } else {
            std::string studio;
            {
                std::lock_guard<std::mutex> lock(d_.mu);
                Stmt s(d_.db, "SELECT name FROM studio ORDER BY created_at LIMIT 1");
                if (s.step()) studio = s.text(0);
            }
            mail::Envelope e;
            e.from_addr = opt_.mail_from;
            e.from_name = studio;
            e.to = m->recipient;
            e.reply_to = mail::plain_address(m->reply_to) ? m->reply_to : "";
            e.subject = m->subject;
            e.text = m->body;
            e.html = m->html;
            e.message_id = mail::message_id(m->id, opt_.mail_from);
            e.date = mail::rfc5322_date(now);
            r = smtp_send(smtp_, opt_, m->recipient, mail::build(e));
        }
        std::lock_guard<std::mutex> lock(d_.mu);
        try {
            const std::string done = now_iso();
            if (r.how != Sent::ok)
                metrics::log_failure(m->channel == "webhook" ? "webhook" : "mail", r.error,
                                     {{"outbox_id", m->id}, {"rule", m->rule}, {"retry", r.how != Sent::failed}});
            if (r.how == Sent::ok) automation::mark_sent(d_.db, m->id, done);
            else if (r.how == Sent::failed) automation::mark_failed(d_.db, m->id, done, r.error);
            else {
                automation::mark_retry(d_.db, m->id, done, r.error, opt_.retry_seconds);
                return;  // the server is down: the rest waits for the next round
            }
        } catch (const std::exception& e) {
            metrics::log_failure("outbox", e.what());
            return;
        }
    }
}

void poke_on_commit(Database& d, Automation& a) {
    sqlite3_commit_hook(
        d.db,
        [](void* p) {
            if (!tl_automation) static_cast<Automation*>(p)->poke();
            return 0;
        },
        &a);
}

}  // namespace atelier
