package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.nativeRun;
import static dev.detsim.cli.Programs.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * alarm, setitimer, POSIX timers (signal, SIGEV_THREAD, SIGEV_NONE, overruns) and timerfd (read, epoll) expire
 * on the virtual clock and are delivered: guests/c/timers.c does the same natively and under detsim, takes
 * virtual time under detsim (the same every run) and no host time waiting for it.
 */
class TimersTest {
    private static final Pattern AFTER = Pattern.compile(" after (\\d+) ns");

    /** The guest's lines without their elapsed times: what happened, not how long it took. */
    private static String events(String out) {
        return AFTER.matcher(out).replaceAll("");
    }

    private static long elapsed(String out, String linePrefix) {
        for (String line : out.split("\n")) {
            if (!line.startsWith(linePrefix)) continue;
            Matcher m = AFTER.matcher(line);
            if (m.find()) return Long.parseLong(m.group(1));
        }
        throw new AssertionError("no line " + linePrefix + " in:\n" + out);
    }

    @Test
    void everyTimerIsDeliveredUnderDetsimAsItIsNatively() {
        var nat = nativeRun(List.of(guest("timers").toString()), null);
        assertEquals(0, nat.status(), nat.err());
        var det = detsimRun(List.of(guest("timers").toString()), null);
        assertEquals(0, det.status(), det.err());
        assertEquals(events(nat.out()), events(det.out()));
        assertEquals(10, det.out().lines().count(), det.out());
        assertFalse(det.err().contains("preemptions were not deterministic"), det.err());
        // Under detsim the waits took virtual time: the timer's period plus a few clock quanta, never less.
        long alarm = elapsed(det.out(), "alarm:");
        assertTrue(alarm >= 1_000_000_000L && alarm < 1_001_000_000L, det.out());
        long itimer = elapsed(det.out(), "itimer:"); // 250 ms, then four periods of 100 ms
        assertTrue(itimer >= 650_000_000L && itimer < 651_000_000L, det.out());
        long timerfd = elapsed(det.out(), "timerfd: 3"); // three periods of 50 ms
        assertTrue(timerfd >= 150_000_000L && timerfd < 151_000_000L, det.out());
    }

    @Test
    void timersExpireAtTheSamePointsInEveryRun() {
        var r = verify("--runs", "5", "--", guest("timers").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("5 runs identical"), r.err());
        var native1 = nativeRun(List.of(guest("timers").toString()), null);
        var native2 = nativeRun(List.of(guest("timers").toString()), null);
        assertNotEquals(native1.out(), native2.out(), "natively the elapsed times are the host's and vary");
    }

    @Test
    void aLongAlarmTakesVirtualTimeNotHostTime() {
        long start = System.nanoTime();
        var r = detsimRun(List.of(guest("timers").toString(), "long"), null);
        long hostMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.status(), r.err());
        long alarm = elapsed(r.out(), "alarm:");
        assertTrue(alarm >= 30_000_000_000L && alarm < 30_001_000_000L, r.out());
        assertTrue(hostMillis < 25_000, "a 30 s alarm (and 5 s of other timers) took " + hostMillis + " ms of host time");
    }

    @Test
    void anAlarmWhoseSignalIsBlockedWhileEveryThreadWaitsIsADeadlock() {
        // SIGALRM blocked, then a lock taken twice (a futex wait nothing outside can end): the alarm fires
        // at 1 s, wakes nobody, and then nothing can ever happen.
        var r = detsimRun(List.of("/usr/bin/python3", "-c", "import signal, threading\n"
                + "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                + "signal.alarm(1)\nlock = threading.Lock()\nlock.acquire()\nlock.acquire()\n"), null);
        assertEquals(86, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("deadlock"), r.err());
        assertTrue(r.err().contains("wait on futex"), r.err());
    }
}
