"""The measured story behind docs/PERFORMANCE.md's numbers, as prose (stdlib only; used by report.py).

Each paragraph says on which host and when it was measured: the numbers in the tables are the latest run's, the
investigations below were made on the hosts they name.
"""


def workload_costs(w):
    """Where the workloads' time goes: the investigation on the PVM host (2026-12-04/05)."""
    w("Where the time goes, as measured on the PVM host (no PCID, page-table isolation on) on 2026-12-04/05 "
      "with `perf`, JFR and per-thread /proc times (the hosts' table under Results shows what differs elsewhere):")
    w("")
    w("* **A stop.** An intercepted syscall is a ptrace stop: three syscalls in the tracer "
      "(PTRACE_GET_SYSCALL_INFO, PTRACE_CONT, wait4) and two context switches, as in the C tracer; the "
      "rest of detsim's cost is its own Java code per stop (the write watch's inotify queue is read only "
      "when an io_uring flag in shared memory says it has an event, below). Three host costs were found and removed earlier: PR_SET_TSC (~7 µs of a ~22 µs stop on "
      "the PVM guest, now requested only where rdtsc faults), a process_vm_writev of the clock page per "
      "turn (now a shared page) and an eventfd read per dispatch (now a counter in memory).")
    w("* **Clock reads.** The vDSO stubs answer 512 reads per turn from the shared page; the Go "
      "runtime's nanotime made ~8 stops per 1000 goroutine switches with 64. Same-thread ping-pong and "
      "cgo run at native speed.")
    w("* **Cross-thread ping-pong** took ~4.2 stops per round trip (two futex wakes, two futex waits) "
      "until 2026-12-05; now the Go runtime's futex wakes run in the kernel unstopped and the waiters "
      "whose futex word changed are woken at the waker's next stop (docs/SEMANTICS.md, Futexes), so a round "
      "trip is its two waits, each a scheduling point that hands the one CPU to the other thread. Since "
      "2026-12-05 (later) such a stop makes the same four syscalls as the minimal C tracer above (wait4, "
      "PTRACE_GET_SYSCALL_INFO, one process_vm_readv for the waiter's own word and the watched words, "
      "PTRACE_CONT: the woken wait runs in the kernel, which returns EAGAIN), down from 5.8. Measured with "
      "`perf record -C` on the shared CPU: per round trip the minimal C tracer spends ~17 µs and detsim's "
      "tracer thread ~39 µs (39.5 before these changes, 39.1 after: fewer syscalls, about the same CPU), of which ~11 µs Java code (decide, dispatch, the "
      "word watch, FFM downcall stubs, the event log's strings) and the rest kernel time of its syscalls "
      "and context switches. 5× needs detsim within ~6 µs per round trip of that floor. Why a JVM pays "
      "more for the same syscalls there: that VM boots with `pti=on` and has no PCID, so every syscall "
      "entry and exit flushes the TLB, and every page the tracer touches between two syscalls is a TLB "
      "miss; giving the C tracer 64 scattered page writes per stop raised its round trip from ~29.5 to "
      "~33.5 µs, and detsim's Java stop path (compiled code, heap objects, scheduler maps) touches many "
      "more pages than a C loop.")
    w("* **Later on 2026-12-05 the Java side of a hand-off was made lean** (p50 of `sched pingpong-cross "
      "3000`, interleaved pairs: ~59 → ~43 µs). JFR allocation samples showed a hand-off stop allocating "
      "~2.5 KB: the event log's Strings (a StringBuilder, hex strings, three escapes, getBytes, a fresh "
      "chain array per event), the scheduler's list of runnable threads, its copy and iterators, empty "
      "lists, a ByteBuffer per turn for the clock page, boxing. The event log line is now built in one "
      "reused byte buffer (same bytes, same chain: −6.7 µs a round trip) and the stop path allocates "
      "~0.8 KB (young GCs per 30,000 round trips 15 → 6: −4 to −8 µs); the per-call stop above went "
      "from 1.27× to 1.12× of the C tracer with it. The launcher no longer replays the JIT profiles its "
      "AOT cache records while training on a shell workload (JEP 515): compiled early from them, the "
      "stop paths ran 5–15% slower for the whole run, by an amount that changed with each retraining "
      "of the same jar (44–62 µs; 43–45 µs without replay, 42.5–43.4 µs with no cache). What is left "
      "against the floor, per round trip (`perf record -C`, µs): the tracer thread's kernel time ~22 "
      "against ~15, the program's kernel time ~15 against ~11 — same syscalls, same context switches "
      "(checked with strace -c and perf stat), so the difference is the switch paths running after the "
      "JVM's code and data have evicted theirs — and ~6.7 µs of Java. Tried without a gain: the resume "
      "and the next wait4 in one native call (one return to Java fewer per stop), the tracer loop's "
      "body as its own method (its on-stack compilation came late), C2 inlining limits, young "
      "generations of 1–16 MB, transparent huge pages. The Java floor row above puts a number on the JVM's "
      "share: the same minimal tracer in Java, with the same four syscalls a stop and a dozen lines of "
      "logic, costs ~5 µs a stop more than in C there (40–41 µs a round trip against ~31 µs in interleaved "
      "runs, 5.2–5.3× native). It is not the thread-state transition (a critical downcall for its wait4: "
      "−1%) nor the JVM's address space or threads (the C tracer with 400 MB touched or 20 idle threads: "
      "unchanged); perf puts it in the tracer's kernel time (+3.5 µs a round trip) and its Java code "
      "(2.6 µs), i.e. in running JIT-compiled code between syscalls that flush the TLB. So ≤ 5× is below "
      "what a JVM tracer reaches on that VM; detsim sits 8–12% above that floor (its own logic, the "
      "event log, virtual time). Nor is a supervisor on seccomp user notifications a way past it: "
      "`bench/c/gohandoff_notif.c`, the C floor with notifications (3 supervisor syscalls a hand-off "
      "instead of 4, same context switches), measured slower in the real hand-off (33.0–37.4 µs against "
      "30.9–33.6 µs, 5 interleaved runs each; built by `bench/run`, not run). On hardware with PCID, "
      "where a syscall does not flush the TLB, the picture differs: see the hosts' table under Results.")
    w("* **The sqlite3 writers** spend most of their native time asleep in SQLite's busy handler, and "
      "how long varies from run to run (0.46–0.74 s medians on the PVM host, 0.51–0.68 s within one run "
      "of 5); under detsim those sleeps are virtual. The run pays the JVM's start (~0.4 s), 27 process "
      "starts, ~5,800 stops (3,000 newfstatat, 1,205 openat, 410 write, 401 unlink, 401 fchown) and the "
      "JIT warming up on a run this short. Taken on 2026-12-05: pwrite64 and the other calls that only "
      "put data into a file no longer stop (4,004 stops of 9,832: an inotify watch on the files the "
      "program writes, read at a stop only when an io_uring flag the kernel raises in the write says there is an event), a 16 MB young generation (the default ~130 MB was first-"
      "touched page by page: −7%), an AOT cache trained on a shell workload (its JIT profiles of the stop "
      "paths gave −4 to −8%, and are no longer replayed since: +5%, above) and no invokedynamic bootstraps on the tracer's first turns (−27 ms); later that day, the JVM's big "
      "mappings left out of the fork that starts the program (MADV_DONTFORK: the pid namespace's init, a "
      "fork of the JVM alive for the whole run, made every page the JVM wrote afterwards a copy-on-write "
      "fault, ~120 ms of the tracer's CPU there): 1.72 → 1.55 s interleaved, and `run -- true` 459 → 390 ms. C1 only "
      "(`DETSIM_JAVA_OPTIONS=-XX:TieredStopAtLevel=1`) no longer measured faster in interleaved runs.")


