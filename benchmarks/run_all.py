"""`make bench`: the terminal benchmarks (ui_bench.py, insights_term.py), the sync benchmark
(sync_bench.py), insights_bench.py and generator_bench.py;
each writes its part in benchmarks/results/ and benchmarks/RESULTS.md is assembled from them.

    python benchmarks/run_all.py [--quick] [--pilot]

--quick (or BENCH_QUICK=1) is passed on to ui_bench.py: fewer repetitions, no 100k case.
--pilot (or BENCH_PILOT=1) also runs board_bench.py, the in-process Pilot benchmark (useful
when profiling the board without a terminal; Pilot adds ~60 ms per key, so its key times
are not what a user feels).
"""

import os
import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
args = sys.argv[1:]
pilot = "--pilot" in args or os.environ.get("BENCH_PILOT", "") not in ("", "0")
args = [a for a in args if a != "--pilot"]
status = 0
print("== ui_bench.py", flush=True)
status |= subprocess.run([sys.executable, str(here / "ui_bench.py"), *args], check=False).returncode
print("== sync_bench.py", flush=True)
quick = ["--quick"] if "--quick" in args or os.environ.get("BENCH_QUICK", "") not in ("", "0") else []
status |= subprocess.run([sys.executable, str(here / "sync_bench.py"), *quick], check=False).returncode
print("== insights_bench.py", flush=True)
status |= subprocess.run([sys.executable, str(here / "insights_bench.py")], check=False).returncode
print("== insights_term.py", flush=True)
status |= subprocess.run([sys.executable, str(here / "insights_term.py")], check=False).returncode
print("== generator_bench.py", flush=True)
status |= subprocess.run([sys.executable, str(here / "generator_bench.py")], check=False).returncode
if pilot:
    print("== board_bench.py", flush=True)
    status |= subprocess.run([sys.executable, str(here / "board_bench.py")], check=False).returncode
sys.exit(status)
