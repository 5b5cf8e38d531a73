#!/usr/bin/env python3
"""Regenerate detsim's syscall data table from the Linux UAPI headers.

Outputs (paths relative to the repository root):

  sandbox/src/main/resources/dev/detsim/sandbox/syscall/syscalls.tsv
      The x86_64 and aarch64 number columns are recomputed from the headers;
      the hand-written return-kind, argument-kind, support and note columns
      already in the file are preserved (matched by syscall name).  The header comment is
      owned by this script.
  sandbox/src/main/java/dev/detsim/sandbox/syscall/Syscall.java
      Only the enum constant list between the BEGIN/END GENERATED markers is
      rewritten (the file is created from a template if it does not exist).
  tools/check_syscall_numbers.c
      A C program printing "name number" for every __NR_name in the table
      that <asm/unistd.h> defines on the host (used to cross-check the
      x86_64 column against the compiler's view).

Number sources:
  x86_64:  <asm/unistd_64.h> (Debian: /usr/include/x86_64-linux-gnu/asm/).
  aarch64: <asm-generic/unistd.h>, evaluated the way
           arch/arm64/include/uapi/asm/unistd.h includes it: 64-bit long,
           no __SYSCALL_COMPAT, and __ARCH_WANT_RENAMEAT, __ARCH_WANT_NEW_STAT,
           __ARCH_WANT_SET_GET_RLIMIT, __ARCH_WANT_TIME32_SYSCALLS,
           __ARCH_WANT_SYS_CLONE3, __ARCH_WANT_MEMFD_SECRET defined.
           (TIME32 makes no difference when __BITS_PER_LONG == 64.)
  The generic header is evaluated by a small #if/#ifdef/#define interpreter
  below, so no aarch64 toolchain is needed.

Names present in the headers but not yet in syscalls.tsv are added with the
placeholder kinds "int" / "-", support "passthrough" and note "-", and
reported on stderr: fill them in by hand.
Rows of syscalls.tsv whose name is in neither header are dropped (reported).

Usage:
  tools/gen-syscall-table.py            rewrite the three files
  tools/gen-syscall-table.py --check    exit 1 if any file would change

Standard library only; idempotent (a second run changes nothing).
"""

import argparse
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TSV_REL = "sandbox/src/main/resources/dev/detsim/sandbox/syscall/syscalls.tsv"
JAVA_REL = "sandbox/src/main/java/dev/detsim/sandbox/syscall/Syscall.java"
C_REL = "tools/check_syscall_numbers.c"

X86_64_HEADER = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
GENERIC_HEADER = "/usr/include/asm-generic/unistd.h"
VERSION_HEADER = "/usr/include/linux/version.h"

AARCH64_DEFINES = {
    "__BITS_PER_LONG": "64",
    "__ARCH_WANT_RENAMEAT": "1",
    "__ARCH_WANT_NEW_STAT": "1",
    "__ARCH_WANT_SET_GET_RLIMIT": "1",
    "__ARCH_WANT_TIME32_SYSCALLS": "1",
    "__ARCH_WANT_SYS_CLONE3": "1",
    "__ARCH_WANT_MEMFD_SECRET": "1",
}

# __NR_ macros that are not syscalls.
NOT_SYSCALLS = {"syscalls", "arch_specific_syscall"}

# Facts about the tables that must hold; the script refuses to write output
# if the header interpretation disagrees with any of them.
KNOWN_AARCH64 = {
    "io_setup": 0, "openat": 56, "close": 57, "read": 63, "write": 64,
    "renameat": 38, "newfstatat": 79, "fstat": 80, "exit": 93,
    "exit_group": 94, "futex": 98, "rt_sigreturn": 139, "getppid": 173,
    "clone": 220, "execve": 221, "mmap": 222, "clone3": 435,
    "fcntl": 25, "lseek": 62, "statfs": 43, "truncate": 45,
    "getrlimit": 163, "setrlimit": 164, "memfd_secret": 447,
}
KNOWN_X86_64 = {
    "read": 0, "write": 1, "open": 2, "close": 3, "mmap": 9,
    "rt_sigreturn": 15, "clone": 56, "fork": 57, "execve": 59, "exit": 60,
    "arch_prctl": 158, "futex": 202, "exit_group": 231, "openat": 257,
    "newfstatat": 262, "clone3": 435,
}
X86_64_ONLY_EXPECTED = {
    "open", "stat", "lstat", "fork", "vfork", "pipe", "poll", "select",
    "arch_prctl", "access", "dup2", "epoll_create", "epoll_wait",
}

