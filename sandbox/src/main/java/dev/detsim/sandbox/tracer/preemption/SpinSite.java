package dev.detsim.sandbox.tracer.preemption;

/**
 * An instruction a thread spun at, where detsim counts executions to preempt at the same one in every run: an
 * address in the processes that run program (address-space randomisation is off under detsim, so a program
 * and its libraries — and a JIT's code, in a run that is the same up to there — sit at the same addresses in
 * every run).
 *
 * @param program the executable (/proc/PID/exe) of the processes the site belongs to
 * @param thread the thread (its number in the event log) that counts it, or 0 for every thread of program
 * @param address the instruction's address
 */
public record SpinSite(String program, int thread, long address) {
    /** Whether thread number of program counts this site. */
    public boolean appliesTo(String program, int number) {
        return this.program.equals(program) && (thread == 0 || thread == number);
    }

    /** "PROGRAM@0xADDRESS" or "PROGRAM@0xADDRESS/THREAD", the form --preempt-at takes. */
    @Override
    public String toString() {
        return program + "@0x" + Long.toHexString(address) + (thread == 0 ? "" : "/" + thread);
    }

    /** Parses "PROGRAM@0xADDRESS[/THREAD]" (the address hex, with 0x, or decimal). */
    public static SpinSite parse(String spec) {
        int at = spec.lastIndexOf('@');
        if (at <= 0 || at == spec.length() - 1) {
            throw new IllegalArgumentException("expected PROGRAM@0xADDRESS[/THREAD], not '" + spec + "'");
        }
        String rest = spec.substring(at + 1);
        int slash = rest.indexOf('/');
        String n = slash < 0 ? rest : rest.substring(0, slash);
        long address;
        int thread = 0;
        try {
            address = n.startsWith("0x") ? Long.parseUnsignedLong(n.substring(2), 16) : Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + n + "' is not an address (hex with 0x, or decimal)");
        }
        if (address <= 0) throw new IllegalArgumentException("'" + n + "' is not a user-space address");
        if (slash >= 0) {
            try {
                thread = Integer.parseInt(rest.substring(slash + 1));
            } catch (NumberFormatException e) {
                thread = -1;
            }
            if (thread <= 0) {
                throw new IllegalArgumentException("'" + rest.substring(slash + 1) + "' is not a thread number");
            }
        }
        return new SpinSite(spec.substring(0, at), thread, address);
    }
}
