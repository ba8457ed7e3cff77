// Batch normalization's own kernels. Tensors are read as [N, C, S] (S = H·W, or 1 for rank 2); x, y, dx and dy (and a
// fused op's residual and its gradient) are activations (act_t), γ, β, their gradients and the statistics are float.
// Launch with exactly 256 threads per block. gamma null means γ = 1, beta null β = 0; dx, dgamma and dbeta null mean
// that gradient is not wanted.
//
// cuDNN does fp32 training forward and backward and inference forward of a plain batch norm. bf16 runs on the kernels
// below instead: cuDNN's legacy batch norm documents no bf16 data type configuration, and PyTorch does not send bf16
// batch norm to cuDNN. So do the fused ops in every precision (below).
//
// Per-channel sums run in two stages (per_channel.cuh): stage one writes float partials per (channel, chunk) of the
// channel's M = N·S values, stage two adds a channel's partials in chunk order. Partials of C channels and K chunks lie
// in one float buffer as [2, C, K]: the first of the two quantities a stage sums, then the second. Stage one's grid is
// C·K blocks in NCHW (a block per channel and chunk) and K in NHWC (a block per chunk of rows, all channels, threads
// over consecutive channels so that loads coalesce). The elementwise passes (normalize, dx) take one thread per element
// and find its channel with channel_of (index / S % C, or index % C channels-last): every layout gives each element
// the same arithmetic.
//
// Channels-last design: a channel's values lie C elements apart, so the NCHW block per (channel, chunk) would read 2
// useful bytes of every 32-byte sector. An NHWC block reads whole rows instead (RowLanes: THREADS / C rows side by side
// when C < THREADS, channels THREADS at a time above). Its chunk is up to C times the NCHW one (ChannelChunks keeps K
// at most 1024 in both layouts), too much to read twice from cache, so the statistics pass walks the chunk in tiles of
// about TILE_VALUES values, reads each tile twice (its sum, then its squared deviations from its own mean) and
// combines the tiles as the finalize kernel combines chunks (Chan et al.); the partials mean the same in both layouts.
//
//   increment_i64(long long* counter)            counter[0] += 1 (num_batches_tracked); one thread.
//   batch_norm_statistics_partials(x, partials, N, C, S, chunkLength)       grid C·K, channels-last K
//       per chunk: its sum and Σ(x - chunk mean)² (two passes over the chunk or tile, the second from cache).
//   batch_norm_statistics_finalize(partials, runningMean, runningVar, savedMean, savedInverseStd, N, C, S, chunkLength,
//                                  momentum, eps)                              grid C
//       The batch's mean μ and biased variance σ² combined from the chunks (Chan et al.: M2 = Σ M2_k + Σ n_k(μ_k - μ)²,
//       no E[x²] - μ² cancellation), running = (1 - momentum)·running + momentum·batch (the variance unbiased,
//       σ²·M/(M - 1)), saved = μ and 1/√(σ² + eps) for backward.
//   batch_norm_normalize(x, y, gamma, beta, mean, inverseStd, N, C, S)       y = γ·(x - μ)·invStd + β; per element.
//   batch_norm_inference_forward(x, y, gamma, beta, runningMean, runningVar, N, C, S, eps)
//       y = γ·(x - running mean)/√(running var + eps) + β; one thread per element.
//   batch_norm_gradient_partials(x, dy, mean, inverseStd, partials, N, C, S, chunkLength)      grid C·K (NHWC K)
//   batch_norm_running_gradient_partials(x, dy, runningMean, runningVar, eps, partials, N, C, S, chunkLength) ditto
//       per chunk: Σ dy and Σ dy·x̂, x̂ = (x - μ)·invStd with the saved batch statistics, or the running ones
//       (invStd = 1/√(var + eps)).
//   batch_norm_gradient_finalize(partials, dgamma, dbeta, sums, N, C, S, chunkLength)                   grid C
//       dγ += Σ dy·x̂, dβ += Σ dy; sums (null when not wanted) = [Σ dy per channel, Σ dy·x̂ per channel] for dx.
//   batch_norm_training_input_gradient(x, dy, dx, gamma, savedMean, savedInverseStd, sums, N, C, S, accumulate)
//       Through the batch statistics: dx += γ·invStd·(dy - Σdy/M - x̂·Σ(dy·x̂)/M); one thread per element.
//   batch_norm_running_input_gradient(dy, dx, gamma, runningVar, N, C, S, eps, accumulate)
//       Through evaluation mode, where the running statistics are constants: dx += γ·invStd·dy; per element.
//   Both write dx instead of adding into it when accumulate is 0 (a fresh gradient: prior_gradient, block.cuh).
//
// The fused ops (BatchNormRelu, BatchNormAddRelu) run on these kernels in every precision and layout: cuDNN's legacy
// batch norm cannot fuse a ReLU in fp32 NCHW. Their statistics and finalize passes are the plain ones; the elementwise
// and gradient-partials passes below are the plain ones with an epilogue, through the same device functions (the plain
// kernels call them with no residual and no y, so their arithmetic is unchanged). Forward adds the residual (null:
// none) to the normalized value and clamps the sum to [0, ceiling] (ceiling INFINITY for ReLU, 6 for ReLU6; NaN stays
// NaN) before the one store to act_t. Backward reads g = dy·[0 < y < ceiling], the clamp's derivative read off the
// fused output y, wherever the plain kernels read dy; the input-gradient passes also write or add g into dresidual
// (null: not wanted; accumulateResidual as accumulate, written after dx so that the two may be one tensor). A null dx
// is not wanted there either, and sums may then be null.
//   batch_norm_normalize_relu(x, residual, y, gamma, beta, mean, inverseStd, N, C, S, ceiling)
//   batch_norm_inference_forward_relu(x, residual, y, gamma, beta, runningMean, runningVar, N, C, S, eps, ceiling)
//   batch_norm_gradient_partials_relu(x, dy, y, ceiling, mean, inverseStd, partials, N, C, S, chunkLength)
//   batch_norm_running_gradient_partials_relu(x, dy, y, ceiling, runningMean, runningVar, eps, partials, N, C, S,
//                                             chunkLength)
//   batch_norm_training_input_gradient_relu(x, dy, y, ceiling, dx, dresidual, gamma, savedMean, savedInverseStd, sums,
//                                           N, C, S, accumulate, accumulateResidual)
//   batch_norm_running_input_gradient_relu(dy, y, ceiling, dx, dresidual, gamma, runningVar, N, C, S, eps, accumulate,
//                                          accumulateResidual)

