#!/usr/bin/env python3
"""Validate the KDL blocks of the documentation.

Every ```kdl block must be a complete spec (starting with `app`, after comments) that
`stowage validate` accepts (exit 0; warnings are printed). Blocks marked ```kdl,fragment are
skipped. Usage: `python3 book/scripts/check-kdl-blocks.py spec/*.md book/src/*.md`; the stowage
binary is $STOWAGE, or target/debug/stowage.
"""
import re, subprocess, sys, os, tempfile, json
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
S = os.environ.get("STOWAGE", os.path.join(ROOT, "target", "debug", "stowage"))
bad = 0; total = 0; frags = 0
for path in sys.argv[1:]:
    text = open(path).read()
    for m in re.finditer(r'^```(\S*)\n(.*?)^```', text, re.S | re.M):
        info, body = m.group(1), m.group(2)
        line = text[:m.start()].count('\n') + 1
        if info == 'kdl,fragment':
            frags += 1
            continue
        if info != 'kdl':
            if 'kdl' in info:
                print(f"{path}:{line}: odd info string {info}"); bad += 1
            continue
        total += 1
        stripped = re.sub(r'^\s*(//[^\n]*)?\n', '', body)
        while True:
            s2 = re.sub(r'^\s*(//[^\n]*)?\n', '', stripped)
            if s2 == stripped: break
            stripped = s2
        if not stripped.lstrip().startswith('app'):
            print(f"{path}:{line}: ```kdl block does not start with app (mark it kdl,fragment)"); bad += 1
            continue
        d = tempfile.mkdtemp()
        f = os.path.join(d, 'stowage.kdl')
        open(f, 'w').write(body)
        r = subprocess.run([S, '--message-format', 'json', 'validate', '-f', f], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{path}:{line}: INVALID (rc={r.returncode})")
            for l in r.stderr.splitlines():
                try:
                    j = json.loads(l); print(f"    {j['code']} {j['severity']} L{j['line']}: {j['message']}")
                except Exception: print("    " + l)
            bad += 1
        else:
            warns = [l for l in r.stderr.splitlines() if l.strip()]
            for l in warns:
                j = json.loads(l); print(f"{path}:{line}: warning {j['code']}: {j['message']}")
print(f"{total} complete specs checked, {frags} fragments skipped, {bad} problems")
sys.exit(1 if bad else 0)
