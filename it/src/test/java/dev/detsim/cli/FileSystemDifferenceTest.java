package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.detsim.recorder.Event;
import org.junit.jupiter.api.Test;

/** What verify says when the first divergent events are file-system calls that went differently. */
class FileSystemDifferenceTest {
    private static Event e(String detail) {
        return new Event(5, 2, "syscall", detail, "");
    }

    private static final Event BEFORE = e("openat(0xffffff9c,0x1000,0x80000,0x0) passed through");

    @Test
    void aCallThatSucceededInOneRunAndFailedWithEnoentInTheOther() {
        assertEquals("newfstatat (0xffffff9c,0x1000,0x2000,0x100) succeeded in run 1 and failed with ENOENT in run 3:"
                        + " the path exists in run 1, not in run 3",
                FileSystemDifference.describe(e("newfstatat(0xffffff9c,0x1000,0x2000,0x100)=0 wrote 144 bytes sha256:aa"),
                        e("newfstatat(0xffffff9c,0x1000,0x2000,0x100)=-2"), BEFORE, 3));
        assertEquals("mkdirat (0x3,0x1000,0x1c0) succeeded in run 2 and failed with EEXIST in run 1: the path exists"
                        + " in run 1 already, not in run 2",
                FileSystemDifference.describe(e("mkdirat(0x3,0x1000,0x1c0)=-17"), e("mkdirat(0x3,0x1000,0x1c0)=0"),
                        BEFORE, 2));
    }

    @Test
    void aStatThatDetsimCouldNotMakeInOneRunIsAMissingFile() {
        assertEquals("newfstatat (0xffffff9c,0x1000,0x2000,0x100) found its file in run 2 and failed in run 1 (ENOENT"
                        + " most likely; the kernel's error is not logged): the path exists in run 2, not in run 1",
                FileSystemDifference.describe(e("newfstatat(0xffffff9c,0x1000,0x2000,0x100) passed through"),
                        e("newfstatat(0xffffff9c,0x1000,0x2000,0x100)=0 wrote 144 bytes sha256:aa"), BEFORE, 2));
    }

    @Test
    void listingsAndMetadataThatDiffer() {
        assertEquals("getdents64 (0x3,0x1000,0x8000) read 48 bytes of directory entries in run 1 and 72 in run 2:"
                        + " the directory holds other files",
                FileSystemDifference.describe(e("getdents64(0x3,0x1000,0x8000)=48 wrote 48 bytes sha256:aa"),
                        e("getdents64(0x3,0x1000,0x8000)=72 wrote 72 bytes sha256:bb"), BEFORE, 2));
        assertEquals("fstat (0x3,0x2000) returned other metadata (size, mode or type) in run 2 than in run 1: a file"
                        + " differs",
                FileSystemDifference.describe(e("fstat(0x3,0x2000)=0 wrote 144 bytes sha256:aa"),
                        e("fstat(0x3,0x2000)=0 wrote 144 bytes sha256:bb"), BEFORE, 2));
    }

    @Test
    void aRunThatRepeatsACallWhereTheOtherWentOn() {
        Event mkdir = e("mkdir(0x1000,0x1c0) passed through");
        assertEquals("run 2 made the same mkdir (0x1000,0x1c0) again where run 1 went on: the call most likely failed"
                        + " in run 2 only (EEXIST: a name mktemp-style code chose exists there already)",
                FileSystemDifference.describe(e("newfstatat(0x1,0x3000,0x4000,0x1000)=0"), mkdir, mkdir, 2));
    }

    @Test
    void otherDivergencesAreLeftUnexplained() {
        assertNull(FileSystemDifference.describe(e("getrandom(0x1000,0x10,0x0)=16"), e("getrandom(0x1000,0x20,0x0)=32"),
                BEFORE, 2));
        assertNull(FileSystemDifference.describe(e("read(0x3,0x1000,0x10)=-2"), e("read(0x3,0x1000,0x10)=0"), BEFORE, 2));
        assertNull(FileSystemDifference.describe(new Event(5, 1, "exit", "exit 0", ""), null, BEFORE, 2));
    }
}
