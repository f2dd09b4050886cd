#!/usr/bin/env python3
"""Vendor the OpenAPI schemas of the Kubernetes versions stowage targets.

Reads the strict JSON schemas that the kubernetes-validate package (pinned in
scripts/requirements-tools.txt, installed by scripts/setup-tools.sh) ships for each version,
drops the descriptions (the compiler needs types, fields and patch strategies, not prose), and
writes schemas/kubernetes/v1.N.defs.gz, byte-identical on every run. Run it after raising the
pin, then `cargo test`.

The format is read without parsing JSON: the kinds first, one `apiVersion kind definition` line
each, then an empty line, then one `name json` line per definition (compact JSON holds no line
break), both sorted.
"""
import glob, gzip, json, os, shutil, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = glob.glob(os.path.join(ROOT, ".tools/venv/lib/python3*/site-packages"))
if not SITE:
    sys.exit("run scripts/setup-tools.sh first: kubernetes-validate provides the schemas")
PKG = os.path.join(SITE[0], "kubernetes_validate")
OUT = os.path.join(ROOT, "schemas/kubernetes")


def strip(x):
    if isinstance(x, dict):
        x.pop("description", None)
        for v in x.values():
            strip(v)
    elif isinstance(x, list):
        for v in x:
            strip(v)


def pack(defs):
    kinds = set()
    for name, d in defs.items():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            group, version = gvk["group"], gvk["version"]
            api_version = f"{group}/{version}" if group else version
            kinds.add(f"{api_version} {gvk['kind']} {name}\n")
    lines = sorted(kinds) + ["\n"]
    for name in sorted(defs):
        lines.append(name + " " + json.dumps(defs[name], sort_keys=True, separators=(",", ":")) + "\n")
    return "".join(lines)


def main():
    os.makedirs(OUT, exist_ok=True)
    for d in sorted(glob.glob(os.path.join(PKG, "kubernetes-json-schema/v1.*.0-local-strict"))):
        minor = int(os.path.basename(d).split(".")[1])
        defs = json.load(open(os.path.join(d, "_definitions.json")))["$defs"]
        strip(defs)
        text = pack(defs).encode()
        path = os.path.join(OUT, f"v1.{minor}.defs.gz")
        with open(path, "wb") as f:
            f.write(gzip.compress(text, compresslevel=9, mtime=0))
        print(f"{path}: {len(text)} bytes, {os.path.getsize(path)} gzipped")
    dist = glob.glob(os.path.join(SITE[0], "kubernetes_validate-*.dist-info"))[0]
    shutil.copy(os.path.join(dist, "licenses", "LICENSE") if os.path.exists(os.path.join(dist, "licenses", "LICENSE")) else os.path.join(dist, "LICENSE"), os.path.join(OUT, "LICENSE"))
    version = os.path.basename(dist).split("-")[1].replace(".dist", "")
    with open(os.path.join(OUT, "SOURCE"), "w") as f:
        f.write(
            "The OpenAPI schemas of Kubernetes 1.25 to 1.37 (strict: no unknown fields), as the\n"
            f"kubernetes-validate package {version} ships them (https://github.com/willthames/kubernetes-validate,\n"
            "Apache License 2.0, see LICENSE; the schemas are generated from Kubernetes' own OpenAPI\n"
            "documents, also Apache License 2.0), descriptions removed, gzipped.\n"
            "Regenerate with scripts/vendor-schemas.py.\n"
        )


main()
