#!/usr/bin/env python3
"""mutate.py: feeds an interpreter mutants of the corpus programs and reports
every mutant that crashed it.

  mutate.py INTERPRETER CORPUS_DIR EXTENSION COUNT SEED TIMEOUT KEEP_DIR

Each mutant is a corpus program (*.EXTENSION) cut short, with a span
deleted, a span repeated, or a token inserted (brackets, quotes, keywords,
stray bytes), one to four times; the same SEED gives the same mutants.  A
mutant may be a valid program, a malformed one, or one that never ends; the
interpreter must end it with a status of its own (0 to 3: success, an
error in the program, usage, heap exhaustion) or be stopped by the timeout.
A crash is a signal, any other status, or a sanitizer's report on stderr
(a leak included);
its mutant is kept in KEEP_DIR.  Prints a summary line; exits 1 if
anything crashed."""

import glob
import os
import random
import subprocess
import sys

TOKENS = ["(", ")", "[", "]", "{", "}", '"', "'", "\\", ";", ",", ".", "`", "#", "#(",
          "0x", "1e999", "-", "=>", "function", "var", "return", "lambda", "define",
          "let", "\n", "\x00", "\xff", "/*", "*/", "//", "\u00e9"]
SANITIZER_REPORTS = (b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer", b"runtime error:",
                     b"ThreadSanitizer")


def mutate(rnd, src):
    for _ in range(rnd.randint(1, 4)):
        at = rnd.randint(0, len(src))
        kind = rnd.randrange(4)
        if kind == 0:
            src = src[:at]
        elif kind == 1:
            src = src[:at] + src[at + rnd.randint(1, 24):]
        elif kind == 2:
            src = src[:at] + rnd.choice(TOKENS).encode("utf-8") + src[at:]
        else:
            other = rnd.randint(0, len(src))
            src = src[:at] + src[min(at, other):max(at, other)] + src[at:]
    return src


def main(argv):
    if len(argv) != 8:
        sys.stderr.write(__doc__)
        return 2
    interp, corpus, ext, count, seed, timeout, keep = argv[1:]
    programs = sorted(glob.glob(os.path.join(corpus, "*." + ext)))
    if not programs:
        sys.stderr.write("mutate.py: no *.%s programs in %s\n" % (ext, corpus))
        return 2
    rnd = random.Random(int(seed))
    os.makedirs(keep, exist_ok=True)
    # Leak detection stays on (ASan's default): both interpreters release
    # the heap and every buffer on their error paths too, so a leak on any
    # mutant is a finding like any other.
    crashes = timeouts = 0
    for i in range(int(count)):
        origin = rnd.choice(programs)
        with open(origin, "rb") as f:
            src = mutate(rnd, f.read())
        path = os.path.join(keep, "mutant-%s-%d.%s" % (seed, i, ext))
        with open(path, "wb") as f:
            f.write(src)
        try:
            done = subprocess.run([interp, path], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=float(timeout))
        except subprocess.TimeoutExpired:
            timeouts += 1
            os.remove(path)
            continue
        status = done.returncode
        if status < 0 or status > 3 or any(r in done.stderr for r in SANITIZER_REPORTS):
            crashes += 1
            print("crash: status %d on %s (a mutant of %s): %s" % (
                status, path, os.path.basename(origin),
                done.stderr[-400:].decode("utf-8", "replace").strip().replace("\n", " | ")))
        else:
            os.remove(path)
    print("%s mutants, %d crashed, %d stopped by the %s s timeout" % (
        count, crashes, timeouts, timeout))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