extern "C" __global__ void increment_i64(long long* counter) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        counter[0] += 1;
    }
}

#ifdef STRIATE_NHWC
// Values per tile of a channels-last chunk, per pass of channels: 8 KB of bf16, read a second time from cache.
#define TILE_VALUES (16 * THREADS)

extern "C" __global__ void batch_norm_statistics_partials(const act_t* x, float* partials, int N, int C, int S,
                                                          int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    RowLanes rows(blockIdx.x, chunkLength, count, C);
    long long tileRows = (TILE_VALUES + rows.width - 1) / rows.width;
    for (int first = 0; first < C; first += rows.width) {
        int c = rows.channel(first);
        bool reads = rows.reads(first, C);
        float chunkSum = 0.0f;
        float chunkSquaredDeviations = 0.0f;
        for (long long tile = rows.begin; tile < rows.end; tile += tileRows) {
            long long tileEnd = tile + tileRows < rows.end ? tile + tileRows : rows.end;
            float sum = 0.0f;
            for (long long m = tile + rows.lane; reads && m < tileEnd; m += rows.lanes) {
                sum += to_float(x[m * C + c]);
            }
            float tileSum = rows.sum(sum, scratch);
            float tileSize = (float) (tileEnd - tile);
            float tileMean = tileSum / tileSize;
            float squaredDeviations = 0.0f;
            for (long long m = tile + rows.lane; reads && m < tileEnd; m += rows.lanes) {
                float deviation = to_float(x[m * C + c]) - tileMean;
                squaredDeviations += deviation * deviation;
            }
            float tileSquaredDeviations = rows.sum(squaredDeviations, scratch);
            // Chan et al.: the chunk so far (`before` values) and this tile, each around its own mean.
            float before = (float) (tile - rows.begin);
            float offset = before > 0.0f ? chunkSum / before - tileMean : 0.0f;
            chunkSquaredDeviations += tileSquaredDeviations + before * tileSize / (before + tileSize) * offset * offset;
            chunkSum += tileSum;
        }
        if (rows.writes(first, C)) {
            partials[(long long) c * chunks + blockIdx.x] = chunkSum;
            partials[((long long) C + c) * chunks + blockIdx.x] = chunkSquaredDeviations;
        }
    }
}
#else
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
#endif

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
    float mean = sum_of_chunks(sums, chunks, scratch) / (float) count;
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

