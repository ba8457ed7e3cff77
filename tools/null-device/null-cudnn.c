/*
 * libcudnn.so.9 of a null device, for tools/host-step-bench.sh: every cuDNN call Striate makes (through
 * java.lang.foreign) succeeds at once and computes nothing. The algorithm searches answer one algorithm, 0.5 ms,
 * 1 MiB of workspace, so that the backend plans as it would on a GPU; descriptors are real allocations, as the
 * host pays for them on a GPU too. The compute calls take only the handle here: the caller's other arguments are
 * ignored. NULL_STATS=1 prints at exit, on stderr:  null cudnn: N calls  (the compute calls asked for)
 * Build: gcc -O2 -shared -fPIC -Wl,-soname,libcudnn.so.9 -o libcudnn.so.9 null-cudnn.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long calls;

static void report(void) {
    if (getenv("NULL_STATS") != NULL) fprintf(stderr, "null cudnn: %lu calls\n", calls);
}

__attribute__((constructor)) static void start(void) { atexit(report); }

static int handle_token;
size_t cudnnGetVersion(void) { return 91900; }
const char *cudnnGetErrorString(int status) { return "CUDNN_STATUS_NULL"; }
int cudnnCreate(void **handle) { *handle = &handle_token; return 0; }
int cudnnSetStream(void *handle, void *stream) { return 0; }
int cudnnDestroy(void *handle) { return 0; }

#define DESCRIPTOR(kind) \
    int cudnnCreate##kind##Descriptor(void **d) { *d = malloc(16); return 0; } \
    int cudnnDestroy##kind##Descriptor(void *d) { free(d); return 0; }
DESCRIPTOR(Tensor)
DESCRIPTOR(Filter)
DESCRIPTOR(Convolution)
DESCRIPTOR(Activation)
int cudnnSetTensor4dDescriptor(void *d, int format, int type, int n, int c, int h, int w) { return 0; }
int cudnnSetFilter4dDescriptor(void *d, int type, int format, int k, int c, int h, int w) { return 0; }
int cudnnSetConvolution2dDescriptor(void *d, int ph, int pw, int sh, int sw, int dh, int dw, int mode, int type) {
    return 0;
}
int cudnnSetConvolutionGroupCount(void *d, int groups) { return 0; }
int cudnnSetConvolutionMathType(void *d, int math) { return 0; }
int cudnnSetActivationDescriptor(void *d, int mode, int nan, double coefficient) { return 0; }

/* One cudnnConvolution*AlgoPerf_t (48 bytes): algorithm 1, status 0, 0.5 ms, 1 MiB of workspace. */
static int find(int requested, int *returned, char *perf) {
    memset(perf, 0, 48);
    *(int *) perf = 1;
    *(float *) (perf + 8) = 0.5f;
    *(size_t *) (perf + 16) = 1 << 20;
    *returned = 1;
    return 0;
}
int cudnnFindConvolutionForwardAlgorithm(void *h, void *x, void *w, void *c, void *y, int n, int *got, char *perf) {
    return find(n, got, perf);
}
int cudnnFindConvolutionBackwardDataAlgorithm(void *h, void *w, void *dy, void *c, void *dx, int n, int *got,
                                              char *perf) {
    return find(n, got, perf);
}
int cudnnFindConvolutionBackwardFilterAlgorithm(void *h, void *x, void *dy, void *c, void *dw, int n, int *got,
                                                char *perf) {
    return find(n, got, perf);
}

#define COMPUTE(name) int name(void *handle) { calls++; return 0; }
COMPUTE(cudnnConvolutionForward)
COMPUTE(cudnnConvolutionBackwardData)
COMPUTE(cudnnConvolutionBackwardFilter)
COMPUTE(cudnnAddTensor)
COMPUTE(cudnnConvolutionBackwardBias)
COMPUTE(cudnnBatchNormalizationForwardTraining)
COMPUTE(cudnnBatchNormalizationForwardInference)
COMPUTE(cudnnBatchNormalizationBackward)
COMPUTE(cudnnActivationForward)
COMPUTE(cudnnActivationBackward)
COMPUTE(cudnnSoftmaxForward)
COMPUTE(cudnnSoftmaxBackward)
