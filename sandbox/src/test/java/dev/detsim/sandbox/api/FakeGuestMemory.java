package dev.detsim.sandbox.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link GuestMemory} over sparse bytes per thread: only what a test {@link #map maps} is there (zeros until
 * written), every other address is unmapped. Reads stop where mapped memory ends, as the ptrace-backed one does;
 * writes to unmapped or read-only memory fail. Every write is recorded, in order.
 */
public final class FakeGuestMemory implements GuestMemory {
    public static final int PAGE = 4096;

    /** One write a handler made: {@code scratch} for {@link #writeScratch}. */
    public record Write(int tid, long address, byte[] bytes, boolean scratch) {}

    private final Map<Integer, Map<Long, Byte>> bytes = new HashMap<>();
    private final Map<Integer, Map<Long, Boolean>> writable = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();

    /** Maps length zero bytes at address of thread tid, writable. */
    public FakeGuestMemory map(int tid, long address, int length) {
        for (long a = address; a < address + length; a++) {
            bytes.computeIfAbsent(tid, t -> new HashMap<>()).putIfAbsent(a, (byte) 0);
            writable.computeIfAbsent(tid, t -> new HashMap<>()).put(a, true);
        }
        return this;
    }

    /** Maps data at address (writable), without recording a write. */
    public FakeGuestMemory put(int tid, long address, byte[] data) {
        map(tid, address, data.length);
        for (int i = 0; i < data.length; i++) bytes.get(tid).put(address + i, data[i]);
        return this;
    }

    /** Maps data at address read-only: reads see it, writes there fail. */
    public FakeGuestMemory putReadOnly(int tid, long address, byte[] data) {
        put(tid, address, data);
        for (int i = 0; i < data.length; i++) writable.get(tid).put(address + i, false);
        return this;
    }

    public FakeGuestMemory putInt(int tid, long address, int value) {
        return put(tid, address, le(4).putInt(value).array());
    }

    public FakeGuestMemory putLong(int tid, long address, long value) {
        return put(tid, address, le(8).putLong(value).array());
    }

    public FakeGuestMemory putLongs(int tid, long address, long... values) {
        ByteBuffer b = le(8 * values.length);
        for (long v : values) b.putLong(v);
        return put(tid, address, b.array());
    }

    /** A NUL-terminated UTF-8 string. */
    public FakeGuestMemory putString(int tid, long address, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return put(tid, address, Arrays.copyOf(b, b.length + 1));
    }

    /** length bytes at address as they are now (test-side: no recording); throws if any is unmapped. */
    public byte[] bytesAt(int tid, long address, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            Byte b = byteAt(tid, address + i);
            if (b == null) throw new IllegalArgumentException("unmapped: 0x" + Long.toHexString(address + i));
            out[i] = b;
        }
        return out;
    }

    public int intAt(int tid, long address) {
        return ByteBuffer.wrap(bytesAt(tid, address, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    public long longAt(int tid, long address) {
        return ByteBuffer.wrap(bytesAt(tid, address, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Every write so far, data and scratch, in order. */
    public List<Write> writes() {
        return List.copyOf(writes);
    }

    private Byte byteAt(int tid, long address) {
        Map<Long, Byte> m = bytes.get(tid);
        return m == null ? null : m.get(address);
    }

    @Override
    public byte[] read(int tid, long addr, int max) {
        int len = Math.min(max, PAGE);
        int n = 0;
        while (n < len && byteAt(tid, addr + n) != null) n++;
        if (n == 0 && len > 0) return null;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = byteAt(tid, addr + i);
        return out;
    }

    @Override
    public long readInt(int tid, long addr) {
        byte[] b = read(tid, addr, 4);
        if (b == null || b.length < 4) return UNREADABLE;
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Override
    public Long readWord(int tid, long addr) {
        byte[] b = read(tid, addr, 8);
        if (b == null || b.length < 8) return null;
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public String readCString(int tid, long addr, int max) {
        byte[] b = read(tid, addr, max);
        if (b == null) return null;
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public boolean write(int tid, long addr, byte[] data) {
        return store(tid, addr, data, false);
    }

    @Override
    public boolean writeScratch(int tid, long addr, byte[] data) {
        return store(tid, addr, data, true);
    }

    private boolean store(int tid, long addr, byte[] data, boolean scratch) {
        if (data.length > PAGE) throw new IllegalArgumentException("write at most " + PAGE + " bytes at once");
        Map<Long, Boolean> w = writable.get(tid);
        for (int i = 0; i < data.length; i++) {
            if (w == null || !w.getOrDefault(addr + i, false)) return false;
        }
        for (int i = 0; i < data.length; i++) bytes.get(tid).put(addr + i, data[i]);
        writes.add(new Write(tid, addr, data.clone(), scratch));
        return true;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
