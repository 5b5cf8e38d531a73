package dev.detsim.sandbox.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class SignalNamesTest {
    @Test
    void namesAndDescriptions() {
        assertEquals("SIGKILL", SignalNames.name(9));
        assertEquals("SIGTERM", SignalNames.name(15));
        assertEquals("SIGCHLD", SignalNames.name(17));
        assertEquals("SIGSYS", SignalNames.name(31));
        assertEquals("Segmentation fault", SignalNames.description(11));
        assertEquals("Killed", SignalNames.description(9));
        assertEquals("Terminated", SignalNames.description(15));
    }

    @Test
    void realTimeSignals() {
        assertEquals("SIGRTMIN", SignalNames.name(32));
        assertEquals("SIGRTMIN+2", SignalNames.name(34));
        assertEquals("SIGRTMIN+32", SignalNames.name(64));
        assertEquals("Real-time signal 2", SignalNames.description(34));
        assertEquals("SIG65", SignalNames.name(65));
        assertEquals("SIG0", SignalNames.name(0));
        assertEquals("Unknown signal 99", SignalNames.description(99));
    }

    @Test
    void parse() {
        assertEquals(15, SignalNames.parse("TERM"));
        assertEquals(15, SignalNames.parse("SIGTERM"));
        assertEquals(9, SignalNames.parse("sigkill"));
        assertEquals(9, SignalNames.parse("kill"));
        assertEquals(15, SignalNames.parse("15"));
        assertEquals(1, SignalNames.parse(" hup "));
        assertEquals(-1, SignalNames.parse("NOPE"));
        assertEquals(-1, SignalNames.parse("SIG"));
    }

    @Test
    void nameAndParseRoundTrip() {
        for (int s = 1; s <= 31; s++) {
            assertEquals(s, SignalNames.parse(SignalNames.name(s)), SignalNames.name(s));
            assertTrue(SignalNames.name(s).startsWith("SIG"));
            assertTrue(!SignalNames.description(s).isEmpty(), "signal " + s);
        }
    }

    @Test
    void constantsMatchTheTable() throws IllegalAccessException {
        int checked = 0;
        for (Field f : SignalNames.class.getFields()) {
            if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
            assertEquals(f.getName(), SignalNames.name(f.getInt(null)), "SignalNames." + f.getName());
            checked++;
        }
        assertTrue(checked >= 10, "only " + checked + " constants");
    }
}