RETURN_KINDS = {"int", "long", "off", "fd", "pid", "size", "hex", "none"}
ARG_KINDS = {
    "int", "uint", "long", "ulong", "hex", "ptr", "fd", "dirfd", "pid",
    "size", "off", "str", "strv", "oflags", "mode", "atflags", "prot",
    "mmapflags", "signal", "sigset", "clockid", "futexop", "cloneflags",
    "whence", "ioctlreq", "timespec",
}
SUPPORT_LEVELS = {"full", "partial", "passthrough", "refused"}
BUF_KIND = re.compile(r"^(inbuf|outbuf):([0-5])$")
MAX_ARGS = 6

GEN_BEGIN = "    // BEGIN GENERATED CONSTANTS (tools/gen-syscall-table.py; order = syscalls.tsv)"
GEN_END = "    // END GENERATED CONSTANTS"


# --------------------------------------------------------------------------
# A minimal C preprocessor: enough for the kernel's unistd headers.
# --------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_]\w*")


def _strip(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return text.replace("\\\n", " ")


def _expand(expr, macros, depth=0):
    if depth > 50:
        raise ValueError("macro recursion too deep: " + expr)

    def sub(m):
        name = m.group(0)
        if name in macros and macros[name] is not None:
            return "(" + _expand(macros[name], macros, depth + 1) + ")"
        return "0"  # undefined identifiers are 0 in #if
    return _IDENT.sub(sub, expr)


def _eval(expr, macros):
    expr = re.sub(r"\bdefined\s*\(\s*(\w+)\s*\)",
                  lambda m: " 1 " if m.group(1) in macros else " 0 ", expr)
    expr = re.sub(r"\bdefined\s+(\w+)",
                  lambda m: " 1 " if m.group(1) in macros else " 0 ", expr)
    expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", expr)
    expr = _expand(expr, macros)
    expr = expr.replace("&&", " and ").replace("||", " or ")
    expr = re.sub(r"!(?!=)", " not ", expr)
    if not re.fullmatch(r"[\s\w()+\-*/<>=!%&|^~]*", expr):
        raise ValueError("cannot evaluate: " + expr)
    return int(eval(expr, {"__builtins__": {}}, {}))


def preprocess(path, predefined):
    """Return the object-like macros defined after processing `path`."""
    with open(path, encoding="utf-8") as f:
        text = _strip(f.read())
    macros = dict(predefined)
    stack = []  # [is_active, some_branch_taken]

    def active():
        return all(frame[0] for frame in stack)

    for line in text.splitlines():
        s = line.strip()
        if not s.startswith("#"):
            continue
        m = re.match(r"#\s*(\w+)\s*(.*)$", s)
        if not m:
            continue
        kw, rest = m.group(1), m.group(2).strip()
        if kw in ("if", "ifdef", "ifndef"):
            if not active():
                stack.append([False, True])
                continue
            if kw == "if":
                cond = _eval(rest, macros) != 0
            elif kw == "ifdef":
                cond = rest.split()[0] in macros
            else:
                cond = rest.split()[0] not in macros
            stack.append([cond, cond])
        elif kw == "elif":
            frame = stack[-1]
            parent = all(f[0] for f in stack[:-1])
            if frame[1] or not parent:
                frame[0] = False
            else:
                cond = _eval(rest, macros) != 0
                frame[0] = frame[1] = cond
        elif kw == "else":
            frame = stack[-1]
            parent = all(f[0] for f in stack[:-1])
            frame[0] = parent and not frame[1]
            frame[1] = True
        elif kw == "endif":
            stack.pop()
        elif not active():
            continue
        elif kw == "define":
            dm = re.match(r"(\w+)(\()?\s*(.*)$", rest)
            name, fn, body = dm.group(1), dm.group(2), dm.group(3).strip()
            macros[name] = None if fn else body
        elif kw == "undef":
            macros.pop(rest.split()[0], None)
        # #include, #error, #pragma: ignored (the predefines stand in for
        # <asm/bitsperlong.h>).
    if stack:
        raise ValueError(path + ": unterminated #if")
    return macros


def syscall_numbers(path, predefined):
    macros = preprocess(path, predefined)
    out = {}
    for name, body in macros.items():
        if not name.startswith("__NR_") or body is None:
            continue
        sc = name[len("__NR_"):]
        if sc in NOT_SYSCALLS:
            continue
        out[sc] = _eval(body, macros)
    nums = {}
    for sc, nr in out.items():
        if nr in nums:
            raise ValueError("%s: %s and %s share number %d"
                             % (path, nums[nr], sc, nr))
        nums[nr] = sc
    return out


def kernel_version():
    try:
        macros = preprocess(VERSION_HEADER, {})
        return "%s.%s.%s" % (macros["LINUX_VERSION_MAJOR"],
                             macros["LINUX_VERSION_PATCHLEVEL"],
                             macros["LINUX_VERSION_SUBLEVEL"])
    except (OSError, KeyError):
        return "unknown"


# --------------------------------------------------------------------------
# syscalls.tsv
# --------------------------------------------------------------------------

def check_kinds(name, ret, args, support="passthrough", note="-"):
    errs = []
    if support not in SUPPORT_LEVELS:
        errs.append("%s: unknown support level %r" % (name, support))
    if not note.strip() or note != note.strip():
        errs.append("%s: the note must be '-' or text without surrounding spaces" % name)
    if support != "passthrough" and note == "-":
        errs.append("%s: a %s syscall needs a note" % (name, support))
    if ret not in RETURN_KINDS:
        errs.append("%s: unknown return kind %r" % (name, ret))
    if args == "-":
        return errs
    parts = args.split(",")
    if len(parts) > MAX_ARGS:
        errs.append("%s: more than %d arguments" % (name, MAX_ARGS))
    for part in parts:
        m = BUF_KIND.match(part)
        if m:
            if int(m.group(2)) >= len(parts):
                errs.append("%s: %s refers past the last argument" % (name, part))
        elif part not in ARG_KINDS:
            errs.append("%s: unknown argument kind %r" % (name, part))
    return errs


def read_tsv(path):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) == 5:  # a table from before the support columns
                cols += ["passthrough", "-"]
            if len(cols) != 7:
                raise ValueError("%s:%d: expected 7 tab-separated columns"
                                 % (path, lineno))
            name, _x86, _a64, ret, args, support, note = cols
            if name in rows:
                raise ValueError("%s:%d: duplicate %s" % (path, lineno, name))
            rows[name] = (ret, args, support, note)
    return rows