// One element normalized with its channel's statistics: γ·(x - μ)·invStd + β.
__device__ __forceinline__ float normalized_value(const act_t* x, long long index, int c, const float* gamma,
                                                  const float* beta, float mean, float inverseStd) {
    float scale = (gamma ? gamma[c] : 1.0f) * inverseStd;
    return scale * (to_float(x[index]) - mean) + (beta ? beta[c] : 0.0f);
}

// The fused ops' epilogue: + residual[index] (none when null), then clamped to [0, ceiling]; "v <= 0 ? 0 : v" as
// relu_forward, not fmaxf, which would turn a NaN into 0.
__device__ __forceinline__ float relu_epilogue(float value, const act_t* residual, long long index, float ceiling) {
    float v = residual ? value + to_float(residual[index]) : value;
    return v <= 0.0f ? 0.0f : (v >= ceiling ? ceiling : v);
}

extern "C" __global__ void batch_norm_normalize(const act_t* x, act_t* y, const float* gamma, const float* beta,
                                                const float* mean, const float* inverseStd, int N, int C, int S) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        y[index] = to_act(normalized_value(x, index, c, gamma, beta, mean[c], inverseStd[c]));
    }
}

extern "C" __global__ void batch_norm_normalize_relu(const act_t* x, const act_t* residual, act_t* y,
                                                     const float* gamma, const float* beta, const float* mean,
                                                     const float* inverseStd, int N, int C, int S, float ceiling) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float value = normalized_value(x, index, c, gamma, beta, mean[c], inverseStd[c]);
        y[index] = to_act(relu_epilogue(value, residual, index, ceiling));
    }
}

extern "C" __global__ void batch_norm_inference_forward(const act_t* x, act_t* y, const float* gamma,
                                                        const float* beta, const float* runningMean,
                                                        const float* runningVar, int N, int C, int S, float eps) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        y[index] = to_act(normalized_value(x, index, c, gamma, beta, runningMean[c], rsqrtf(runningVar[c] + eps)));
    }
}

extern "C" __global__ void batch_norm_inference_forward_relu(const act_t* x, const act_t* residual, act_t* y,
                                                             const float* gamma, const float* beta,
                                                             const float* runningMean, const float* runningVar,
                                                             int N, int C, int S, float eps, float ceiling) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float value = normalized_value(x, index, c, gamma, beta, runningMean[c], rsqrtf(runningVar[c] + eps));
        y[index] = to_act(relu_epilogue(value, residual, index, ceiling));
    }
}

// The gradient batch norm's backward differentiates: dy, or for a fused op (y, its output, not null) dy where
// 0 < y < ceiling and 0 elsewhere: the clamp's derivative read off its output.
__device__ __forceinline__ float gradient_through_clamp(const act_t* dy, const act_t* y, long long index,
                                                        float ceiling) {
    float g = to_float(dy[index]);
    if (!y) {
        return g;
    }
    float out = to_float(y[index]);
    return out > 0.0f && out < ceiling ? g : 0.0f;
}

// The inverse standard deviation of channel c: saved by the forward (1/std), or from a running variance.
__device__ float inverse_std(const float* second, int c, bool fromVariance, float eps) {
    return fromVariance ? rsqrtf(second[c] + eps) : second[c];
}

