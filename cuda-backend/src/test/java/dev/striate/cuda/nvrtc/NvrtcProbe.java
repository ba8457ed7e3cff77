package dev.striate.cuda.nvrtc;

import dev.striate.cuda.natives.NativeLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Run in its own JVM by {@link NvrtcStandInTest}: drives {@link Nvrtc} over the library named and prints results. */
public final class NvrtcProbe {
    private NvrtcProbe() {
    }

    public static void main(String[] args) {
        Nvrtc nvrtc = new Nvrtc(NativeLibrary.open(Path.of(args[0])));
        System.out.println("version " + nvrtc.version());
        System.out.println("9.0 -> " + nvrtc.target(9, 0));
        System.out.println("12.0 -> " + nvrtc.target(12, 0));
        Nvrtc.Target sm90 = nvrtc.target(9, 0);
        System.out.println("cubin " + new String(nvrtc.compile("good.cu", "extern \"C\" __global__ void f() {}", sm90),
                StandardCharsets.US_ASCII));
        byte[] ptx = nvrtc.compile("good.cu", "extern", nvrtc.target(12, 0));
        System.out.println("ptx " + new String(ptx, StandardCharsets.US_ASCII).replace("\0", "<NUL>"));
        try {
            nvrtc.compile("bad.cu", "#error no", sm90);
        } catch (IllegalStateException e) {
            System.out.println("error " + e.getMessage());
        }
    }
}
