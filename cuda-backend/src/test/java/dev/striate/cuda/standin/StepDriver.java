package dev.striate.cuda.standin;

import dev.striate.cuda.nvrtc.NvrtcStandInTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The driver and NVRTC stand-ins of {@link TrainingStepStandInTest}, built with gcc from NVIDIA's documented C
 * signatures. They compute nothing: each appends what it was asked to the file named by {@code STANDIN_LOG} and
 * returns success where the real library would.
 */
final class StepDriver {
    /**
     * Appended to {@link StandIns#HOST_DRIVER}: modules named by the stand-in NVRTC's image ({@code name.cu|length|}
     * then {@code bf16|} for the bf16 variant, and {@code nhwc|} after it for its channels-last one), functions, and
     * launches logged as {@code launch <source>[ bf16| bf16-nhwc] <kernel> <grid> <block> <argument kinds>}. A launch's
     * arguments are read as many as {@code STANDIN_SIGNATURES} lists for the kernel (from its {@code .cu} signature);
     * each is a pointer into a Java array pinned by JCuda, whose type the word 8 bytes before the data tells (the
     * array's class, learned from a calibration launch of a long, an int, a float and a double): L (long[]), I, F or D,
     * or ? when it is none of them; a long given for a pointer parameter is P when it lies in live device memory, X
     * when not, 0 when null. The driver keeps its live allocations, so copies and fills outside them fail, and cuDNN
     * and cuBLAS (linked to it) check their data pointers with {@code standin_inside}.
     */
    static final String DRIVER = """
            #include <stdint.h>
            static FILE *standin_log(void) {
                static FILE *log;
                if (log == NULL) { log = fopen(getenv("STANDIN_LOG"), "a"); setvbuf(log, NULL, _IONBF, 0); }
                return log;
            }
            typedef struct { unsigned long long start; size_t bytes; } allocation;
            static allocation live[4096];
            static int live_count;
            void standin_allocated(unsigned long long start, size_t bytes) {
                if (live_count < 4096) live[live_count++] = (allocation) {start, bytes};
                fprintf(standin_log(), "driver alloc %zu\\n", bytes);
            }
            void standin_freed(unsigned long long start, size_t bytes) {
                for (int i = 0; i < live_count; i++) if (live[i].start == start) live[i] = live[--live_count];
                fprintf(standin_log(), "driver free %zu\\n", bytes);
            }
            /* Whether [address, address + bytes) lies in one live allocation: device memory a library may touch. */
            int standin_inside(unsigned long long address, size_t bytes) {
                for (int i = 0; i < live_count; i++) {
                    if (address >= live[i].start && address + bytes <= live[i].start + live[i].bytes) return 1;
                }
                return 0;
            }
            /* The context each thread made current: the driver, cuDNN and cuBLAS act on the calling thread's. */
            static __thread int context_current;
            void standin_set_current(int current) { context_current = current; }
            int standin_current(void) {
                if (!context_current) fprintf(standin_log(), "driver call on a thread without a current context\\n");
                return context_current;
            }
            void standin_note(const char *line) { fprintf(standin_log(), "%s\\n", line); }
            void standin_copied(size_t bytes, int to_device) {
                fprintf(standin_log(), "driver copy %zu bytes to the %s\\n", bytes, to_device ? "device" : "host");
            }
            typedef struct { char name[64]; int bf16; int nhwc; } module;
            /* How the log names a module's variant: nothing for float, " bf16", or " bf16-nhwc". */
            static const char *variant(const module *m) { return m->nhwc ? " bf16-nhwc" : m->bf16 ? " bf16" : ""; }
            typedef struct { module *module; char name[96]; char kinds[64]; } function;
            static unsigned int array_class[4]; /* long[], int[], float[], double[] */
            static const char kinds[] = "LIFD";
            int cuModuleLoadData(void **loaded, const void *image) {
                if (!standin_current()) return 201;
                module *m = calloc(1, sizeof(module));
                const char *text = image, *bar = strchr(text, '|');
                size_t length = bar == NULL ? strlen(text) : (size_t) (bar - text);
                if (length >= sizeof m->name) return 200;
                memcpy(m->name, text, length);
                if (bar != NULL) {
                    const char *second = strchr(bar + 1, '|');
                    m->bf16 = second != NULL && strncmp(second + 1, "bf16|", 5) == 0;
                    m->nhwc = m->bf16 && strncmp(second + 6, "nhwc|", 5) == 0;
                }
                fprintf(standin_log(), "driver load %s%s\\n", m->name, variant(m));
                *loaded = m;
                return 0;
            }
            int cuModuleUnload(void *loaded) {
                if (!standin_current()) return 201;
                fprintf(standin_log(), "driver unload %s\\n", ((module *) loaded)->name);
                free(loaded);
                return 0;
            }
            /* The kinds of the kernel's parameters from its .cu signature (P pointer, L long long, I, F, D). */
            static int signature(const char *source, const char *kernel, char *kinds) {
                FILE *table = fopen(getenv("STANDIN_SIGNATURES"), "r");
                char key[200], wanted[200], found[64];
                int known = 0;
                snprintf(wanted, sizeof wanted, "%s/%s", source, kernel);
                while (table != NULL && fscanf(table, "%199s %63s", key, found) == 2) {
                    if (strcmp(key, wanted) == 0) { strcpy(kinds, found); known = 1; }
                }
                if (table != NULL) fclose(table);
                return known;
            }
            int cuModuleGetFunction(void **out, void *loaded, const char *name) {
                if (!standin_current()) return 201;
                function *f = calloc(1, sizeof(function));
                f->module = loaded;
                snprintf(f->name, sizeof f->name, "%s", name);
                if (strcmp(name, "calibrate") == 0) strcpy(f->kinds, "LIFD");
                else if (!signature(f->module->name, name, f->kinds)) return 500;
                fprintf(standin_log(), "driver function %s%s %s\\n", f->module->name, variant(f->module), name);
                *out = f;
                return 0;
            }
            static unsigned int class_word(void *value) { return *(unsigned int *) ((char *) value - 8); }
            int cuLaunchKernel(void *called, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                               unsigned int by, unsigned int bz, unsigned int shared, void *stream, void **parameters,
                               void **extra) {
                function *f = called;
                if (!standin_current()) return 201;
                if (stream != &stream_token || extra != NULL || gx < 1 || bx < 1 || bx > 1024) return 400;
                if (strcmp(f->name, "calibrate") == 0) {
                    for (int i = 0; i < 4; i++) array_class[i] = class_word(parameters[i]);
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < i; j++) {
                            if (array_class[i] == array_class[j]) {
                                fprintf(standin_log(), "driver cannot tell the Java array types apart\\n");
                                return 1;
                            }
                        }
                    }
                    return 0;
                }
                char line[512];
                int at = snprintf(line, sizeof line, "launch %s%s %s %u %u ", f->module->name, variant(f->module),
                                  f->name, gx, bx);
                for (int i = 0; f->kinds[i] != 0; i++) {
                    char kind = '?';
                    for (int k = 0; k < 4; k++) if (class_word(parameters[i]) == array_class[k]) kind = kinds[k];
                    /* A pointer parameter given a long: P when it is an address in live device memory. */
                    if (f->kinds[i] == 'P' && kind == 'L') {
                        unsigned long long address = *(unsigned long long *) parameters[i];
                        kind = address == 0 ? '0' : standin_inside(address, 1) ? 'P' : 'X';
                    }
                    line[at++] = kind;
                }
                line[at] = 0;
                fprintf(standin_log(), "%s\\n", line);
                return 0;
            }
            """;

