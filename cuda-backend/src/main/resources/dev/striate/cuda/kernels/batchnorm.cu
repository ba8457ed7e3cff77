// Batch normalization's own kernels. Tensors are read as [N, C, S] (S = H·W, or 1 for rank 2); x, y, dx and dy are
// activations (act_t), γ, β, their gradients and the statistics are float. Launch with exactly 256 threads per block.
// gamma null means γ = 1, beta null β = 0; dx, dgamma and dbeta null mean that gradient is not wanted.
//
// cuDNN does fp32 training forward and backward and inference forward. bf16 runs on the kernels below instead: cuDNN's
// legacy batch norm documents no bf16 data type configuration, and PyTorch does not send bf16 batch norm to cuDNN.
//
// Per-channel sums run in two stages so that the whole GPU works on them, whatever C is: stage one has one block per
// (channel, chunk), chunk k of channel c holding its values m = k·chunkLength ... (the m-th of the channel's M = N·S
// values, n-major), and writes that chunk's float partials; stage two has one block per channel and adds the chunks'
// partials in chunk order. No atomics, so every sum is added in the same order on every run (deterministic results).
// Partials of C channels and K = ⌈M / chunkLength⌉ chunks lie in one float buffer as [2, C, K]: the first of the two
// quantities a stage sums, then the second. The elementwise passes (normalize, dx) take one thread per element.
//
//   increment_i64(long long* counter)            counter[0] += 1 (num_batches_tracked); one thread.
//   batch_norm_statistics_partials(x, partials, N, C, S, chunkLength)       grid C·K
//       per chunk: its sum and Σ(x - chunk mean)² (two passes over the chunk, the second from cache).
//   batch_norm_statistics_finalize(partials, runningMean, runningVar, savedMean, savedInverseStd, N, C, S, chunkLength,
//                                  momentum, eps)                              grid C
//       The batch's mean μ and biased variance σ² combined from the chunks (Chan et al.: M2 = Σ M2_k + Σ n_k(μ_k - μ)²,
//       no E[x²] - μ² cancellation), running = (1 - momentum)·running + momentum·batch (the variance unbiased,
//       σ²·M/(M - 1)), saved = μ and 1/√(σ² + eps) for backward.
//   batch_norm_normalize(x, y, gamma, beta, mean, inverseStd, N, C, S)       y = γ·(x - μ)·invStd + β; per element.
//   batch_norm_inference_forward(x, y, gamma, beta, runningMean, runningVar, N, C, S, eps)
//       y = γ·(x - running mean)/√(running var + eps) + β; one thread per element.
//   batch_norm_gradient_partials(x, dy, mean, inverseStd, partials, N, C, S, chunkLength)             grid C·K
//   batch_norm_running_gradient_partials(x, dy, runningMean, runningVar, eps, partials, N, C, S, chunkLength) grid C·K
//       per chunk: Σ dy and Σ dy·x̂, x̂ = (x - μ)·invStd with the saved batch statistics, or the running ones
//       (invStd = 1/√(var + eps)).
//   batch_norm_gradient_finalize(partials, dgamma, dbeta, sums, N, C, S, chunkLength)                   grid C
//       dγ += Σ dy·x̂, dβ += Σ dy; sums (null when not wanted) = [Σ dy per channel, Σ dy·x̂ per channel] for dx.
//   batch_norm_training_input_gradient(x, dy, dx, gamma, savedMean, savedInverseStd, sums, N, C, S)
//       Through the batch statistics: dx += γ·invStd·(dy - Σdy/M - x̂·Σ(dy·x̂)/M); one thread per element.
//   batch_norm_running_input_gradient(dy, dx, gamma, runningVar, N, C, S, eps)
//       Through evaluation mode, where the running statistics are constants: dx += γ·invStd·dy; per element.

// The channel of element `index` of an [N, C, S] tensor. In 32-bit arithmetic when the index fits: a 64-bit division
// is a long instruction sequence on the GPU, and the elementwise passes do one per element.
__device__ int channel_of(long long index, int C, int S) {
    if (index <= 0x7fffffffLL) {
        return (int) (((unsigned int) index / (unsigned int) S) % (unsigned int) C);
    }
    return (int) ((index / S) % C);
}

