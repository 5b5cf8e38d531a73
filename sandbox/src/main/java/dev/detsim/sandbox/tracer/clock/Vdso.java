package dev.detsim.sandbox.tracer.clock;

import dev.detsim.sandbox.tracer.AuxiliaryVector;
import dev.detsim.sandbox.tracer.NewProgram;
import dev.detsim.sandbox.tracer.ProcessListener;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * What detsim does to each new program's vDSO: points its time functions at the virtual clock page
 * ({@link VdsoClock}) or, where there is no fast clock or it cannot be installed, hides the vDSO, so that libc
 * and Go read the clocks (and getrandom, where the kernel has a vDSO one) with syscalls a handler answers.
 */
public final class Vdso implements ProcessListener {
    /** The fast virtual clock, or null: every program's vDSO is hidden. */
    private final VdsoClock clock;

    public Vdso(VdsoClock clock) {
        this.clock = clock;
    }

    @Override
    public void execed(NewProgram p) {
        OptionalLong slot = AuxiliaryVector.valueAddress(p.memory(), p.tid(), p.stackPointer(),
                AuxiliaryVector.AT_SYSINFO_EHDR);
        Long base = slot.isEmpty() ? null : p.memory().readWord(p.tid(), slot.getAsLong());
        boolean fastClock = clock != null && base != null && base != 0 && clock.install(p.tid(), p.tgid(), base, p);
        if (p.gone()) return; // killed while detsim mapped its clock page
        if (!fastClock && slot.isPresent()) hide(p, slot.getAsLong());
    }

    /** AT_SYSINFO_EHDR at slot (its value's address) becomes AT_IGNORE in the new program's auxiliary vector. */
    private static void hide(NewProgram p, long slot) {
        byte[] ignore = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(AuxiliaryVector.AT_IGNORE).array();
        p.memory().write(p.tid(), slot - 8, ignore);
    }

    @Override
    public void forked(int parentTgid, int childTgid) {
        if (clock != null) clock.forked(parentTgid, childTgid);
    }

    @Override
    public void exited(int tgid) {
        if (clock != null) clock.exited(tgid);
    }
}
