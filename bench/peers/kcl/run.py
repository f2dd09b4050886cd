"""Run production.k with kcl-lib (the KCL Python API) and print its YAML stream.

    python3 run.py N        (bench/peers/kcl/run.sh N)
"""
import os
import sys

import kcl_lib.api as api

here = os.path.dirname(os.path.abspath(__file__))
result = api.API().exec_program(api.ExecProgramArgs(
    k_filename_list=[os.path.join(here, "production.k")],
    args=[api.Argument(name="n", value=sys.argv[1])],
))
sys.stdout.write(result.yaml_result)
