package dev.detsim.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class SignalsTest {
    @Test
    void namesAndDescriptions() {
        assertEquals("SIGKILL", Signals.name(9));
        assertEquals("SIGTERM", Signals.name(15));
        assertEquals("SIGCHLD", Signals.name(17));
        assertEquals("SIGSYS", Signals.name(31));
        assertEquals("Segmentation fault", Signals.description(11));
        assertEquals("Killed", Signals.description(9));
        assertEquals("Terminated", Signals.description(15));
    }

    @Test
    void realTimeSignals() {
        assertEquals("SIGRTMIN", Signals.name(32));
        assertEquals("SIGRTMIN+2", Signals.name(34));
        assertEquals("SIGRTMIN+32", Signals.name(64));
        assertEquals("Real-time signal 2", Signals.description(34));
        assertEquals("SIG65", Signals.name(65));
        assertEquals("SIG0", Signals.name(0));
        assertEquals("Unknown signal 99", Signals.description(99));
    }

    @Test
    void parse() {
        assertEquals(15, Signals.parse("TERM"));
        assertEquals(15, Signals.parse("SIGTERM"));
        assertEquals(9, Signals.parse("sigkill"));
        assertEquals(9, Signals.parse("kill"));
        assertEquals(15, Signals.parse("15"));
        assertEquals(1, Signals.parse(" hup "));
        assertEquals(-1, Signals.parse("NOPE"));
        assertEquals(-1, Signals.parse("SIG"));
    }

    @Test
    void nameAndParseRoundTrip() {
        for (int s = 1; s <= 31; s++) {
            assertEquals(s, Signals.parse(Signals.name(s)), Signals.name(s));
            assertTrue(Signals.name(s).startsWith("SIG"));
            assertTrue(!Signals.description(s).isEmpty(), "signal " + s);
        }
    }

    @Test
    void constantsMatchTheTable() throws IllegalAccessException {
        int checked = 0;
        for (Field f : Signals.class.getFields()) {
            if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
            // The signals themselves (SIGRTMAX is SIGRTMIN+32; SIGSET_SIZE and the si_codes are not signals).
            if (!f.getName().startsWith("SIG") || f.getName().equals("SIGRTMAX") || f.getName().equals("SIGSET_SIZE")) continue;
            assertEquals(f.getName(), Signals.name(f.getInt(null)), "Signals." + f.getName());
            checked++;
        }
        assertTrue(checked >= 30, "only " + checked + " constants");
    }
}
