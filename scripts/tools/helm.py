#!/usr/bin/env python3
"""Minimal `helm` CLI over helm-python-sdk (libhelm_c, Helm v4 Go SDK).

Installed as .tools/bin/helm by scripts/setup-tools.sh; runs with the
.tools/venv interpreter. Fully offline: no cluster, no kubeconfig, no network.

Supported subset:
  helm template NAME CHART [-f|--values FILE]... [--set K=V]... [--set-string K=V]...
                [-n|--namespace NS] [--kube-version V] [--api-versions G/V]...
  helm lint CHART [-f|--values FILE]... [--set K=V]... [--strict] [-n NS]
                [--kube-version V] [--skip-schema-validation]
  helm template-batch JOBS.json
                (JOBS.json: a list of {"name", "chart", "values": [FILE...], "namespace",
                "kube_version"}; prints a JSON list of {"manifest"} or {"error"}, one per
                job, in order: one process renders many charts)
  helm version

Exit codes: 0 ok, 1 render/lint failure, 2 usage error.
Known gaps vs real helm: `template` prints the release manifest only (no hook
resources, no NOTES, no CRDs from crds/), exactly what a client dry-run install
stores as `manifest`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

USAGE = __doc__.split("Supported subset:", 1)[1].split("Exit codes", 1)[0]


class UsageError(Exception):
    pass


def die(msg: str, code: int = 1) -> None:
    sys.stderr.write(f"Error: {msg.rstrip()}\n")
    sys.exit(code)


def merge_maps(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Helm's pkg/cli/values mergeMaps: later files win, maps merge recursively.

    Non-map values (lists included) replace wholesale. `null` is kept here and
    removes the key when Helm coalesces with the chart's defaults, as in helm.
    """
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_maps(out[k], v)
        else:
            out[k] = v
    return out


