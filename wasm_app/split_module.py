#!/usr/bin/env python3
"""Chooses what of the app's module is deferred, and splits it.

    split_module.py --dis wasm-dis --split wasm-split --nm emnm [--defer-lib LIB.a ...]
                    [--report FILE] IN.wasm PRIMARY.wasm DEFERRED.wasm

The app's first frames (the loading screen) need Dear ImGui, GLFW, the
platform layer and the theme; everything the manager's screens run (the
core's documents, sync, reports, the screens themselves, JSON and the
templates) can arrive a moment later. The app's own code is named by
namespace, and it is deferred unless the primary part calls it directly:
every function the primary keeps pulls in what it calls, so a direct call
from the primary never reaches the deferred part except through the
functions of namespace `deferred::`, which the app calls only once that
part is in (wasm_app/split.h). IN.wasm must carry the functions' names.
"""
import argparse
import re
import subprocess
import sys

APP = ('atelier::', 'ui::', 'app::', 'nlohmann::', 'kainjow::', 'deferred::')
QR = ('QRcode_', 'QRinput_', 'QRspec_', 'MQRspec_', 'QRraw_', 'MQRraw_', 'BitStream_', 'Mask_', 'MMask_', 'Split_',
      'RSECC_', 'FrameFiller', 'QRenc')


APP_IN = re.compile(r'(?<![\w:])(?:' + '|'.join(re.escape(a) for a in APP) + ')')


def unescape(name):
    return re.sub(r'\\([0-9a-fA-F]{2})', lambda m: chr(int(m.group(1), 16)), name)


def app_code(name):
    if name.startswith(APP) or name.startswith(QR) or name.startswith('atelier_'):
        return True
    # Templates instantiated for the app's types (a vector of its rows, a
    # map of JSON values): the app's code too.
    return APP_IN.search(name) is not None


def top_anonymous(name):
    """A function of a file's own anonymous namespace (the SQL functions'
    glue of sqlite_ext, say): the app's code, whatever its name."""
    head = name.split('(anonymous namespace)::', 1)
    return len(head) == 2 and (head[0] == '' or head[0].endswith(' '))


# The C++ library's stream and locale facets: reached through their
# vtables by the core's string streams only.
FACETS = re.compile(r'^std::__2::(?:num_get|num_put|money_get|money_put|moneypunct|numpunct|time_get|time_put|__time_get|'
                    r'ctype|codecvt|messages|collate|basic_streambuf|basic_stringbuf|basic_ios|basic_istream|'
                    r'basic_ostream|basic_iostream|basic_stringstream|basic_ostringstream|basic_istringstream|ios_base)\b')


def c_functions(nm, lib):
    """The functions a C library defines (SQLite, libqrencode)."""
    out = subprocess.run([nm, lib], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.split('\n') if re.search(r' [tT] ', line)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dis', required=True)
    ap.add_argument('--split', required=True)
    ap.add_argument('--nm', required=True)
    ap.add_argument('--defer-lib', action='append', default=[])
    ap.add_argument('--report')
    ap.add_argument('src')
    ap.add_argument('primary')
    ap.add_argument('deferred')
    args = ap.parse_args()
    dis, split, src, primary, deferred, report = args.dis, args.split, args.src, args.primary, args.deferred, args.report
    # Functions of these libraries (SQLite: the database opens once the
    # deferred part is in) are called through pointers by that code only.
    deferred_libs = set()
    for lib in args.defer_lib:
        deferred_libs |= c_functions(args.nm, lib)
    wat = subprocess.run([dis, '--all-features', src], check=True, capture_output=True, text=True).stdout
    calls, size, order, text = {}, {}, [], {}
    roots, table = set(), set()
    cur = None
    for line in wat.split('\n'):
        if line.startswith(' (func $'):
            raw = line[8:].split(' ', 1)[0]
            cur = unescape(raw)
            text[cur] = raw
            calls[cur] = set()
            size[cur] = 0
            order.append(cur)
            continue
        if line.startswith(' ('):
            cur = None
            if line.startswith(' (export ') and '(func $' in line:
                roots.add(unescape(line.split('(func $', 1)[1].rstrip(')').rstrip()))
            elif line.startswith(' (elem '):
                table.update(unescape(n) for n in re.findall(r'\$([^\s)]+)', line))
            elif line.startswith(' (start '):
                roots.add(unescape(line.split('$', 1)[1].rstrip(')')))
        elif cur is not None:
            size[cur] += len(line)
            for m in re.finditer(r'\((?:return_)?call \$([^\s)]+)', line):
                calls[cur].add(unescape(m.group(1)))
    # What the primary part must hold: every export, every function a
    # pointer may reach that is not the app's own, and what they call;
    # a call into namespace `deferred` is where the primary part stops.
    boundary = {f for f in order if f.startswith('deferred::')}
    def pointer_root(f):
        return f in calls and not (app_code(f) or top_anonymous(f) or f in deferred_libs or FACETS.match(f))
    work = [f for f in roots | {t for t in table if pointer_root(t)} if f not in boundary]
    keep = set(work)
    pulled = []
    while work:
        f = work.pop()
        for g in calls.get(f, ()):
            if g in keep or g in boundary:
                continue
            keep.add(g)
            work.append(g)
            if app_code(g):
                pulled.append((g, f))
    moved = [f for f in order if f not in keep]
    if report:
        with open(report + '.primary', 'w') as k:
            k.write('\n'.join(f'{size[f]:8d} {f[:150]}' for f in sorted((f for f in keep if f in size), key=lambda f: -size[f])) + '\n')
    total = sum(size.values())
    size_moved = sum(size[f] for f in moved)
    lines = [f'deferred: {len(moved)} of {len(order)} functions, {100 * size_moved / total:.0f} % of the code text; '
             f'{len(pulled)} of the app\'s own kept in the primary part']
    for g, f in sorted(pulled, key=lambda p: -size[p[0]]):
        lines.append(f'{size[g]:8d} {g[:110]}  <- {f[:70]}')
    if report:
        with open(report, 'w') as r:
            r.write('\n'.join(lines) + '\n')
    print(lines[0])
    listing = primary + '.deferred-functions'
    with open(listing, 'w') as l:
        l.write('\n'.join(text[f] for f in moved) + '\n')
    subprocess.run([split, '--all-features', '--split', src, '--split-funcs=@' + listing, '-o1', primary, '-o2', deferred],
                   check=True)


if __name__ == '__main__':
    main()
