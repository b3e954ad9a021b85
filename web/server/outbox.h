// web/server/outbox.h — the server's automation loop: evaluates the
// notification rules (after every write and every minute) and sends the
// outbox: e-mail over SMTP, webhooks over HTTP(S), both with libcurl.
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "http_util.h"

namespace atelier {

struct MailOptions {
    std::string smtp_url;       // smtp://host:port or smtps://host:port; empty: nothing is e-mailed
    std::string mail_from;      // the sender's address
    std::string user, password; // from ATELIER_SMTP_USER / ATELIER_SMTP_PASSWORD
    std::string base_url;       // the public address for client links
    int retry_seconds = 60;     // the first back-off after a temporary failure
    int tick_seconds = 60;      // how often the time conditions are evaluated
};

class Automation {
public:
    Automation(Database& d, MailOptions o);
    ~Automation();
    void start();
    void stop();
    // Something was written: evaluate the rules soon. Safe from a commit hook.
    void poke();
    bool sends_mail() const { return !opt_.smtp_url.empty(); }

private:
    void run();
    void send_due();
    Database& d_;
    MailOptions opt_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool poked_ = false, stopping_ = false;
    void* smtp_ = nullptr;  // the SMTP connection kept between messages (a CURL*)
};

// Installs a commit hook on the server's connection that pokes `a` after
// every commit made by a request (not by the automation loop itself).
void poke_on_commit(Database& d, Automation& a);

}  // namespace atelier
