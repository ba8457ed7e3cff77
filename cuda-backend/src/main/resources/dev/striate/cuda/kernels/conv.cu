// Explicit zero padding for convolutions whose padding differs between sides: cuDNN's convolution descriptor has one
// padding per axis, so such a convolution runs with padding 0 on a padded copy of the input.
// Input [N, C, H, W], padded [N, C, Hp, Wp] with Hp = H + top + bottom, Wp = W + left + right.
//
//   pad_input(const float* x, float* padded, int N, int C, int H, int W, int Hp, int Wp, int top, int left)
//       padded = x placed at (top, left), zeros elsewhere; one thread per padded element.
//   unpad_accumulate(const float* padded, float* dx, int N, int C, int H, int W, int Hp, int Wp, int top, int left)
//       dx += the interior of padded (the gradient of pad_input); one thread per element of dx.

#define GRID_STRIDE_LOOP(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

extern "C" __global__ void pad_input(const float* x, float* padded, int N, int C, int H, int W, int Hp, int Wp,
                                     int top, int left) {
    long long total = (long long) N * C * Hp * Wp;
    GRID_STRIDE_LOOP(index, total) {
        int v = (int) (index % Wp) - left;
        int h = (int) ((index / Wp) % Hp) - top;
        long long plane = index / ((long long) Hp * Wp);
        padded[index] = h >= 0 && h < H && v >= 0 && v < W ? x[(plane * H + h) * W + v] : 0.0f;
    }
}

extern "C" __global__ void unpad_accumulate(const float* padded, float* dx, int N, int C, int H, int W, int Hp, int Wp,
                                            int top, int left) {
    long long total = (long long) N * C * H * W;
    GRID_STRIDE_LOOP(index, total) {
        int v = (int) (index % W);
        int h = (int) ((index / W) % H);
        long long plane = index / ((long long) H * W);
        dx[index] += padded[(plane * Hp + h + top) * Wp + v + left];
    }
}
