package dev.striate.cuda.standin;

/**
 * Stand-in libraries for {@link TrainingStepStandInTest}, built with gcc from NVIDIA's documented C signatures. They
 * compute nothing: each appends what it was asked to the file named by {@code STANDIN_LOG} and returns success.
 */
final class StepLibraries {
    /**
     * Appended to {@link StandIns#HOST_DRIVER}: modules named by the stand-in NVRTC's image ({@code name.cu|length|}
     * then {@code bf16|} for the bf16 variant), functions, and launches logged as
     * {@code launch <source>[ bf16] <kernel> <grid> <block> <argument kinds>}. A launch's arguments are read as many
     * as {@code STANDIN_SIGNATURES} lists for the kernel (from its {@code .cu} signature); each is a pointer into a Java
     * array pinned by JCuda, whose type the word 8 bytes before the data tells (the array's class, learned from a
     * calibration launch of a long, an int, a float and a double): L (long[]: 8-byte integer or device address), I,
     * F or D, or ? when it is none of them.
     */
    static final String DRIVER = """
            #include <stdint.h>
            static FILE *standin_log(void) {
                static FILE *log;
                if (log == NULL) { log = fopen(getenv("STANDIN_LOG"), "a"); setvbuf(log, NULL, _IONBF, 0); }
                return log;
            }
            void standin_allocated(size_t bytes) { fprintf(standin_log(), "driver alloc %zu\\n", bytes); }
            void standin_freed(size_t bytes) { fprintf(standin_log(), "driver free %zu\\n", bytes); }
            typedef struct { char name[64]; int bf16; } module;
            typedef struct { module *module; char name[96]; int arguments; } function;
            static unsigned int array_class[4]; /* long[], int[], float[], double[] */
            static const char kinds[] = "LIFD";
            int cuModuleLoadData(void **loaded, const void *image) {
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
                fprintf(standin_log(), "driver unload %s\\n", ((module *) loaded)->name);
                free(loaded);
                return 0;
            }
            static int argument_count(const char *source, const char *kernel) {
                FILE *table = fopen(getenv("STANDIN_SIGNATURES"), "r");
                char key[200], wanted[200];
                int count, found = -1;
                snprintf(wanted, sizeof wanted, "%s/%s", source, kernel);
                while (table != NULL && fscanf(table, "%199s %d", key, &count) == 2) {
                    if (strcmp(key, wanted) == 0) found = count;
                }
                if (table != NULL) fclose(table);
                return found;
            }
            int cuModuleGetFunction(void **out, void *loaded, const char *name) {
                function *f = calloc(1, sizeof(function));
                f->module = loaded;
                snprintf(f->name, sizeof f->name, "%s", name);
                f->arguments = strcmp(name, "calibrate") == 0 ? 4 : argument_count(f->module->name, name);
                if (f->arguments < 0) return 500;
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
                if (stream != &stream_token || extra != NULL || gx < 1 || bx < 1 || bx > 1024) return 400;
                if (strcmp(f->name, "calibrate") == 0) {
                    for (int i = 0; i < 4; i++) array_class[i] = class_word(parameters[i]);
                    return 0;
                }
                char line[512];
                int at = snprintf(line, sizeof line, "launch %s%s %s %u %u ", f->module->name,
                                  f->module->bf16 ? " bf16" : "", f->name, gx, bx);
                for (int i = 0; i < f->arguments; i++) {
                    char kind = '?';
                    for (int k = 0; k < 4; k++) if (class_word(parameters[i]) == array_class[k]) kind = kinds[k];
                    line[at++] = kind;
                }
                line[at] = 0;
                fprintf(standin_log(), "%s\\n", line);
                return 0;
            }
            """;

