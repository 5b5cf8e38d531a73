"""One result set per host (stdlib only): what bench/run measured on each kind of machine, side by side.

The same build runs at very different costs on different hosts (a PVM guest without PCID flushes the TLB at
every syscall; a KVM guest with PCID does not; rdtsc traps on some and not on others), so bench/run keeps the
last full run of every host in bench/results/<host key>.json, a bundle of results.json, workloads.json and the
hand-off floor, with the host's facts. docs/PERFORMANCE.md shows the current host in full and every host's key
figures in one table.

    hosts.py facts PROBE           this host's facts, one "name: value" line each (PROBE: bench/c/host_probe.c)
    hosts.py key FACTS.txt         the host key of those facts
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys


def collect(probe):
    """This host's facts as lines: kernel, CPU, hypervisor, PCID/PTI from the system, the rest from probe."""
    cpu, flags = "unknown", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu == "unknown":
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    hypervisor = "none" if "hypervisor" not in flags else "unknown"
    try:
        dmesg = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=10).stdout
        found = re.search(r"Hypervisor detected: (\S+)", dmesg)
        if found:
            hypervisor = found.group(1)
    except (OSError, subprocess.SubprocessError):
        pass
    lines = [f"kernel: {platform.release()} {platform.machine()}",
             f"cpu: {cpu}, {os.cpu_count()} CPUs",
             f"hypervisor: {hypervisor}",
             f"pcid: {'yes' if 'pcid' in flags else 'no'}; pti: {'yes' if 'pti' in flags else 'no'}"]
    try:
        probed = subprocess.run([probe], capture_output=True, text=True, timeout=30).stdout
        lines += [l for l in probed.splitlines() if l.strip()]
    except OSError as e:
        lines.append(f"probe: {e}")
    return lines


def fact(lines, name):
    """The value of "name: value" among lines, or None."""
    for line in lines:
        for part in line.split("; "):
            if part.startswith(name + ": "):
                return part[len(name) + 2:]
    return None


def describe(lines):
    """(key, label) of a host from its facts: what decides detsim's costs there, not the kernel's build."""
    cpu = fact(lines, "cpu") or "unknown"
    model, _, count = cpu.rpartition(", ")
    cpus = count.split()[0] if count else "?"
    pcid, pti = fact(lines, "pcid") == "yes", fact(lines, "pti") == "yes"
    rdtsc = {"faults": "traps", "does not fault": "runs", "refused": "refused"}.get(
        fact(lines, "rdtsc under PR_SET_TSC"), "unknown")
    slug = re.sub(r"[^a-z0-9]+", "-", (model or cpu).lower()).strip("-")
    key = f"{slug}-{cpus}cpu-{'pcid' if pcid else 'nopcid'}{'-pti' if pti else ''}-rdtsc-{rdtsc}"
    hypervisor = fact(lines, "hypervisor") or "unknown"
    where = "bare metal" if hypervisor == "none" else f"{hypervisor} guest"
    label = f"{where}, {'PCID' if pcid else 'no PCID'}{', PTI on' if pti else ''}, rdtsc {rdtsc}"
    return key, label


def read_handoff(path):
    """Median ns per round trip by mode from bench/target/handoff.tsv (mode, pass, ns); None if absent."""
    if not os.path.exists(path):
        return None
    by_mode = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                by_mode.setdefault(parts[0], []).append(float(parts[2]))
    return {mode: statistics.median(v) for mode, v in by_mode.items() if v} or None


def bundle(results_path):
    """results.json with the workloads and hand-off floor measured beside it in bench/target/."""
    target = os.path.dirname(os.path.abspath(results_path))
    with open(results_path) as f:
        results = json.load(f)
    workloads = None
    if os.path.exists(os.path.join(target, "workloads.json")):
        with open(os.path.join(target, "workloads.json")) as f:
            workloads = json.load(f)
    return {"schema": 1, "host": results["host"], "results": results, "workloads": workloads,
            "handoff": read_handoff(os.path.join(target, "handoff.tsv")), "transcribed_from": None}


def load_all(results_dir):
    """Every saved host's bundle, by key."""
    hosts = {}
    if os.path.isdir(results_dir):
        for name in sorted(os.listdir(results_dir)):
            if name.endswith(".json"):
                with open(os.path.join(results_dir, name)) as f:
                    b = json.load(f)
                hosts[b["host"]["key"]] = b
    return hosts


