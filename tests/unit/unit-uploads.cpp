// The client's files: what is accepted by name and by content, what is
// refused and why, names cleaned, sizes said in each language, and the
// header a file is served back with.
#include <doctest/doctest.h>

#include <string>

#include "uploads.h"

using namespace atelier;

namespace {

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string kPdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";

uploads::Reason reason_of(std::string_view name, std::string_view content) {
    try {
        uploads::check(name, content);
    } catch (const uploads::Refused& r) {
        return r.reason;
    }
    FAIL("accepted: " << name);
    return uploads::Reason::empty;
}

}  // namespace

TEST_CASE("uploads: files a studio asks for are accepted, by name and by their first bytes") {
    uploads::Accepted a = uploads::check("Логотип.PNG", kPng);
    CHECK(a.name == "Логотип.PNG");
    CHECK(a.type == "image/png");
    CHECK(a.inline_ok);
    a = uploads::check("Бриф.pdf", kPdf);
    CHECK(a.type == "application/pdf");
    CHECK_FALSE(a.inline_ok);
    a = uploads::check("logo.svg", "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>");
    CHECK(a.type == "image/svg+xml");
    CHECK_FALSE(a.inline_ok);  // an SVG may carry script: downloaded, never shown
    CHECK(uploads::check("texts.docx", std::string("PK\x03\x04\x14\0", 6)).type.find("wordprocessingml") != std::string::npos);
    CHECK(uploads::check("Тексты страниц.txt", "\xEF\xBB\xBFО компании\nМы продаём цветы.\n").type == "text/plain");
    CHECK(uploads::check("photo.jpeg", "\xFF\xD8\xFF\xE0rest").type == "image/jpeg");
    CHECK(uploads::check("brand.woff2", "wOF2....").type == "font/woff2");
}

TEST_CASE("uploads: programs and web pages are refused by name and by content; a name that lies about its content is refused") {
    CHECK(reason_of("index.html", "<p>hi</p>") == uploads::Reason::program);
    CHECK(reason_of("INDEX.HTM", "<p>hi</p>") == uploads::Reason::program);
    CHECK(reason_of("setup.exe", "MZ\x90\0") == uploads::Reason::program);
    CHECK(reason_of("run.sh", "#!/bin/sh\nrm -rf /\n") == uploads::Reason::program);
    CHECK(reason_of("photo.jpg", "MZ\x90\0 a program named as a photo") == uploads::Reason::program);
    CHECK(reason_of("notes.txt", "#!/usr/bin/env python3\n") == uploads::Reason::program);
    CHECK(reason_of("notes.txt", "  <!DOCTYPE html><html><script>alert(1)</script>") == uploads::Reason::web_page);
    CHECK(reason_of("logo.svg", "<html><body><script>alert(1)</script></body></html>") == uploads::Reason::web_page);
    CHECK(reason_of("photo.png", kPdf) == uploads::Reason::mismatch);
    CHECK(reason_of("notes.txt", std::string("a\0b", 3)) == uploads::Reason::mismatch);
    CHECK(reason_of("notes.txt", "\xC3\x28 not UTF-8") == uploads::Reason::mismatch);
    CHECK(reason_of("archive.rar", "Rar!\x1a\x07") == uploads::Reason::not_accepted);
    CHECK(reason_of("no extension", kPdf) == uploads::Reason::not_accepted);
    CHECK(reason_of("empty.pdf", "") == uploads::Reason::empty);
    CHECK(reason_of("big.pdf", kPdf + std::string(uploads::kFileMax, ' ')) == uploads::Reason::too_large);
    CHECK_NOTHROW(uploads::check("edge.pdf", kPdf + std::string(uploads::kFileMax - kPdf.size(), ' ')));
    try {
        uploads::check("../../etc/passwd.exe", "MZ");
        FAIL("accepted");
    } catch (const uploads::Refused& r) {
        CHECK(r.file == "passwd.exe");
        CHECK(std::string(r.what()) == "atelier: file \"passwd.exe\": programs and web pages are not accepted");
    }
}

TEST_CASE("uploads: names are cut to their last part, cleaned and shortened keeping the extension") {
    CHECK(uploads::clean_name("C:\\Users\\anna\\Desktop\\logo.png") == "logo.png");
    CHECK(uploads::clean_name("../../etc/passwd") == "passwd");
    CHECK(uploads::clean_name("a\"b*c:d<e>f?g|h\r\n.pdf") == "a_b_c_d_e_f_g_h.pdf");
    CHECK(uploads::clean_name("..hidden.pdf") == "hidden.pdf");
    CHECK(uploads::clean_name("trailing. . ") == "trailing");
    CHECK(uploads::clean_name("/") == "file");
    CHECK(uploads::clean_name("") == "file");
    std::string long_name;
    for (int i = 0; i < 200; ++i) long_name += "я";
    const std::string cut = uploads::clean_name(long_name + ".pdf");
    CHECK(cut.size() == 146 * 2 + 4);  // 146 letters of two bytes and ".pdf": 150 characters
    CHECK(cut.substr(cut.size() - 4) == ".pdf");
}

TEST_CASE("uploads: sizes in the client's language; the header names the file in ASCII and in UTF-8") {
    CHECK(uploads::size_text(12, "ru") == "12 байт");
    CHECK(uploads::size_text(850 * 1024, "fr") == "850 Ko");
    CHECK(uploads::size_text(2516582, "en") == "2.4 MB");
    CHECK(uploads::size_text(2516582, "ru") == "2,4 МБ");
    CHECK(uploads::size_text(20u << 20, "fr") == "20,0 Mo");
    CHECK(uploads::disposition({"Логотип v2.png", "image/png", true}) ==
          "inline; filename=\"_ v2.png\"; filename*=UTF-8''%D0%9B%D0%BE%D0%B3%D0%BE%D1%82%D0%B8%D0%BF%20v2.png");
    CHECK(uploads::disposition({"brief.svg", "image/svg+xml", false}) == "attachment; filename=\"brief.svg\"; filename*=UTF-8''brief.svg");
}