    /** cuDNN: descriptors keep their data type; Find returns one algorithm with a 4 KiB workspace. */
    static final String CUDNN = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static FILE *standin_log(void) {
                static FILE *log;
                if (log == NULL) { log = fopen(getenv("STANDIN_LOG"), "a"); setvbuf(log, NULL, _IONBF, 0); }
                return log;
            }
            typedef struct { int data_type; } descriptor;
            static int handle_token;
            size_t cudnnGetVersion(void) { return 91900; }
            const char *cudnnGetErrorString(int status) { return "CUDNN_STATUS_STAND_IN"; }
            int cudnnCreate(void **handle) { *handle = &handle_token; return 0; }
            int cudnnSetStream(void *handle, void *stream) { return handle == &handle_token ? 0 : 3; }
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
                return 0;
            }
            int cudnnSetFilter4dDescriptor(descriptor *d, int type, int format, int k, int c, int h, int w) {
                d->data_type = type;
                return 0;
            }
            int cudnnSetConvolution2dDescriptor(descriptor *d, int ph, int pw, int sh, int sw, int dh, int dw,
                                                int mode, int type) {
                d->data_type = type;
                return 0;
            }
            int cudnnSetConvolutionGroupCount(void *d, int groups) { return 0; }
            int cudnnSetConvolutionMathType(void *d, int math) { return 0; }
            int cudnnSetActivationDescriptor(void *d, int mode, int nan, double coefficient) { return 0; }
            /* cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: algo, status, time, memory, determinism, mathType. */
            static int find(const char *name, descriptor *a, descriptor *b, descriptor *conv, descriptor *result,
                            int requested, int *returned, char *perf) {
                fprintf(standin_log(), "cudnn %s %d %d %d %d\\n", name, a->data_type, b->data_type,
                        conv->data_type, result->data_type);
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
            /* (handle, alpha, aDesc, a, bDesc, b, convDesc, algo, workspace, bytes, beta, cDesc, c) */
            #define RUN(name) \\
                int name(void *h, const float *alpha, descriptor *ad, void *a, descriptor *bd, void *b, \\
                         descriptor *conv, int algo, void *workspace, size_t bytes, const float *beta, \\
                         descriptor *cd, void *c) { \\
                    fprintf(standin_log(), "cudnn %s %d %d %d algo %d workspace %zu beta %g\\n", #name, \\
                            ad->data_type, bd->data_type, cd->data_type, algo, bytes, *beta); \\
                    return workspace == NULL && bytes > 0 ? 3 : 0; \\
                }
            RUN(cudnnConvolutionForward)
            RUN(cudnnConvolutionBackwardData)
            RUN(cudnnConvolutionBackwardFilter)
            /* (handle, alpha, aDesc, a, beta, cDesc, c) */
            #define ALPHA_BETA(name) \\
                int name(void *h, const float *alpha, descriptor *ad, void *a, const float *beta, descriptor *cd, \\
                         void *c) { \\
                    fprintf(standin_log(), "cudnn %s %d %d\\n", #name, ad->data_type, cd->data_type); \\
                    return 0; \\
                }
            ALPHA_BETA(cudnnAddTensor)
            ALPHA_BETA(cudnnConvolutionBackwardBias)
            /* The rest: the handle first; their arguments are not read. */
            #define NAMED(name) int name(void *h) { fprintf(standin_log(), "cudnn %s\\n", #name); return 0; }
            NAMED(cudnnBatchNormalizationForwardTraining)
            NAMED(cudnnBatchNormalizationForwardInference)
            NAMED(cudnnBatchNormalizationBackward)
            NAMED(cudnnActivationForward)
            NAMED(cudnnActivationBackward)
            NAMED(cudnnSoftmaxForward)
            NAMED(cudnnSoftmaxBackward)
            """;

    /** cuBLAS 13 (its functions under the version name {@code libcublas.so.13}, as CUDA 13's are). */
    static final String CUBLAS = """
            #include <stdio.h>
            #include <stdlib.h>
            static FILE *standin_log(void) {
                static FILE *log;
                if (log == NULL) { log = fopen(getenv("STANDIN_LOG"), "a"); setvbuf(log, NULL, _IONBF, 0); }
                return log;
            }
            static int handle_token;
            int cublasCreate_v2(void **handle) { *handle = &handle_token; fprintf(standin_log(), "cublas create\\n"); return 0; }
            int cublasDestroy_v2(void *handle) { fprintf(standin_log(), "cublas destroy\\n"); return 0; }
            int cublasSetStream_v2(void *handle, void *stream) { return handle == &handle_token ? 0 : 7; }
            int cublasSetMathMode(void *handle, int mode) {
                fprintf(standin_log(), "cublas math mode %d\\n", mode);
                return 0;
            }
            int cublasSgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                               const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc) {
                fprintf(standin_log(), "cublas Sgemm %d %d %d beta %g\\n", m, n, k, *beta);
                return handle == &handle_token ? 0 : 7;
            }
            int cublasGemmEx(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                             const void *a, int aType, int lda, const void *b, int bType, int ldb, const float *beta,
                             void *c, int cType, int ldc, int computeType, int algo) {
                fprintf(standin_log(), "cublas GemmEx %d %d %d types %d %d %d compute %d beta %g\\n", m, n, k, aType,
                        bType, cType, computeType, *beta);
                return handle == &handle_token ? 0 : 7;
            }
            """;

    private StepLibraries() {
    }

    /** {@link StandIns#HOST_DRIVER} with zeroed memory whose allocations and frees are logged, then {@link #DRIVER}. */
    static String driver() {
        String zeroed = StandIns.HOST_DRIVER
                .replace("size_t *block = malloc(bytes + 16);", "size_t *block = calloc(1, bytes + 16);")
                .replace("used += bytes;", "used += bytes;\n    standin_allocated(bytes);")
                .replace("used -= block[0];", "used -= block[0];\n    standin_freed(block[0]);");
        if (zeroed.equals(StandIns.HOST_DRIVER) || !zeroed.contains("calloc") || !zeroed.contains("standin_freed")) {
            throw new IllegalStateException("StandIns.HOST_DRIVER changed: its allocation can no longer be logged");
        }
        return "#include <stddef.h>\nvoid standin_allocated(size_t bytes);\nvoid standin_freed(size_t bytes);\n"
                + zeroed + DRIVER;
    }
}