def save(b, results_dir):
    """Writes b as bench/results/<key>.json; returns its path."""
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, b["host"]["key"] + ".json")
    with open(path, "w") as f:
        json.dump(b, f, indent=1)
        f.write("\n")
    return path


def _row(b, rid):
    for x in (b.get("workloads") or {}).get("rows", []):
        if x["id"] == rid:
            return x
    return {}


def _per_call(b, config):
    return b["results"]["per_call"][config].get("ns_per_op")


def _floor(b, key):
    return ((b.get("workloads") or {}).get("pingpong_floor") or {}).get(key)


# The figures set side by side: (label, getter of a bundle, format).
SUMMARY = [
    ("intercepted syscall: detsim ÷ C tracer (target ≤ 1.20×)",
     lambda b: b["results"]["ratios"]["detsim_over_ctracer"]["value"], "x"),
    ("a C tracer stop (GETREGS + CONT, pinned), ns", lambda b: _per_call(b, "ctracer_regs_pin"), "ns"),
    ("a detsim stop (getppid, pinned), ns", lambda b: _per_call(b, "detsim_getppid"), "ns"),
    ("filter only: detsim ÷ native (target ≤ 1.05×)", lambda b: b["results"]["ratios"]["filter_only"]["value"], "x"),
    ("start-up `detsim run -- /bin/true`, median ms (target ≤ 150)",
     lambda b: b["results"]["startup"]["detsim_true"].get("median_ms"), "ms"),
    ("a byte over a pipe and back between two processes on one CPU, ns",
     lambda b: (b.get("handoff") or {}).get("pipe"), "ns"),
    ("Go ping-pong across threads ÷ native (target ≤ 5×)", lambda b: _row(b, "go.pingpong.cross").get("ratio"), "x"),
    ("… its floor: minimal C tracer ÷ native", lambda b: _floor(b, "ratio"), "x"),
    ("… its floor: the same tracer in Java ÷ native", lambda b: _floor(b, "jvm_ratio"), "x"),
    ("Go ping-pong on one thread ÷ native (target ≤ 1.2×)", lambda b: _row(b, "go.pingpong.same").get("ratio"), "x"),
    ("Go cgo call ÷ native (target ≤ 1.1×)", lambda b: _row(b, "go.cgocall").get("ratio"), "x"),
    ("etcd put ÷ native (target ≤ 3×)", lambda b: _row(b, "etcd.put").get("ratio"), "x"),
    ("8 sqlite3 writers ÷ native (target ≤ 3×)", lambda b: _row(b, "sqlite_writers").get("ratio"), "x"),
]


def _cell(value, kind):
    if value is None:
        return "—"
    return {"x": f"{value:.2f}×", "ns": f"{value:,.0f}", "ms": f"{value:.0f}"}[kind]


def comparison(current, others):
    """Markdown lines: the key figures of current and every other host, side by side."""
    hosts = [current] + [b for k, b in sorted(others.items()) if k != current["host"]["key"]]
    names = [b["host"]["label"] + (" (this run)" if b is current else "") for b in hosts]
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(hosts)]
    for label, get, kind in SUMMARY:
        cells = []
        for b in hosts:
            try:
                cells.append(_cell(get(b), kind))
            except (KeyError, TypeError):
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| measured | " + " | ".join(
        f"{b['results']['date'][:10]}, `{(b['results']['git'].get('commit') or '?')[:7]}`" for b in hosts) + " |")
    lines.append("")
    return lines


def facts(current, others):
    """Markdown lines: each host's facts, current first, and where its numbers are kept."""
    hosts = [current] + [b for k, b in sorted(others.items()) if k != current["host"]["key"]]
    lines = []
    for b in hosts:
        h = b["host"]
        saved = others.get(h["key"])
        kept = saved is not None and saved["results"]["date"] == b["results"]["date"]
        where = f"`bench/results/{h['key']}.json`" if kept else "this run, not kept in `bench/results/`"
        lines.append(f"**{h['label']}** ({where}"
                     + (f"; {b['transcribed_from']}" if b.get("transcribed_from") else "") + "):")
        lines.append("")
        lines.append("```")
        lines += h["facts"]
        lines.append("```")
        lines.append("")
    return lines


def main(argv):
    if len(argv) == 3 and argv[1] == "facts":
        print("\n".join(collect(argv[2])))
    elif len(argv) == 3 and argv[1] == "key":
        with open(argv[2]) as f:
            print(describe([l.rstrip("\n") for l in f])[0])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
