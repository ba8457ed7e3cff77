package dev.striate.cuda.standin;

/**
 * A stand-in {@code libcuda.so.1} whose device is the host ({@link StandIns#HOST_DEVICE}), with two streams that it
 * tells apart: the first one made is named "compute", the second "copy". It appends every call that orders work
 * between them or with the host to the file named by {@code STANDIN_LOG}: host registrations, copies with their
 * stream, event records and waits, and synchronizations. Events are named e1, e2, ... in the order they are made.
 */
final class CopyStreamDriver {
    static final String SOURCE = StandIns.HOST_DEVICE + """
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
            int cuStreamCreate(void **stream, unsigned int flags) {
                if (streams_made == 2) return 1;
                *stream = &streams[streams_made++];
                return 0;
            }
            int cuStreamSynchronize(void *stream) { say("synchronize %s", stream_name(stream)); return known(stream) ? 0 : 400; }
            int cuStreamDestroy_v2(void *stream) { return known(stream) ? 0 : 400; }
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
