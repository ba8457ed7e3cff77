package dev.striate.cuda.natives;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Renames a needed shared library inside a 64-bit little-endian ELF file, as auditwheel and patchelf do for wheels:
 * every {@code DT_NEEDED} entry and every version-need file and version name ({@code .gnu.version_r}) that spells
 * {@code from} is rewritten to {@code to} in place in {@code .dynstr}, and each version-need entry renamed gets
 * {@code vna_hash} = the ELF hash of the new name, which the dynamic loader compares when it binds versioned
 * symbols. The names must have the same length, so no section moves. This lets JCuda 12.6.0's natives, built against
 * {@code libcublas.so.12}, bind to {@code libcublas.so.13}, whose symbols carry the version {@code libcublas.so.13}.
 */
public final class ElfNeededRewriter {
    private static final int SHT_DYNAMIC = 6;
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;

    private ElfNeededRewriter() {
    }

    /** A rewritten copy of {@code elf}; throws {@link IllegalArgumentException} naming what does not fit. */
    public static byte[] rewrite(byte[] elf, String from, String to) {
        byte[] fromBytes = from.getBytes(StandardCharsets.US_ASCII);
        byte[] toBytes = to.getBytes(StandardCharsets.US_ASCII);
        if (fromBytes.length != toBytes.length) {
            throw new IllegalArgumentException("cannot rename " + from + " to " + to + ": the names differ in length");
        }
        byte[] out = elf.clone();
        ByteBuffer buffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        requireElf64LittleEndian(out);
        long sectionTable = buffer.getLong(0x28);
        int sectionSize = Short.toUnsignedInt(buffer.getShort(0x3A));
        int sections = Short.toUnsignedInt(buffer.getShort(0x3C));
        int renamed = 0;
        for (int i = 0; i < sections; i++) {
            int header = Math.toIntExact(sectionTable + (long) i * sectionSize);
            int type = buffer.getInt(header + 4);
            if (type != SHT_DYNAMIC && type != SHT_GNU_VERNEED) {
                continue;
            }
            int offset = Math.toIntExact(buffer.getLong(header + 24));
            int size = Math.toIntExact(buffer.getLong(header + 32));
            int stringSection = buffer.getInt(header + 40);
            int strings = Math.toIntExact(buffer.getLong(
                    Math.toIntExact(sectionTable + (long) stringSection * sectionSize) + 24));
            if (type == SHT_DYNAMIC) {
                renamed += renameNeeded(buffer, offset, size, strings, fromBytes, toBytes);
            } else {
                renamed += renameVersionNeeds(buffer, offset, strings, fromBytes, toBytes);
            }
        }
        if (renamed == 0) {
            throw new IllegalArgumentException("the ELF file does not need " + from);
        }
        return out;
    }

    /** The System V ELF hash ({@code elf_hash} of the gABI), as stored in {@code vna_hash}. */
    public static int elfHash(String name) {
        long h = 0;
        for (byte b : name.getBytes(StandardCharsets.US_ASCII)) {
            h = (h << 4) + (b & 0xff);
            long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g & 0xffffffffL;
        }
        return (int) h;
    }

    private static void requireElf64LittleEndian(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1) {
            throw new IllegalArgumentException("not a 64-bit little-endian ELF file");
        }
    }

    private static int renameNeeded(ByteBuffer buffer, int offset, int size, int strings, byte[] from, byte[] to) {
        int renamed = 0;
        for (int entry = offset; entry + 16 <= offset + size; entry += 16) {
            long tag = buffer.getLong(entry);
            if (tag == DT_NULL) {
                break;
            }
            if (tag == DT_NEEDED && renameString(buffer, strings + Math.toIntExact(buffer.getLong(entry + 8)), from, to)) {
                renamed++;
            }
        }
        return renamed;
    }

    /** Verneed entries: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32; vernaux: vna_hash u32,
     * vna_flags u16, vna_other u16, vna_name u32, vna_next u32. */
    private static int renameVersionNeeds(ByteBuffer buffer, int offset, int strings, byte[] from, byte[] to) {
        int renamed = 0;
        int need = offset;
        while (true) {
            int count = Short.toUnsignedInt(buffer.getShort(need + 2));
            if (renameString(buffer, strings + buffer.getInt(need + 4), from, to)) {
                renamed++;
            }
            int aux = need + buffer.getInt(need + 8);
            for (int j = 0; j < count; j++) {
                int name = strings + buffer.getInt(aux + 8);
                if (renameString(buffer, name, from, to) || equalsAt(buffer, name, to)) {
                    buffer.putInt(aux, elfHash(new String(to, StandardCharsets.US_ASCII)));
                    renamed++;
                }
                int next = buffer.getInt(aux + 12);
                if (next == 0) {
                    break;
                }
                aux += next;
            }
            int next = buffer.getInt(need + 12);
            if (next == 0) {
                return renamed;
            }
            need += next;
        }
    }

    /** Rewrites the NUL-terminated string at {@code at} when it is exactly {@code from}. */
    private static boolean renameString(ByteBuffer buffer, int at, byte[] from, byte[] to) {
        if (!equalsAt(buffer, at, from)) {
            return false;
        }
        if (at > 0 && buffer.get(at - 1) != 0) {
            // The name is the tail of a longer string (tail merging): renaming it would rename that string too.
            throw new IllegalArgumentException("the name " + new String(from, StandardCharsets.US_ASCII)
                    + " shares its bytes with another string of the ELF file");
        }
        buffer.put(at, to);
        return true;
    }

    private static boolean equalsAt(ByteBuffer buffer, int at, byte[] name) {
        if (at + name.length >= buffer.limit()) {
            return false;
        }
        byte[] found = new byte[name.length];
        buffer.get(at, found);
        return Arrays.equals(found, name) && buffer.get(at + name.length) == 0;
    }
}
