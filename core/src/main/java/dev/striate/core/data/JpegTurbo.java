package dev.striate.core.data;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0), called through {@code java.lang.foreign}: the same
 * decoder Pillow uses, with SIMD, 2-4x faster than ImageIO's IJG libjpeg 6b, and able to decode at 1/8 .. 8/8 of
 * the size by scaling the inverse DCT. {@link #find()} loads it once; absent, JPEGs go to ImageIO instead.
 *
 * <p>Only the TurboJPEG 2 functions are used: every libturbojpeg since 2.0 (and 3.x, which keeps them) has them.
 */
final class JpegTurbo {
    /** Environment variable naming the library file, for a build of one's own (or, in tests, a missing one). */
    static final String LIBRARY_VARIABLE = "STRIATE_LIBTURBOJPEG";
    static final String DEFAULT_LIBRARY = "libturbojpeg.so.0";

    /** TurboJPEG's colorspaces (TJCS_*) and pixel formats (TJPF_*). */
    private static final int COLORSPACE_GRAY = 2;
    private static final int COLORSPACE_CMYK = 3;
    private static final int COLORSPACE_YCCK = 4;
    private static final int PIXELS_RGB = 0;
    private static final int PIXELS_GRAY = 6;
    private static final int PIXELS_CMYK = 11;
    /** tjGetErrorCode's answer for a warning (the image was decoded, perhaps damaged) rather than an error. */
    private static final int ERROR_IS_WARNING = 0;
    /** TJFLAG_STOPONWARNING: fail at the first warning instead of decoding on (damage shows as warnings). */
    private static final int STOP_ON_WARNING = 8192;
    /** libjpeg's JMSG_LENGTH_MAX: its messages, terminator included, fit in this many bytes. */
    private static final long JPEG_MESSAGE_LENGTH = 200;

    private static final Availability AVAILABILITY = load(System.getenv(LIBRARY_VARIABLE));
    private static final AtomicReference<Consumer<String>> FALLBACK_NOTICES = new AtomicReference<>();

    /** The library once loaded, or why it could not be (to say once per run which decoder runs). */
    record Availability(JpegTurbo library, String notice) {
    }

    private final MethodHandle initDecompress;
    private final MethodHandle destroy;
    private final MethodHandle decompressHeader;
    private final MethodHandle decompress;
    private final MethodHandle errorText;
    private final MethodHandle errorCode;

    private JpegTurbo(SymbolLookup symbols) {
        Linker linker = Linker.nativeLinker();
        initDecompress = linker.downcallHandle(symbols.findOrThrow("tjInitDecompress"),
                FunctionDescriptor.of(ADDRESS));
        destroy = linker.downcallHandle(symbols.findOrThrow("tjDestroy"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        decompressHeader = linker.downcallHandle(symbols.findOrThrow("tjDecompressHeader3"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        decompress = linker.downcallHandle(symbols.findOrThrow("tjDecompress2"), FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        errorText = linker.downcallHandle(symbols.findOrThrow("tjGetErrorStr2"), FunctionDescriptor.of(ADDRESS,
                ADDRESS));
        errorCode = linker.downcallHandle(symbols.findOrThrow("tjGetErrorCode"), FunctionDescriptor.of(JAVA_INT,
                ADDRESS));
    }

    /** The library of this run (null when absent) and the notice that says which JPEG decoder runs. */
    static Availability availability() {
        return AVAILABILITY;
    }

    /** The library, or null when it is not installed. */
    static JpegTurbo find() {
        return AVAILABILITY.library();
    }

    /** See {@link ImageDecoder#reportFallbackTo}. */
    static void reportFallbackTo(Consumer<String> notices) {
        FALLBACK_NOTICES.set(notices);
    }

    /** A JPEG is being decoded by ImageIO: the first time since {@link #reportFallbackTo}, says so and why. */
    static void fellBack() {
        Consumer<String> notices = FALLBACK_NOTICES.getAndSet(null);
        if (notices != null) {
            notices.accept("notice: " + AVAILABILITY.notice());
        }
    }

    /** Loads {@code libraryFile} (null or blank: the usual library paths), or says why it could not. */
    static Availability load(String libraryFile) {
        String name = libraryFile == null || libraryFile.isBlank() ? DEFAULT_LIBRARY : libraryFile;
        try {
            // The global arena: the library stays loaded for the life of the JVM, as the decoder is used to the end.
            JpegTurbo library = new JpegTurbo(SymbolLookup.libraryLookup(name, Arena.global()));
            return new Availability(library, "JPEG decoder: libjpeg-turbo (" + name + ")");
        } catch (IllegalArgumentException e) {
            return new Availability(null, "JPEG decoder: ImageIO, 2-4x slower: libjpeg-turbo's " + name
                    + " was not found (apt-get install libturbojpeg0)");
        } catch (NoSuchElementException e) {
            return new Availability(null, "JPEG decoder: ImageIO, 2-4x slower: " + name + " is older than "
                    + "libjpeg-turbo 2.0 (" + e.getMessage() + "; apt-get install libturbojpeg0)");
        }
    }

    /**
     * Decodes {@code jpeg} at {@code eighths}/8 of its size (1..8), to gray (one channel) when the JPEG is gray
     * and to sRGB otherwise; CMYK and YCCK become RGB as Pillow converts them ({@link CmykJpeg}). A warning that
     * means damage ({@link ImageDecoder#isDamage}) makes the file unreadable, as with ImageIO.
     */
    DecodedImage decode(byte[] jpeg, int eighths) throws UnreadableImageException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment input = arena.allocate(jpeg.length);
            MemorySegment.copy(jpeg, 0, input, JAVA_BYTE, 0, jpeg.length);
            MemorySegment handle = open();
            try {
                MemorySegment header = arena.allocate(JAVA_INT, 4);
                if ((int) decompressHeader.invokeExact(handle, input, input.byteSize(), header, header.asSlice(4),
                        header.asSlice(8), header.asSlice(12)) != 0) {
                    throw new UnreadableImageException("corrupt JPEG: " + error(handle));
                }
                int width = scaled(header.getAtIndex(JAVA_INT, 0), eighths);
                int height = scaled(header.getAtIndex(JAVA_INT, 1), eighths);
                int colorspace = header.getAtIndex(JAVA_INT, 3);
                boolean gray = colorspace == COLORSPACE_GRAY;
                boolean cmyk = colorspace == COLORSPACE_CMYK || colorspace == COLORSPACE_YCCK;
                int channels = gray ? 1 : cmyk ? 4 : 3;
                MemorySegment pixels = arena.allocate((long) width * height * channels);
                int format = gray ? PIXELS_GRAY : cmyk ? PIXELS_CMYK : PIXELS_RGB;
                // Stopping at the first warning is the only way to hear of one; a harmless warning (extraneous
                // bytes before a marker) is then decoded again, to the end.
                int flags = STOP_ON_WARNING;
                while ((int) decompress.invokeExact(handle, input, input.byteSize(), pixels, width, 0, height,
                        format, flags) != 0) {
                    String reason = error(handle);
                    boolean warning = (int) errorCode.invokeExact(handle) == ERROR_IS_WARNING;
                    if (!warning || ImageDecoder.isDamage(reason) || flags == 0) {
                        throw new UnreadableImageException((warning ? "damaged JPEG: " : "corrupt JPEG: ") + reason);
                    }
                    flags = 0;
                }
                byte[] samples = pixels.toArray(JAVA_BYTE);
                return cmyk ? new DecodedImage(height, width, 3, CmykJpeg.toRgb(samples, CmykJpeg.hasAdobeMarker(jpeg)))
                        : new DecodedImage(height, width, channels, samples);
            } finally {
                close(handle);
            }
        } catch (UnreadableImageException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libjpeg-turbo call failed", e);
        }
    }

    /** TurboJPEG's TJSCALED: a side of {@code size} pixels decoded at {@code eighths}/8, rounded up. */
    static int scaled(int size, int eighths) {
        return (int) (((long) size * eighths + 7) / 8);
    }

    private MemorySegment open() throws Throwable {
        MemorySegment handle = (MemorySegment) initDecompress.invokeExact();
        if (handle.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("libjpeg-turbo could not allocate a decompressor");
        }
        return handle;
    }

    private void close(MemorySegment handle) throws Throwable {
        if ((int) destroy.invokeExact(handle) != 0) {
            throw new IllegalStateException("libjpeg-turbo could not free a decompressor");
        }
    }

    private String error(MemorySegment handle) throws Throwable {
        MemorySegment text = (MemorySegment) errorText.invokeExact(handle);
        return text.reinterpret(JPEG_MESSAGE_LENGTH).getString(0);
    }
}
