// The parts of batch normalization cuDNN does not do (cuDNN does training forward and backward and inference
// forward). Tensors are read as [N, C, S] (S = H·W, or 1 for rank 2). Launch with exactly 256 threads per block.
//
//   increment_i64(long long* counter)            counter[0] += 1 (num_batches_tracked); one thread.
//   batch_norm_running_backward(const float* x, const float* dy, float* dx, const float* gamma,
//                               const float* runningMean, const float* runningVar, float* dgamma, float* dbeta,
//                               int N, int C, int S, float eps)
//       Backward through evaluation mode, where the running statistics are constants: with
//       x̂ = (x - mean)·invStd, invStd = 1/√(var + eps): dx += γ·invStd·dy, dγ += Σ dy·x̂, dβ += Σ dy.
//       One block per channel (grid C). dx, dgamma, dbeta may be null (0) when not wanted; gamma null means γ = 1.

#define THREADS 256

extern "C" __global__ void increment_i64(long long* counter) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        counter[0] += 1;
    }
}

extern "C" __global__ void batch_norm_running_backward(const float* x, const float* dy, float* dx, const float* gamma,
                                                       const float* runningMean, const float* runningVar,
                                                       float* dgamma, float* dbeta, int N, int C, int S, float eps) {
    __shared__ float sums[THREADS];
    __shared__ float sumsTimesNormalized[THREADS];
    int c = blockIdx.x;
    float mean = runningMean[c];
    float inverseStd = rsqrtf(runningVar[c] + eps);
    float scale = (gamma ? gamma[c] : 1.0f) * inverseStd;
    long long count = (long long) N * S;
    float sum = 0.0f;
    float sumTimesNormalized = 0.0f;
    for (long long m = threadIdx.x; m < count; m += THREADS) {
        long long index = ((m / S) * C + c) * S + m % S;
        float g = dy[index];
        sum += g;
        sumTimesNormalized += g * (x[index] - mean) * inverseStd;
        if (dx) {
            dx[index] += scale * g;
        }
    }
    sums[threadIdx.x] = sum;
    sumsTimesNormalized[threadIdx.x] = sumTimesNormalized;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            sums[threadIdx.x] += sums[threadIdx.x + half];
            sumsTimesNormalized[threadIdx.x] += sumsTimesNormalized[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        if (dgamma) {
            dgamma[c] += sumsTimesNormalized[0];
        }
        if (dbeta) {
            dbeta[c] += sums[0];
        }
    }
}