    private StepDriver() {
    }

    /**
     * {@link NvrtcStandInTest#NVRTC} logging each compilation as {@code nvrtc compile <program name>}, its image
     * naming a channels-last variant ({@code layout.cuh} after {@code #define STRIATE_NHWC}) with {@code nhwc|}.
     */
    static String nvrtc() {
        String compile = "int nvrtcCompileProgram(program *p, int count, const char *const *options) {";
        String bf16 = "if (strstr(p->source, \"#define STRIATE_BF16\") != NULL) strcat(p->image, \"bf16|\");";
        if (!NvrtcStandInTest.NVRTC.contains(compile) || !NvrtcStandInTest.NVRTC.contains(bf16)) {
            throw new IllegalStateException("NvrtcStandInTest.NVRTC changed: no " + compile + " or no " + bf16);
        }
        return NvrtcStandInTest.NVRTC.replace(compile, compile + """

                    FILE *log = fopen(getenv("STANDIN_LOG"), "a");
                    fprintf(log, "nvrtc compile %s\\n", p->name);
                    fclose(log);""").replace(bf16, bf16 + """

                    if (strstr(p->source, "#define STRIATE_NHWC") != NULL) strcat(p->image, "nhwc|");""");
    }

    /**
     * {@link StandIns#HOST_DRIVER} with zeroed memory whose allocations, frees, copies and host waits are logged and
     * whose copies and fills must stay inside live allocations, then {@link #DRIVER}.
     */
    static String driver() {
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put("size_t *block = malloc(bytes + 16);", "size_t *block = calloc(1, bytes + 16);");
        changes.put("*pointer = (CUdeviceptr) (block + 2);",
                "*pointer = (CUdeviceptr) (block + 2);\n    standin_allocated(*pointer, bytes);");
        changes.put("used -= block[0];", "used -= block[0];\n    standin_freed(pointer, block[0]);");
        changes.put("int cuStreamSynchronize(void *stream) {",
                "int cuStreamSynchronize(void *stream) { standin_note(\"driver host waits for the stream\");");
        changes.put("int cuEventSynchronize(void *event) {",
                "int cuEventSynchronize(void *event) { standin_note(\"driver host waits for an event\");");
        changes.put("memset((void *) to, value, n);",
                "if (!standin_inside(to, n)) return 1;\n    memset((void *) to, value, n);");
        changes.put("for (size_t i = 0; i < n; i++) ((unsigned short *) to)[i] = value;",
                "if (!standin_inside(to, 2 * n)) return 1;\n"
                        + "    for (size_t i = 0; i < n; i++) ((unsigned short *) to)[i] = value;");
        changes.put("for (size_t i = 0; i < n; i++) ((unsigned int *) to)[i] = value;",
                "if (!standin_inside(to, 4 * n)) return 1;\n"
                        + "    for (size_t i = 0; i < n; i++) ((unsigned int *) to)[i] = value;");
        changes.put("memcpy((void *) to, from, n);",
                "if (!standin_inside(to, n)) return 1;\n    memcpy((void *) to, from, n);\n    standin_copied(n, 1);");
        changes.put("memcpy(to, (const void *) from, n);",
                "if (!standin_inside(from, n)) return 1;\n    memcpy(to, (const void *) from, n);\n"
                        + "    standin_copied(n, 0);");
        changes.put("int cuCtxSetCurrent(void *context) {",
                "int cuCtxSetCurrent(void *context) { standin_set_current(context == &context_token);");
        String driver = StandIns.HOST_DRIVER;
        for (Map.Entry<String, String> change : changes.entrySet()) {
            if (!driver.contains(change.getKey())) {
                throw new IllegalStateException("StandIns.HOST_DRIVER changed: no " + change.getKey());
            }
            driver = driver.replace(change.getKey(), change.getValue());
        }
        // Every call that acts on the current context fails (CUDA_ERROR_INVALID_CONTEXT) on a thread without one.
        String checked = "$1 if (!standin_current()) return 201;";
        driver = Pattern.compile("(int (cuMem(Alloc|Free|GetInfo|set|cpy|HostRegister|HostUnregister)\\w*"
                + "|cuEventRecord|cuStreamSynchronize)\\([^)]*\\)[^{]*\\{)").matcher(driver).replaceAll(checked);
        if (driver.split("return 201;", -1).length < 13) {
            throw new IllegalStateException("StandIns.HOST_DRIVER changed: its calls can no longer be checked");
        }
        return """
                #include <stddef.h>
                void standin_allocated(unsigned long long start, size_t bytes);
                void standin_freed(unsigned long long start, size_t bytes);
                int standin_inside(unsigned long long address, size_t bytes);
                void standin_note(const char *line);
                void standin_set_current(int current);
                int standin_current(void);
                void standin_copied(size_t bytes, int to_device);
                """ + driver + DRIVER;
    }
}