#ifdef STRIATE_NHWC
// One chunk block's Σ g and Σ g·(x - mean)·inverseStd for every channel (g: gradient_through_clamp), written to
// partials as [2, C, K].
__device__ void gradient_partials(const act_t* x, const act_t* dy, const act_t* y, float ceiling, const float* mean,
                                  const float* second, bool fromVariance, float eps, float* partials, int N, int C,
                                  int S, int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    RowLanes rows(blockIdx.x, chunkLength, count, C);
    for (int first = 0; first < C; first += rows.width) {
        int c = rows.channel(first);
        float sum = 0.0f;
        float sumTimesNormalized = 0.0f;
        if (rows.reads(first, C)) {
            float channelMean = mean[c];
            float inverseStd = inverse_std(second, c, fromVariance, eps);
            for (long long m = rows.begin + rows.lane; m < rows.end; m += rows.lanes) {
                long long index = m * C + c;
                float g = gradient_through_clamp(dy, y, index, ceiling);
                sum += g;
                sumTimesNormalized += g * (to_float(x[index]) - channelMean) * inverseStd;
            }
        }
        float chunkSum = rows.sum(sum, scratch);
        float chunkSumTimesNormalized = rows.sum(sumTimesNormalized, scratch);
        if (rows.writes(first, C)) {
            partials[(long long) c * chunks + blockIdx.x] = chunkSum;
            partials[((long long) C + c) * chunks + blockIdx.x] = chunkSumTimesNormalized;
        }
    }
}
#else
// One (channel, chunk) block's Σ g and Σ g·(x - mean)·inverseStd (g: gradient_through_clamp), written to partials as
// [2, C, K].
__device__ void gradient_partials(const act_t* x, const act_t* dy, const act_t* y, float ceiling, const float* mean,
                                  const float* second, bool fromVariance, float eps, float* partials, int N, int C,
                                  int S, int chunkLength) {
    __shared__ float scratch[THREADS];
    long long count = (long long) N * S;
    int chunks = chunk_count(chunkLength, count);
    int c = blockIdx.x / chunks;
    int chunk = blockIdx.x % chunks;
    float channelMean = mean[c];
    float inverseStd = inverse_std(second, c, fromVariance, eps);
    float sum = 0.0f;
    float sumTimesNormalized = 0.0f;
    for (ChunkWalk walk(chunk, chunkLength, count, S); walk.more(); walk.next(S)) {
        long long index = walk.index(C, c, S);
        float g = gradient_through_clamp(dy, y, index, ceiling);
        sum += g;
        sumTimesNormalized += g * (to_float(x[index]) - channelMean) * inverseStd;
    }
    float chunkSum = block_sum(sum, scratch);
    float chunkSumTimesNormalized = block_sum(sumTimesNormalized, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = chunkSum;
        partials[(long long) C * chunks + blockIdx.x] = chunkSumTimesNormalized;
    }
}
#endif

extern "C" __global__ void batch_norm_gradient_partials(const act_t* x, const act_t* dy, const float* mean,
                                                        const float* inverseStd, float* partials, int N, int C, int S,
                                                        int chunkLength) {
    gradient_partials(x, dy, nullptr, 0.0f, mean, inverseStd, false, 0.0f, partials, N, C, S, chunkLength);
}

extern "C" __global__ void batch_norm_gradient_partials_relu(const act_t* x, const act_t* dy, const act_t* y,
                                                             float ceiling, const float* mean, const float* inverseStd,
                                                             float* partials, int N, int C, int S, int chunkLength) {
    gradient_partials(x, dy, y, ceiling, mean, inverseStd, false, 0.0f, partials, N, C, S, chunkLength);
}

extern "C" __global__ void batch_norm_running_gradient_partials(const act_t* x, const act_t* dy,
                                                                const float* runningMean, const float* runningVar,
                                                                float eps, float* partials, int N, int C, int S,
                                                                int chunkLength) {
    gradient_partials(x, dy, nullptr, 0.0f, runningMean, runningVar, true, eps, partials, N, C, S, chunkLength);
}

extern "C" __global__ void batch_norm_running_gradient_partials_relu(const act_t* x, const act_t* dy, const act_t* y,
                                                                     float ceiling, const float* runningMean,
                                                                     const float* runningVar, float eps,
                                                                     float* partials, int N, int C, int S,
                                                                     int chunkLength) {
    gradient_partials(x, dy, y, ceiling, runningMean, runningVar, true, eps, partials, N, C, S, chunkLength);
}

