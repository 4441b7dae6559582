"""Whole-process timing for the bench scripts (imported, not run).

Wall time by `perf_counter`, CPU and peak RSS by `os.wait4`: `/usr/bin/time`
gives hundredths of a second, a tenth of what these scripts measure.
"""
import os
import subprocess
import sys
import time


def run_timed(script, argv):
    """Wall ms, CPU ms and peak RSS (MB) of one whole process, its output
    thrown away; ends `script` with a message if the process fails."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if status != 0:
        sys.exit(f"{script}: {' '.join(argv)} failed")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss / 1024