def parse_args(argv: list[str], *, bool_flags: set[str], value_flags: dict[str, str],
               list_flags: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """Tiny getopt: returns (positionals, options). Supports `--f=v` and `-f v`."""
    pos: list[str] = []
    opts: dict[str, Any] = {dest: [] for dest in list_flags.values()}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            pos.extend(argv[i + 1:])
            break
        if arg.startswith("-") and arg != "-":
            name, eq, inline = arg.partition("=")
            if name in bool_flags:
                if eq and inline.lower() not in ("true", "false"):
                    raise UsageError(f"invalid boolean for {name}: {inline}")
                opts[name.lstrip("-").replace("-", "_")] = (not eq) or inline.lower() == "true"
            elif name in value_flags or name in list_flags:
                if eq:
                    value = inline
                else:
                    i += 1
                    if i >= len(argv):
                        raise UsageError(f"flag needs an argument: {name}")
                    value = argv[i]
                if name in value_flags:
                    opts[value_flags[name]] = value
                else:
                    opts[list_flags[name]].append((name, value))
            else:
                raise UsageError(f"unknown flag: {name}")
        else:
            pos.append(arg)
        i += 1
    return pos, opts


def user_values(h: Any, entries: list[tuple[str, str]]) -> dict[str, Any]:
    """Build user values like helm: all -f files in order, then --set* in order."""
    values: dict[str, Any] = {}
    files = [v for f, v in entries if f in ("-f", "--values")]
    sets = [(f, v) for f, v in entries if f not in ("-f", "--values")]
    for path in files:
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
        except OSError as e:
            raise h.HelmError(f"open {path}: {e.strerror}") from None
        try:
            doc = h.values_from_yaml(text)
        except h.HelmError as e:
            raise h.HelmError(f"failed to parse {path}: {e}") from None
        values = merge_maps(values, doc or {})
    for flag, expr in sets:
        parser = h.parse_set_string if flag == "--set" else h.parse_set_string_values
        values = merge_maps(values, parser(expr))
    return values


VALUE_LIST_FLAGS = {"-f": "values", "--values": "values", "--set": "values",
                    "--set-string": "values"}


def render(h: Any, name: str, chart: str, values: dict[str, Any], namespace: str | None,
           kube_version: str | None, api_versions: list[str]) -> str:
    """The manifest `helm template` prints (hooks, NOTES and crds/ excluded)."""
    from helm_python import _native

    cfg = h.Config(storage_driver="memory")
    try:
        # Same call as Config.install(chart, name, values, dry_run="client",
        # namespace=...), but through the native entry point, because the
        # Python wrapper does not expose the native options `kube_version` and
        # `api_versions` (the native side rejects unknown option names).
        opts: dict[str, Any] = {"dry_run": "client"}
        if namespace:
            opts["namespace"] = namespace
        if kube_version:
            opts["kube_version"] = kube_version
        if api_versions:
            opts["api_versions"] = api_versions
        payload = _native.call_string(
            "helm_install", cfg._raw(), _native.HANDLE(0), _native.HANDLE(0),
            chart, name, json.dumps(values), json.dumps(opts),
        )
    finally:
        cfg.close()
    return json.loads(payload).get("manifest", "")


def cmd_template_batch(h: Any, argv: list[str]) -> int:
    if len(argv) != 1:
        raise UsageError("template-batch needs exactly one JOBS.json")
    with open(argv[0], encoding="utf-8") as fh:
        jobs = json.load(fh)
    results = []
    for job in jobs:
        try:
            values = user_values(h, [("-f", v) for v in job.get("values", [])])
            manifest = render(h, job["name"], job["chart"], values, job.get("namespace"),
                              job.get("kube_version"), [])
            results.append({"manifest": manifest})
        except h.HelmError as e:
            results.append({"error": str(e).rstrip()})
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")
    return 0


def cmd_template(h: Any, argv: list[str]) -> int:
    pos, o = parse_args(
        argv,
        bool_flags=set(),
        value_flags={"-n": "namespace", "--namespace": "namespace",
                     "--kube-version": "kube_version"},
        list_flags={**VALUE_LIST_FLAGS, "--api-versions": "api_versions", "-a": "api_versions"},
    )
    if len(pos) != 2:
        raise UsageError("template needs exactly NAME and CHART")
    name, chart = pos
    values = user_values(h, o["values"])
    manifest = render(h, name, chart, values, o.get("namespace"), o.get("kube_version"),
                      [v for _, v in o["api_versions"]])
    sys.stdout.write(manifest)
    if manifest and not manifest.endswith("\n"):
        sys.stdout.write("\n")
    return 0


SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def cmd_lint(h: Any, argv: list[str]) -> int:
    pos, o = parse_args(
        argv,
        bool_flags={"--strict", "--quiet", "--skip-schema-validation", "--with-subcharts"},
        value_flags={"-n": "namespace", "--namespace": "namespace",
                     "--kube-version": "kube_version"},
        list_flags=VALUE_LIST_FLAGS,
    )
    if len(pos) != 1:
        raise UsageError("lint needs exactly one CHART path")
    chart = pos[0]
    strict = bool(o.get("strict"))
    values = user_values(h, o["values"])
    report = h.lint(
        chart, values or None,
        strict=strict,
        namespace=o.get("namespace"),
        kube_version=o.get("kube_version"),
        skip_schema_validation=o.get("skip_schema_validation") or None,
        with_subcharts=o.get("with_subcharts") or None,
    )
    threshold = 2 if strict else 3
    messages = report.get("messages") or []
    errors = report.get("errors") or []
    failed = bool(errors) or any(m.get("severity", 0) >= threshold for m in messages)
    print(f"==> Linting {chart}")
    for m in messages:
        sev = m.get("severity", 0)
        if o.get("quiet") and sev < 2:
            continue
        print(f"[{SEVERITY.get(sev, sev)}] {m.get('path', '')}: {m.get('error', '')}")
    shown = {m.get("error") for m in messages}
    for e in errors:
        if e not in shown:
            print(f"[ERROR] {e}")
    print()
    total = report.get("total_charts_linted", 1)
    if failed:
        sys.stderr.write(f"Error: {total} chart(s) linted, 1 chart(s) failed\n")
        return 1
    print(f"{total} chart(s) linted, 0 chart(s) failed")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write("Usage:" + USAGE)
        return 0 if argv else 2
    import helm_python as h

    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "version":
            print(f"version.BuildInfo{{Version:\"{h.helm_sdk_version()}\", "
                  f"helm_python:\"{h.__version__}\", helm_c:\"{h.helm_c_version()}\"}}")
            return 0
        if cmd == "template":
            return cmd_template(h, rest)
        if cmd == "template-batch":
            return cmd_template_batch(h, rest)
        if cmd == "lint":
            return cmd_lint(h, rest)
        raise UsageError(f"unsupported command {cmd!r} (supported: template, template-batch, lint, version)")
    except UsageError as e:
        sys.stderr.write(f"Error: {e}\nUsage:{USAGE}")
        return 2
    except h.HelmError as e:
        sys.stderr.write(f"Error: {str(e).rstrip()}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
