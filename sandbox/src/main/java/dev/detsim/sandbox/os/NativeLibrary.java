package dev.detsim.sandbox.os;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;

/**
 * Finds libdetsim.so, the C part built by the native module, and opens it for the whole process.
 *
 * <p>Order: the system property {@code detsim.native.lib}; else the resource for this os.arch, used in
 * place when it is a plain file (a build tree) or copied once to a per-user cache when it sits in a jar
 * (a shared library cannot be mapped from inside a jar).
 */
public final class NativeLibrary {
    private static final String RESOURCE =
            "/dev/detsim/native/linux-" + System.getProperty("os.arch") + "/libdetsim.so";

    /**
     * The shape of libdetsim's entry points for Java (detsim_syscall, detsim_call): seven longs in, a long out. The
     * JVM generates a downcall stub per shape and linker option, milliseconds each at every start, and binds entry
     * points of one shape to the same stub.
     */
    private static final FunctionDescriptor ENTRY_POINT = FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    private static volatile SymbolLookup lookup;

    private NativeLibrary() {}

    /**
     * Opens libdetsim and links its entry points now ({@link Posix}'s and {@link LibDetsim}'s, whose class
     * initialisation does it), for a thread that has time before the first system call is made: the JVM generates
     * their downcall stubs and method handles there, a large part of start-up, and the thread that makes the first
     * call finds them ready (or waits for the class initialisation under way). A library that cannot be opened, or
     * lacks an entry point, is left for that later use to meet and report in its own words. Returns whether
     * both classes are ready.
     */
    public static boolean linkAhead() {
        try {
            SymbolLookup library = lookup();
            if (library.find("detsim_syscall").isEmpty() || library.find("detsim_call").isEmpty()) return false;
            MethodHandles.Lookup here = MethodHandles.lookup();
            here.ensureInitialized(Posix.class);
            here.ensureInitialized(LibDetsim.class);
            return true;
        } catch (RuntimeException | Error | IllegalAccessException e) {
            return false; // the entry points' own linking says what is wrong
        }
    }

    /**
     * The entry point name of libdetsim, of the one shape above; critical for calls that never block (no
     * thread-state transition around them).
     */
    static MethodHandle entryPoint(String name, boolean critical) {
        MemorySegment symbol = lookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libdetsim.so has no " + name));
        return Linker.nativeLinker().downcallHandle(symbol, ENTRY_POINT, options(critical));
    }

    private static Linker.Option[] options(boolean critical) {
        return critical ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
    }

    public static SymbolLookup lookup() {
        SymbolLookup l = lookup;
        if (l == null) {
            synchronized (NativeLibrary.class) {
                if (lookup == null) lookup = SymbolLookup.libraryLookup(locate(), Arena.global());
                l = lookup;
            }
        }
        return l;
    }

    static Path locate() {
        String explicit = System.getProperty("detsim.native.lib");
        if (explicit != null) return Path.of(explicit);
        URL url = NativeLibrary.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("libdetsim.so for " + System.getProperty("os.arch")
                    + " is not on the class path (" + RESOURCE + "); rebuild with ./mvnw package");
        }
        try {
            if (url.getProtocol().equals("file")) return Path.of(url.toURI());
            return extract(url);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack libdetsim.so: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path extract(URL url) throws IOException {
        // The jar entry records its CRC and size: a cached copy is found without reading the library.
        var connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        JarEntry entry = connection.getJarEntry();
        String key = Long.toHexString(entry.getCrc()) + "-" + entry.getSize();
        String base = System.getenv("XDG_CACHE_HOME");
        Path cache = (base != null && !base.isEmpty() ? Path.of(base) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("detsim").resolve(key);
        Path lib = cache.resolve("libdetsim.so");
        if (Files.isRegularFile(lib) && Files.size(lib) == entry.getSize()) return lib;
        Files.createDirectories(cache);
        Path tmp = Files.createTempFile(cache, "libdetsim", ".tmp");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return lib;
    }
}