def tsv_header(version, n_total, n_x86_only, n_a64_only):
    return f"""\
# detsim syscall table: one line per Linux syscall name that exists on
# x86_64 or aarch64, sorted by name (byte order).  Tab-separated columns:
#
#   1 name     kernel name without the __NR_ prefix (e.g. newfstatat, pread64)
#   2 x86_64   syscall number on x86_64, or '-' if the name does not exist there
#   3 aarch64  syscall number on aarch64, or '-' if the name does not exist there
#   4 return   how to print the return value on success:
#                int (decimal), fd, pid, size (byte count), hex (address),
#                none (does not return normally: exit, exit_group, rt_sigreturn)
#   5 args     comma-separated argument kinds, '-' for no arguments:
#                int uint long ulong hex ptr (address, hex or NULL) fd
#                dirfd (AT_FDCWD for -100) pid size off
#                str (NUL-terminated string, e.g. a path)
#                strv (NULL-terminated array of string pointers, argv/envp)
#                inbuf:N  buffer the call reads; its length is argument N (0-based)
#                outbuf:N buffer the call fills; N is the capacity argument,
#                         the number of bytes filled is the return value
#                oflags mode (octal) atflags prot mmapflags signal
#                sigset (ptr to a sigset) clockid futexop cloneflags whence
#                ioctlreq timespec (ptr to struct timespec)
#              Arguments not worth decoding are int/hex/ptr; the count of
#              kinds is the number of arguments the kernel entry point takes.
#   6 support  what detsim does with the call (after gVisor's linux64.go):
#                full        made deterministic entirely by detsim: answered,
#                            or run in a way whose result cannot differ
#                partial     handled, with documented gaps (the note names them)
#                passthrough runs in the kernel unchanged: deterministic by
#                            nature for most (getpid in the pid namespace), or
#                            a known leak, which the note then names
#                refused     detsim answers an error (futex_waitv: ENOSYS)
#              Every syscall a handler or the tracer subscribes to is full,
#              partial or refused (SyscallTableTest checks it).
#   7 note     one line: what detsim does with it and what it does not, in
#              the words of docs/SEMANTICS.md and docs/LIMITS.md; '-' for a
#              passthrough call with nothing to say.  `detsim syscalls` prints
#              these columns with the handlers in dispatch order, and
#              docs/SYSCALLS.md is generated from them.
#
# GENERATED IN PART by tools/gen-syscall-table.py -- columns 2 and 3 (and this
# header) are rewritten from the kernel UAPI headers; columns 4 to 7 are
# hand-written and preserved by the script.  Do not edit the numbers by hand.
#   x86_64:  /usr/include/x86_64-linux-gnu/asm/unistd_64.h
#   aarch64: /usr/include/asm-generic/unistd.h with __BITS_PER_LONG == 64 and
#            __ARCH_WANT_RENAMEAT, __ARCH_WANT_NEW_STAT, __ARCH_WANT_SET_GET_RLIMIT,
#            __ARCH_WANT_TIME32_SYSCALLS, __ARCH_WANT_SYS_CLONE3,
#            __ARCH_WANT_MEMFD_SECRET (as arch/arm64/include/uapi/asm/unistd.h)
#   headers: linux-libc-dev {version}
# The script asserts known numbers (e.g. aarch64 read=63 openat=56 clone3=435,
# x86_64 read=0 openat=257); the x86_64 column is cross-checked against the C
# compiler by tools/check_syscall_numbers.c, and SyscallTableTest checks that
# the Syscall enum lists exactly these names in this order.
#
# {n_total} syscalls: {n_x86_only} only on x86_64, {n_a64_only} only on aarch64.
"""


