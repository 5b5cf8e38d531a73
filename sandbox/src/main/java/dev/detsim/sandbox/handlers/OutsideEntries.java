package dev.detsim.sandbox.handlers;

import dev.detsim.recorder.OutsideArrival;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Record: the outside arrivals each look saw, kept as they come (connections are objects, not yet numbered), and
 * turned into the recording's lines in order of looks, connections numbered in the order they appear there.
 */
final class OutsideEntries {
    /** One arrival; order breaks ties between arrivals of the same look; signal: the signal, or a UDP socket's number. */
    private record Entry(long events, int look, long order, OutsideArrival.Kind kind, OutsideConnection c, String listener,
                         String peer, byte[] bytes, int signal) {}

    private final List<Entry> entries = new ArrayList<>();

    void add(long events, int look, OutsideArrival.Kind kind, OutsideConnection c, String listener, String peer,
             byte[] bytes) {
        add(events, look, kind, c, listener, peer, bytes, 0);
    }

    void add(long events, int look, OutsideArrival.Kind kind, OutsideConnection c, String listener, String peer,
             byte[] bytes, int signal) {
        entries.add(new Entry(events, look, entries.size(), kind, c, listener, peer, bytes, signal));
    }

    /** The arrivals in order of the looks that saw them, connections numbered in that order. */
    List<OutsideArrival> recorded() {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::events).thenComparingInt(Entry::look).thenComparingLong(Entry::order));
        Map<OutsideConnection, Integer> numbers = new IdentityHashMap<>();
        List<OutsideArrival> out = new ArrayList<>();
        for (Entry e : sorted) {
            switch (e.kind()) {
                case CONNECT -> {
                    numbers.put(e.c(), numbers.size());
                    out.add(OutsideArrival.connect(e.events(), e.look(), numbers.get(e.c()), e.listener(), e.peer()));
                }
                case DIAL -> {
                    numbers.put(e.c(), numbers.size());
                    out.add(OutsideArrival.dial(e.events(), e.look(), numbers.get(e.c()), e.listener(), e.peer()));
                }
                case DATA -> out.add(OutsideArrival.data(e.events(), e.look(), numbers.get(e.c()), e.bytes()));
                case EOF -> out.add(OutsideArrival.eof(e.events(), e.look(), numbers.get(e.c())));
                case SIGNAL -> out.add(OutsideArrival.signal(e.events(), e.look(), e.signal()));
                case STDIN -> out.add(OutsideArrival.stdin(e.events(), e.look(), e.bytes()));
                case STDIN_EOF -> out.add(OutsideArrival.stdinEof(e.events(), e.look()));
                case UDP -> out.add(OutsideArrival.udp(e.events(), e.look(), e.signal(), e.listener()));
                case DATAGRAM -> out.add(OutsideArrival.datagram(e.events(), e.look(), e.signal(), e.listener(), e.bytes()));
            }
        }
        return out;
    }
}
