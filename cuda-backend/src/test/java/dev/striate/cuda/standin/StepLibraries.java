package dev.striate.cuda.standin;

import dev.striate.cuda.nvrtc.NvrtcStandInTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Stand-in libraries for {@link TrainingStepStandInTest}, built with gcc from NVIDIA's documented C signatures. They
 * compute nothing: each appends what it was asked to the file named by {@code STANDIN_LOG} and returns success.
 */
final class StepLibraries {
    /**
     * Appended to {@link StandIns#HOST_DRIVER}: modules named by the stand-in NVRTC's image ({@code name.cu|length|}
     * then {@code bf16|} for the bf16 variant), functions, and launches logged as
     * {@code launch <source>[ bf16] <kernel> <grid> <block> <argument kinds>}. A launch's arguments are read as many
     * as {@code STANDIN_SIGNATURES} lists for the kernel (from its {@code .cu} signature); each is a pointer into a
     * Java array pinned by JCuda, whose type the word 8 bytes before the data tells (the array's class, learned from
     * a calibration launch of a long, an int, a float and a double): L (long[]), I, F or D, or ? when it is none of
     * them; a long given for a pointer parameter is P when it lies in live device memory, X when not, 0 when null.
     * The driver keeps its live allocations, so copies and fills outside them fail, and cuDNN and cuBLAS (linked to
     * it) check their data pointers with {@code standin_inside}.
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
            typedef struct { char name[64]; int bf16; } module;
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
                }
                fprintf(standin_log(), "driver load %s%s\\n", m->name, m->bf16 ? " bf16" : "");
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
                fprintf(standin_log(), "driver function %s%s %s\\n", f->module->name, f->module->bf16 ? " bf16" : "",
                        name);
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
                    return 0;
                }
                char line[512];
                int at = snprintf(line, sizeof line, "launch %s%s %s %u %u ", f->module->name,
                                  f->module->bf16 ? " bf16" : "", f->name, gx, bx);
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

    /**
     * cuDNN: bound to the backend's stream; descriptors keep their data type and element count, and a call's data
     * must lie whole in live device memory (in its descriptor's type: float 4 bytes, bf16 2); Find returns one
     * algorithm with a 4 KiB workspace.
     */
    static final String CUDNN = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static FILE *standin_log(void) {
                static FILE *log;
                if (log == NULL) { log = fopen(getenv("STANDIN_LOG"), "a"); setvbuf(log, NULL, _IONBF, 0); }
                return log;
            }
            typedef struct { int data_type; long long elements; } descriptor;
            static int handle_token;
            size_t cudnnGetVersion(void) { return 91900; }
            const char *cudnnGetErrorString(int status) { return "CUDNN_STATUS_STAND_IN"; }
            int standin_current(void);
            int cudnnCreate(void **handle) { *handle = &handle_token; return standin_current() ? 0 : 4; }
            /* The driver's cuStreamWaitEvent fails on any stream but the one it created: the backend's. */
            int cuStreamWaitEvent(void *stream, void *event, unsigned int flags);
            int cudnnSetStream(void *handle, void *stream) {
                return handle == &handle_token && cuStreamWaitEvent(stream, NULL, 0) == 0 ? 0 : 3;
            }
            int cudnnDestroy(void *handle) { fprintf(standin_log(), "cudnn destroy\\n"); return 0; }
            static int create(void **d, const char *kind) {
                *d = calloc(1, sizeof(descriptor));
                fprintf(standin_log(), "cudnn create %s\\n", kind);
                return 0;
            }
            static int destroy(void *d, const char *kind) {
                free(d);
                fprintf(standin_log(), "cudnn destroy %s\\n", kind);
                return 0;
            }
            #define DESCRIPTOR(kind) \\
                int cudnnCreate##kind##Descriptor(void **d) { return create(d, #kind); } \\
                int cudnnDestroy##kind##Descriptor(void *d) { return destroy(d, #kind); }
            DESCRIPTOR(Tensor)
            DESCRIPTOR(Filter)
            DESCRIPTOR(Convolution)
            DESCRIPTOR(Activation)
            int cudnnSetTensor4dDescriptor(descriptor *d, int format, int type, int n, int c, int h, int w) {
                d->data_type = type;
                d->elements = (long long) n * c * h * w;
                return type == 0 || type == 9 ? 0 : 3;
            }
            int cudnnSetFilter4dDescriptor(descriptor *d, int type, int format, int k, int c, int h, int w) {
                d->data_type = type;
                d->elements = (long long) k * c * h * w;
                return type == 0 || type == 9 ? 0 : 3;
            }
            int cudnnSetConvolution2dDescriptor(descriptor *d, int ph, int pw, int sh, int sw, int dh, int dw,
                                                int mode, int type) {
                d->data_type = type;
                return 0;
            }
            int cudnnSetConvolutionGroupCount(void *d, int groups) { return 0; }
            int cudnnSetConvolutionMathType(void *d, int math) {
                fprintf(standin_log(), "cudnn math type %d\\n", math);
                return 0;
            }
            int cudnnSetActivationDescriptor(void *d, int mode, int nan, double coefficient) { return 0; }
            /* cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: algo, status, time, memory, determinism, mathType. */
            static int find(const char *name, descriptor *a, descriptor *b, descriptor *conv, descriptor *result,
                            int requested, int *returned, char *perf) {
                fprintf(standin_log(), "cudnn %s %d %d %d %d\\n", name, a->data_type, b->data_type,
                        conv->data_type, result->data_type);
                if (!standin_current()) return 4;
                memset(perf, 0, 48);
                *(int *) perf = 1;
                *(float *) (perf + 8) = 0.5f;
                *(size_t *) (perf + 16) = 4096;
                *returned = 1;
                return requested >= 1 ? 0 : 3;
            }
            #define FIND(direction) \\
                int cudnnFindConvolution##direction##Algorithm(void *h, descriptor *a, descriptor *b, \\
                        descriptor *conv, descriptor *result, int requested, int *returned, char *perf) { \\
                    return find("Find" #direction, a, b, conv, result, requested, returned, perf); \\
                }
            FIND(Forward)
            FIND(BackwardData)
            FIND(BackwardFilter)
            int standin_inside(unsigned long long address, size_t bytes);
            /* Whether the tensor or filter the descriptor describes lies whole in live device memory. */
            static int holds(descriptor *d, void *address) {
                return standin_inside((unsigned long long) address, d->elements * (d->data_type == 9 ? 2 : 4));
            }
            /* (handle, alpha, aDesc, a, bDesc, b, convDesc, algo, workspace, bytes, beta, cDesc, c) */
            #define RUN(name) \\
                int name(void *h, const float *alpha, descriptor *ad, void *a, descriptor *bd, void *b, \\
                         descriptor *conv, int algo, void *workspace, size_t bytes, const float *beta, \\
                         descriptor *cd, void *c) { \\
                    fprintf(standin_log(), "cudnn %s %d %d %d algo %d workspace %zu beta %g\\n", #name, \\
                            ad->data_type, bd->data_type, cd->data_type, algo, bytes, *beta); \\
                    if (!standin_current()) return 4; \\
                    if (bytes > 0 && !standin_inside((unsigned long long) workspace, bytes)) return 3; \\
                    return holds(ad, a) && holds(bd, b) && holds(cd, c) ? 0 : 3; \\
                }
            RUN(cudnnConvolutionForward)
            RUN(cudnnConvolutionBackwardData)
            RUN(cudnnConvolutionBackwardFilter)
            /* (handle, alpha, aDesc, a, beta, cDesc, c) */
            #define ALPHA_BETA(name) \\
                int name(void *h, const float *alpha, descriptor *ad, void *a, const float *beta, descriptor *cd, \\
                         void *c) { \\
                    fprintf(standin_log(), "cudnn %s %d %d\\n", #name, ad->data_type, cd->data_type); \\
                    return !standin_current() ? 4 : holds(ad, a) && holds(cd, c) ? 0 : 3; \\
                }
            ALPHA_BETA(cudnnAddTensor)
            ALPHA_BETA(cudnnConvolutionBackwardBias)
            /* cuDNN refuses an epsilon under CUDNN_BN_MIN_EPSILON (1e-5) and a factor outside [0, 1]. */
            int cudnnBatchNormalizationForwardTraining(void *h, int mode, const float *alpha, const float *beta,
                    descriptor *xd, void *x, descriptor *yd, void *y, descriptor *cd, void *scale, void *bias,
                    double factor, void *running_mean, void *running_variance, double epsilon, void *saved_mean,
                    void *saved_inverse_std) {
                fprintf(standin_log(), "cudnn cudnnBatchNormalizationForwardTraining %d %d %d\\n", xd->data_type,
                        yd->data_type, cd->data_type);
                return standin_current() && epsilon >= 1e-5 && factor >= 0 && factor <= 1 && holds(xd, x)
                        && holds(yd, y) && holds(cd, scale) && holds(cd, bias) && holds(cd, running_mean)
                        && holds(cd, running_variance) && holds(cd, saved_mean) && holds(cd, saved_inverse_std) ? 0 : 3;
            }
            int cudnnBatchNormalizationForwardInference(void *h, int mode, const float *alpha, const float *beta,
                    descriptor *xd, void *x, descriptor *yd, void *y, descriptor *cd, void *scale, void *bias,
                    void *mean, void *variance, double epsilon) {
                fprintf(standin_log(), "cudnn cudnnBatchNormalizationForwardInference %d %d %d\\n", xd->data_type,
                        yd->data_type, cd->data_type);
                return standin_current() && epsilon >= 1e-5 && holds(xd, x) && holds(yd, y) && holds(cd, scale)
                        && holds(cd, bias) && holds(cd, mean) && holds(cd, variance) ? 0 : 3;
            }
            int cudnnBatchNormalizationBackward(void *h, int mode, const float *alpha_data, const float *beta_data,
                    const float *alpha_parameters, const float *beta_parameters, descriptor *xd, void *x,
                    descriptor *dyd, void *dy, descriptor *dxd, void *dx, descriptor *cd, void *scale,
                    void *scale_gradient, void *bias_gradient, double epsilon, void *saved_mean,
                    void *saved_inverse_std) {
                fprintf(standin_log(), "cudnn cudnnBatchNormalizationBackward %d %d %d %d\\n", xd->data_type,
                        dyd->data_type, dxd->data_type, cd->data_type);
                return standin_current() && epsilon >= 1e-5 && holds(xd, x) && holds(dyd, dy) && holds(dxd, dx)
                        && holds(cd, scale) && holds(cd, scale_gradient) && holds(cd, bias_gradient)
                        && holds(cd, saved_mean) && holds(cd, saved_inverse_std) ? 0 : 3;
            }
            /* The rest: the handle first; their arguments are not read. */
            #define NAMED(name) int name(void *h) { \\
                    fprintf(standin_log(), "cudnn %s\\n", #name); \\
                    return standin_current() ? 0 : 4; \\
                }
            NAMED(cudnnActivationForward)
            NAMED(cudnnActivationBackward)
            NAMED(cudnnSoftmaxForward)
            NAMED(cudnnSoftmaxBackward)
            """;

    /**
     * cuBLAS 13 (its functions under the version name {@code libcublas.so.13}, as CUDA 13's are), bound to the
     * backend's stream: each matrix, by its rows, columns, leading dimension and type (float 4 bytes, bf16 2), must
     * lie whole in live device memory.
     */
    static final String CUBLAS = """
            #include <stdio.h>
            #include <stdlib.h>
            static FILE *standin_log(void) {
                static FILE *log;
                if (log == NULL) { log = fopen(getenv("STANDIN_LOG"), "a"); setvbuf(log, NULL, _IONBF, 0); }
                return log;
            }
            static int handle_token;
            int standin_current(void);
            int cublasCreate_v2(void **handle) {
                *handle = &handle_token;
                fprintf(standin_log(), "cublas create\\n");
                return standin_current() ? 0 : 1;
            }
            int cublasDestroy_v2(void *handle) { fprintf(standin_log(), "cublas destroy\\n"); return 0; }
            /* The driver's cuStreamWaitEvent fails on any stream but the one it created: the backend's. */
            int cuStreamWaitEvent(void *stream, void *event, unsigned int flags);
            int cublasSetStream_v2(void *handle, void *stream) {
                return handle == &handle_token && cuStreamWaitEvent(stream, NULL, 0) == 0 ? 0 : 7;
            }
            int cublasSetMathMode(void *handle, int mode) {
                fprintf(standin_log(), "cublas math mode %d\\n", mode);
                return 0;
            }
            int standin_inside(unsigned long long address, size_t bytes);
            /* Whether a column-major rows x columns matrix with leading dimension ld lies whole in device memory. */
            static int matrix(const void *address, int rows, int columns, int ld, int bytes) {
                return standin_inside((unsigned long long) address, ((size_t) ld * (columns - 1) + rows) * bytes);
            }
            static int size(int type) { return type == 0 ? 4 : type == 14 ? 2 : 0; }
            /* cuBLAS refuses (CUBLAS_STATUS_INVALID_VALUE, 7) a leading dimension under its matrix's rows. */
            static int shapes(int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc) {
                int a_rows = transa == 0 ? m : k, b_rows = transb == 0 ? k : n;
                return m > 0 && n > 0 && k > 0 && lda >= a_rows && ldb >= b_rows && ldc >= m;
            }
            int cublasSgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                               const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc) {
                fprintf(standin_log(), "cublas Sgemm %d %d %d beta %g\\n", m, n, k, *beta);
                return standin_current() && handle == &handle_token && shapes(transa, transb, m, n, k, lda, ldb, ldc)
                        && matrix(a, transa == 0 ? m : k, transa == 0 ? k : m, lda, 4)
                        && matrix(b, transb == 0 ? k : n, transb == 0 ? n : k, ldb, 4)
                        && matrix(c, m, n, ldc, 4) ? 0 : 7;
            }
            int cublasGemmEx(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                             const void *a, int aType, int lda, const void *b, int bType, int ldb, const float *beta,
                             void *c, int cType, int ldc, int computeType, int algo) {
                fprintf(standin_log(), "cublas GemmEx %d %d %d types %d %d %d compute %d beta %g\\n", m, n, k, aType,
                        bType, cType, computeType, *beta);
                return standin_current() && handle == &handle_token && shapes(transa, transb, m, n, k, lda, ldb, ldc)
                        && size(aType) > 0 && size(bType) > 0 && size(cType) > 0
                        && matrix(a, transa == 0 ? m : k, transa == 0 ? k : m, lda, size(aType))
                        && matrix(b, transb == 0 ? k : n, transb == 0 ? n : k, ldb, size(bType))
                        && matrix(c, m, n, ldc, size(cType)) ? 0 : 7;
            }
            """;

    private StepLibraries() {
    }

    /** {@link NvrtcStandInTest#NVRTC} logging each compilation as {@code nvrtc compile <program name>}. */
    static String nvrtc() {
        String compile = "int nvrtcCompileProgram(program *p, int count, const char *const *options) {";
        if (!NvrtcStandInTest.NVRTC.contains(compile)) {
            throw new IllegalStateException("NvrtcStandInTest.NVRTC changed: no " + compile);
        }
        return NvrtcStandInTest.NVRTC.replace(compile, compile + """

                    FILE *log = fopen(getenv("STANDIN_LOG"), "a");
                    fprintf(log, "nvrtc compile %s\\n", p->name);
                    fclose(log);""");
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
