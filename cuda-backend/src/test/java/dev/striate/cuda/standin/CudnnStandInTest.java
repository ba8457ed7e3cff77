package dev.striate.cuda.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cuDNN opened from a folder that is on no search path, as pip puts it: its sub-library {@code libcudnn_ops.so.9}
 * needs {@code libcudnn_graph.so.9}, which the loader finds only because the graph library was opened first by its
 * full path, as are the sub-libraries cuDNN only {@code dlopen}s; then the handle is created, bound to the stream,
 * and a failed status is named by {@code cudnnGetErrorString}. Stand-ins built with gcc from cuDNN's documented C signatures.
 */
class CudnnStandInTest {
    private static final String CUDNN = """
            #include <dlfcn.h>
            #include <stddef.h>
            long graph_value(void);
            long ops_value(void);
            static int handle_token;
            static void *bound_stream;
            size_t cudnnGetVersion(void) { return 91900; }
            int cudnnCreate(void **handle) { *handle = &handle_token; return 0; }
            int cudnnSetStream(void *handle, void *stream) {
                bound_stream = stream;
                return handle == &handle_token && stream == (void *) 0x5eed ? 0 : 3;
            }
            int cudnnDestroy(void *handle) { return 0; }
            const char *cudnnGetErrorString(int status) {
                return status == 3 ? "CUDNN_STATUS_BAD_PARAM" : status == 4 ? "CUDNN_STATUS_INTERNAL_ERROR" : "?";
            }
            long graph_sum(void) { return graph_value() + ops_value(); }
            long sub_libraries_found(void) {
                return (dlopen("libcudnn_engines_tensor_ir.so.9", RTLD_NOW) != NULL)
                        + (dlopen("libcudnn_ext.so.9", RTLD_NOW) != NULL);
            }
            """;

    @TempDir
    Path folder;

    private String probe(String stream) throws IOException, InterruptedException {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in cuDNN cannot be built");
        Path lib = folder.resolve("site-packages/nvidia/cudnn/lib");
        StandIns.build(lib, "libcudnn_graph.so.9", "long graph_value(void) { return 40; }", null);
        StandIns.build(lib, "libcudnn_ops.so.9", "long graph_value(void);\nlong ops_value(void) { return 2; }", null,
                "libcudnn_graph.so.9");
        // Loaded by cuDNN itself with dlopen by soname (the tensor IR engines by the graph library), never linked.
        StandIns.build(lib, "libcudnn_engines_tensor_ir.so.9", "long graph_value(void);\n"
                + "long tensor_ir_value(void) { return graph_value(); }", null, "libcudnn_graph.so.9");
        StandIns.build(lib, "libcudnn_ext.so.9", "long ext_value(void) { return 1; }", null);
        Path cudnn = StandIns.build(lib, "libcudnn.so.9", CUDNN, null, "libcudnn_ops.so.9", "libcudnn_graph.so.9");
        return StandIns.java(Map.of(), List.of(), CudnnProbe.class, cudnn.toString(), stream);
    }

    @Test
    void opensSubLibrariesFirstBindsTheStreamAndNamesFailures() throws IOException, InterruptedException {
        List<String> lines = probe("0x5eed").lines().toList();
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("version 91900, handle 0x"), lines.get(0));
        assertEquals("sum 42", lines.get(1));
        // Both sub-libraries that cuDNN opens by soname, from a folder on no search path: opened first by full path.
        assertEquals("sub-libraries found 2", lines.get(2));
        assertEquals("cudnnConvolutionForward failed: CUDNN_STATUS_INTERNAL_ERROR (status 4, cuDNN 9.19.0)",
                lines.get(3));
    }

    @Test
    void aStreamCuDnnRejectsIsNamed() throws IOException, InterruptedException {
        assertEquals(List.of("cudnnSetStream failed: CUDNN_STATUS_BAD_PARAM (status 3, cuDNN 9.19.0)"),
                probe("0x1").lines().toList());
    }
}
