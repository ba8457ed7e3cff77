// Elementwise kernels shared by the backend (fill, scale) and by op kernels (copy, accumulate, sums).
// Every kernel is a grid-stride loop over n elements: launch with any grid, 256 threads per block.
//
//   fill_f32(float* x, long long n, float value)              x[i] = value
//   fill_i32(int* x, long long n, int value)                  x[i] = value
//   fill_i64(long long* x, long long n, long long value)      x[i] = value
//   scale_f32(float* x, long long n, float factor)            x[i] *= factor
//   copy_f32(const float* src, float* dst, long long n)       dst[i] = src[i]
//   accumulate_f32(const float* src, float* dst, long long n) dst[i] += src[i]
//   add_f32(const float* a, const float* b, float* y, long long n)   y[i] = a[i] + b[i]
//   leaky_relu_forward(const float* x, float* y, long long n, float slope)
//       y = x for x > 0, slope·x otherwise (cuDNN has no leaky ReLU)
//   leaky_relu_backward(const float* x, const float* dy, float* dx, long long n, float slope)
//       dx += dy · (x > 0 ? 1 : slope), the reference's derivative (slope at 0)
//   relu_backward(const float* y, const float* dy, float* dx, long long n)      dx += dy · (y > 0 ? 1 : 0)
//   relu6_backward(const float* y, const float* dy, float* dx, long long n)     dx += dy · (0 < y < 6 ? 1 : 0)
//   sigmoid_backward(const float* y, const float* dy, float* dx, long long n)   dx += dy · y·(1 - y)
//   tanh_backward(const float* y, const float* dy, float* dx, long long n)      dx += dy · (1 - y²)
//       The derivative read off the output y alone, as the reference does, so x can be freed after forward
//       (cudnnActivationBackward needs x too). y > 0 exactly where x > 0, and 0 < y < 6 where 0 < x < 6: the
//       reference's 0 at the kinks x = 0 and x = 6.

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

extern "C" __global__ void fill_f32(float* x, long long n, float value) {
    GRID_STRIDE_LOOP(i, n) { x[i] = value; }
}

extern "C" __global__ void fill_i32(int* x, long long n, int value) {
    GRID_STRIDE_LOOP(i, n) { x[i] = value; }
}

extern "C" __global__ void fill_i64(long long* x, long long n, long long value) {
    GRID_STRIDE_LOOP(i, n) { x[i] = value; }
}

extern "C" __global__ void scale_f32(float* x, long long n, float factor) {
    GRID_STRIDE_LOOP(i, n) { x[i] *= factor; }
}

extern "C" __global__ void copy_f32(const float* src, float* dst, long long n) {
    GRID_STRIDE_LOOP(i, n) { dst[i] = src[i]; }
}

extern "C" __global__ void accumulate_f32(const float* src, float* dst, long long n) {
    GRID_STRIDE_LOOP(i, n) { dst[i] += src[i]; }
}

extern "C" __global__ void add_f32(const float* a, const float* b, float* y, long long n) {
    GRID_STRIDE_LOOP(i, n) { y[i] = a[i] + b[i]; }
}

extern "C" __global__ void leaky_relu_forward(const float* x, float* y, long long n, float slope) {
    GRID_STRIDE_LOOP(i, n) {
        float v = x[i];
        y[i] = v > 0.0f ? v : slope * v;
    }
}

extern "C" __global__ void leaky_relu_backward(const float* x, const float* dy, float* dx, long long n, float slope) {
    GRID_STRIDE_LOOP(i, n) { dx[i] += dy[i] * (x[i] > 0.0f ? 1.0f : slope); }
}

extern "C" __global__ void relu_backward(const float* y, const float* dy, float* dx, long long n) {
    GRID_STRIDE_LOOP(i, n) { dx[i] += dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f); }
}

extern "C" __global__ void relu6_backward(const float* y, const float* dy, float* dx, long long n) {
    GRID_STRIDE_LOOP(i, n) { dx[i] += dy[i] * (y[i] > 0.0f && y[i] < 6.0f ? 1.0f : 0.0f); }
}

extern "C" __global__ void sigmoid_backward(const float* y, const float* dy, float* dx, long long n) {
    GRID_STRIDE_LOOP(i, n) { dx[i] += dy[i] * (y[i] * (1.0f - y[i])); }
}

extern "C" __global__ void tanh_backward(const float* y, const float* dy, float* dx, long long n) {
    GRID_STRIDE_LOOP(i, n) { dx[i] += dy[i] * (1.0f - y[i] * y[i]); }
}
