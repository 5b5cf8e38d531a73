package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Machine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** uname, sysinfo and CPU affinity answered from the virtual machine. */
class MachineHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long OUT = 0x1000;
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, 512);

    private Disposition call(MachineHandler h, Syscall s, long... args) {
        return h.onSyscall(FakeSyscallStop.builder(s, args).memory(memory).build());
    }

    private String field(int i) {
        byte[] f = memory.bytesAt(TID, OUT + 65L * i, 65);
        int end = 0;
        while (f[end] != 0) end++;
        return new String(f, 0, end, StandardCharsets.US_ASCII);
    }

    @Test
    void unameShowsTheVirtualMachine() {
        MachineHandler h = new MachineHandler(new Machine(4, "x86_64"));
        assertEquals(Disposition.emulate(0), call(h, Syscall.UNAME, OUT));
        assertEquals(Machine.SYSNAME, field(0));
        assertEquals(Machine.NODENAME, field(1));
        assertEquals(Machine.RELEASE, field(2));
        assertEquals(Machine.VERSION, field(3));
        assertEquals("x86_64", field(4));
        assertEquals(Machine.DOMAINNAME, field(5));
        assertEquals(Disposition.fail(Errno.EFAULT), call(h, Syscall.UNAME, 0));
        assertEquals(Disposition.fail(Errno.EFAULT), call(h, Syscall.UNAME, 0x9000));
    }

    @Test
    void sysinfoIsFixed() {
        MachineHandler h = new MachineHandler(new Machine(2, "aarch64"));
        assertEquals(Disposition.emulate(0), call(h, Syscall.SYSINFO, OUT));
        ByteBuffer b = ByteBuffer.wrap(memory.bytesAt(TID, OUT, MachineHandler.SYSINFO_SIZE)).order(ByteOrder.nativeOrder());
        assertEquals(Machine.UPTIME_SECONDS, b.getLong(MachineHandler.SYSINFO_UPTIME));
        assertEquals(0, b.getLong(MachineHandler.SYSINFO_LOADS));
        assertEquals(Machine.TOTAL_RAM, b.getLong(MachineHandler.SYSINFO_TOTALRAM));
        assertEquals(Machine.FREE_RAM, b.getLong(MachineHandler.SYSINFO_FREERAM));
        assertEquals(1, b.getShort(MachineHandler.SYSINFO_PROCS));
        assertEquals(1, b.getInt(MachineHandler.SYSINFO_MEM_UNIT));
        assertEquals(Disposition.fail(Errno.EFAULT), call(h, Syscall.SYSINFO, 0));
    }

    @Test
    void getaffinityWritesOneBitPerVirtualCpuInWholeLongs() {
        MachineHandler h = new MachineHandler(new Machine(70, "x86_64"));
        memory.put(TID, OUT, new byte[64]);
        assertEquals(Disposition.emulate(16), call(h, Syscall.SCHED_GETAFFINITY, 0, 128, OUT), "bytes written");
        byte[] mask = memory.bytesAt(TID, OUT, 16);
        byte[] expected = new byte[16];
        java.util.Arrays.fill(expected, 0, 8, (byte) 0xff);
        expected[8] = 0x3f; // CPUs 64..69
        assertArrayEquals(expected, mask);
    }

    @Test
    void getaffinityLengthAndAddressErrors() {
        MachineHandler h = new MachineHandler(new Machine(70, "x86_64"));
        assertEquals(Disposition.fail(Errno.EINVAL), call(h, Syscall.SCHED_GETAFFINITY, 0, 8, OUT), "shorter than the mask");
        assertEquals(Disposition.fail(Errno.EINVAL), call(h, Syscall.SCHED_GETAFFINITY, 0, 20, OUT), "not whole longs");
        assertEquals(Disposition.fail(Errno.EFAULT), call(h, Syscall.SCHED_GETAFFINITY, 0, 16, 0));
        MachineHandler one = new MachineHandler(new Machine(1, "x86_64"));
        assertEquals(Disposition.emulate(8), call(one, Syscall.SCHED_GETAFFINITY, 0, 8, OUT));
        assertEquals(Disposition.fail(Errno.EINVAL), call(one, Syscall.SCHED_GETAFFINITY, 0, 4, OUT));
    }

    @Test
    void setaffinityAcceptsAnyMaskWithAVirtualCpu() {
        MachineHandler h = new MachineHandler(new Machine(4, "x86_64"));
        memory.put(TID, OUT, new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
        assertEquals(Disposition.fail(Errno.EINVAL), call(h, Syscall.SCHED_SETAFFINITY, 0, 8, OUT), "no CPU of this machine");
        memory.put(TID, OUT, new byte[] {0x10, 0, 0, 0, 0, 0, 0, 0}); // CPU 4: not one of the 4
        assertEquals(Disposition.fail(Errno.EINVAL), call(h, Syscall.SCHED_SETAFFINITY, 0, 8, OUT));
        memory.put(TID, OUT, new byte[] {0x18, 0, 0, 0, 0, 0, 0, 0}); // CPUs 3 and 4
        assertEquals(Disposition.emulate(0), call(h, Syscall.SCHED_SETAFFINITY, 0, 8, OUT));
        assertEquals(Disposition.fail(Errno.EFAULT), call(h, Syscall.SCHED_SETAFFINITY, 0, 8, 0x9000));
        assertTrue(memory.writes().isEmpty(), "setaffinity writes nothing");
    }
}
