// Batch normalization's own kernels. Tensors are read as [N, C, S] (S = H·W, or 1 for rank 2); x, y, dx and dy are
// activations (act_t), γ, β, their gradients and the statistics are float. Launch with exactly 256 threads per block;
// the per-channel kernels take one block per channel (grid C). gamma null means γ = 1, beta null β = 0; dx, dgamma and
// dbeta null mean that gradient is not wanted.
//
// cuDNN does fp32 training forward and backward and inference forward. bf16 runs on the kernels below instead: cuDNN's
// legacy batch norm documents no bf16 data type configuration, and PyTorch does not send bf16 batch norm to cuDNN.
//
//   increment_i64(long long* counter)            counter[0] += 1 (num_batches_tracked); one thread.
//   batch_norm_training_forward(x, y, gamma, beta, runningMean, runningVar, savedMean, savedInverseStd,
//                               int N, int C, int S, float momentum, float eps)
//       With the batch's mean μ and biased variance σ² (two passes, as the reference): y = γ·(x - μ)/√(σ² + eps) + β,
//       running = (1 - momentum)·running + momentum·batch (the variance unbiased, σ²·M/(M - 1), M = N·S),
//       saved = μ and 1/√(σ² + eps) for backward.
//   batch_norm_inference_forward(x, y, gamma, beta, runningMean, runningVar, int N, int C, int S, float eps)
//       y = γ·(x - running mean)/√(running var + eps) + β; one thread per element.
//   batch_norm_training_backward(x, dy, dx, gamma, savedMean, savedInverseStd, dgamma, dbeta, int N, int C, int S)
//       Through the batch statistics, with x̂ = (x - μ)·invStd: dx += γ·invStd·(dy - Σdy/M - x̂·Σ(dy·x̂)/M),
//       dγ += Σ dy·x̂, dβ += Σ dy.
//   batch_norm_running_backward(x, dy, dx, gamma, runningMean, runningVar, dgamma, dbeta, int N, int C, int S,
//                               float eps)
//       Through evaluation mode, where the running statistics are constants: dx += γ·invStd·dy, dγ += Σ dy·x̂,
//       dβ += Σ dy, invStd = 1/√(var + eps).

#define THREADS 256

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

// The index of the m-th of channel c's N·S values.
#define CHANNEL_INDEX(m, c) ((((m) / S) * C + (c)) * S + (m) % S)

// The sum of every thread's value, returned to all threads of the block; scratch is THREADS floats of shared memory.
__device__ float block_sum(float value, float* scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            scratch[threadIdx.x] += scratch[threadIdx.x + half];
        }
        __syncthreads();
    }
    float total = scratch[0];
    __syncthreads();
    return total;
}

extern "C" __global__ void increment_i64(long long* counter) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        counter[0] += 1;
    }
}

extern "C" __global__ void batch_norm_training_forward(const act_t* x, act_t* y, const float* gamma,
                                                       const float* beta, float* runningMean, float* runningVar,
                                                       float* savedMean, float* savedInverseStd, int N, int C, int S,
                                                       float momentum, float eps) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    long long count = (long long) N * S;
    float sum = 0.0f;
    for (long long m = threadIdx.x; m < count; m += THREADS) {
        sum += to_float(x[CHANNEL_INDEX(m, c)]);
    }
    float mean = block_sum(sum, scratch) / (float) count;
    float squaredDeviations = 0.0f;
    for (long long m = threadIdx.x; m < count; m += THREADS) {
        float deviation = to_float(x[CHANNEL_INDEX(m, c)]) - mean;
        squaredDeviations += deviation * deviation;
    }
    float squaredTotal = block_sum(squaredDeviations, scratch);
    float inverseStd = rsqrtf(squaredTotal / (float) count + eps);
    float scale = (gamma ? gamma[c] : 1.0f) * inverseStd;
    float shift = beta ? beta[c] : 0.0f;
    for (long long m = threadIdx.x; m < count; m += THREADS) {
        long long index = CHANNEL_INDEX(m, c);
        y[index] = to_act(scale * (to_float(x[index]) - mean) + shift);
    }
    if (threadIdx.x == 0) {
        runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean;
        runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * (squaredTotal / (float) (count - 1));
        savedMean[c] = mean;
        savedInverseStd[c] = inverseStd;
    }
}

