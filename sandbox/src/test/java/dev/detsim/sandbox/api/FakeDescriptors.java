package dev.detsim.sandbox.api;

import static dev.detsim.abi.OpenFlags.O_NONBLOCK;
import static dev.detsim.abi.Poll.POLLERR;
import static dev.detsim.abi.Poll.POLLHUP;
import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Poll.POLLNVAL;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@link Descriptors} over a table the test fills: per (tid, fd) an open file with its /proc name, status
 * flags, what a poll of it reports now, and pipe space. Copies share their file, as pidfd_getfd copies do; the
 * calls detsim makes on copies answer what the test says ({@link #onCall}, {@link #onCallWithBuffer},
 * {@link #connectAnswer}) and are recorded. Everything closed is recorded too, so a test can see no copy leaks.
 */
public final class FakeDescriptors implements Descriptors {
    /** One open file. Tests change its fields as the situation changes. */
    public static final class File {
        public String name;
        public long statusFlags;
        /** poll(2) revents it reports now (POLLIN when readable, ...). */
        public int revents;
        /** Free bytes if it is a pipe's write end, else -1. */
        public long pipeSpace = -1;
        /** Expirations added with addTimerTicks. */
        public long timerTicks;
        /** What awaitReadable answers (detsim's own data arriving in time). */
        public boolean arrivesInTime;

        File(String name) {
            this.name = name;
        }
    }

    /** One call detsim made on a copy. */
    public record Call(Syscall syscall, long[] args, byte[] buffer) {}

    private final Map<Long, File> open = new HashMap<>();
    private final Map<Integer, File> copies = new HashMap<>();
    private final List<Integer> closed = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private int nextCopy = 1000;
    private BiFunction<Syscall, long[], Long> onCall = (s, a) -> (long) -Errno.ENOSYS;
    private BufferCall onCallWithBuffer = (s, fd, command, buffer) -> -Errno.ENOSYS;
    private long connectAnswer = -Errno.ENOSYS;
    private long connectFlags = -1;

    /** The answer of callWithBuffer: may rewrite buffer, as the kernel does for F_GETLK. */
    public interface BufferCall {
        long call(Syscall s, int fd, long command, byte[] buffer);
    }

    /** Opens fd of tid as a file /proc would name name; returns it for further setup. */
    public File open(int tid, int fd, String name) {
        File f = new File(name);
        open.put(key(tid, fd), f);
        return f;
    }

    public File file(int tid, int fd) {
        return open.get(key(tid, fd));
    }

    public void close(int tid, int fd) {
        open.remove(key(tid, fd));
    }

    public FakeDescriptors onCall(BiFunction<Syscall, long[], Long> answer) {
        this.onCall = answer;
        return this;
    }

    public FakeDescriptors onCallWithBuffer(BufferCall answer) {
        this.onCallWithBuffer = answer;
        return this;
    }

    public FakeDescriptors connectAnswer(long result) {
        this.connectAnswer = result;
        return this;
    }

    /** The flags connectWithoutWaiting was given, or -1 if it was not called. */
    public long connectFlags() {
        return connectFlags;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Copies handed out and not closed yet. */
    public int openCopies() {
        return copies.size();
    }

    public List<Integer> closedCopies() {
        return List.copyOf(closed);
    }

    private static long key(int tid, int fd) {
        return ((long) tid << 32) | (fd & 0xffffffffL);
    }

    @Override
    public int copy(int tid, int fd) {
        File f = open.get(key(tid, fd));
        if (f == null) return -Errno.EBADF;
        int copy = nextCopy++;
        copies.put(copy, f);
        return copy;
    }

    @Override
    public void close(int copy) {
        if (copy < 0) return;
        if (copies.remove(copy) == null) throw new IllegalStateException("closing copy " + copy + " twice or never made");
        closed.add(copy);
    }

    private File ofCopy(int copy) {
        File f = copies.get(copy);
        if (f == null) throw new IllegalStateException("copy " + copy + " is not open");
        return f;
    }

    @Override
    public long statusFlags(int copy) {
        return ofCopy(copy).statusFlags;
    }

    @Override
    public boolean wouldWait(int tid, int fd, int events) {
        File f = open.get(key(tid, fd));
        if (f == null || (f.statusFlags & O_NONBLOCK) != 0) return false;
        return (f.revents & (events | POLLERR | POLLHUP | POLLNVAL)) == 0;
    }

    @Override
    public String openFile(int tid, int fd) {
        File f = open.get(key(tid, fd));
        return f == null ? null : f.name;
    }

    @Override
    public String openFileOfCopy(int copy) {
        return ofCopy(copy).name;
    }

    @Override
    public long call(Syscall s, long... args) {
        calls.add(new Call(s, args.clone(), null));
        return onCall.apply(s, args);
    }

    @Override
    public long callWithBuffer(Syscall s, int fd, long command, byte[] buffer) {
        ofCopy(fd);
        calls.add(new Call(s, new long[] {fd, command}, buffer.clone()));
        return onCallWithBuffer.call(s, fd, command, buffer);
    }

    @Override
    public long connectWithoutWaiting(int copy, long flags, byte[] address) {
        ofCopy(copy);
        connectFlags = flags;
        calls.add(new Call(Syscall.CONNECT, new long[] {copy, flags}, address.clone()));
        return connectAnswer;
    }

    @Override
    public boolean awaitReadable(int tid, int fd, long timeoutMillis) {
        File f = open.get(key(tid, fd));
        return f != null && f.arrivesInTime;
    }

    @Override
    public int poll(int tid, int[] fds, int[] events, int[] revents) {
        int n = 0;
        for (int i = 0; i < fds.length; i++) {
            revents[i] = 0;
            if (fds[i] < 0) continue;
            File f = open.get(key(tid, fds[i]));
            revents[i] = f == null ? POLLNVAL : f.revents & (events[i] | POLLERR | POLLHUP);
            if (revents[i] != 0) n++;
        }
        return n;
    }

    @Override
    public int pollCopies(int[] copiesToPoll, int[] events, int[] revents) {
        int n = 0;
        for (int i = 0; i < copiesToPoll.length; i++) {
            revents[i] = 0;
            if (copiesToPoll[i] < 0) continue;
            revents[i] = ofCopy(copiesToPoll[i]).revents & (events[i] | POLLERR | POLLHUP);
            if (revents[i] != 0) n++;
        }
        return n;
    }

    @Override
    public long pipeSpace(int tid, int fd) {
        File f = open.get(key(tid, fd));
        return f == null ? -1 : f.pipeSpace;
    }

    @Override
    public int addTimerTicks(int copy, long ticks) {
        File f = ofCopy(copy);
        if (!"anon_inode:[timerfd]".equals(f.name)) return -Errno.EINVAL;
        f.timerTicks += ticks;
        f.revents |= POLLIN;
        return 0;
    }
}
