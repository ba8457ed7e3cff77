// Log-probabilities of rows, as the reference: log softmax (bf16 work; fp32 and tf32 work runs it on cuDNN) and the
// mean softmax cross-entropy with label smoothing, over N rows of K values. log p is computed stably in float,
// x - max - log Σ e^(x - max), with the max and the sum reduced in shared memory. act_t is the activation storage
// (storage.cuh): logits and their gradient are act_t, the loss and its gradient float (the loss stays fp32 in bf16
// work), labels int. Launch with exactly 256 threads per block.
//
//   log_softmax_forward(const act_t* x, act_t* y, int K)
//       N blocks, one per row: y[n, k] = x[n, k] - log Σ_j e^(x[n, j]).
//   log_softmax_backward(const act_t* y, const act_t* dy, act_t* dx, int K, int accumulate)
//       N blocks, one per row: dx[n, k] += dy[n, k] - e^(y[n, k]) · Σ_j dy[n, j]; accumulate 0 writes dx instead
//       (prior_gradient, block.cuh).
//   softmax_cross_entropy_forward(const act_t* logits, const int* labels, float* loss, int N, int K,
//                                 float smoothing)
//       ONE block: L = (1/N) Σ_n Σ_k -t_nk · log p_nk with t_nk = (1-ε)·[k = label_n] + ε/K; the rows are taken in
//       order, each by the whole block, so the sum is deterministic; loss[0] = L. A label outside [0, K) makes the
//       loss NaN (the host validates labels on load).
//   softmax_cross_entropy_backward(const act_t* logits, const int* labels, const float* lossGrad,
//                                  act_t* dlogits, int N, int K, float smoothing, int accumulate)
//       N blocks, one per row: dlogits[n, k] += lossGrad[0] / N · (p_nk - t_nk); accumulate 0 writes it instead.

// log Σ_k e^(x_k) of one row, computed as max + log Σ e^(x - max).
__device__ float row_log_sum_exp(const act_t* row, int K, float* scratch) {
    float localMax = __int_as_float(0xff800000);
    for (int k = threadIdx.x; k < K; k += THREADS) {
        localMax = fmaxf(localMax, to_float(row[k]));
    }
    float max = block_max(localMax, scratch);
    float localSum = 0.0f;
    for (int k = threadIdx.x; k < K; k += THREADS) {
        localSum += expf(to_float(row[k]) - max);
    }
    return max + logf(block_sum(localSum, scratch));
}

__device__ float smoothed_target(int k, int label, int K, float smoothing) {
    return (k == label ? 1.0f - smoothing : 0.0f) + smoothing / K;
}

extern "C" __global__ void log_softmax_forward(const act_t* x, act_t* y, int K) {
    __shared__ float scratch[THREADS];
    long long start = (long long) blockIdx.x * K;
    float logSumExp = row_log_sum_exp(x + start, K, scratch);
    for (int k = threadIdx.x; k < K; k += THREADS) {
        y[start + k] = to_act(to_float(x[start + k]) - logSumExp);
    }
}

extern "C" __global__ void log_softmax_backward(const act_t* y, const act_t* dy, act_t* dx, int K, int accumulate) {
    __shared__ float scratch[THREADS];
    long long start = (long long) blockIdx.x * K;
    float localSum = 0.0f;
    for (int k = threadIdx.x; k < K; k += THREADS) {
        localSum += to_float(dy[start + k]);
    }
    float sumGrad = block_sum(localSum, scratch);
    for (int k = threadIdx.x; k < K; k += THREADS) {
        long long i = start + k;
        dx[i] = to_act(prior_gradient(dx, i, accumulate) + to_float(dy[i]) - expf(to_float(y[i])) * sumGrad);
    }
}

extern "C" __global__ void softmax_cross_entropy_forward(const act_t* logits, const int* labels, float* loss, int N,
                                                         int K, float smoothing) {
    __shared__ float scratch[THREADS];
    float total = 0.0f;
    for (int n = 0; n < N; n++) {
        const act_t* row = logits + (long long) n * K;
        int label = labels[n];
        float logSumExp = row_log_sum_exp(row, K, scratch);
        float local = 0.0f;
        for (int k = threadIdx.x; k < K; k += THREADS) {
            local -= smoothed_target(k, label, K, smoothing) * (to_float(row[k]) - logSumExp);
        }
        total += block_sum(local, scratch);
        if (label < 0 || label >= K) {
            total = __int_as_float(0x7fc00000);
        }
    }
    if (threadIdx.x == 0) {
        loss[0] = total / N;
    }
}

extern "C" __global__ void softmax_cross_entropy_backward(const act_t* logits, const int* labels, const float* lossGrad,
                                                          act_t* dlogits, int N, int K, float smoothing,
                                                          int accumulate) {
    __shared__ float scratch[THREADS];
    int n = blockIdx.x;
    const act_t* row = logits + (long long) n * K;
    int label = labels[n];
    float logSumExp = row_log_sum_exp(row, K, scratch);
    float factor = lossGrad[0] / N;
    for (int k = threadIdx.x; k < K; k += THREADS) {
        float probability = expf(to_float(row[k]) - logSumExp);
        long long i = (long long) n * K + k;
        dlogits[i] = to_act(prior_gradient(dlogits, i, accumulate)
                            + factor * (probability - smoothed_target(k, label, K, smoothing)));
    }
}
