package dev.detsim.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void namesAndMessages() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("No such file or directory", Errno.message(2));
        assertEquals("EPERM", Errno.name(1));
        assertEquals("Operation not permitted", Errno.message(1));
        assertEquals("EAGAIN", Errno.name(11), "the canonical name, not the alias EWOULDBLOCK");
        assertEquals("EDEADLK", Errno.name(35), "not the alias EDEADLOCK");
        assertEquals("ENOSYS", Errno.name(38));
        assertEquals("Function not implemented", Errno.message(38));
        assertEquals("EHWPOISON", Errno.name(133));
    }

    @Test
    void kernelInternalRestartCodes() {
        assertEquals("ERESTARTSYS", Errno.name(512));
        assertEquals("ERESTARTNOINTR", Errno.name(513));
        assertEquals("ERESTARTNOHAND", Errno.name(514));
        assertEquals("ENOIOCTLCMD", Errno.name(515));
        assertEquals("ERESTART_RESTARTBLOCK", Errno.name(516));
        assertTrue(!Errno.message(512).isEmpty());
    }

    @Test
    void unknownNumbers() {
        assertEquals("E9999", Errno.name(9999));
        assertEquals("Unknown error 9999", Errno.message(9999));
        assertEquals("E41", Errno.name(41), "41 is unassigned");
        assertEquals("E0", Errno.name(0));
    }

    @Test
    void errorResults() {
        assertTrue(Errno.isError(-1));
        assertTrue(Errno.isError(-4095));
        assertTrue(!Errno.isError(-4096), "an address high in memory");
        assertTrue(!Errno.isError(0));
        assertTrue(!Errno.isError(7));
    }

    @Test
    void constantsMatchTheTable() throws IllegalAccessException {
        int checked = 0;
        for (Field f : Errno.class.getFields()) {
            if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
            if (f.getName().equals("MAX_ERRNO")) continue;
            assertEquals(f.getName(), Errno.name(f.getInt(null)), "Errno." + f.getName());
            checked++;
        }
        assertTrue(checked >= 15, "only " + checked + " constants");
    }
}
