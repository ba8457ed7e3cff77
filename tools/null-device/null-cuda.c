/*
 * libcuda.so.1 of a null device, for tools/host-step-bench.sh: every CUDA driver call Striate makes succeeds at once
 * and does nothing, so a training step on it costs only the host's side (Java, JCuda's JNI, the allocator). One GPU,
 * "Null device", compute capability 9.0, 141 GiB; its memory is the host's (calloc: zero, untouched until copied).
 * NULL_STATS=1 prints what was asked of it at exit, one line on stderr that host-step-bench.sh reads:
 *   null device: N launches, N copies in (N bytes), N out (N bytes), N memsets, N allocations, N frees, N waits
 * Build: gcc -O2 -shared -fPIC -Wl,-soname,libcuda.so.1 -o libcuda.so.1 null-cuda.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long CUdeviceptr;

static const size_t capacity = (size_t) 141 << 30;
static size_t used;
static unsigned long launches, copies_in, copies_out, bytes_in, bytes_out, memsets, allocations, frees, waits;

static void report(void) {
    if (getenv("NULL_STATS") == NULL) return;
    fprintf(stderr, "null device: %lu launches, %lu copies in (%lu bytes), %lu out (%lu bytes), %lu memsets,"
            " %lu allocations, %lu frees, %lu waits\n",
            launches, copies_in, bytes_in, copies_out, bytes_out, memsets, allocations, frees, waits);
}

__attribute__((constructor)) static void start(void) { atexit(report); }

static int context_token, stream_tokens[4], stream_count;
int cuDriverGetVersion(int *version) { *version = 13000; return 0; }
int cuInit(unsigned int flags) { return 0; }
int cuDeviceGetCount(int *count) { *count = 1; return 0; }
int cuDeviceGet(int *device, int ordinal) { *device = 0; return ordinal == 0 ? 0 : 101; }
int cuDeviceGetName(char *name, int length, int device) { snprintf(name, length, "Null device"); return 0; }
/* Attribute 75 is the compute capability's major number. */
int cuDeviceGetAttribute(int *value, int attribute, int device) { *value = attribute == 75 ? 9 : 0; return 0; }
int cuDeviceTotalMem_v2(size_t *bytes, int device) { *bytes = capacity; return 0; }
int cuGetErrorName(int error, const char **name) { *name = "CUDA_ERROR_NULL_DEVICE"; return 0; }
int cuDevicePrimaryCtxRetain(void **context, int device) { *context = &context_token; return 0; }
int cuDevicePrimaryCtxRelease_v2(int device) { return 0; }
int cuCtxSetCurrent(void *context) { return 0; }

/* Each block keeps its size in front of it, so that a free gives back what was used. */
int cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
    if (used + bytes > capacity) return 2;
    /* Zeroed, as nothing here ever writes it: a result read back (the loss) is 0, never a NaN left on the heap.
       Large blocks come from mmap, zero and untouched until used, so this costs what malloc would. */
    size_t *block = calloc(1, bytes + 16);
    if (block == NULL) return 2;
    allocations++;
    block[0] = bytes;
    used += bytes;
    *pointer = (CUdeviceptr) (block + 2);
    return 0;
}
int cuMemFree_v2(CUdeviceptr pointer) {
    frees++;
    size_t *block = (size_t *) pointer - 2;
    used -= block[0];
    free(block);
    return 0;
}
int cuMemGetInfo_v2(size_t *free, size_t *total) { *free = capacity - used; *total = capacity; return 0; }

int cuStreamCreate(void **stream, unsigned int flags) { *stream = &stream_tokens[stream_count++ % 4]; return 0; }
int cuStreamSynchronize(void *stream) { waits++; return 0; }
int cuStreamDestroy_v2(void *stream) { return 0; }
int cuMemsetD8Async(CUdeviceptr to, unsigned char value, size_t n, void *stream) { memsets++; return 0; }
int cuMemsetD16Async(CUdeviceptr to, unsigned short value, size_t n, void *stream) { memsets++; return 0; }
int cuMemsetD32Async(CUdeviceptr to, unsigned int value, size_t n, void *stream) { memsets++; return 0; }
/* Copies are real, as a readback's values matter to the host (a loss of 0 from untouched memory). */
int cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t n, void *stream) {
    copies_in++;
    bytes_in += n;
    memcpy((void *) to, from, n);
    return 0;
}
int cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t n, void *stream) {
    copies_out++;
    bytes_out += n;
    memcpy(to, (const void *) from, n);
    return 0;
}
int cuEventCreate(void **event, unsigned int flags) { *event = malloc(8); return 0; }
int cuEventRecord(void *event, void *stream) { return 0; }
int cuEventSynchronize(void *event) { waits++; return 0; }
int cuEventElapsedTime(float *milliseconds, void *start, void *stop) { *milliseconds = 0; return 0; }
int cuEventDestroy_v2(void *event) { free(event); return 0; }
int cuStreamWaitEvent(void *stream, void *event, unsigned int flags) { return 0; }
int cuMemHostRegister_v2(void *p, size_t bytes, unsigned int flags) { return 0; }
int cuMemHostUnregister(void *p) { return 0; }

static int module_token, function_token;
int cuModuleLoadData(void **loaded, const void *image) { *loaded = &module_token; return 0; }
int cuModuleUnload(void *loaded) { return 0; }
int cuModuleGetFunction(void **out, void *loaded, const char *name) { *out = &function_token; return 0; }
int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **parameters, void **extra) {
    launches++;
    return 0;
}
