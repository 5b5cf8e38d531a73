#!/usr/bin/env python3
"""Summarise bench/run's raw samples (stdlib only).

    report.py results RAW.tsv SKIPS.tsv OUT.json key=value...   raw samples -> results.json
    report.py bundle RESULTS.json OUT.json                       results.json + workloads + hand-off -> a host's bundle
    report.py save BUNDLE.json RESULTS_DIR                       keep it as RESULTS_DIR/<host key>.json
    report.py markdown BUNDLE.json RESULTS_DIR OUT.md            that host in full, every saved host side by side
                                                                 (BUNDLE.json "-": the newest saved one)
    report.py summary RESULTS.json                               short text summary on stdout

Per-call cost of a configuration = (median T(COUNT) - median T(0)) / COUNT,
where T is the wall time of the whole command measured from outside by
bench/target/walltime.  Start-up = the distribution of T for /bin/true.
"""
import datetime
import json
import math
import os
import statistics
import sys

import hosts
import report_notes

LABELS = {
    "native_getppid": "native getppid",
    "ctracer_regs_pin": "C tracer, GETREGS + CONT, pinned",
    "ctracer_cont_pin": "C tracer, CONT only, pinned",
    "ctracer_regs_nopin": "C tracer, GETREGS + CONT, `--no-pin`",
    "ctracer_cont_nopin": "C tracer, CONT only, `--no-pin`",
    "detsim_getppid": "detsim `--intercept=getppid`, pinned",
    "detsim_getppid_nopin": "detsim `--intercept=getppid`, `--no-pin`",
    "native_getuid": "native getuid",
    "ctracer_filter_getuid": "C tracer, getuid passes the filter",
    "detsim_filter_getuid": "detsim, getuid passes the filter",
    "native_true": "`/bin/true` natively",
    "ctracer_true": "`ctracer -- /bin/true`",
    "detsim_true": "`detsim run -- /bin/true`",
}
PER_CALL = ["native_getppid", "ctracer_regs_pin", "ctracer_cont_pin", "ctracer_regs_nopin",
            "ctracer_cont_nopin", "detsim_getppid", "detsim_getppid_nopin",
            "native_getuid", "ctracer_filter_getuid", "detsim_filter_getuid"]
STARTUP = ["native_true", "ctracer_true", "detsim_true"]

# name: (numerator config, denominator config, target or None, description)
RATIOS = {
    "detsim_over_native": ("detsim_getppid", "native_getppid", None,
                           "detsim ÷ native, intercepted getppid"),
    "ctracer_over_native": ("ctracer_regs_pin", "native_getppid", None,
                            "C tracer ÷ native, intercepted getppid"),
    "detsim_over_ctracer": ("detsim_getppid", "ctracer_regs_pin", 1.2,
                            "detsim ÷ C tracer, intercepted getppid"),
    "filter_only": ("detsim_filter_getuid", "native_getuid", 1.05,
                    "filter only: detsim ÷ native, getuid nobody intercepts"),
    # references, no target
    "ctracer_filter_only": ("ctracer_filter_getuid", "native_getuid", None,
                            "filter only: C tracer ÷ native, getuid"),
    "detsim_over_ctracer_nopin": ("detsim_getppid_nopin", "ctracer_regs_nopin", None,
                                  "detsim ÷ C tracer, both `--no-pin`"),
    "nopin_over_pin_ctracer": ("ctracer_regs_nopin", "ctracer_regs_pin", None,
                               "C tracer `--no-pin` ÷ pinned"),
}
STARTUP_TARGET_MS = 150.0


