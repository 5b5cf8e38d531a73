package dev.detsim.sandbox.tracer.preemption;

/**
 * An instruction a thread spun at, where detsim counts executions to preempt at the same one in every run: an
 * address in the processes that run program (address-space randomisation is off under detsim, so a program
 * and its libraries sit at the same addresses in every run).
 *
 * @param program the executable (/proc/PID/exe) of the processes the site belongs to
 * @param address the instruction's address in them
 */
public record SpinSite(String program, long address) {
    /** "PROGRAM@0xADDRESS", the form --preempt-at takes. */
    @Override
    public String toString() {
        return program + "@0x" + Long.toHexString(address);
    }

    /** Parses "PROGRAM@0xADDRESS" (the address hex, with 0x, or decimal). */
    public static SpinSite parse(String spec) {
        int at = spec.lastIndexOf('@');
        if (at <= 0 || at == spec.length() - 1) {
            throw new IllegalArgumentException("expected PROGRAM@0xADDRESS, not '" + spec + "'");
        }
        String n = spec.substring(at + 1);
        long address;
        try {
            address = n.startsWith("0x") ? Long.parseUnsignedLong(n.substring(2), 16) : Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + n + "' is not an address (hex with 0x, or decimal)");
        }
        if (address <= 0) throw new IllegalArgumentException("'" + n + "' is not a user-space address");
        return new SpinSite(spec.substring(0, at), address);
    }
}
