package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.os.MemoryMap;

/** Whether an address of a thread lies in a MAP_SHARED mapping (/proc/TID/maps, "s" in the permissions). */
final class SharedMappings {
    private SharedMappings() {}

    static boolean contains(int tid, long address) {
        MemoryMap.Mapping m = MemoryMap.at(tid, address);
        return m != null && m.shared();
    }
}
