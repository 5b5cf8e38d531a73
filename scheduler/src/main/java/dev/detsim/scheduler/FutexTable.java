package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The futex wait queues. The kernel is never asked to wait on a futex: every waiter lives here, so who wakes
 * whom is decided in Java and is the same on every run.
 *
 * <p>Order: each futex is one FIFO queue in order of arrival, as Linux's plist is for threads of equal
 * priority (detsim has no thread priorities). Wakes take waiters from the head; a requeue appends the moved
 * waiters to the tail of the target in their old order, keeping their bitsets. The counting rules copy
 * Linux's kernel/futex/waitwake.c and requeue.c, quirks included: a wake count of zero or less still wakes
 * one waiter, while a requeue's wake count of zero wakes none.
 *
 * <p>This class only keeps queues; {@link Scheduler} turns dequeued waiters into runnable threads.
 */
final class FutexTable {
    private record Waiter(ThreadId thread, int bitset) {}

    /** Who a requeue woke, and who it moved. */
    record Requeued(List<ThreadId> woken, List<ThreadId> moved) {}

    private final Map<FutexKey, List<Waiter>> queues = new HashMap<>();

    /**
     * A queue emptied and dropped, kept for the next new one: a Go hand-off empties a queue and makes one at
     * every wait, which would otherwise allocate a list and its array each time.
     */
    private List<Waiter> spare;

    void enqueue(FutexKey key, ThreadId thread, int bitset) {
        queueOf(key).add(new Waiter(thread, bitset));
    }

    /** The queue of key, made (from the spare, if there is one) if it has none. */
    private List<Waiter> queueOf(FutexKey key) {
        List<Waiter> queue = queues.get(key);
        if (queue == null) {
            queue = spare != null ? spare : new ArrayList<>();
            spare = null;
            queues.put(key, queue);
        }
        return queue;
    }

    /** Drops queue, the queue of key, if it is empty. */
    private void dropIfEmpty(FutexKey key, List<Waiter> queue) {
        if (!queue.isEmpty()) return;
        queues.remove(key);
        spare = queue;
    }

    /** Takes a waiter out (timeout, signal, exit); false if it was not queued there. */
    boolean remove(FutexKey key, ThreadId thread) {
        List<Waiter> queue = queues.get(key);
        if (queue == null) return false;
        boolean removed = false;
        for (int i = queue.size() - 1; i >= 0; i--) { // by index: removeIf makes a lambda and a bit set
            if (queue.get(i).thread.equals(thread)) {
                queue.remove(i);
                removed = true;
            }
        }
        dropIfEmpty(key, queue);
        return removed;
    }

    /** Dequeues up to count waiters whose bitset shares a bit with bitset, from the head. */
    List<ThreadId> wake(FutexKey key, int count, int bitset) {
        List<ThreadId> woken = new ArrayList<>();
        List<Waiter> queue = queues.get(key);
        if (queue == null) return woken;
        for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if ((w.bitset & bitset) == 0) continue;
            it.remove();
            woken.add(w.thread);
            if (woken.size() >= count) break; // like the kernel's "if (++ret >= nr_wake) break": 0 still wakes one
        }
        dropIfEmpty(key, queue);
        return woken;
    }

    /** Wakes the first wakeCount waiters of from (bitsets ignored, as in Linux), moves up to limit more to to. */
    Requeued requeue(FutexKey from, int wakeCount, FutexKey to, int limit) {
        List<ThreadId> woken = new ArrayList<>();
        List<Waiter> moved = new ArrayList<>();
        List<Waiter> queue = queues.get(from);
        if (queue != null) {
            for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
                if (woken.size() >= wakeCount && moved.size() >= limit) break;
                Waiter w = it.next();
                it.remove();
                if (woken.size() < wakeCount) woken.add(w.thread);
                else moved.add(w);
            }
            dropIfEmpty(from, queue);
        }
        // Appended after the scan, so requeueing a futex onto itself moves its head to its tail exactly once.
        if (!moved.isEmpty()) queueOf(to).addAll(moved);
        return new Requeued(woken, moved.stream().map(Waiter::thread).toList());
    }

    /** The waiters on key, head first. */
    List<ThreadId> waiters(FutexKey key) {
        List<Waiter> queue = queues.get(key);
        return queue == null ? List.of() : queue.stream().map(Waiter::thread).toList();
    }

    int size() {
        return queues.values().stream().mapToInt(List::size).sum();
    }
}