// One block's walk over its chunk of channel c: thread t visits the chunk's values t, t + THREADS, ... as (n, s),
// stepping without a division per value (THREADS = step·S + carry positions, applied with one wrap-around).
struct ChunkWalk {
    long long m;
    long long end;
    int n;
    int s;
    int stepN;
    int stepS;

    __device__ ChunkWalk(int chunk, int chunkLength, long long count, int S) {
        long long begin = (long long) chunk * chunkLength;
        long long last = begin + chunkLength;
        end = last < count ? last : count;
        m = begin + threadIdx.x;
        n = (int) (m / S);
        s = (int) (m % S);
        stepN = THREADS / S;
        stepS = THREADS % S;
    }

    __device__ bool more() const {
        return m < end;
    }

    __device__ long long index(int C, int c, int S) const {
        return ((long long) n * C + c) * S + s;
    }

    __device__ void next(int S) {
        m += THREADS;
        n += stepN;
        s += stepS;
        if (s >= S) {
            s -= S;
            n += 1;
        }
    }
};

// The number of values of chunk k, and the number of chunks, of a channel of `count` values.
__device__ long long chunk_size(int chunk, int chunkLength, long long count) {
    long long rest = count - (long long) chunk * chunkLength;
    return rest < chunkLength ? rest : chunkLength;
}

__device__ int chunk_count(int chunkLength, long long count) {
    return (int) ((count + chunkLength - 1) / chunkLength);
}

extern "C" __global__ void increment_i64(long long* counter) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        counter[0] += 1;
    }
}

extern "C" __global__ void batch_norm_statistics_partials(const act_t* x, float* partials, int N, int C, int S,
                                                          int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    int c = blockIdx.x / chunks;
    int chunk = blockIdx.x % chunks;
    float sum = 0.0f;
    for (ChunkWalk walk(chunk, chunkLength, count, S); walk.more(); walk.next(S)) {
        sum += to_float(x[walk.index(C, c, S)]);
    }
    float chunkSum = block_sum(sum, scratch);
    float chunkMean = chunkSum / (float) chunk_size(chunk, chunkLength, count);
    float squaredDeviations = 0.0f;
    for (ChunkWalk walk(chunk, chunkLength, count, S); walk.more(); walk.next(S)) {
        float deviation = to_float(x[walk.index(C, c, S)]) - chunkMean;
        squaredDeviations += deviation * deviation;
    }
    float chunkSquaredDeviations = block_sum(squaredDeviations, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = chunkSum;
        partials[(long long) C * chunks + blockIdx.x] = chunkSquaredDeviations;
    }
}

extern "C" __global__ void batch_norm_statistics_finalize(const float* partials, float* runningMean,
                                                          float* runningVar, float* savedMean,
                                                          float* savedInverseStd, int N, int C, int S,
                                                          int chunkLength, float momentum, float eps) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    const float* sums = partials + (long long) c * chunks;
    const float* squaredDeviations = partials + ((long long) C + c) * chunks;
    float sum = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += THREADS) {
        sum += sums[k];
    }
    float mean = block_sum(sum, scratch) / (float) count;
    float combined = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += THREADS) {
        float size = (float) chunk_size(k, chunkLength, count);
        float offset = sums[k] / size - mean;
        combined += squaredDeviations[k] + size * offset * offset;
    }
    float squaredTotal = block_sum(combined, scratch);
    if (threadIdx.x == 0) {
        runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean;
        runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * (squaredTotal / (float) (count - 1));
        savedMean[c] = mean;
        savedInverseStd[c] = rsqrtf(squaredTotal / (float) count + eps);
    }
}

extern "C" __global__ void batch_norm_normalize(const act_t* x, act_t* y, const float* gamma, const float* beta,
                                                const float* mean, const float* inverseStd, int N, int C, int S) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float scale = (gamma ? gamma[c] : 1.0f) * inverseStd[c];
        y[index] = to_act(scale * (to_float(x[index]) - mean[c]) + (beta ? beta[c] : 0.0f));
    }
}

