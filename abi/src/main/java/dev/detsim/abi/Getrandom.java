package dev.detsim.abi;

/** getrandom(2)'s flags (linux/random.h). */
public final class Getrandom {
    public static final int GRND_NONBLOCK = 0x1, GRND_RANDOM = 0x2, GRND_INSECURE = 0x4;

    private Getrandom() {}
}
