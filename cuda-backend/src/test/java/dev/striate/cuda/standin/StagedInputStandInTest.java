package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's staged inputs and one-wait reads through JCuda's real driver native, against a stand-in
 * {@code libcuda.so.1} that logs how work is ordered between its two streams and the host ({@link CopyStreamDriver}):
 * each loader segment is registered once (again only when a longer batch at the same address needs more), copied on
 * the copy stream after the event that frees its buffer, and waited for by the compute stream at the next forward and
 * by the host only before the loader refills it; several results are copied to registered memory and waited for once.
 */
class StagedInputStandInTest {
    @TempDir
    Path folder;

    @Test
    void theNextBatchIsCopiedOnTheCopyStreamAndOrderedWithTheComputeByEvents() throws IOException,
            InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libcuda.so.1 cannot be built");
        Path lib = folder.resolve("lib");
        StandIns.build(lib, "libcuda.so.1", CopyStreamDriver.SOURCE, null);
        for (String name : List.of("libcublas.so.13", "libnvrtc.so.13", "libcudnn.so.9")) {
            Files.writeString(lib.resolve(name), "");
        }
        Path log = folder.resolve("driver.log");
        StandIns.java(Map.of("LD_LIBRARY_PATH", lib.toString(), "XDG_CACHE_HOME", folder.resolve("cache").toString(),
                "STANDIN_LOG", log.toString()), List.of(), StagedInputProbe.class);
        List<String> lines = named(Files.readAllLines(log));
        int closing = lines.indexOf("# close the backend");
        assertEquals(List.of(
                "# made images [4]",
                "record e1 on compute",
                "# a heap segment is refused: a staged batch must be off the Java heap, as a Batch's images are;"
                        + " feed heap memory instead",
                "# stage A",
                "register A, 16 bytes",
                "copy waits for e1",
                "copy 16 bytes to the device from A on copy",
                "record e2 on copy",
                "# forward",
                "record e1 on compute",
                "compute waits for e2",
                "copy 16 bytes to the host at elsewhere on compute",
                "synchronize compute",
                "# read [1.0, 2.0, 3.0, 4.0]",
                "# stage B",
                "register B, 16 bytes",
                "copy waits for e1",
                "copy 16 bytes to the device from B on copy",
                "record e2 on copy",
                "# host waits before the loader refills B",
                "host waits for e2",
                "# forward",
                "record e1 on compute",
                "compute waits for e2",
                "# stage A again",
                "copy waits for e1",
                "copy 16 bytes to the device from A on copy",
                "record e2 on copy",
                "# forward",
                "record e1 on compute",
                "compute waits for e2",
                "copy 16 bytes to the host at elsewhere on compute",
                "synchronize compute",
                "# read [1.0, 2.0, 3.0, 4.0]",
                "# forward with nothing staged: false",
                "# stage B, then feed instead",
                "copy waits for e1",
                "copy 16 bytes to the device from B on copy",
                "record e2 on copy",
                "# forward after a discarded stage: false",
                "# a partial batch: C's first 2 images, then the whole of C",
                "record e3 on compute",
                "register C, 8 bytes",
                "copy waits for e3",
                "copy 8 bytes to the device from C on copy",
                "record e4 on copy",
                "synchronize compute",
                "synchronize copy",
                "unregister C",
                "register C, 16 bytes",
                "copy waits for e1",
                "copy 16 bytes to the device from C on copy",
                "record e2 on copy",
                "record e1 on compute",
                "compute waits for e2",
                "copy 16 bytes to the host at elsewhere on compute",
                "synchronize compute",
                "# read [9.0, 10.0, 11.0, 12.0]",
                "# labels [3]",
                "record e5 on compute",
                "register elsewhere, 4096 bytes",
                "copy waits for e5",
                "copy 12 bytes to the device from elsewhere on copy",
                "record e6 on copy",
                "record e5 on compute",
                "compute waits for e6",
                "# one wait for three results",
                "copy 8 bytes to the device from elsewhere on compute",
                "register elsewhere, 4096 bytes",
                "copy 8 bytes to the host at elsewhere on compute",
                "copy 12 bytes to the host at elsewhere on compute",
                "copy 16 bytes to the host at elsewhere on compute",
                "synchronize compute",
                "# read [[0.75], [4.0, 0.0, 2.0], [9.0, 10.0, 11.0, 12.0]]",
                "# close the inputs",
                "host waits for e6",
                "synchronize compute",
                "synchronize copy",
                "unregister elsewhere",
                "destroy e5",
                "destroy e6",
                "host waits for e4",
                "destroy e3",
                "destroy e4",
                "host waits for e2",
                "destroy e1",
                "destroy e2",
                "# the loader frees A, B and C before the backend closes"), lines.subList(3, closing));
        // At close the readback memory, then A, B and C, freed by the loader already but still pinned by the driver.
        List<String> unregistered = lines.subList(closing, lines.size()).stream()
                .filter(line -> line.startsWith("unregister")).toList();
        assertEquals(4, unregistered.size(), unregistered::toString);
        assertEquals("unregister elsewhere", unregistered.getFirst());
        assertEquals(Set.of("unregister A", "unregister B", "unregister C"), Set.copyOf(unregistered.subList(1, 4)));
        assertEquals("# closed", lines.getLast());
    }

    /** The log with the probe's segments named A, B, C (as its first lines say) and other host addresses "elsewhere". */
    private static List<String> named(List<String> lines) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String line : lines.subList(0, 3)) {
            String[] parts = line.substring(2).split(" = ");
            names.put(parts[1], parts[0]);
        }
        return lines.stream().map(line -> {
            String named = line;
            for (Map.Entry<String, String> name : names.entrySet()) {
                named = named.replace(name.getKey(), name.getValue());
            }
            return named.replaceAll("0x[0-9a-f]+", "elsewhere");
        }).toList();
    }
}
