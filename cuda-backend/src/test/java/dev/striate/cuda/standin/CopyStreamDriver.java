package dev.striate.cuda.standin;

/**
 * A stand-in {@code libcuda.so.1} whose device is the host (as {@link StandIns#HOST_DRIVER}), with two streams that it
 * tells apart: the first one made is named "compute", the second "copy". It appends every call that orders work
 * between them or with the host to the file named by {@code STANDIN_LOG}: host registrations, copies with their
 * stream, event records and waits, and synchronizations. Events are named e1, e2, ... in the order they are made.
 */
final class CopyStreamDriver {
    static final String SOURCE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef unsigned long long CUdeviceptr;
            static const size_t capacity = (size_t) 64 << 20;
            static size_t used;
            static int context_token;
            static int streams[2];
            static int streams_made, events_made;
            static FILE *log_file;
            static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
            #include <stdarg.h>
            static void say(const char *format, ...) {
                if (log_file == NULL) log_file = fopen(getenv("STANDIN_LOG"), "a");
                va_list arguments;
                va_start(arguments, format);
                vfprintf(log_file, format, arguments);
                va_end(arguments);
                fputc('\\n', log_file);
                fflush(log_file);
            }
            static const char *stream_name(void *stream) {
                return stream == &streams[0] ? "compute" : stream == &streams[1] ? "copy" : "an unknown stream";
            }
            static int known(void *stream) { return stream == &streams[0] || stream == &streams[1]; }
            int cuDriverGetVersion(int *version) { *version = 13000; return 0; }
            int cuInit(unsigned int flags) { return 0; }
            int cuDeviceGetCount(int *count) { *count = 1; return 0; }
            int cuDeviceGet(int *device, int ordinal) { *device = 0; return ordinal == 0 ? 0 : 101; }
            int cuDeviceGetName(char *name, int length, int device) { snprintf(name, length, "Host stand-in"); return 0; }
            int cuDeviceGetAttribute(int *value, int attribute, int device) { *value = attribute == 75 ? 9 : 0; return 0; }
            int cuDeviceTotalMem_v2(size_t *bytes, int device) { *bytes = capacity; return 0; }
            int cuGetErrorName(int error, const char **name) { *name = "CUDA_ERROR_STAND_IN"; return 0; }
            int cuDevicePrimaryCtxRetain(void **context, int device) { *context = &context_token; return 0; }
            int cuDevicePrimaryCtxRelease_v2(int device) { return 0; }
            int cuCtxSetCurrent(void *context) { return context == &context_token ? 0 : 201; }
            int cuStreamCreate(void **stream, unsigned int flags) {
                if (streams_made == 2) return 1;
                *stream = &streams[streams_made++];
                return 0;
            }
            int cuStreamSynchronize(void *stream) { say("synchronize %s", stream_name(stream)); return known(stream) ? 0 : 400; }
            int cuStreamDestroy_v2(void *stream) { return known(stream) ? 0 : 400; }
            int cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
                if (used + bytes > capacity) return 2;
                size_t *block = malloc(bytes + 16);
                block[0] = bytes;
                used += bytes;
                *pointer = (CUdeviceptr) (block + 2);
                return 0;
            }
            int cuMemFree_v2(CUdeviceptr pointer) {
                size_t *block = (size_t *) pointer - 2;
                used -= block[0];
                free(block);
                return 0;
            }
            int cuMemGetInfo_v2(size_t *free, size_t *total) { *free = capacity - used; *total = capacity; return 0; }
            int cuMemsetD8Async(CUdeviceptr to, unsigned char value, size_t n, void *stream) {
                memset((void *) to, value, n);
                return known(stream) ? 0 : 400;
            }
            int cuMemsetD32Async(CUdeviceptr to, unsigned int value, size_t n, void *stream) {
                for (size_t i = 0; i < n; i++) ((unsigned int *) to)[i] = value;
                return known(stream) ? 0 : 400;
            }
            int cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t n, void *stream) {
                say("copy %zu bytes to the device from 0x%llx on %s", n, (unsigned long long) from, stream_name(stream));
                memcpy((void *) to, from, n);
                return known(stream) ? 0 : 400;
            }
            int cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t n, void *stream) {
                say("copy %zu bytes to the host at 0x%llx on %s", n, (unsigned long long) to, stream_name(stream));
                memcpy(to, (const void *) from, n);
                return known(stream) ? 0 : 400;
            }
            int cuMemHostRegister_v2(void *p, size_t bytes, unsigned int flags) {
                say("register 0x%llx, %zu bytes", (unsigned long long) p, bytes);
                return 0;
            }
            int cuMemHostUnregister(void *p) { say("unregister 0x%llx", (unsigned long long) p); return 0; }
            int cuEventCreate(void **event, unsigned int flags) {
                int *id = malloc(sizeof(int));
                *id = ++events_made;
                *event = id;
                return 0;
            }
            int cuEventRecord(void *event, void *stream) {
                say("record e%d on %s", *(int *) event, stream_name(stream));
                return known(stream) ? 0 : 400;
            }
            int cuStreamWaitEvent(void *stream, void *event, unsigned int flags) {
                say("%s waits for e%d", stream_name(stream), *(int *) event);
                return known(stream) && flags == 0 ? 0 : 400;
            }
            int cuEventSynchronize(void *event) { say("host waits for e%d", *(int *) event); return 0; }
            int cuEventElapsedTime(float *milliseconds, void *start, void *stop) { *milliseconds = 1.5f; return 0; }
            int cuEventDestroy_v2(void *event) { say("destroy e%d", *(int *) event); free(event); return 0; }
            """;

    private CopyStreamDriver() {
    }
}
