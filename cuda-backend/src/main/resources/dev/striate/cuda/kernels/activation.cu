// Activation forward kernels (and ELU's backward) for bf16 work, where cuDNN's legacy cudnnActivationForward and
// cudnnActivationBackward do not document BF16 tensors; fp32 and tf32 work runs these activations on cuDNN. Each
// loads act_t into float, computes the reference's formula in float and stores act_t once (storage.cuh). NaN stays
// NaN, as the reference's arithmetic (and cuDNN's CUDNN_PROPAGATE_NAN) keeps it. The backward of ReLU, ReLU6,
// sigmoid and tanh reads the output only and is in elementwise.cu.
// Every kernel is a grid-stride loop over n elements: launch with any grid, 256 threads per block.
//
//   relu_forward(const act_t* x, act_t* y, long long n)      y = max(0, x)
//   relu6_forward(const act_t* x, act_t* y, long long n)     y = min(max(0, x), 6)
//   sigmoid_forward(const act_t* x, act_t* y, long long n)   y = 1 / (1 + e^-x)
//   tanh_forward(const act_t* x, act_t* y, long long n)      y = tanh(x)
//   elu_forward(const act_t* x, act_t* y, long long n, float alpha)
//       y = x for x > 0, alpha·(e^x - 1) otherwise (expm1f: accurate for x near 0)
//   elu_backward(const act_t* x, const act_t* dy, act_t* dx, long long n, float alpha, int accumulate)
//       dx += dy · (x > 0 ? 1 : alpha·e^x), the reference's derivative (alpha at 0); accumulate 0 writes dx instead
//       (prior_gradient, block.cuh)

// "v <= 0 ? 0 : v" rather than fmaxf, which would turn a NaN into 0.
extern "C" __global__ void relu_forward(const act_t* x, act_t* y, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(x[i]);
        y[i] = to_act(v <= 0.0f ? 0.0f : v);
    }
}

extern "C" __global__ void relu6_forward(const act_t* x, act_t* y, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(x[i]);
        y[i] = to_act(v <= 0.0f ? 0.0f : (v >= 6.0f ? 6.0f : v));
    }
}

extern "C" __global__ void sigmoid_forward(const act_t* x, act_t* y, long long n) {
    GRID_STRIDE_LOOP(i, n) { y[i] = to_act(1.0f / (1.0f + expf(-to_float(x[i])))); }
}

extern "C" __global__ void tanh_forward(const act_t* x, act_t* y, long long n) {
    GRID_STRIDE_LOOP(i, n) { y[i] = to_act(tanhf(to_float(x[i]))); }
}

extern "C" __global__ void elu_forward(const act_t* x, act_t* y, long long n, float alpha) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(x[i]);
        y[i] = to_act(v > 0.0f ? v : alpha * expm1f(v));
    }
}

extern "C" __global__ void elu_backward(const act_t* x, const act_t* dy, act_t* dx, long long n, float alpha,
                                        int accumulate) {
    GRID_STRIDE_LOOP(i, n) {
        float v = to_float(x[i]);
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) * (v > 0.0f ? 1.0f : alpha * expf(v)));
    }
}
