package dev.detsim.abi;

import java.util.List;

/**
 * The *at() calls' directory argument and flags (fcntl.h, linux/fcntl.h), and renameat2's flags. The same on
 * x86_64 and aarch64.
 */
public final class AtFlags {
    /** The dirfd that means the calling thread's working directory. */
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
            AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
    /** renameat2(2): fail if the new name exists; swap the two names; leave a whiteout. */
    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

    /** The AT_* flags by name, lowest bit first (for printing a flags word). */
    public static final List<Flag> NAMES = List.of(new Flag(AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"),
            new Flag(AT_REMOVEDIR, "AT_REMOVEDIR"), new Flag(AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"),
            new Flag(AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"), new Flag(AT_EMPTY_PATH, "AT_EMPTY_PATH"));

    private AtFlags() {}
}