def startup_costs(w):
    """Where detsim's start-up goes, and what was done about it."""
    w("Where detsim's start-up goes (2026-12-07, on the KVM host with PCID: CPU time of each thread at checkpoints "
      "read from /proc/thread-self/schedstat, median of 9 runs, the checkpoints removed again). The main thread: "
      "the JVM with the AOT cache ~40 ms (mapping and preloading ~2,300 archived classes; `java -version` alone "
      "takes ~27 ms), picocli's model ~10 ms, the syscall table ~9 ms, the event log's SHA-256 provider ~10 ms, "
      "the branch-counter probe ~5 ms, the run's handlers ~6 ms; the JVM generating libdetsim's two downcall "
      "stubs ~25 ms runs on a second thread meanwhile. The tracer thread: ~32 ms (the spawn ~8 ms, then "
      "`/bin/true`'s stops in code the JIT has not compiled yet ~17 ms). The launcher script: ~4 ms.")
    w("")
    w("Taken on 2026-12-07, on the KVM host, in interleaved pairs against the build before: median 244 → 162 ms "
      "at load 1–2 (CPU 0.40 → 0.25 s), 199 → 134 ms at load below 1, where `bench/run --only=startup` gave "
      "126–139 ms; the full run above, at load 1–2, 168 ms. This machine's other load moves the figure by tens "
      "of milliseconds; the pairs' ratio (0.64–0.68) held throughout:")
    w("")
    w("* picocli's model built in code (`CommandSpec`, `OptionSpec`) instead of read from annotations: the "
      "JDK had made 9 proxy classes at every start (one per annotation type; the AOT cache cannot keep them) "
      "and picocli read every option's attributes through them by reflection. The largest cut: −26% CPU;")
    w("* only the model of the command named is built (−6 ms of the main thread's CPU);")
    w("* one downcall shape for all of libdetsim: `detsim_call` reaches `detsim_spawn`, "
      "`detsim_forward_signals` and `detsim_rdtsc_traps` by number in `detsim_syscall`'s shape, so the JVM "
      "generates 2 stubs at start-up instead of 5;")
    w("* those 2 stubs, and the SHA-256 provider, set up on a second thread while the main thread parses the "
      "command line and reads the syscall table (~7 ms at low load; nothing when both CPUs are busy);")
    w("* the syscall table read in one piece, each row's enum constant found by position (15 → 9 ms of CPU);")
    w("* the launcher reads its JVM options with shell builtins, not two `sed`s and a `dirname` (8 → 4 ms).")
    w("")
    w("Tried without a gain: a dynamic CDS archive (`-XX:ArchiveClassesAtExit`) instead of the AOT cache "
      "(+44% CPU), mapping the cache at its own address (`-XX:ArchiveRelocationMode=0`: the relocation's time "
      "moves into page faults), later C2 thresholds, no interpreter profiling, a smaller initial heap. C1 only "
      "(`-XX:TieredStopAtLevel=1`) starts ~15% faster but costs long, stop-heavy runs (docs/LIMITS.md); "
      "`-XX:-UsePerfData` ~3%, not taken (PrivateTmpTest lists detsim's own perf-data files). Left: the two "
      "generated stubs, the JVM's own start, the shaded jar's 2,587 entries (Jackson and the PostgreSQL driver "
      "are there for `feasibility`; reading its central directory costs ~5 ms of CPU at every start) and two "
      "pattern-switch bootstraps on the tracer's first turns. Before 2026-12-07: 656 → ~350 ms on the PVM host "
      "(one raw-syscall binding instead of a dozen downcalls, a JDK 25 AOT cache trained once per build, "
      "picocli compiled from source so that its classes can be archived, no invokedynamic bootstraps in the "
      "tracer's first turns).")
    w("")
    w("Later on 2026-12-07, on the same host at load 10–17 (other builds sharing its 2 CPUs), `detsim run -- "
      "/bin/true` took 0.6–0.9 s of wall time, mostly waiting for a CPU (`bench/run --only=startup`, alternating "
      "builds: 765 and 775 ms before, 599 and 786 ms after; the 150 ms target is out of reach at such load and "
      "was met at load below 1 above), so CPU time was the measure. Of a run's ~0.25 s of CPU, the JIT's "
      "compiler threads took ~100 ms (C1 ~70, C2 ~30; per-thread /proc/PID/task/TID/schedstat), the main thread "
      "~95 (~40 of them the JVM's own start), the tracer thread ~35 (the spawn ~7, the exec's preparation ~8, "
      "`/bin/true`'s 7 stops in code run for the first time ~12), the prelude thread ~30. Taken, −3.5% CPU "
      "(median ratio of 30 interleaved pairs, 0.257 against 0.265 s; wall ratio 0.91, noisy):")
    w("")
    w("* the prelude thread initialises `Posix` and `LibDetsim`, i.e. links libdetsim's entry points as bound "
      "method handles, not only their shape: the main thread had built them itself on its way to the "
      "branch-counter probe. Lambda forms the JVM generated at run time (-Xlog:class+load+cause, 3 runs): main "
      "thread 15 → 10, tracer thread 6 → 2 (or 5, when the prelude comes late);")
    w("* the prelude then makes the spawn request's first memory-segment accesses (`SegmentAccessors`), which "
      "the tracer thread made on its way to starting the program;")
    w("* the inherited descriptors are parsed without a stream (its lambdas were spun at every start: the "
      "training has no such list) and /proc/PID/maps without a regex (compiled and interpreted at every exec).")
    w("")
    w("Tried then, not taken: `-XX:CompileThresholdScaling=4` cut start-up CPU by 20% (8: 26%), cost nothing "
      "on 100,000 intercepted getppid stops and nothing on the 8 sqlite3 writers, but the Go cross-thread "
      "ping-pong's p50 was higher in 3 of 3 interleaved pairs (61, 78, 67 µs against 59, 58, 61 µs at load 17): "
      "start-up bought with the stop path's warm-up. Scaling only the tier-3 (C1) thresholds by 4: −17% CPU, "
      "ping-pong inconclusive (69, 92, 85 against 90, 63, 59 µs); worth measuring again on a quiet machine. "
      "`-XX:+AOTStubCaching -XX:+AOTAdapterCaching` (diagnostic) −2% CPU, within the noise; "
      "`-XX:ArchiveRelocationMode=0` and `-XX:-UsePerfData` no difference in CPU; a jar without Jackson, the "
      "PostgreSQL driver and checker-framework (2,906 → 796 entries, its own AOT cache) −3.5% CPU. Left, outside "
      "the start-up code: a pattern-switch bootstrap in `Tracer` and in `SyscallDispatch` (a class generated "
      "at the first turn each), `Files.createTempDirectory` in `RandomDevices` (`SecureRandom` through "
      "reflection, a constructor accessor generated at every start), the errno and syscall tables parsed at "
      "class initialisation, and the pid namespace made at spawn (its clone and /proc mount).")
    w("")
    w("Later still on 2026-12-07 (20:57-23:00 UTC, same host kind): as root the launcher gives the JVM "
      "`-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19`, so the JIT's compiler threads run at nice 19 and "
      "take a CPU at start-up only when detsim's own threads leave one free (the program keeps nice 0: "
      "LauncherJvmTest). 30 interleaved pairs against the same build with `-XX:CompilerThreadPriority=-1`: wall "
      "0.85x (median 140 against 165 ms), and under load ~4.8 0.90x wall, 0.83x CPU; 8 sqlite3 writers 0.98x; Go "
      "ping-pong p50 44-45 against 45-46 us (5 pairs). The launcher also stopped forking readlink and a find-jdk "
      "subshell (tools/jdk.sh is sourced): the launcher alone 7 -> 2 ms. `bench/run --only=startup` then gave "
      "126.7, 126.1, 125.1 and 120.4 ms (p90 133.7-147.5) at 22:48-22:49, load ~2, native /bin/true 1.45-1.72 ms; "
      "three runs at 22:46, when the host's own /bin/true took 1.8-2.1 ms, gave 149.3, 162.0 and 172.0 ms. "
      "Tried, not taken: `-XX:-UsePerfData` (CPU 1.04x, wall within noise), the EventLog's SHA-256 set up first "
      "on the prelude thread (1.02x), and short calls bound through a MutableCallSite to the plain downcall stub "
      "until the critical one was generated off the main thread's path (40 pairs: wall 1.03x, CPU 1.04x). "
      "`-XX:TieredStopAtLevel=1` still starts faster (150 against 181 ms) but costs long, stop-heavy runs.")


def host_differences(w):
    """What the hosts' table shows, as read on 2026-12-07."""
    w("Read on 2026-12-07 from the table: without page-table isolation a system call costs the KVM host ~130–230 "
      "ns instead of ~1 µs, so the seccomp filter's fixed cost is a larger share of it (the C tracer's own "
      "filter-only ratio there is ~1.5×, where the 1.05× target was set on the PVM host), and the C tracer's "
      "stop is about half the PVM host's while detsim's is not: detsim's own ~10 µs a stop (its Java between "
      "the same four syscalls) no longer hides behind the host's. Three builds (d3aa3c2, 14ff607 and the one "
      "measured here) gave the same stop there, 18–19 µs, in interleaved runs.")
    w("")
