#!/usr/bin/env python3
"""Generate book/src/diagnostics.md from diagnostics_entries.py, checking every example.

Each entry's bad example must produce its code and its fix must validate (exit 0) without it.
Entries marked pending (codes not reported by the current build yet) are documented without the
real message. Run from anywhere: `python3 book/scripts/gen-diagnostics.py`; the stowage binary
is $STOWAGE, or target/debug/stowage (build it first with `cargo build`).
"""
import json, os, subprocess, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from diagnostics_entries import E
S = os.environ.get('STOWAGE', os.path.join(ROOT, 'target', 'debug', 'stowage'))
BASE = 'app "shop" {\n    namespace "shop"\n}\n\n'

for e in E:
    if e['code'] == 'stowage::env::namespace':
        e['wrap'] = 'app_no_ns'
        e['bad'] = '// after `app "shop"`, which has no namespace\n' + e['bad'].replace('app "shop"\n\n', '')
        e['fix'] = '// after `app "shop"`, which has no namespace\n' + e['fix'].replace('app "shop"\n\n', '')
    if e['wrap'] == 'app':
        e['bad'] = '// inside `app "shop" { ... }`\n' + e['bad']
        e['fix'] = '// inside `app "shop" { ... }`\n' + e['fix']

def wrap(e, frag):
    w = e['wrap']
    if w == 'items': return BASE + frag + '\n'
    if w == 'app': return 'app "shop" {\n    namespace "shop"\n' + frag + '\n}\n'
    if w == 'none': return frag + '\n'
    if w == 'app_no_ns': return 'app "shop"\n\n' + frag + '\n'
    raise ValueError(w)

def run(e, frag):
    d = tempfile.mkdtemp()
    for p, c in e['files'].items():
        os.makedirs(os.path.join(d, os.path.dirname(p)), exist_ok=True)
        open(os.path.join(d, p), 'w').write(c)
    f = os.path.join(d, 'stowage.kdl')
    open(f, 'w').write(wrap(e, frag))
    r = subprocess.run([S, '--message-format', 'json', 'validate', '-f', f], capture_output=True, text=True)
    diags = [json.loads(l) for l in r.stderr.splitlines() if l.startswith('{')]
    return r.returncode, diags

problems = 0
results = {}
for e in E:
    rc, diags = run(e, e['bad'])
    mine = [d for d in diags if d['code'] == e['code']]
    if not mine and e.get('pending'):
        print("pending (not reported yet):", e['code'])
    elif not mine:
        print("BAD does not trigger", e['code'], [(d['code'], d['message']) for d in diags]); problems += 1
    others = [d for d in diags if d['code'] != e['code']]
    if others:
        print("BAD also triggers (fine?)", e['code'], [(d['code'], d['message']) for d in others])
    rc2, diags2 = run(e, e['fix'])
    if rc2 != 0 or any(d['code'] == e['code'] for d in diags2):
        print("FIX fails", e['code'], rc2, [(d['code'], d['message']) for d in diags2]); problems += 1
    elif diags2:
        print("FIX has warnings", e['code'], [(d['code'], d['message']) for d in diags2])
    results[e['code']] = mine
print(len(E), "entries,", problems, "problems")

GROUPS = [
    ("syntax", "Syntax", "The spec is not of the language's shape. Reported while reading the file, before anything is checked."),
    ("name", "Names", "A name Kubernetes would reject, or one used twice."),
    ("value", "Values", "A value Kubernetes would reject or that cannot work."),
    ("image", "Images", "The `image` of a workload."),
    ("workload", "Workloads", "Something every workload of a kind needs."),
    ("ref", "References", "A name that should refer to something declared in the spec and does not."),
    ("secret", "Secrets", "Secret values in the spec, and secrets that do not fit their source."),
    ("config", "Config files", "Files read into configs."),
    ("ingress", "Ingresses", "Routes and TLS."),
    ("env", "Environments", "Environment settings."),
    ("version", "Kubernetes version", "The app's `kubernetes` version."),
    ("policy", "Policies", "Rules of the environments' policy levels, and waivers. See [Policies and waivers](policies.md)."),
    ("pipeline", "Pipeline", "The `pipeline` node, which describes how CI tests, builds and deploys the app. It is new and still changing, and the language reference (`spec/`) does not describe it yet."),
]

def is_complete(e, frag):
    return e['wrap'] == 'none' and frag.lstrip().startswith('app')

out = []
out.append("""# Diagnostics

Every problem stowage finds in a spec is a diagnostic with a stable **code**, such as
`stowage::policy::replicas`. The code is printed above each message (human format), in the `code`
field (`--message-format json`) and as the annotation title (`--message-format github`). This
page lists every code, what triggers it, an example that triggers it and the fix.

Each diagnostic points at the exact value in the spec (the underlined span), often with a second
label (where something was first declared, which environment requires a rule) and a `help:` line
that says what to write. Errors stop `build`, `check`, `validate` and `render` with exit code 1;
warnings (only policy rules, at some levels) do not.

For example, with `NO_COLOR` set:

```text
HUMAN
```

The examples below are fragments of a spec. Unless they show their own `app`, they follow this one:

```kdl,fragment
app "shop" {
    namespace "shop"
}
```

""")
for key, title, blurb in GROUPS:
    out.append(f"## {title}\n\n{blurb}\n\n")
    for e in [x for x in E if (x.get('group') or x['code'].split('::')[1]) == key]:
        out.append(f"### {e['code']}\n\n{e['trigger']}\n\n")
        mine = results.get(e['code']) or []
        if e.get('pending') and not mine:
            out.append("*Not reported yet: the pipeline checks are not run by the current build.*\n\n")
            out.append("```kdl,fragment\n" + e['bad'] + "\n```\n\n")
        if mine:
            d = mine[0]
            out.append("```kdl,fragment\n" + e['bad'] + "\n```\n\n")
            out.append(f"gives\n\n```text\n{d['severity']}[{d['code']}]: {d['message']}\n```\n\n")
        fence = "kdl" if is_complete(e, e['fix']) else "kdl,fragment"
        out.append("Fix:\n\n```" + fence + "\n" + e['fix'] + "\n```\n\n")
        if e['files']:
            out.append("(with the file `" + "`, `".join(e['files']) + "` beside the spec)\n\n")
text = ''.join(out).rstrip() + '\n'
e = [x for x in E if x['code'] == 'stowage::policy::replicas'][0]
d = tempfile.mkdtemp(); f = os.path.join(d, 'stowage.kdl'); open(f, 'w').write(wrap(e, e['bad']))
r = subprocess.run([S, 'validate', '-f', 'stowage.kdl'], capture_output=True, text=True, cwd=d, env=dict(os.environ, NO_COLOR='1'))
text = text.replace('HUMAN', r.stderr.rstrip())
open(os.path.join(ROOT, 'book', 'src', 'diagnostics.md'), 'w').write(text)
sys.exit(1 if problems else 0)