extern "C" __global__ void batch_norm_gradient_finalize(const float* partials, float* dgamma, float* dbeta,
                                                        float* sums, int N, int C, int S, int chunkLength) {
    __shared__ float scratch[THREADS];
    int c = blockIdx.x;
    int chunks = chunk_count(chunkLength, (long long) N * S);
    const float* gradSums = partials + (long long) c * chunks;
    const float* gradTimesNormalizedSums = partials + ((long long) C + c) * chunks;
    float gradSum = sum_of_chunks(gradSums, chunks, scratch);
    float gradTimesNormalizedSum = sum_of_chunks(gradTimesNormalizedSums, chunks, scratch);
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

// One element's dx through the batch statistics before its scale γ·invStd, from its gradient g:
// g - Σg/M - x̂·Σ(g·x̂)/M. The callers multiply and add it to the prior gradient in one expression, as nvcc contracts
// that into one fma.
__device__ __forceinline__ float through_batch_statistics(const act_t* x, float g, long long index, int c,
                                                          const float* savedMean, float inverseStd, const float* sums,
                                                          int C, float count) {
    float normalized = (to_float(x[index]) - savedMean[c]) * inverseStd;
    return g - sums[c] / count - normalized * (sums[C + c] / count);
}

extern "C" __global__ void batch_norm_training_input_gradient(const act_t* x, const act_t* dy, act_t* dx,
                                                              const float* gamma, const float* savedMean,
                                                              const float* savedInverseStd, const float* sums,
                                                              int N, int C, int S, int accumulate) {
    long long total = (long long) N * C * S;
    float count = (float) ((long long) N * S);
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float inverseStd = savedInverseStd[c];
        float through = through_batch_statistics(x, to_float(dy[index]), index, c, savedMean, inverseStd, sums, C,
                                                 count);
        dx[index] = to_act(prior_gradient(dx, index, accumulate) + (gamma ? gamma[c] : 1.0f) * inverseStd * through);
    }
}

extern "C" __global__ void batch_norm_training_input_gradient_relu(const act_t* x, const act_t* dy, const act_t* y,
                                                                   float ceiling, act_t* dx, act_t* dresidual,
                                                                   const float* gamma, const float* savedMean,
                                                                   const float* savedInverseStd, const float* sums,
                                                                   int N, int C, int S, int accumulate,
                                                                   int accumulateResidual) {
    long long total = (long long) N * C * S;
    float count = (float) ((long long) N * S);
    GRID_STRIDE_LOOP(index, total) {
        float g = gradient_through_clamp(dy, y, index, ceiling);
        if (dx) {
            int c = channel_of(index, C, S);
            float inverseStd = savedInverseStd[c];
            float through = through_batch_statistics(x, g, index, c, savedMean, inverseStd, sums, C, count);
            dx[index] = to_act(prior_gradient(dx, index, accumulate) + (gamma ? gamma[c] : 1.0f) * inverseStd
                               * through);
        }
        if (dresidual) {
            dresidual[index] = to_act(prior_gradient(dresidual, index, accumulateResidual) + g);
        }
    }
}

extern "C" __global__ void batch_norm_running_input_gradient(const act_t* dy, act_t* dx, const float* gamma,
                                                             const float* runningVar, int N, int C, int S,
                                                             float eps, int accumulate) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        int c = channel_of(index, C, S);
        float scale = (gamma ? gamma[c] : 1.0f) * rsqrtf(runningVar[c] + eps);
        dx[index] = to_act(prior_gradient(dx, index, accumulate) + scale * to_float(dy[index]));
    }
}

extern "C" __global__ void batch_norm_running_input_gradient_relu(const act_t* dy, const act_t* y, float ceiling,
                                                                  act_t* dx, act_t* dresidual, const float* gamma,
                                                                  const float* runningVar, int N, int C, int S,
                                                                  float eps, int accumulate, int accumulateResidual) {
    long long total = (long long) N * C * S;
    GRID_STRIDE_LOOP(index, total) {
        float g = gradient_through_clamp(dy, y, index, ceiling);
        if (dx) {
            int c = channel_of(index, C, S);
            float scale = (gamma ? gamma[c] : 1.0f) * rsqrtf(runningVar[c] + eps);
            dx[index] = to_act(prior_gradient(dx, index, accumulate) + scale * g);
        }
        if (dresidual) {
            dresidual[index] = to_act(prior_gradient(dresidual, index, accumulateResidual) + g);
        }
    }
}