extern "C" __global__ void batch_norm_inference_forward(const act_t* x, act_t* y, const float* gamma,
                                                        const float* beta, const float* runningMean,
                                                        const float* runningVar, int N, int C, int S, float eps) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float scale = (gamma ? gamma[c] : 1.0f) * rsqrtf(runningVar[c] + eps);
        y[index] = to_act(scale * (to_float(x[index]) - runningMean[c]) + (beta ? beta[c] : 0.0f));
    }
}

// One (channel, chunk) block's Σ dy and Σ dy·(x - mean)·inverseStd, written to partials as [2, C, K].
__device__ void gradient_partials(const act_t* x, const act_t* dy, float mean, float inverseStd, float* partials,
                                  int N, int C, int S, int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    int c = blockIdx.x / chunks;
    int chunk = blockIdx.x % chunks;
    float sum = 0.0f;
    float sumTimesNormalized = 0.0f;
    for (ChunkWalk walk(chunk, chunkLength, count, S); walk.more(); walk.next(S)) {
        long long index = walk.index(C, c, S);
        float g = to_float(dy[index]);
        sum += g;
        sumTimesNormalized += g * (to_float(x[index]) - mean) * inverseStd;
    }
    float chunkSum = block_sum(sum, scratch);
    float chunkSumTimesNormalized = block_sum(sumTimesNormalized, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = chunkSum;
        partials[(long long) C * chunks + blockIdx.x] = chunkSumTimesNormalized;
    }
}

extern "C" __global__ void batch_norm_gradient_partials(const act_t* x, const act_t* dy, const float* mean,
                                                        const float* inverseStd, float* partials, int N, int C, int S,
                                                        int chunkLength) {
    int c = blockIdx.x / chunk_count(chunkLength, (long long) N * S);
    gradient_partials(x, dy, mean[c], inverseStd[c], partials, N, C, S, chunkLength);
}

extern "C" __global__ void batch_norm_running_gradient_partials(const act_t* x, const act_t* dy,
                                                                const float* runningMean, const float* runningVar,
                                                                float eps, float* partials, int N, int C, int S,
                                                                int chunkLength) {
    int c = blockIdx.x / chunk_count(chunkLength, (long long) N * S);
    gradient_partials(x, dy, runningMean[c], rsqrtf(runningVar[c] + eps), partials, N, C, S, chunkLength);
}

extern "C" __global__ void batch_norm_gradient_finalize(const float* partials, float* dgamma, float* dbeta,
                                                        float* sums, int N, int C, int S, int chunkLength) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    int chunks = chunk_count(chunkLength, (long long) N * S);
    const float* gradSums = partials + (long long) c * chunks;
    const float* gradTimesNormalizedSums = partials + ((long long) C + c) * chunks;
    float sum = 0.0f;
    float sumTimesNormalized = 0.0f;
    for (int k = threadIdx.x; k < chunks; k += THREADS) {
        sum += gradSums[k];
        sumTimesNormalized += gradTimesNormalizedSums[k];
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
        if (sums) {
            sums[c] = gradSum;
            sums[C + c] = gradTimesNormalizedSum;
        }
    }
}

extern "C" __global__ void batch_norm_training_input_gradient(const act_t* x, const act_t* dy, act_t* dx,
                                                              const float* gamma, const float* savedMean,
                                                              const float* savedInverseStd, const float* sums,
                                                              int N, int C, int S) {
    long long total = (long long) N * C * S;
    float count = (float) ((long long) N * S);
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float inverseStd = savedInverseStd[c];
        float normalized = (to_float(x[index]) - savedMean[c]) * inverseStd;
        float through = to_float(dy[index]) - sums[c] / count - normalized * (sums[C + c] / count);
        dx[index] = to_act(to_float(dx[index]) + (gamma ? gamma[c] : 1.0f) * inverseStd * through);
    }
}

extern "C" __global__ void batch_norm_running_input_gradient(const act_t* dy, act_t* dx, const float* gamma,
                                                             const float* runningVar, int N, int C, int S,
                                                             float eps) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float scale = (gamma ? gamma[c] : 1.0f) * rsqrtf(runningVar[c] + eps);
        dx[index] = to_act(to_float(dx[index]) + scale * to_float(dy[index]));
    }
}
