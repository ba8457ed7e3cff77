package dev.striate.cuda.standin;

/**
 * The cuDNN and cuBLAS stand-ins of {@link TrainingStepStandInTest}, built with gcc from NVIDIA's documented C
 * signatures and linked to {@link StepDriver}'s {@code libcuda.so.1}, whose live allocations, stream and current
 * context they check. They compute nothing: each appends what it was asked to the file named by {@code STANDIN_LOG}.
 */
final class StepLibraries {
    /**
     * cuDNN: bound to the backend's stream; descriptors keep their data type, format and element count, and a call's
     * data must lie whole in live device memory (in its descriptor's type: float 4 bytes, bf16 2); Find returns one
     * algorithm with a 4 KiB workspace and logs its descriptors' formats. A tensor or filter descriptor is refused
     * (CUDNN_STATUS_BAD_PARAM) unless its format is the layout its data lies in: NCHW (0) for float data, and for bf16
     * data the layout the backend lays bf16 activations out in, which {@code STANDIN_BF16_LAYOUT} names (NHWC, 1, for
     * {@code nhwc}; else NCHW).
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
            typedef struct { int data_type; int format; long long elements; } descriptor;
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
            /* The format data of this type lies in: bf16 activations as the backend was told, all else NCHW. */
            static int layout_of(int type) {
                const char *layout = getenv("STANDIN_BF16_LAYOUT");
                return type == 9 && layout != NULL && strcmp(layout, "nhwc") == 0 ? 1 : 0;
            }
            static int set(descriptor *d, int type, int format, long long elements) {
                d->data_type = type;
                d->format = format;
                d->elements = elements;
                if (type != 0 && type != 9) return 3;
                if (format != layout_of(type)) {
                    fprintf(standin_log(), "cudnn refuses format %d for data type %d\\n", format, type);
                    return 3;
                }
                return 0;
            }
            int cudnnSetTensor4dDescriptor(descriptor *d, int format, int type, int n, int c, int h, int w) {
                return set(d, type, format, (long long) n * c * h * w);
            }
            int cudnnSetFilter4dDescriptor(descriptor *d, int type, int format, int k, int c, int h, int w) {
                return set(d, type, format, (long long) k * c * h * w);
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
                fprintf(standin_log(), "cudnn %s %d %d %d %d formats %d %d %d\\n", name, a->data_type,
                        b->data_type, conv->data_type, result->data_type, a->format, b->format, result->format);
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
}
