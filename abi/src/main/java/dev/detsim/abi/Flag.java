package dev.detsim.abi;

/** One bit (or bits) of a flags word and its C name, for printing flags words. */
public record Flag(long bits, String name) {}
