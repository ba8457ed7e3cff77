// Mean softmax cross-entropy with label smoothing, as the reference: over N rows of K logits and int labels,
// L = (1/N) Σ_n Σ_k -t_nk · log p_nk with t_nk = (1-ε)·[k = label_n] + ε/K; log p is computed stably
// (x - max - log Σ e^(x - max)). A label outside [0, K) makes the loss NaN (the host validates labels on load).
// Launch with exactly 256 threads per block.
//
//   softmax_cross_entropy_forward(const float* logits, const int* labels, float* loss, int N, int K,
//                                 float smoothing)
//       ONE block: the rows are taken in order, each by the whole block, so the sum is deterministic; loss[0] = L.
//   softmax_cross_entropy_backward(const float* logits, const int* labels, const float* lossGrad, float* dlogits,
//                                  int N, int K, float smoothing)
//       N blocks, one per row: dlogits[n, k] += lossGrad[0] / N · (p_nk - t_nk).

#define THREADS 256

// The block's maximum of `value` (every thread of the block must call it).
__device__ float block_max(float value, float* scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            scratch[threadIdx.x] = fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + half]);
        }
        __syncthreads();
    }
    float result = scratch[0];
    __syncthreads();
    return result;
}

// The block's sum of `value` (every thread of the block must call it).
__device__ float block_sum(float value, float* scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            scratch[threadIdx.x] += scratch[threadIdx.x + half];
        }
        __syncthreads();
    }
    float result = scratch[0];
    __syncthreads();
    return result;
}

// log Σ_k e^(x_k) of one row, computed as max + log Σ e^(x - max).
__device__ float row_log_sum_exp(const float* row, int K, float* scratch) {
    float localMax = __int_as_float(0xff800000);
    for (int k = threadIdx.x; k < K; k += THREADS) {
        localMax = fmaxf(localMax, row[k]);
    }
    float max = block_max(localMax, scratch);
    float localSum = 0.0f;
    for (int k = threadIdx.x; k < K; k += THREADS) {
        localSum += expf(row[k] - max);
    }
    return max + logf(block_sum(localSum, scratch));
}

__device__ float smoothed_target(int k, int label, int K, float smoothing) {
    return (k == label ? 1.0f - smoothing : 0.0f) + smoothing / K;
}

extern "C" __global__ void softmax_cross_entropy_forward(const float* logits, const int* labels, float* loss, int N,
                                                         int K, float smoothing) {
    __shared__ float scratch[THREADS];
    float total = 0.0f;
    for (int n = 0; n < N; n++) {
        const float* row = logits + (long long) n * K;
        int label = labels[n];
        float logSumExp = row_log_sum_exp(row, K, scratch);
        float local = 0.0f;
        for (int k = threadIdx.x; k < K; k += THREADS) {
            local -= smoothed_target(k, label, K, smoothing) * (row[k] - logSumExp);
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

extern "C" __global__ void softmax_cross_entropy_backward(const float* logits, const int* labels, const float* lossGrad,
                                                          float* dlogits, int N, int K, float smoothing) {
    __shared__ float scratch[THREADS];
    int n = blockIdx.x;
    const float* row = logits + (long long) n * K;
    int label = labels[n];
    float logSumExp = row_log_sum_exp(row, K, scratch);
    float factor = lossGrad[0] / N;
    for (int k = threadIdx.x; k < K; k += THREADS) {
        float probability = expf(row[k] - logSumExp);
        dlogits[(long long) n * K + k] += factor * (probability - smoothed_target(k, label, K, smoothing));
    }
}
