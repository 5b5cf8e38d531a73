package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_NOFOLLOW;

import dev.detsim.sandbox.handlers.GuestFiles.HostInode;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.world.FileMetadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Records the changes a program makes to files, at the virtual time of the call that makes them.
 *
 * <p>A handler sees a call at its entry only. A change to a file that exists (a write, a chmod) is recorded
 * there. A change whose result is not there yet — a file created, removed, renamed or linked — is recorded
 * as an expectation: the call's time, what the path named before, and how to recognise that the call
 * happened (the new file exists; the path no longer names the old inode; ...). {@link #settle} checks the
 * expectations before any metadata is read or changed: one that happened is applied with the time of its
 * call; one that did not is dropped once its call is certainly over (its thread stopped again, or is gone).
 * Paths relative to a directory are kept with an O_PATH descriptor of that directory, so a check still works
 * after the thread has exited or changed directory.
 */
public final class FileChanges {
    /** Expectations older than this many are dropped: calls that failed in threads that never came back. */
    private static final int MAX_PENDING = 64;

    private final FileMetadata world;
    private final GuestFiles files;
    private final List<Expectation> pending = new ArrayList<>();
    private final WriteWatch writes;
    private final java.io.PrintStream warnings;
    private boolean warnedUnwatched, warnedOverflow;
    private long previousStop = Long.MIN_VALUE;

    /**
     * Writes to regular files are learnt from an inotify watch at the program's next stop (see
     * {@link WriteWatch}); where inotify is unavailable every write stops instead. Files that cannot be
     * watched, and an overflowing watch, are reported once on warnings.
     */
    public FileChanges(FileMetadata world, java.io.PrintStream warnings) {
        this(world, warnings, false);
    }

    /** privateTmp: the run's /tmp and /var/tmp are its own (see {@link GuestFiles#hostView}). */
    public FileChanges(FileMetadata world, java.io.PrintStream warnings, boolean privateTmp) {
        this.world = world;
        this.files = new GuestFiles(privateTmp);
        this.writes = WriteWatch.open(files);
        this.warnings = warnings;
    }

    /** Whether writes are learnt from the watch: then the write calls need not stop. */
    public boolean watchesWrites() {
        return writes != null;
    }

    /**
     * The running thread stopped (any stop, before its handlers run): the files it wrote to since its previous
     * stop get this stop's virtual time, the time of the turn the writes ran in (and no earlier than the calls
     * of the previous stop), and the files its earlier calls created start being watched.
     */
    void runningThreadStopped(int tid) {
        if (writes == null) return;
        long turn = world.now();
        if (writes.watching()) {
            long at = Math.max(turn, previousStop + 1);
            List<HostInode> modified = writes.modifiedSince();
            for (int i = 0; i < modified.size(); i++) { // by index: no iterator made at every stop
                HostInode f = modified.get(i);
                world.times().modified(f.device(), f.inode(), at);
            }
            if (writes.overflowed() && !warnedOverflow) {
                warnedOverflow = true;
                warnings.println("detsim: warning: a thread wrote to files more often between two stops than the"
                        + " kernel's inotify queue holds (fs.inotify.max_queued_events): every file the program had"
                        + " open for writing was taken as written then, and runs on hosts with another limit differ");
            }
        }
        previousStop = turn;
        settle(tid);
    }

    /** The thread opens (dirfd, path), an existing regular file, for writing: watch it for writes. */
    void watchOpened(HostInode file, int tid, int dirfd, byte[] path, boolean nofollow) {
        if (writes != null && file.regular()) reportUnwatched(writes.watch(file, tid, dirfd, path, nofollow), path);
    }

    /** The thread has descriptor fd open for writing (inherited from outside the run): watch it if a regular file. */
    void watchDescriptor(int tid, int fd) {
        if (writes == null) return;
        HostInode f = files.identifyDescriptor(tid, fd);
        if (f != null && f.regular()) reportUnwatched(writes.watchDescriptor(f, tid, fd), ("descriptor " + fd).getBytes());
    }

    private void reportUnwatched(int result, byte[] what) {
        if (result >= 0 || warnedUnwatched) return;
        warnedUnwatched = true;
        warnings.println("detsim: warning: cannot watch " + new String(what, java.nio.charset.StandardCharsets.UTF_8)
                + " for writes (" + Errno.name(-result) + "); the modification times of files detsim cannot watch"
                + " do not change when the program writes to them");
    }

    FileMetadata world() {
        return world;
    }

    GuestFiles files() {
        return files;
    }

    /**
     * The time of a change made by the call the thread is stopped at: 1 ns after this stop's virtual time. The
     * call runs after the stop, when the thread runs again; data written since the previous stop has this
     * stop's time itself, so it comes before the call, and after the clock the program read before writing.
     */
    long now() {
        return world.now() + 1;
    }

    /** A path as an expectation keeps it: relative to detsim's O_PATH descriptor of the thread's dirfd. */
    private record Place(int base, byte[] path) {
        HostInode identify(GuestFiles files, boolean nofollow) {
            return files.identifyAt(base, path, nofollow);
        }
    }

    private sealed interface Expectation {
        int tid();

        long time();

        List<Place> places();

        /** Whether the call happened, as far as the files show now; if so its changes are recorded in changes. */
        boolean applyIfHappened(FileChanges changes);
    }

    private record Creation(int tid, long time, Place at, boolean nofollow, HostInode parent, boolean writable)
            implements Expectation {
        public List<Place> places() {
            return List.of(at);
        }

        public boolean applyIfHappened(FileChanges changes) {
            HostInode born = at.identify(changes.files, nofollow);
            if (born == null) return false;
            FileMetadata world = changes.world;
            world.inodes().renumber(born.device(), born.inode());
            world.times().created(born.device(), born.inode(), time);
            world.times().modified(parent.device(), parent.inode(), time);
            if (writable) changes.watchCreated(born, at, nofollow);
            return true;
        }
    }

    private record Removal(int tid, long time, Place at, HostInode removed, HostInode parent) implements Expectation {
        public List<Place> places() {
            return List.of(at);
        }

        public boolean applyIfHappened(FileChanges changes) {
            if (removed.same(at.identify(changes.files, true))) return false;
            FileMetadata world = changes.world;
            world.times().modified(parent.device(), parent.inode(), time);
            world.times().statusChanged(removed.device(), removed.inode(), time); // it may live on (links, open)
            return true;
        }
    }

    private record Rename(int tid, long time, Place from, Place to, HostInode moved, HostInode replaced,
                          boolean exchange, HostInode fromParent, HostInode toParent) implements Expectation {
        public List<Place> places() {
            return List.of(from, to);
        }

        public boolean applyIfHappened(FileChanges changes) {
            if (!moved.same(to.identify(changes.files, true))) return false;
            if (exchange && !replaced.same(from.identify(changes.files, true))) return false;
            FileMetadata world = changes.world;
            world.times().modified(fromParent.device(), fromParent.inode(), time);
            world.times().modified(toParent.device(), toParent.inode(), time);
            world.times().statusChanged(moved.device(), moved.inode(), time);
            if (replaced != null) world.times().statusChanged(replaced.device(), replaced.inode(), time);
            return true;
        }
    }

    private record Link(int tid, long time, Place at, HostInode target, HostInode parent) implements Expectation {
        public List<Place> places() {
            return List.of(at);
        }

        public boolean applyIfHappened(FileChanges changes) {
            if (!target.same(at.identify(changes.files, true))) return false;
            FileMetadata world = changes.world;
            world.times().statusChanged(target.device(), target.inode(), time);
            world.times().modified(parent.device(), parent.inode(), time);
            return true;
        }
    }

    /**
     * Applies the expectations that happened; drops those whose call is over without them (thread tid is
     * stopped now, so its earlier calls have returned). Call before reading or changing any metadata.
     */
    public void settle(int tid) {
        if (pending.isEmpty()) return;
        for (Iterator<Expectation> it = pending.iterator(); it.hasNext(); ) {
            Expectation e = it.next();
            boolean happened = e.applyIfHappened(this);
            if (happened || e.tid() == tid || !alive(e.tid())) {
                it.remove();
                close(e);
            }
        }
    }

    /** A file an open just created for writing, born at place: watched from now on (its creation gave it its times). */
    private void watchCreated(HostInode born, Place at, boolean nofollow) {
        if (writes != null && born.regular()) reportUnwatched(writes.watchAt(born, at.base(), at.path(), nofollow), at.path());
    }

    private boolean alive(int tid) {
        return files.posix().kill(tid, 0) != -Errno.ESRCH;
    }

    private void expect(Expectation e) {
        pending.add(e);
        if (pending.size() > MAX_PENDING) close(pending.removeFirst());
    }

    private void close(Expectation e) {
        for (Place p : e.places()) if (p.base() >= 0) files.posix().close(p.base());
    }

    /** Where the thread's (dirfd, path) will be found later; null if the directory cannot be opened. */
    private Place place(int tid, int dirfd, byte[] path) {
        if (path.length > 0 && path[0] == '/') return new Place(AT_FDCWD, files.hostView(tid, path, false));
        int base = files.openBase(tid, dirfd);
        return base < 0 ? null : new Place(base, path);
    }

    private HostInode parentOf(int tid, int dirfd, byte[] path) {
        return files.identify(tid, dirfd, GuestFiles.parent(path), 0);
    }

    // Changes recorded at the call: the file exists and the call changes it.

    void modified(HostInode file) {
        world.times().modified(file.device(), file.inode(), now());
    }

    void statusChanged(HostInode file) {
        world.times().statusChanged(file.device(), file.inode(), now());
    }

    void setByProgram(HostInode file, Long access, Long modify) {
        world.times().setByProgram(file.device(), file.inode(), access, modify, now());
    }

    // Changes recorded as expectations.

    /** The thread is about to create (dirfd, path), which does not exist now. */
    void expectCreation(int tid, int dirfd, byte[] path, boolean nofollow) {
        expectCreation(tid, dirfd, path, nofollow, false);
    }

    /** The same for an open that creates a file, writable: the new file is watched for writes once it exists. */
    void expectCreation(int tid, int dirfd, byte[] path, boolean nofollow, boolean writable) {
        HostInode parent = parentOf(tid, dirfd, path);
        if (parent == null) return; // no such directory: the call will fail
        Place at = place(tid, dirfd, path);
        if (at != null) expect(new Creation(tid, now(), at, nofollow, parent, writable));
    }

    /** The thread is about to remove (dirfd, path) (unlink or rmdir). */
    void expectRemoval(int tid, int dirfd, byte[] path) {
        HostInode removed = files.identify(tid, dirfd, path, AT_SYMLINK_NOFOLLOW);
        HostInode parent = removed == null ? null : parentOf(tid, dirfd, path);
        if (parent == null) return;
        Place at = place(tid, dirfd, path);
        if (at != null) expect(new Removal(tid, now(), at, removed, parent));
    }

    /** The thread is about to rename (fromDir, from) to (toDir, to), or exchange them. */
    void expectRename(int tid, int fromDir, byte[] from, int toDir, byte[] to, boolean exchange) {
        HostInode moved = files.identify(tid, fromDir, from, AT_SYMLINK_NOFOLLOW);
        HostInode replaced = files.identify(tid, toDir, to, AT_SYMLINK_NOFOLLOW);
        if (moved == null || moved.same(replaced) || (exchange && replaced == null)) return; // fails, or changes nothing
        HostInode fromParent = parentOf(tid, fromDir, from), toParent = parentOf(tid, toDir, to);
        if (fromParent == null || toParent == null) return;
        Place fromPlace = place(tid, fromDir, from);
        if (fromPlace == null) return;
        Place toPlace = place(tid, toDir, to);
        if (toPlace == null) {
            if (fromPlace.base() >= 0) files.posix().close(fromPlace.base());
            return;
        }
        expect(new Rename(tid, now(), fromPlace, toPlace, moved, replaced, exchange, fromParent, toParent));
    }

    /** The thread is about to make (dirfd, path), which does not exist now, a new link to target. */
    void expectLink(int tid, HostInode target, int dirfd, byte[] path) {
        HostInode parent = parentOf(tid, dirfd, path);
        if (parent == null) return;
        Place at = place(tid, dirfd, path);
        if (at != null) expect(new Link(tid, now(), at, target, parent));
    }
}
