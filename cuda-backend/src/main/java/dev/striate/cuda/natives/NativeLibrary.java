package dev.striate.cuda.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A shared library opened with {@code dlopen} through {@code java.lang.foreign}, never closed. Opening a library by
 * its full path also makes later requests for its soname (a {@code DT_NEEDED} entry of JCuda's natives, cuDNN's
 * {@code dlopen} of its sub-libraries) find it, so libraries found outside the loader's path still bind.
 */
public final class NativeLibrary {
    private static final Map<String, NativeLibrary> OPENED = new ConcurrentHashMap<>();
    private final String name;
    private final SymbolLookup symbols;
    private final Map<Signature, MethodHandle> handles = new ConcurrentHashMap<>();
    private final Map<Signature, MethodHandle> statusCalls = new ConcurrentHashMap<>();

    /**
     * A function's name and C signature: the key of the handle caches. A record, so that a lookup hashes the two
     * rather than formatting the descriptor into a string (which, on every cuDNN call, once cost a third of a
     * training step's host time).
     */
    private record Signature(String symbol, FunctionDescriptor descriptor) {
        /** The symbol's (a string caches its hash); hashing the descriptor walks its layouts on every call. */
        @Override
        public int hashCode() {
            return symbol.hashCode();
        }
    }

    private NativeLibrary(String name, SymbolLookup symbols) {
        this.name = name;
        this.symbols = symbols;
    }

    /** Opens a library file; throws {@link NativeLibraryException} with the loader's reason. */
    public static NativeLibrary open(Path file) {
        return OPENED.computeIfAbsent(file.toString(), key -> {
            try {
                return new NativeLibrary(key, SymbolLookup.libraryLookup(file, Arena.global()));
            } catch (IllegalArgumentException e) {
                throw new NativeLibraryException("cannot load " + file + ": " + e.getMessage(), e);
            }
        });
    }

    /** Opens a library by soname through the loader's own search, or empty when the loader cannot find or load it. */
    public static Optional<NativeLibrary> openByName(String soname) {
        NativeLibrary opened = OPENED.get(soname);
        if (opened != null) {
            return Optional.of(opened);
        }
        try {
            NativeLibrary library = new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global()));
            OPENED.putIfAbsent(soname, library);
            return Optional.of(library);
        } catch (IllegalArgumentException e) {
            // Not on the loader's path: the caller then tries the files library discovery found.
            return Optional.empty();
        }
    }

    public String name() {
        return name;
    }

    public boolean has(String symbol) {
        return symbols.find(symbol).isPresent();
    }

    /** A downcall handle for {@code symbol}, made once. */
    public MethodHandle function(String symbol, FunctionDescriptor descriptor) {
        return handles.computeIfAbsent(new Signature(symbol, descriptor), key -> {
            MemorySegment address = symbols.find(symbol).orElseThrow(() -> new NativeLibraryException(
                    name + " has no function " + symbol + " (an older or newer version than expected)", null));
            return Linker.nativeLinker().downcallHandle(address, descriptor);
        });
    }

    /**
     * A handle, made once, that calls {@code symbol} (which returns a status {@code int}) with its arguments in an
     * {@code Object[]}: {@code (int) handle.invokeExact(arguments)}. Unlike {@code invokeWithArguments}, which adapts
     * the handle anew on every call, it is adapted once ({@link #spreading}).
     */
    public MethodHandle statusCall(String symbol, FunctionDescriptor descriptor) {
        return statusCalls.computeIfAbsent(new Signature(symbol, descriptor),
                key -> spreading(function(symbol, descriptor)));
    }

    /** {@code function}, which returns an {@code int}, adapted to take its arguments as one {@code Object[]}. */
    public static MethodHandle spreading(MethodHandle function) {
        return function.asSpreader(Object[].class, function.type().parameterCount())
                .asType(MethodType.methodType(int.class, Object[].class));
    }

    /** Calls a function that returns a status {@code int}, with its arguments boxed. */
    public int callStatus(String symbol, FunctionDescriptor descriptor, Object... arguments) {
        try {
            return (int) statusCall(symbol, descriptor).invokeExact(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new NativeLibraryException(symbol + " failed: " + e, e);
        }
    }
}
