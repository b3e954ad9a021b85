#!/usr/bin/env python3
"""A connection's open with the extension loaded and attached to the change
log (what every server connection and the app's start pay), on a migrated
database in memory-backed storage: medians of 7 runs of 50 opens.

    /usr/bin/python3 tests/bench/attach_open.py build/native/atelier.so
"""
import os
import sqlite3
import statistics
import sys
import tempfile
import time

so = sys.argv[1]
base = '/dev/shm' if os.path.isdir('/dev/shm') else tempfile.gettempdir()
db = os.path.join(base, 'atelier-attach-open-%d.db' % os.getpid())
for f in [db, db + '-wal', db + '-shm']:
    if os.path.exists(f): os.remove(f)
c = sqlite3.connect(db); c.enable_load_extension(True); c.load_extension(so); c.execute('SELECT atelier_migrate()').fetchall(); c.commit(); c.close()
ts = []
for r in range(7):
    t0 = time.perf_counter()
    for i in range(50):
        c = sqlite3.connect(db); c.enable_load_extension(True); c.load_extension(so)
        c.execute('SELECT count(*) FROM leads').fetchall()
        c.close()
    ts.append((time.perf_counter() - t0) / 50 * 1000)
print('open + load + attach: median %.2f ms (%s)' % (statistics.median(ts), ' '.join('%.2f' % t for t in ts)))
for f in [db, db + '-wal', db + '-shm']:
    if os.path.exists(f):
        os.remove(f)
