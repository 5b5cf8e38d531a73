package dev.detsim.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every constant and every offset of dev.detsim.abi against what C's headers say on this machine (abi-facts,
 * compiled from src/test/c by the build), the way sandbox's NativeLayoutTest checks detsim's own structs: a
 * value the Java side has and C does not (or the other way round) fails too.
 */
class AbiFactsTest {
    /** The classes whose numeric constants are Linux's. */
    static final List<Class<?>> CLASSES = List.of(Errno.class, Signals.class, Futex.class, Poll.class, PollFd.class,
            CloneFlags.class, AtFlags.class, OpenFlags.class, OpenHow.class, Time.class, Timespec.class, Timeval.class,
            Itimerspec.class, Itimerval.class, Utimbuf.class, Sigevent.class, Siginfo.class, Stat.class, Statx.class, Statfs.class,
            Dirent.class, Fcntl.class, Mman.class, Wait.class, Getrandom.class, Inotify.class, PerfEvents.class, Sockets.class);

    /** Constants with no C header to hold them to, and why. */
    static final Map<String, String> NOT_IN_C = Map.of(
            "Errno.MAX_ERRNO", "the kernel's linux/err.h, not a uapi header",
            "Poll.ALWAYS_REPORTED", "made of POLLERR | POLLHUP | POLLNVAL, which are checked",
            "Time.NANOS_PER_SECOND", "arithmetic",
            "Statfs.ST_VALID", "the kernel's linux/statfs.h, not a uapi header");

    @Test
    void everyConstantMatchesC() throws ReflectiveOperationException {
        int checked = 0;
        for (Map.Entry<String, String> e : CFacts.all().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("layout.") || name.startsWith("sample.") || name.contains(".host.")) continue;
            int dot = name.lastIndexOf('.');
            Field f = Class.forName("dev.detsim.abi." + name.substring(0, dot)).getDeclaredField(name.substring(dot + 1));
            assertTrue(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()), name);
            f.setAccessible(true);
            assertSameValue(name, Long.parseLong(e.getValue()), f.get(null));
            checked++;
        }
        assertTrue(checked > 250, "only " + checked + " constants");
    }

    @Test
    void everyConstantIsCheckedAgainstC() throws ReflectiveOperationException {
        List<String> unchecked = new ArrayList<>();
        for (Class<?> c : CLASSES) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) || Modifier.isPrivate(m) || f.isSynthetic()) continue;
                if (f.getType() != int.class && f.getType() != long.class && f.getType() != short.class) continue;
                String name = c.getSimpleName() + "." + f.getName();
                if (!CFacts.all().containsKey(name) && !NOT_IN_C.containsKey(name)) unchecked.add(name);
            }
        }
        assertEquals(List.of(), unchecked, "constants abi-facts does not print (src/test/c)");
        for (String name : NOT_IN_C.keySet()) assertTrue(!CFacts.all().containsKey(name), name + " is in C after all");
    }

    @Test
    void openFlagsOfThisMachineMatchC() {
        OpenFlags host = OpenFlags.of(System.getProperty("os.arch"));
        assertEquals(CFacts.value("OpenFlags.host.O_DIRECTORY"), host.O_DIRECTORY);
        assertEquals(CFacts.value("OpenFlags.host.O_NOFOLLOW"), host.O_NOFOLLOW);
        assertEquals(CFacts.value("OpenFlags.host.O_DIRECT"), host.O_DIRECT);
        assertEquals(CFacts.value("OpenFlags.host.O_TMPFILE"), host.O_TMPFILE);
        assertEquals(CFacts.value("OpenFlags.host.O_LARGEFILE"), host.O_LARGEFILE, "the kernel's, from linux/fcntl.h");
    }

    @Test
    void statLayoutOfThisMachineMatchesC() throws ReflectiveOperationException {
        assertLayout("layout.stat.host.", Stat.Layout.of(System.getProperty("os.arch")));
    }

    @Test
    void genericStatLayoutMatchesAsmGenericStatH() throws ReflectiveOperationException {
        // asm-generic/stat.h, compiled here as on any 64-bit machine: aarch64's struct stat, checked on x86_64 too.
        assertLayout("layout.stat.generic.", Stat.Layout.GENERIC);
    }

    private static void assertLayout(String prefix, Stat.Layout layout) throws ReflectiveOperationException {
        for (RecordComponent c : Stat.Layout.class.getRecordComponents()) {
            assertEquals(CFacts.value(prefix + c.getName()), ((Integer) c.getAccessor().invoke(layout)).longValue(),
                    prefix + c.getName());
        }
    }

    /** C's value printed as a long; Java's int, long or short. Unsigned C values (0xffffffff) match negative ints. */
    private static void assertSameValue(String name, long c, Object java) {
        switch (java) {
            case Integer i -> {
                if (c != i && c != Integer.toUnsignedLong(i)) fail(name + ": C says " + c + ", Java " + i);
            }
            case Short s -> assertEquals(c, (long) s, name);
            case Long l -> assertEquals(c, (long) l, name);
            default -> fail(name + " is a " + java.getClass());
        }
    }

    @Test
    void aarch64OpenFlagsAreArm64FcntlH() {
        // No aarch64 header is on an x86_64 machine: these hold the values to arch/arm64/include/uapi/asm/fcntl.h as
        // written there (O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0200000, O_LARGEFILE 0400000); on an
        // aarch64 machine openFlagsOfThisMachineMatchC checks them against its C headers.
        OpenFlags a = OpenFlags.of("aarch64");
        assertEquals(040000, a.O_DIRECTORY);
        assertEquals(0100000, a.O_NOFOLLOW);
        assertEquals(0200000, a.O_DIRECT);
        assertEquals(0400000, a.O_LARGEFILE);
        assertEquals(020040000, a.O_TMPFILE, "__O_TMPFILE | O_DIRECTORY");
        assertEquals(OpenFlags.AARCH64, OpenFlags.of("arm64"));
        assertEquals(OpenFlags.X86_64, OpenFlags.of("amd64"));
        assertNotNull(OpenFlags.of("x86_64"));
    }
}
