package dev.detsim.sandbox.world;

/** A part of the world that stands in for some files: opens of those paths go to a file of detsim's. */
public interface PathRedirect {
    /**
     * Where an open of path should go instead.
     *
     * @param path the absolute path the program opens
     * @param clearFlags open flags to clear (e.g. O_NONBLOCK for a stand-in that behaves differently with it)
     */
    record Target(String path, long clearFlags) {}

    /** The stand-in for path, or null when path is not this redirect's. */
    Target redirect(String path);
}
