// atelier/sync.h — replicas that converge: the change log, the clock, merge.
//
// Every write to a synced table is recorded in change_log by temporary
// triggers that attach() installs on the connection, so the app, the server
// and the SQL extension share one path and no host writes the log itself.
// A change is one write to one row: the cells it set (a JSON object
// {"column": value}) or a tombstone, stamped with a hybrid logical clock:
//
//   2026-11-26T17:30:00.123Z-0001-3f9c2a7b1d4e5f60
//   wall time (ms)           count device
//
// The text sorts in clock order, ties broken by device id. Merging keeps,
// for every column of every row, the value with the greatest clock; a row is
// alive when its newest write is newer than its newest delete. A row's state
// is thus a function of the set of changes it received, whatever their order
// or repetition, and every replica that received the same set is equal.
//
// One database is the authority (the server; the default for a new file).
// Only it assigns document numbers, inside the merge transaction; replicas
// give documents a provisional number until then. It also refuses what a
// replica may not change (a document the client accepted, a number) and
// writes the authoritative value back with a newer clock, so that the
// refusal reaches every replica.
//
// Bundles (push, pull, export files) are JSON:
//   {"format": "atelier-sync", "version": 1, "schema": 4, "device": "...",
//    "since": 0, "until": 42, "more": false,
//    "changes": [{"id": "<uuid>", "hlc": "...", "table": "leads",
//                 "row": "<id>", "cells": {"title": "Site"}},
//                {"id": "...", "hlc": "...", "table": "leads", "row": "...",
//                 "delete": true}]}
// A change's id is derived from its clock, table and row (a version 8 UUID):
// the idempotence key, checked on arrival.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "atelier_sqlite.h"

namespace atelier::sync {

// The synced tables, parents before children.
const std::vector<std::string>& tables();

// Installs the clock functions and the logging triggers on this connection.
// The first time for a file, it gives the file a device id and records the
// rows already there as changes. Needs the schema (migrate() first).
// Idempotent.
void attach(sqlite3* db);
bool attached(sqlite3* db);

std::string device_id(sqlite3* db);
bool is_authority(sqlite3* db);
// A replica (the browser app) is made once, before its first write.
void make_replica(sqlite3* db);

// Local bookkeeping (not synced).
std::string meta(sqlite3* db, std::string_view key, std::string_view fallback = "");
void set_meta(sqlite3* db, std::string_view key, std::string_view value);

// A new clock value on this connection's device.
std::string next_hlc(sqlite3* db);

struct ExportOptions {
    int64_t since = 0;           // changes with seq > since
    int64_t limit = 0;           // 0: all
    bool own_only = false;       // only the changes this device made
    std::string skip_device;     // leave out one device's changes (a pull)
};
// A bundle of changes, as JSON text.
std::string export_changes(sqlite3* db, const ExportOptions& opts);

struct ApplyOptions {
    // When set (an HTTP push), every change must come from this device.
    std::string device;
    // The time used for the clock-drift guard and refusal records.
    int64_t now_ms = 0;  // 0: the system clock
    // Whether the pushing person is the studio's owner: only the owner
    // changes the notification rules (what is sent, to whom, to which URL).
    bool owner = true;
};

struct Refusal {
    std::string change_id, table, row, column, reason;
};

struct ApplyResult {
    int64_t changes = 0;     // in the bundle
    int64_t applied = 0;     // new to this database
    int64_t duplicates = 0;  // already here: ignored
    int64_t pending = 0;     // rows waiting for their parent after this batch
    int64_t until = 0;       // the bundle's own watermark
    bool more = false;
    std::vector<Refusal> refusals;
    std::string json() const;
};

// Applies a bundle in one savepoint: all of it or, on any error, nothing.
// Errors name the change and the field: "sync: changes[3].cells.total_minor:
// expected an integer".
ApplyResult apply(sqlite3* db, std::string_view bundle, const ApplyOptions& opts = {});

// A digest of the replicated state (hex): equal replicas, equal digests.
// The whole digest leaves out the time ledger (only ever added to, by each
// device while it is used); `table` gives one table's, time_ledger too.
// With a table name, of that table only.
std::string digest(sqlite3* db, std::string_view table = {});

// Changes this device made that the authority has not acknowledged.
int64_t pending_changes(sqlite3* db);

}  // namespace atelier::sync
