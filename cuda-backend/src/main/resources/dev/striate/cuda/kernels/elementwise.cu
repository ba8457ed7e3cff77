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
