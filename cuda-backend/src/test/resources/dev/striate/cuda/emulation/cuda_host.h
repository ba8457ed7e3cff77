// The CUDA built-ins the project's kernels use, emulated on the host (C++20), so that the kernels' arithmetic and
// indexing can be checked against the reference without a GPU. A launch runs its blocks one after the other and the
// threads of a block concurrently (std::thread), with __syncthreads as a barrier; __shared__ variables become
// function statics, which is shared memory when one block runs at a time.
#include <algorithm>
#include <barrier>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};
inline thread_local dim3 threadIdx;
inline dim3 blockIdx, blockDim, gridDim;
inline std::barrier<>* emulated_block_barrier = nullptr;
inline std::mutex emulated_atomics;

#define __global__
#define __device__
#define __shared__ static
#define __forceinline__ inline

inline void __syncthreads() { emulated_block_barrier->arrive_and_wait(); }
inline float __int_as_float(unsigned bits) { return std::bit_cast<float>(bits); }
inline float __uint_as_float(unsigned bits) { return std::bit_cast<float>(bits); }
inline unsigned __float_as_uint(float value) { return std::bit_cast<unsigned>(value); }
inline double __longlong_as_double(long long bits) { return std::bit_cast<double>(bits); }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double atomicAdd(double* address, double value) {
    std::lock_guard<std::mutex> lock(emulated_atomics);
    double old = *address;
    *address += value;
    return old;
}
using std::max;
using std::min;

template <typename Kernel>
void emulate_launch(int blocks, int threads, Kernel kernel) {
    gridDim.x = blocks;
    blockDim.x = threads;
    for (int b = 0; b < blocks; b++) {
        blockIdx.x = b;
        std::barrier<> barrier(threads);
        emulated_block_barrier = &barrier;
        std::vector<std::thread> block;
        for (int t = 0; t < threads; t++) {
            block.emplace_back([&kernel, t] {
                threadIdx.x = t;
                kernel();
            });
        }
        for (std::thread& thread : block) {
            thread.join();
        }
    }
}

// A bf16 tensor (storage.cuh's act_t in the bf16 variant) printed as the floats its bits stand for.
inline void print_bf16_tensor(const char* name, const std::vector<unsigned short>& values) {
    std::printf("%s", name);
    for (unsigned short value : values) {
        std::printf(" %.9g", (double) std::bit_cast<float>(((unsigned) value) << 16));
    }
    std::printf("\n");
}

template <typename T>
void print_tensor(const char* name, const std::vector<T>& values) {
    std::printf("%s", name);
    for (const T& value : values) {
        std::printf(" %.9g", (double) value);
    }
    std::printf("\n");
}
