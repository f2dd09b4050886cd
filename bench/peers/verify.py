#!/usr/bin/env python3
"""Compare two streams of Kubernetes objects as data.

    python3 bench/peers/verify.py EXPECTED ACTUAL

EXPECTED and ACTUAL are files of YAML documents (`---`-separated), or JSON (one object, a list
of objects, or a `List` whose `items` are the objects). Objects are matched by apiVersion, kind,
namespace and name; order of objects does not matter, order inside lists does. Exits 0 when the
two hold the same objects, 1 (printing the first differences) when not.
"""
import json
import sys

import yaml


def load(path):
    text = open(path, encoding="utf-8").read()
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        docs = json.loads(text)
        docs = docs if isinstance(docs, list) else [docs]
    else:
        docs = list(yaml.safe_load_all(text))
    out = []
    for d in docs:
        if d is None:
            continue
        if isinstance(d, dict) and d.get("kind") == "List" and "items" in d:
            out.extend(d["items"])
        elif isinstance(d, list):
            out.extend(d)
        else:
            out.append(d)
    return out


def key(o):
    m = o.get("metadata", {})
    return (o.get("apiVersion"), o.get("kind"), m.get("namespace", ""), m.get("name"))


def diff(a, b, path, out, limit=20):
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}/{k}: only in actual: {json.dumps(b[k])[:120]}")
            elif k not in b:
                out.append(f"{path}/{k}: only in expected: {json.dumps(a[k])[:120]}")
            else:
                diff(a[k], b[k], f"{path}/{k}", out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items expected, {len(b)} actual")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}/{i}", out, limit)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: expected {json.dumps(a)}, actual {json.dumps(b)}")


def main():
    expected, actual = (load(p) for p in sys.argv[1:3])
    exp = {key(o): o for o in expected}
    act = {key(o): o for o in actual}
    problems = []
    if len(exp) != len(expected) or len(act) != len(actual):
        problems.append(f"duplicate objects: {len(expected)}/{len(exp)} expected, {len(actual)}/{len(act)} actual")
    for k in sorted(set(exp) - set(act), key=str):
        problems.append(f"missing: {k}")
    for k in sorted(set(act) - set(exp), key=str):
        problems.append(f"extra: {k}")
    for k in sorted(set(exp) & set(act), key=str):
        d = []
        diff(exp[k], act[k], "", d)
        problems.extend(f"{k}{line}" for line in d)
    if problems:
        for p in problems[:40]:
            print(p)
        print(f"{len(problems)} difference(s); {len(exp)} objects expected, {len(act)} actual")
        sys.exit(1)
    print(f"equal: {len(exp)} objects")


if __name__ == "__main__":
    main()
