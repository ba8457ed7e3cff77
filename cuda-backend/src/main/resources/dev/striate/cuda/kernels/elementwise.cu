// Elementwise kernels shared by the backend (fill, scale, casts) and by op kernels (copy, accumulate, sums).
// Every kernel is a grid-stride loop over n elements: launch with any grid, 256 threads per block.
// act_t is the activation storage type (storage.cuh): float, or bf16 in the bf16 variant.
//
//   fill_i32(int* x, long long n, int value)                  x[i] = value
//   fill_i64(long long* x, long long n, long long value)      x[i] = value
//   scale_f32(float* x, long long n, float factor)            x[i] *= factor (parameter gradients: always float)
//   fill_act(act_t* x, long long n, float value)              x[i] = value
//   copy_act(const act_t* src, act_t* dst, long long n)       dst[i] = src[i]
//   accumulate_act(const act_t* src, act_t* dst, long long n) dst[i] += src[i]
//   add_act(const act_t* a, const act_t* b, act_t* y, long long n)   y[i] = a[i] + b[i]
//   The casts between a float tensor, always NCHW, and its act_t copy, laid out as layout.cuh says: both read as
//   [n / (C·S), C, S] (C = S = 1 for a tensor of another rank than 4, the same in both layouts), element i being the
//   NCHW index; in the channels-last variant a rank-4 copy is reordered on the way (a conv weight [K, C, R, S] to
//   K, R, S, C, cuDNN's NHWC filter format). Each thread takes one element of the destination in its memory order.
//   cast_f32_to_storage(const float* src, act_t* dst, long long n, int C, int S)   dst[i] = src[i] rounded (a bf16
//       copy of a weight, an fp32 graph input converted)
//   cast_storage_to_f32(const act_t* src, float* dst, long long n, int C, int S)   dst[i] = src[i] (exact)
//   accumulate_storage_into_f32(const act_t* src, float* dst, long long n, int C, int S)   dst[i] += src[i] (a bf16
//       weight gradient added into the fp32 master gradient)
//   leaky_relu_forward(const act_t* x, act_t* y, long long n, float slope)
//       y = x for x > 0, slope·x otherwise (cuDNN has no leaky ReLU)
//   The backward kernels below take a last argument int accumulate: 1 adds into dx, 0 writes dx without reading it
//   (prior_gradient, block.cuh).
//   leaky_relu_backward(const act_t* x, const act_t* dy, act_t* dx, long long n, float slope, int accumulate)
//       dx += dy · (x > 0 ? 1 : slope), the reference's derivative (slope at 0)
//   relu_backward(const act_t* y, const act_t* dy, act_t* dx, long long n, int accumulate)  dx += dy · (y > 0 ? 1 : 0)
//   relu6_backward(y, dy, dx, n, accumulate)     dx += dy · (0 < y < 6 ? 1 : 0)
//   sigmoid_backward(y, dy, dx, n, accumulate)   dx += dy · y·(1 - y)
//   tanh_backward(y, dy, dx, n, accumulate)      dx += dy · (1 - y²)
//       The derivative read off the output y alone, as the reference does, so x can be freed after forward
//       (cudnnActivationBackward needs x too). y > 0 exactly where x > 0, and 0 < y < 6 where 0 < x < 6: the
//       reference's 0 at the kinks x = 0 and x = 6 (bf16 rounding keeps 6 exactly 6 and a positive y positive).

extern "C" __global__ void fill_i32(int* x, long long n, int value) {
    GRID_STRIDE_LOOP(i, n) { x[i] = value; }
}

extern "C" __global__ void fill_i64(long long* x, long long n, long long value) {
    GRID_STRIDE_LOOP(i, n) { x[i] = value; }
}

extern "C" __global__ void scale_f32(float* x, long long n, float factor) {
    GRID_STRIDE_LOOP(i, n) { x[i] *= factor; }
}

extern "C" __global__ void fill_act(act_t* x, long long n, float value) {
    act_t stored = to_act(value);
    GRID_STRIDE_LOOP(i, n) { x[i] = stored; }
}

extern "C" __global__ void copy_act(const act_t* src, act_t* dst, long long n) {
    GRID_STRIDE_LOOP(i, n) { dst[i] = src[i]; }
}

extern "C" __global__ void accumulate_act(const act_t* src, act_t* dst, long long n) {
    GRID_STRIDE_LOOP(i, n) { dst[i] = to_act(to_float(dst[i]) + to_float(src[i])); }
}

extern "C" __global__ void add_act(const act_t* a, const act_t* b, act_t* y, long long n) {
    GRID_STRIDE_LOOP(i, n) { y[i] = to_act(to_float(a[i]) + to_float(b[i])); }
}

// The NCHW index of the element at memory position index of an [.., C, S] activation.
__device__ long long nchw_index(long long index, int C, int S) {
    ActCell at = act_cell(index, C, S);
    return (at.n * C + at.c) * S + at.s;
}

// The memory position of the element of NCHW index i of an [.., C, S] activation.
__device__ long long memory_position(long long i, int C, int S) {
    return act_offset(i / ((long long) C * S), (i / S) % C, i % S, C, S);
}

extern "C" __global__ void cast_f32_to_storage(const float* src, act_t* dst, long long n, int C, int S) {
    GRID_STRIDE_LOOP(i, n) { dst[i] = to_act(src[nchw_index(i, C, S)]); }
}

extern "C" __global__ void cast_storage_to_f32(const act_t* src, float* dst, long long n, int C, int S) {
    GRID_STRIDE_LOOP(i, n) { dst[i] = to_float(src[memory_position(i, C, S)]); }
}

extern "C" __global__ void accumulate_storage_into_f32(const act_t* src, float* dst, long long n, int C, int S) {
    GRID_STRIDE_LOOP(i, n) { dst[i] += to_float(src[memory_position(i, C, S)]); }
}

extern "C" __global__ void leaky_relu_forward(const act_t* x, act_t* y, long long n, float slope) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(x[i]);
        y[i] = to_act(v > 0.0f ? v : slope * v);
    }
}

extern "C" __global__ void leaky_relu_backward(const act_t* x, const act_t* dy, act_t* dx, long long n,
                                               float slope, int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * (to_float(x[i]) > 0.0f ? 1.0f : slope));
    }
}

extern "C" __global__ void relu_backward(const act_t* y, const act_t* dy, act_t* dx, long long n, int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * (to_float(y[i]) > 0.0f ? 1.0f : 0.0f));
    }
}

extern "C" __global__ void relu6_backward(const act_t* y, const act_t* dy, act_t* dx, long long n, int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(y[i]);
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * (v > 0.0f && v < 6.0f ? 1.0f : 0.0f));
    }
}

extern "C" __global__ void sigmoid_backward(const act_t* y, const act_t* dy, act_t* dx, long long n, int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(y[i]);
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * (v * (1.0f - v)));
    }
}

extern "C" __global__ void tanh_backward(const act_t* y, const act_t* dy, act_t* dx, long long n, int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(y[i]);
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * (1.0f - v * v));
    }
}