def build_tsv(x86, a64, old, version, warn):
    names = sorted(set(x86) | set(a64))
    for gone in sorted(set(old) - set(names)):
        warn("dropping %s: in neither header" % gone)
    lines = []
    errors = []
    for name in names:
        if name in old:
            ret, args, support, note = old[name]
        else:
            ret, args, support, note = "int", "-", "passthrough", "-"
            warn("new syscall %s: placeholder kinds and support written, fill in by hand"
                 % name)
        errors.extend(check_kinds(name, ret, args, support, note))
        lines.append("\t".join([
            name,
            str(x86[name]) if name in x86 else "-",
            str(a64[name]) if name in a64 else "-",
            ret, args, support, note]))
    if errors:
        raise ValueError("bad columns in syscalls.tsv:\n  " + "\n  ".join(errors))
    n_x86_only = sum(1 for n in names if n not in a64)
    n_a64_only = sum(1 for n in names if n not in x86)
    text = tsv_header(version, len(names), n_x86_only, n_a64_only)
    return names, text + "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Syscall.java
# --------------------------------------------------------------------------

JAVA_TEMPLATE = """\
package dev.detsim.sandbox.syscall;

import java.util.Locale;

/**
 * Linux system calls, named independently of the CPU architecture.
 *
 * <p>A constant is the kernel's name for the call (without the {@code __NR_}
 * prefix) in upper case, for example {@link #READ}, {@link #NEWFSTATAT} or
 * {@link #PREAD64}; {@link #kernelName()} gives the kernel's lower-case
 * spelling. The enum deliberately carries no syscall numbers: numbers differ
 * per architecture and live in the arch layer, which loads them, together
 * with the return and argument kinds used for decoding, from
 * {@code dev/detsim/sandbox/syscall/syscalls.tsv}. A constant exists for every
 * name that exists on x86_64 or aarch64, so some constants (for example
 * {@link #OPEN}, {@link #FORK}, {@link #ARCH_PRCTL}) have no number on
 * aarch64.
 *
 * <p>The constants are generated by {@code tools/gen-syscall-table.py} and are
 * listed in exactly the order of the data lines of {@code syscalls.tsv};
 * {@code SyscallTableTest} checks that the enum and the file agree.
 */
public enum Syscall {
{begin}
{end}

    private final String kernelName;

    Syscall() {
        this.kernelName = name().toLowerCase(Locale.ROOT);
    }

    /** The kernel's name for this call, e.g. {@code "newfstatat"}. */
    public String kernelName() {
        return kernelName;
    }
}
"""


