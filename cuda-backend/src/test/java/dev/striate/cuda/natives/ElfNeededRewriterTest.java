package dev.striate.cuda.natives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rewrites the real JCuda natives from the jars on the test class path and reads them back with its own ELF parse. */
class ElfNeededRewriterTest {
    private static final String CUBLAS_NATIVE = "/lib/libJCublas2-12.6.0-linux-x86_64.so";
    private static final String NVRTC_NATIVE = "/lib/libJNvrtc-12.6.0-linux-x86_64.so";

    @Test
    void hashFormulaOfTheTestMatchesAHandWorkedValue() {
        // h = 'a' = 0x61; then h = (0x61 << 4) + 'b' = 0x610 + 0x62 = 0x672; no bits in 0xf0000000 on the way.
        assertEquals(0x672L, elfHash("ab"));
        assertEquals(0L, elfHash(""));
    }

    @Test
    void theLinkerStoredTheSameHashesAsTheFormula() throws IOException {
        // Checks the test's formula against what the linker wrote into the original, for every version-need entry.
        Elf original = Elf.parse(resource(CUBLAS_NATIVE));
        assertFalse(original.versionNames.isEmpty());
        original.versionNames.forEach((name, hash) -> assertEquals(elfHash(name), hash, name));
    }

    @Test
    void rewritesTheCublasNativeToCublas13() throws IOException {
        assertRewritten(resource(CUBLAS_NATIVE), "libcublas.so.12", "libcublas.so.13");
    }

    @Test
    void rewritesTheNvrtcNativeToNvrtc13() throws IOException {
        assertRewritten(resource(NVRTC_NATIVE), "libnvrtc.so.12", "libnvrtc.so.13");
    }

    @Test
    void theRewriterHashAgreesWithTheTestFormula() {
        for (String name : List.of("libcublas.so.13", "GLIBC_2.2.5", "CXXABI_1.3.9", "a", "")) {
            assertEquals(elfHash(name), Integer.toUnsignedLong(ElfNeededRewriter.elfHash(name)), name);
        }
    }

    @Test
    void refusesNamesOfDifferentLengthsAndFilesThatDoNotNeedTheName() throws IOException {
        byte[] elf = resource(CUBLAS_NATIVE);
        assertThrows(IllegalArgumentException.class,
                () -> ElfNeededRewriter.rewrite(elf, "libcublas.so.12", "libcublas.so.130"));
        assertThrows(IllegalArgumentException.class,
                () -> ElfNeededRewriter.rewrite(elf, "libcudnn.so.8", "libcudnn.so.9"));
        assertThrows(IllegalArgumentException.class,
                () -> ElfNeededRewriter.rewrite(new byte[100], "libcublas.so.12", "libcublas.so.13"));
    }

    private static void assertRewritten(byte[] original, String from, String to) {
        Elf before = Elf.parse(original);
        assertTrue(before.needed.contains(from), before.needed::toString);
        assertTrue(before.versionFiles.contains(from), before.versionFiles::toString);

        byte[] rewritten = ElfNeededRewriter.rewrite(original, from, to);
        Elf after = Elf.parse(rewritten);
        assertEquals(original.length, rewritten.length);
        List<String> expectedNeeded = before.needed.stream().map(n -> n.equals(from) ? to : n).toList();
        assertEquals(expectedNeeded, after.needed);
        assertFalse(after.versionFiles.contains(from));
        assertTrue(after.versionFiles.contains(to));
        assertFalse(after.versionNames.containsKey(from));
        assertEquals(elfHash(to), after.versionNames.get(to));
        before.versionNames.forEach((name, hash) -> {
            if (!name.equals(from)) {
                assertEquals(hash, after.versionNames.get(name), name);
            }
        });
        assertOnlyDynstrChanged(original, rewritten, before, after);
    }

    /** Outside .dynstr, only the 4-byte vna_hash words may differ. */
    private static void assertOnlyDynstrChanged(byte[] original, byte[] rewritten, Elf before, Elf after) {
        int changedOutside = 0;
        for (int i = 0; i < original.length; i++) {
            boolean inStrings = i >= before.dynstrOffset && i < before.dynstrOffset + before.dynstrSize;
            if (!inStrings && original[i] != rewritten[i]) {
                changedOutside++;
            }
        }
        assertTrue(changedOutside <= 4, changedOutside + " bytes changed outside .dynstr");
        byte[] head = java.util.Arrays.copyOf(original, 64);
        assertArrayEquals(head, java.util.Arrays.copyOf(rewritten, 64));
        assertEquals(before.dynstrOffset, after.dynstrOffset);
    }

    /** The System V ELF hash, written here from the gABI's C code, independently of the class under test. */
    static long elfHash(String name) {
        long h = 0;
        for (char c : name.toCharArray()) {
            h = ((h << 4) + c) & 0xffffffffL;
            long high = h & 0xf0000000L;
            if (high != 0) {
                h ^= high >> 24;
            }
            h &= ~high & 0xffffffffL;
        }
        return h;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ElfNeededRewriterTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the test class path (jcuda natives jars)");
            }
            return in.readAllBytes();
        }
    }

    /** Needed libraries, version-need files and names (with their stored hashes), found by section NAME. */
    private record Elf(List<String> needed, List<String> versionFiles, Map<String, Long> versionNames,
                       int dynstrOffset, int dynstrSize) {
        static Elf parse(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int shoff = (int) b.getLong(40);
            int shnum = b.getShort(60) & 0xffff;
            int shstrndx = b.getShort(62) & 0xffff;
            int names = (int) b.getLong(shoff + shstrndx * 64 + 24);
            Map<String, int[]> sections = new HashMap<>();
            for (int i = 0; i < shnum; i++) {
                int h = shoff + i * 64;
                sections.put(cString(bytes, names + b.getInt(h)),
                        new int[] {(int) b.getLong(h + 24), (int) b.getLong(h + 32), b.getInt(h + 44)});
            }
            int[] dynstr = sections.get(".dynstr");
            int[] dynamic = sections.get(".dynamic");
            int[] verneed = sections.get(".gnu.version_r");
            List<String> needed = new ArrayList<>();
            for (int e = dynamic[0]; e < dynamic[0] + dynamic[1]; e += 16) {
                if (b.getLong(e) == 1) {
                    needed.add(cString(bytes, dynstr[0] + (int) b.getLong(e + 8)));
                }
            }
            List<String> files = new ArrayList<>();
            Map<String, Long> versions = new HashMap<>();
            int entry = verneed[0];
            for (int n = 0; n < verneed[2]; n++) {
                files.add(cString(bytes, dynstr[0] + b.getInt(entry + 4)));
                int aux = entry + b.getInt(entry + 8);
                for (int a = 0; a < (b.getShort(entry + 2) & 0xffff); a++) {
                    versions.put(cString(bytes, dynstr[0] + b.getInt(aux + 8)), b.getInt(aux) & 0xffffffffL);
                    aux += b.getInt(aux + 12);
                }
                entry += b.getInt(entry + 12);
            }
            return new Elf(needed, files, versions, dynstr[0], dynstr[1]);
        }

        private static String cString(byte[] bytes, int at) {
            int end = at;
            while (bytes[end] != 0) {
                end++;
            }
            return new String(bytes, at, end - at, StandardCharsets.US_ASCII);
        }
    }
}
