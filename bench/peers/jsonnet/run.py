#!/usr/bin/env python3
"""Evaluate a Jsonnet file with go-jsonnet (PyPI `gojsonnet`, which has no CLI) and print the JSON.

    python run.py FILE N      # FILE evaluated with the top-level argument n=N
"""
import sys

import _gojsonnet

sys.stdout.write(_gojsonnet.evaluate_file(sys.argv[1], tla_codes={"n": sys.argv[2]}))