def build_java(names, old_text):
    body = "\n".join("    %s%s" % (n.upper(), "," if i < len(names) - 1 else ";")
                     for i, n in enumerate(names))
    if old_text is None:
        old_text = JAVA_TEMPLATE.replace("{begin}", GEN_BEGIN).replace("{end}", GEN_END)
    start = old_text.find(GEN_BEGIN)
    end = old_text.find(GEN_END)
    if start < 0 or end < start:
        raise ValueError(JAVA_REL + ": generated-constants markers not found")
    start += len(GEN_BEGIN)
    return old_text[:start] + "\n" + body + "\n" + old_text[end:]


# --------------------------------------------------------------------------
# check_syscall_numbers.c
# --------------------------------------------------------------------------

def build_c(names):
    out = ["""\
/*
 * GENERATED by tools/gen-syscall-table.py -- do not edit.
 *
 * Prints "name number" for every syscall of detsim's syscalls.tsv that the
 * host's <asm/unistd.h> defines, one per line, in syscalls.tsv order.
 * Compiled with gcc on x86_64 it gives the compiler's view of the x86_64
 * column, which a test compares with the table:
 *
 *     gcc -O0 -o check_syscall_numbers tools/check_syscall_numbers.c
 *     ./check_syscall_numbers
 */
#include <stdio.h>
#include <asm/unistd.h>

#define P(name, nr) printf("%s %ld\\n", name, (long) (nr))

int main(void)
{"""]
    for n in names:
        out.append("#ifdef __NR_%s\n\tP(\"%s\", __NR_%s);\n#endif" % (n, n, n))
    out.append("\treturn 0;\n}\n")
    return "\n".join(out)


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if any output would change")
    ap.add_argument("--x86-64-header", default=X86_64_HEADER)
    ap.add_argument("--generic-header", default=GENERIC_HEADER)
    ap.add_argument("--root", default=REPO, help="repository root")
    opts = ap.parse_args()

    def warn(msg):
        print("gen-syscall-table: " + msg, file=sys.stderr)

    x86 = syscall_numbers(opts.x86_64_header, {})
    a64 = syscall_numbers(opts.generic_header, AARCH64_DEFINES)

    problems = []
    for table, known, arch in ((a64, KNOWN_AARCH64, "aarch64"),
                               (x86, KNOWN_X86_64, "x86_64")):
        for name, nr in known.items():
            if table.get(name) != nr:
                problems.append("%s %s: expected %d, headers give %s"
                                % (arch, name, nr, table.get(name)))
    for name in X86_64_ONLY_EXPECTED:
        if name in a64 or name not in x86:
            problems.append("%s should exist on x86_64 only" % name)
    if problems:
        for p in problems:
            warn(p)
        return 2

    tsv_path = os.path.join(opts.root, TSV_REL)
    java_path = os.path.join(opts.root, JAVA_REL)
    c_path = os.path.join(opts.root, C_REL)

    names, tsv = build_tsv(x86, a64, read_tsv(tsv_path), kernel_version(), warn)
    old_java = None
    if os.path.exists(java_path):
        with open(java_path, encoding="utf-8") as f:
            old_java = f.read()
    outputs = [(tsv_path, tsv), (java_path, build_java(names, old_java)),
               (c_path, build_c(names))]

    changed = []
    for path, text in outputs:
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old != text:
            changed.append(path)
            if not opts.check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    for path in changed:
        warn(("would change " if opts.check else "wrote ")
             + os.path.relpath(path, opts.root))
    return 1 if (opts.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
