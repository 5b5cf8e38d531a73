package dev.detsim.sandbox.arch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Arch.followsCall: the call encodings a return address follows (crash reports' stack scan). */
class CallInstructionTest {
    /** The 8 bytes before a return address that follows code (padded in front with 0x90, nop). */
    private static byte[] endingIn(int... code) {
        byte[] b = new byte[8];
        java.util.Arrays.fill(b, (byte) 0x90);
        for (int i = 0; i < code.length; i++) b[8 - code.length + i] = (byte) code[i];
        return b;
    }

    @Test
    void x86CallsAndNotOtherInstructions() {
        Arch x86 = Arch.forName("x86_64");
        assertTrue(x86.followsCall(endingIn(0xe8, 0x7b, 0xfc, 0xff, 0xff)), "call rel32");
        assertTrue(x86.followsCall(endingIn(0xff, 0xd0)), "call *%rax");
        assertTrue(x86.followsCall(endingIn(0x41, 0xff, 0xd3)), "call *%r11");
        assertTrue(x86.followsCall(endingIn(0xff, 0x10)), "call *(%rax)");
        assertTrue(x86.followsCall(endingIn(0xff, 0x50, 0x08)), "call *0x8(%rax)");
        assertTrue(x86.followsCall(endingIn(0xff, 0x15, 0x12, 0x34, 0x00, 0x00)), "call *0x3412(%rip)");
        assertTrue(x86.followsCall(endingIn(0xff, 0x90, 0x00, 0x01, 0x00, 0x00)), "call *0x100(%rax)");
        assertFalse(x86.followsCall(endingIn(0x48, 0x89, 0xc7)), "mov %rax,%rdi");
        assertFalse(x86.followsCall(endingIn(0xff, 0xe0)), "jmp *%rax");
        assertFalse(x86.followsCall(endingIn(0xc3)), "ret");
        assertFalse(x86.followsCall(new byte[4]), "too short");
    }

    @Test
    void aarch64BranchWithLink() {
        Arch arm = Arch.forName("aarch64");
        assertTrue(arm.followsCall(endingIn(0x10, 0x00, 0x00, 0x94)), "bl +0x40");
        assertTrue(arm.followsCall(endingIn(0x20, 0x00, 0x3f, 0xd6)), "blr x1");
        assertFalse(arm.followsCall(endingIn(0x20, 0x00, 0x1f, 0xd6)), "br x1");
        assertFalse(arm.followsCall(endingIn(0xc0, 0x03, 0x5f, 0xd6)), "ret");
    }
}