def p90(xs):
    """Nearest-rank 90th percentile."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def read_first(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return None


def read_tsv(path):
    with open(path) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    return lines


def cmd_results(raw_path, skips_path, out_path, kv):
    meta = dict(a.split("=", 1) for a in kv)
    rows = read_tsv(raw_path)[1:]  # drop header
    skipped = {c: reason for c, reason in read_tsv(skips_path)}
    samples = {}
    for config, count, rep, elapsed, user, sys_, rss in rows:
        samples.setdefault(config, []).append(
            dict(count=int(count), rep=int(rep), ns=int(elapsed), cpu_ns=int(user) + int(sys_),
                 maxrss_kb=int(rss)))

    per_call = {}
    for config in PER_CALL:
        entry = {"label": LABELS[config]}
        if config in skipped or config not in samples:
            entry["skipped"] = skipped.get(config, "not measured")
            per_call[config] = entry
            continue
        s = samples[config]
        n = max(x["count"] for x in s)
        t0 = [x for x in s if x["count"] == 0]
        tn = [x for x in s if x["count"] == n]
        m0 = statistics.median(x["ns"] for x in t0)
        mn = statistics.median(x["ns"] for x in tn)
        c0 = statistics.median(x["cpu_ns"] for x in t0)
        cn = statistics.median(x["cpu_ns"] for x in tn)
        # Paired estimates (same pass) only show the spread; the figure is the
        # difference of medians.
        by_rep0 = {x["rep"]: x["ns"] for x in t0}
        paired = sorted((x["ns"] - by_rep0[x["rep"]]) / n for x in tn if x["rep"] in by_rep0)
        # Minimum-based estimate: the least-disturbed runs; a cross-check on noisy hosts.
        min_based = (min(x["ns"] for x in tn) - min(x["ns"] for x in t0)) / n
        entry.update(
            count=n, reps=len(tn), ns_per_op_min_based=round(min_based, 2),
            t0_median_ns=m0, tn_median_ns=mn,
            ns_per_op=round((mn - m0) / n, 2),
            ns_per_op_paired_min=round(paired[0], 2), ns_per_op_paired_max=round(paired[-1], 2),
            cpu_ns_per_op=round((cn - c0) / n, 2),
            t0_samples_ns=[x["ns"] for x in t0], tn_samples_ns=[x["ns"] for x in tn])
        per_call[config] = entry

    startup = {}
    for config in STARTUP:
        entry = {"label": LABELS[config]}
        if config in skipped or config not in samples:
            entry["skipped"] = skipped.get(config, "not measured")
        else:
            ms = [x["ns"] / 1e6 for x in samples[config]]
            entry.update(runs=len(ms), median_ms=round(statistics.median(ms), 3),
                         p90_ms=round(p90(ms), 3), min_ms=round(min(ms), 3),
                         max_ms=round(max(ms), 3),
                         maxrss_kb_median=statistics.median(x["maxrss_kb"] for x in samples[config]),
                         samples_ms=[round(x, 3) for x in ms])
        startup[config] = entry

    ratios = {}
    for name, (num, den, target, desc) in RATIOS.items():
        a, b = per_call[num].get("ns_per_op"), per_call[den].get("ns_per_op")
        value = round(a / b, 3) if a is not None and b else None
        ratios[name] = dict(description=desc, numerator=num, denominator=den, value=value,
                            target_max=target,
                            passed=None if target is None or value is None else value <= target)
    a = per_call["detsim_filter_getuid"].get("ns_per_op_min_based")
    b = per_call["native_getuid"].get("ns_per_op_min_based")
    ratios["filter_only_min_based"] = dict(
        description="filter only: detsim ÷ native, getuid, from the fastest runs (cross-check)",
        numerator="detsim_filter_getuid", denominator="native_getuid",
        value=round(a / b, 3) if a is not None and b else None, target_max=None, passed=None)
    st = startup["detsim_true"]
    startup_check = dict(description="start-up, median of `detsim run -- /bin/true`",
                         value_ms=st.get("median_ms"), p90_ms=st.get("p90_ms"),
                         target_max_ms=STARTUP_TARGET_MS,
                         passed=None if st.get("median_ms") is None
                         else st["median_ms"] <= STARTUP_TARGET_MS)

    def num(key, conv=int):
        v = meta.get(key, "")
        return conv(v) if v != "" else None

    facts = []
    if meta.get("host_facts"):
        with open(meta["host_facts"]) as f:
            facts = [l.rstrip("\n") for l in f if l.strip()]
    key, label = hosts.describe(facts)
    result = {
        "schema": 1,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": {
            "key": key,
            "label": label,
            "facts": facts,
            "kernel": os.uname().release,
            "cpu_model": cpu_model(),
            "online_cpus": os.cpu_count(),
            "allowed_cpus": meta.get("allowed_cpus"),
            "meltdown_mitigation": read_first("/sys/devices/system/cpu/vulnerabilities/meltdown"),
            "loadavg_before": meta.get("load_before"),
            "loadavg_after": meta.get("load_after"),
        },
        "git": {"commit": meta.get("git_commit") or None,
                "dirty": {"true": True, "false": False}.get(meta.get("git_dirty", ""))},
        "config": {
            "reps": num("reps"), "count": num("count"), "count2": num("count2"),
            "startup_runs": num("startup_runs"), "startup_warmups": num("warmups"),
            "quick": meta.get("quick") == "1", "cpu": num("cpu"),
            "detsim": meta.get("detsim"), "detsim_available": meta.get("detsim_ok") == "1",
            "detsim_skip_reason": meta.get("detsim_reason") or None,
            "harness_seconds": num("harness_seconds"),
            "method": "wall time from outside (CLOCK_MONOTONIC around fork..wait4); "
                      "per-call = (median T(COUNT) - median T(0)) / COUNT",
        },
        "per_call": per_call,
        "startup": startup,
        "ratios": ratios,
        "startup_check": startup_check,
    }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- Markdown

def fmt_ns(v):
    return "—" if v is None else f"{v:,.0f}"


def fmt_x(v):
    return "—" if v is None else f"{v:.2f}×"


def verdict(passed, skipped_reason=None):
    if passed is None:
        return "not measured"
    return "**PASS**" if passed else "**MISS**"


def cmd_markdown(bundle_path, results_dir, out_path):
    if bundle_path == "-":  # the newest saved run
        saved = hosts.load_all(results_dir)
        if not saved:
            sys.exit(f"report.py: no saved results in {results_dir}")
        b = max(saved.values(), key=lambda x: x["results"]["date"])
    else:
        with open(bundle_path) as f:
            b = json.load(f)
    r = b["results"]
    pc, ra, su, cfg, host = r["per_call"], r["ratios"], r["startup"], r["config"], r["host"]

    def ns(c):
        return pc[c].get("ns_per_op")

    def per_call_cell(c):
        return fmt_ns(ns(c)) if ns(c) is not None else "not measured"

    def ratio_row(name, label):
        x = ra[name]
        tgt = "—" if x["target_max"] is None else f"≤ {x['target_max']:.2f}×"
        res = "—" if x["target_max"] is None else verdict(x["passed"])
        val = fmt_x(x["value"]) if x["value"] is not None else "not measured"
        return f"| {label} | {val} | {tgt} | {res} |"

    sc = r["startup_check"]
    if sc["value_ms"] is not None:
        su_cell = f"{sc['value_ms']:.1f} ms (p90 {sc['p90_ms']:.1f} ms)"
    else:
        su_cell = "not measured"

    L = []
    w = L.append
    w("<!-- Generated by bench/run (bench/report.py) from bench/results/*.json, one result set per host. "
      "Do not edit by hand: edit bench/report.py and re-run `bench/run`. -->")
    w("")
    w("# detsim performance")
    w("")
    w("detsim runs unmodified Linux programs under ptrace with a seccomp-bpf filter. "
      "Its costs come in three kinds, and `bench/run` measures each of them:")
    w("")
    w("* **Intercepted system call.** A syscall some handler needs makes the filter return "
      "`SECCOMP_RET_TRACE`: the tracee stops, the tracer thread wakes up, reads the registers "
      "and resumes it. Measured with `getppid` made interceptable by `--intercept=getppid`, "
      "and compared with native execution and with a minimal C tracer "
      "(`bench/c/ctracer.c`) doing the same work per stop (SEIZE with the same options, "
      "same-shaped filter, `PTRACE_GETREGS` + `PTRACE_CONT`, tracer and tracee pinned to one CPU). "
      "The C tracer is the floor for a ptrace design; the target is detsim ≤ 1.2× of it.")
    w("* **Filter only.** Every other syscall still runs the seccomp filter but never stops. "
      "Measured with `getuid`, which no handler needs; target ≤ 1.05× native.")
    w("* **Start-up.** `detsim run -- /bin/true` end to end (JVM start, tracer set-up, "
      "fork/seize/exec, teardown); target ≤ 150 ms median.")
    w("")
    w("## Method")
    w("")
    w("* `bench/c/syscall_loop.c` issues `syscall(SYS_<name>)` COUNT times (raw syscalls, "
      "no libc caching or vDSO) and exits.")
    w("* Every run is timed from **outside** by `bench/c/walltime.c` (`CLOCK_MONOTONIC` "
      "just before `fork` and just after `wait4`). The guest's own clock is never used: "
      "under detsim it sees virtual time.")
    w("* Per-call cost = (median T(COUNT) − median T(0)) / COUNT, so process creation, exec "
      "and JVM start-up cancel out. Each configuration runs once as a warm-up, then R times; "
      "the configurations of a group are interleaved pass by pass so that drifts of the "
      "(virtual) machine affect them alike.")
    w("* Native and C-tracer runs are pinned to one CPU (`taskset`, resp. `sched_setaffinity` "
      "in the tracer before `fork`); detsim pins its tracer thread and tracee itself.")
    w("* Start-up: 2 warm-up runs, then N timed runs; median and p90 (nearest rank).")
    w("")
    w("Reproduce with `bench/run` (`bench/run --quick` for a shorter, noisier run; "
      "`bench/run --help` for options). Raw samples: `bench/target/raw.tsv`; "
      "all numbers: `bench/target/results.json`; command output: `bench/target/run.log`. "
      "A full run keeps its numbers as `bench/results/<host key>.json`, one file per kind of host (the key "
      "names what decides the costs: CPU, PCID and page-table isolation, whether rdtsc traps), and this page "
      "shows the host of the latest run in full and every host's key figures side by side: the same build "
      "costs very different amounts on different hosts.")
    w("")
    w("## Results")
    w("")
    if not cfg.get("detsim_available"):
        w(f"> **detsim was not measured in this run:** {cfg.get('detsim_skip_reason')}. "
          "Its rows read “not measured”; re-run `bench/run` once `./detsim` works.")
        w("")
    w(f"Measured {r['date']} on the {host.get('label', 'host')}: {host.get('cpu_model')} "
      f"({host.get('online_cpus')} CPUs), "
      f"kernel {host.get('kernel')}, pinned CPU {cfg.get('cpu')}; "
      f"R = {cfg.get('reps')}, COUNT = {cfg.get('count'):,}, COUNT2 = {cfg.get('count2'):,}, "
      f"{cfg.get('startup_runs')} start-up runs"
      + (" (`--quick`)" if cfg.get("quick") else "") + ".")
    w("")
    w("| Metric | Measured | Target | Result |")
    w("|---|---:|---:|:---:|")
    w(f"| native getppid, ns/op | {per_call_cell('native_getppid')} | — | — |")
    w(f"| C tracer getppid (GETREGS + CONT, pinned), ns/op | {per_call_cell('ctracer_regs_pin')} | — | — |")
    w(f"| detsim intercepted getppid (pinned), ns/op | {per_call_cell('detsim_getppid')} | — | — |")
    w(ratio_row("detsim_over_native", "detsim ÷ native"))
    w(ratio_row("ctracer_over_native", "C tracer ÷ native"))
    w(ratio_row("detsim_over_ctracer", "detsim ÷ C tracer"))
    w(f"| native getuid, ns/op | {per_call_cell('native_getuid')} | — | — |")
    w(f"| detsim getuid (filter only), ns/op | {per_call_cell('detsim_filter_getuid')} | — | — |")
    w(ratio_row("filter_only", "filter only: detsim ÷ native (getuid)"))
    w(f"| start-up `detsim run -- /bin/true`, median | {su_cell} | ≤ {sc['target_max_ms']:.0f} ms | "
      f"{verdict(sc['passed'])} |")
    w("")
    missing = [(v["label"], v["skipped"]) for v in list(pc.values()) + list(su.values())
               if "skipped" in v]
    if missing:
        w("Not measured in this run:")
        w("")
        for label, why in missing:
            w(f"* {label}: {why}")
        w("")
    w("### Across hosts")
    w("")
    w("The key figures of every host `bench/results/` has a run of, this run's first; each host's facts "
      "below the table (kernel, CPU, whether the CPU has PCID and the kernel isolates page tables, hardware "
      "counters, whether rdtsc faults under `PR_SET_TSC`). Ratios are what the targets are about; absolute "
      "times also carry each VM's speed.")
    w("")
    saved = hosts.load_all(results_dir)
    for line in hosts.comparison(b, saved):
        w(line)
    report_notes.host_differences(w)
    for line in hosts.facts(b, saved):
        w(line)
    w("### All per-call configurations")
    w("")
    base = {"native_getppid": "native_getppid", "native_getuid": "native_getuid"}
    w("| Configuration | syscall × COUNT | ns/op | × native | spread of paired reps, ns/op | CPU ns/op |")
    w("|---|---|---:|---:|---:|---:|")
    for c in PER_CALL:
        e = pc[c]
        nat = "native_getuid" if "getuid" in c else "native_getppid"
        sysc = "getuid" if "getuid" in c else "getppid"
        if e.get("ns_per_op") is None:
            w(f"| {e['label']} | {sysc} | not measured | — | — | — |")
            continue
        rel = e["ns_per_op"] / ns(nat) if ns(nat) else None
        w(f"| {e['label']} | {sysc} × {e['count']:,} | {fmt_ns(e['ns_per_op'])} | "
          f"{fmt_x(rel)} | {fmt_ns(e['ns_per_op_paired_min'])} … {fmt_ns(e['ns_per_op_paired_max'])} | "
          f"{fmt_ns(e['cpu_ns_per_op'])} |")
    w("")
    w("“CPU ns/op” is user + system time of the measured process tree (from `wait4`) per call; "
      "above wall ns/op means more than one CPU was busy, below means waiting.")
    w("")
    w("Other ratios:")
    w("")
    for name in ("filter_only_min_based", "ctracer_filter_only", "nopin_over_pin_ctracer",
                 "detsim_over_ctracer_nopin"):
        x = ra[name]
        w(f"* {x['description']}: {fmt_x(x['value']) if x['value'] is not None else 'not measured'}")
    w("")
    handoff = b.get("handoff") or {}
    if handoff:
        w("### The hand-off floor")
        w("")
        w("Every stop hands the one CPU from the program to the tracer and back. `bench/c/handoff.c` times "
          "that without ptrace, for two processes pinned to one CPU (median of the passes):")
        w("")
        w("| Round trip between two processes on one CPU | ns | ÷ C tracer stop (GETREGS + CONT) |")
        w("|---|---:|---:|")
        labels = {"pipe": "a byte over a pipe and back (two context switches, four syscalls)",
                  "notif": "a seccomp user notification (`SECCOMP_RET_USER_NOTIF`, RECV + SEND)",
                  "notif-sync": "the same with `SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP`"}
        stop = ns("ctracer_regs_pin")
        for mode in ("pipe", "notif", "notif-sync"):
            if mode not in handoff:
                w(f"| {labels[mode]} | not measured | — |")
                continue
            w(f"| {labels[mode]} | {fmt_ns(handoff[mode])} | {fmt_x(handoff[mode] / stop) if stop else '—'} |")
        w("")
        if stop and "notif" in handoff and "pipe" in handoff:
            near = 0.8 <= stop / handoff["pipe"] <= 1.25  # the two context switches are most of a stop
            w(f"A user notification round trip costs {fmt_x(handoff['notif'] / stop)} of a ptrace stop here, and "
              + ("both cost about what the pipe round trip does: two context switches, which"
                 if near else f"a ptrace stop costs {fmt_x(stop / handoff['pipe'])} the pipe round trip, whose two "
                 "context switches")
              + " a supervisor in another process pays at every stop whatever the mechanism. Cross-thread "
              f"ping-pong needs 2 "
              f"stops per round trip (below), so its floor here is ~{fmt_ns(2 * min(handoff['notif'], stop))} "
              f"ns even for a supervisor on user notifications.")
            w("")
    w("### Start-up")
    w("")
    w("| Command | runs | median ms | p90 ms | min ms | max ms |")
    w("|---|---:|---:|---:|---:|---:|")
    for c in STARTUP:
        e = su[c]
        if "median_ms" not in e:
            w(f"| {e['label']} | — | not measured | — | — | — |")
        else:
            w(f"| {e['label']} | {e['runs']} | {e['median_ms']:.2f} | {e['p90_ms']:.2f} | "
              f"{e['min_ms']:.2f} | {e['max_ms']:.2f} |")
    w("")
    report_notes.startup_costs(w)
    w("")
    wl = b.get("workloads")
    if wl:
        w("## Workloads (issue 4)")
        w("")
        w("Measured by `bench/workloads` in the same `bench/run`, each natively and under detsim (serialised "
          "execution, virtual time) on this machine. The Go and etcd rows come from `detsim feasibility` "
          "(`--quick` with `bench/run --quick`; Go samples on `CLOCK_MONOTONIC_RAW` through `--benchmark-clock`, "
          "each less the cost of the read that ends it; etcd requests timed by the client "
          "outside the sandbox; see docs/FEASIBILITY.md); the sqlite3 row is the median wall time of "
          f"{wl['reps']} runs of `bench/sqlite_writers.sh`, timed from outside.")
        w("")
        w("| Workload | Native, ns | detsim, ns | detsim ÷ native | Target | Result |")
        w("|---|---:|---:|---:|---:|:---:|")
        for x in wl["rows"]:
            nat = fmt_ns(x["native_ns"]) if x.get("native_ns") is not None else "—"
            det = fmt_ns(x["detsim_ns"]) if x.get("detsim_ns") is not None else "—"
            ratio = fmt_x(x["ratio"]) if x.get("ratio") is not None else "not measured: " + (x.get("note") or "")
            res = verdict(x["passed"]) if x.get("passed") is not None else "—"
            w(f"| {x['label']} | {nat} | {det} | {ratio} | ≤ {x['target_max']:.1f}× | {res} |")
        w("")
        fl = wl.get("pingpong_floor")
        cross = next((x for x in wl["rows"] if x["id"] == "go.pingpong.cross"), None)
        if fl:
            w("**The floors under the cross-thread ping-pong.** The same Go program natively, under "
              "`bench/c/gohandoff.c`, a minimal C ptrace tracer that serialises only the program's futex "
              "hand-offs the way detsim does (futex waits stop, wakes run; at a wait's stop one "
              "PTRACE_GET_SYSCALL_INFO and one process_vm_readv of the waiters' words, then the waiter whose "
              "word changed is resumed), with nothing else of detsim's, and under `bench/java/JvmHandoff.java`, "
              "the same tracer written in Java on detsim's own FFM layer (same filter, same four syscalls a "
              "stop, no allocation a stop): what the JVM costs before detsim does anything. p50 per run, median "
              f"of {len(fl['samples']['native']) if fl.get('samples') else wl['reps']} interleaved runs of the three, in this same bench run; "
              "detsim's row is the feasibility run's (above), minutes apart, and a VM's speed drifts, so "
              "detsim is set against each floor by ratios to native, each taken against its own native runs.")
            w("")
            has_detsim = bool(cross and cross.get("detsim_ns"))
            w("| Go ping-pong across threads, p50 | ns | ÷ native |" + (" detsim's ÷ native over its |" if has_detsim else ""))
            w("|---|---:|---:|" + ("---:|" if has_detsim else ""))
            def floor_row(label, ns):
                extra = f" {fmt_x(cross['ratio'] / (ns / fl['native_ns']))} |" if has_detsim else ""
                w(f"| {label} | {fmt_ns(ns)} | {fmt_x(ns / fl['native_ns'])} |{extra}")
            w(f"| native | {fmt_ns(fl['native_ns'])} | 1.00× |" + (" — |" if has_detsim else ""))
            floor_row("minimal C tracer (`bench/c/gohandoff.c`)", fl["ctracer_ns"])
            if fl.get("jvmtracer_ns"):
                floor_row("the same tracer in Java (`bench/java/JvmHandoff.java`)", fl["jvmtracer_ns"])
            if has_detsim:
                w(f"| detsim | {fmt_ns(cross['detsim_ns'])} | {fmt_x(cross['detsim_ns'] / cross['native_ns'])} "
                  f"(of its own native run) | — |")
            w("")
        report_notes.workload_costs(w)
        w("")
    w("## Environment")
    w("")
    w(f"* date: {r['date']}")
    w(f"* kernel: `{host.get('kernel')}`; CPU: {host.get('cpu_model')}; online CPUs: "
      f"{host.get('online_cpus')}; allowed: {host.get('allowed_cpus')}; "
      f"meltdown mitigation: {host.get('meltdown_mitigation')}")
    w(f"* host: {host.get('label')} (`{host.get('key')}`; its facts under Results)")
    w(f"* load average before / after: {host.get('loadavg_before')} / {host.get('loadavg_after')}")
    g = r["git"]
    commit = g.get("commit")
    w(f"* git commit: {('`' + commit + '`' + (' (dirty tree)' if g.get('dirty') else '')) if commit else 'none'}")
    w(f"* detsim: `{cfg.get('detsim')}`" + ("" if cfg.get("detsim_available")
                                             else f" — not measured: {cfg.get('detsim_skip_reason')}"))
    if cfg.get("harness_seconds") is not None:
        w(f"* `bench/run` took {cfg['harness_seconds']} s")
    w("")
    w("## Caveats")
    w("")
    pti = "PTI" in (host.get("meltdown_mitigation") or "")
    w("* All figures are wall time, with no hardware performance counters (the reference "
      "machine is a VM), and include virtualisation overhead. Absolute numbers do not transfer "
      "between hosts; the ratios are what the targets are about."
      + (" On this host page-table isolation is on (`meltdown: "
         + host.get("meltdown_mitigation") + "`), which makes every kernel entry and "
         "context switch markedly more expensive." if pti else ""))
    w("* Noise from other load on the machine shows up directly; check the load averages above "
      "and the spread column, and re-run if they are high.")
    w("* The filter-only ratio compares two long runs whose difference is a few per cent; "
      "on a noisy VM a single run can miss by noise alone. Increase `--reps` or `--count2` "
      "if the spread column straddles the target.")
    w("")
    with open(out_path, "w") as f:
        f.write("\n".join(L))


def cmd_summary(results_path):
    with open(results_path) as f:
        r = json.load(f)
    measured = [c for c in PER_CALL if r["per_call"][c].get("ns_per_op") is not None]
    if measured:
        print_per_call(r)
    print_startup(r)


def print_per_call(r):
    print("per-call wall ns/op:")
    for c in PER_CALL:
        e = r["per_call"][c]
        v = e.get("ns_per_op")
        extra = (f"  (paired {e['ns_per_op_paired_min']:.0f}..{e['ns_per_op_paired_max']:.0f}, "
                 f"cpu {e['cpu_ns_per_op']:.0f})") if v is not None else ""
        print(f"  {c:24s} {('%10.1f' % v) if v is not None else '  skipped':>10s}{extra}")
    print("ratios:")
    for name, x in r["ratios"].items():
        v = x["value"]
        tgt = "" if x["target_max"] is None else f"  target <= {x['target_max']}: " + \
            ("n/a" if x["passed"] is None else "PASS" if x["passed"] else "MISS")
        print(f"  {name:26s} {('%.3f' % v) if v is not None else 'n/a':>8s}{tgt}")


def print_startup(r):
    print("start-up ms (median / p90):")
    for c in STARTUP:
        e = r["startup"][c]
        if "median_ms" in e:
            print(f"  {c:24s} {e['median_ms']:8.2f} / {e['p90_ms']:.2f}")
        else:
            print(f"  {c:24s}  skipped")
    sc = r["startup_check"]
    if sc["passed"] is not None:
        print(f"  start-up target <= {sc['target_max_ms']} ms: {'PASS' if sc['passed'] else 'MISS'}")


def main(argv):
    if len(argv) >= 5 and argv[1] == "results":
        cmd_results(argv[2], argv[3], argv[4], argv[5:])
    elif len(argv) == 4 and argv[1] == "bundle":
        with open(argv[3], "w") as f:
            json.dump(hosts.bundle(argv[2]), f, indent=1)
            f.write("\n")
    elif len(argv) == 4 and argv[1] == "save":
        with open(argv[2]) as f:
            print(hosts.save(json.load(f), argv[3]))
    elif len(argv) == 5 and argv[1] == "markdown":
        cmd_markdown(argv[2], argv[3], argv[4])
    elif len(argv) == 3 and argv[1] == "summary":
        cmd_summary(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