extern "C" __global__ void batch_norm_inference_forward(const act_t* x, act_t* y, const float* gamma,
                                                        const float* beta, const float* runningMean,
                                                        const float* runningVar, int N, int C, int S, float eps) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = (int) ((index / S) % C);
        float scale = (gamma ? gamma[c] : 1.0f) * rsqrtf(runningVar[c] + eps);
        y[index] = to_act(scale * (to_float(x[index]) - runningMean[c]) + (beta ? beta[c] : 0.0f));
    }
}

extern "C" __global__ void batch_norm_training_backward(const act_t* x, const act_t* dy, act_t* dx,
                                                        const float* gamma, const float* savedMean,
                                                        const float* savedInverseStd, float* dgamma, float* dbeta,
                                                        int N, int C, int S) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    float mean = savedMean[c];
    float inverseStd = savedInverseStd[c];
    long long count = (long long) N * S;
    float sum = 0.0f;
    float sumTimesNormalized = 0.0f;
    for (long long m = threadIdx.x; m < count; m += THREADS) {
        long long index = CHANNEL_INDEX(m, c);
        float g = to_float(dy[index]);
        sum += g;
        sumTimesNormalized += g * (to_float(x[index]) - mean) * inverseStd;
    }
    float gradSum = block_sum(sum, scratch);
    float gradTimesNormalizedSum = block_sum(sumTimesNormalized, scratch);
    if (dx) {
        float scale = (gamma ? gamma[c] : 1.0f) * inverseStd;
        float meanGrad = gradSum / (float) count;
        float meanGradTimesNormalized = gradTimesNormalizedSum / (float) count;
        for (long long m = threadIdx.x; m < count; m += THREADS) {
            long long index = CHANNEL_INDEX(m, c);
            float normalized = (to_float(x[index]) - mean) * inverseStd;
            float through = to_float(dy[index]) - meanGrad - normalized * meanGradTimesNormalized;
            dx[index] = to_act(to_float(dx[index]) + scale * through);
        }
    }
    if (threadIdx.x == 0) {
        if (dgamma) {
            dgamma[c] += gradTimesNormalizedSum;
        }
        if (dbeta) {
            dbeta[c] += gradSum;
        }
    }
}

extern "C" __global__ void batch_norm_running_backward(const act_t* x, const act_t* dy, act_t* dx, const float* gamma,
                                                       const float* runningMean, const float* runningVar,
                                                       float* dgamma, float* dbeta, int N, int C, int S, float eps) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    float mean = runningMean[c];
    float inverseStd = rsqrtf(runningVar[c] + eps);
    float scale = (gamma ? gamma[c] : 1.0f) * inverseStd;
    long long count = (long long) N * S;
    float sum = 0.0f;
    float sumTimesNormalized = 0.0f;
    for (long long m = threadIdx.x; m < count; m += THREADS) {
        long long index = CHANNEL_INDEX(m, c);
        float g = to_float(dy[index]);
        sum += g;
        sumTimesNormalized += g * (to_float(x[index]) - mean) * inverseStd;
        if (dx) {
            dx[index] = to_act(to_float(dx[index]) + scale * g);
        }
    }
    float gradSum = block_sum(sum, scratch);
    float gradTimesNormalizedSum = block_sum(sumTimesNormalized, scratch);
    if (threadIdx.x == 0) {
        if (dgamma) {
            dgamma[c] += gradTimesNormalizedSum;
        }
        if (dbeta) {
            dbeta[c] += gradSum;
        }
    }
}
