// Fused optimizer steps over many parameters in one launch, with the formulas of the reference
// (CpuOptimizerKernels, i.e. torch.optim), computed in double and stored as float. The gradient is only read.
//
// Parameters are listed in a device table of `rows` rows of 7 long longs:
//   [0] param address (float*)   [1] grad address (const float*)   [2] state 0 address (float*, 0 if unused)
//   [3] state 1 address (float*, 0 if unused)   [4] first element's position in the launch (prefix sum of counts)
//   [5] element count   [6] the row's weight decay, as the bits of a double (it differs between parameters)
// `total` is the sum of the counts. Rows must be in increasing order of [4]. Any grid; 256 threads per block.
// Every other hyperparameter is shared by the rows of one launch (group parameters by rule, weight decay aside).
// State slots are those of core's UpdateRule, in order.
//
//   sgd_update(const long long* table, int rows, long long total, double lr, double momentum, double dampening,
//              int nesterov, int firstStep)
//       g = grad + wd·θ; with momentum (state 0 = b): b = g at the first step, else μ·b + (1 - dampening)·g;
//       g = g + μ·b (Nesterov) or b; θ -= lr·g.
//   adam_update(const long long* table, int rows, long long total, double lr, double beta1, double beta2,
//               double eps, double biasCorrection1, double biasCorrection2, int decoupled)
//       decoupled (AdamW): θ -= lr·wd·θ first; else g = grad + wd·θ. m = β1·m + (1-β1)·g (state 0),
//       v = β2·v + (1-β2)·g² (state 1), θ -= lr·(m/bc1)/(√(v/bc2) + ε), bc = 1 - β^t computed by the caller.
//   rmsprop_update(const long long* table, int rows, long long total, double lr, double alpha, double eps,
//                  double momentum)
//       g = grad + wd·θ; s = α·s + (1-α)·g² (state 0); n = g/(√s + ε); with momentum b = μ·b + n (state 1),
//       θ -= lr·b; else θ -= lr·n.
//   adagrad_update(const long long* table, int rows, long long total, double lr, double eps)
//       g = grad + wd·θ; s += g² (state 0); θ -= lr·g/(√s + ε).
//
// Two kernels read only [1], [4] and [5] of such a table, so that one launch covers every gradient of a step where one
// launch per tensor made about 160 for resnet50:
//   zero_gradients(const long long* table, int rows, long long total)
//       grad = 0 for every row: the gradients before a step's backward adds into them.
//   gradient_sum_of_squares(const long long* table, int rows, long long total, double* out)
//       *out += Σ grad² over every row, accumulated in double (gradient clipping by global norm). Launch with exactly
//       256 threads per block and any grid; each block adds its partial sum to *out with one atomicAdd, so the caller
//       zeroes *out first.

#define ROW_FIELDS 7
#define PARAM 0
#define GRAD 1
#define STATE0 2
#define STATE1 3
#define START 4
#define COUNT 5
#define WEIGHT_DECAY 6

// The row holding launch position `position`: the last row whose start is at or before it.
__device__ const long long* table_row(const long long* table, int rows, long long position) {
    int low = 0;
    int high = rows - 1;
    while (low < high) {
        int middle = (low + high + 1) / 2;
        if (table[middle * ROW_FIELDS + START] <= position) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    return table + low * ROW_FIELDS;
}

__device__ float* row_tensor(const long long* row, int field) {
    return (float*) row[field];
}

extern "C" __global__ void sgd_update(const long long* table, int rows, long long total, double lr, double momentum,
                                      double dampening, int nesterov, int firstStep) {
    GRID_STRIDE_LOOP(position, total) {
        const long long* row = table_row(table, rows, position);
        long long i = position - row[START];
        float* param = row_tensor(row, PARAM);
        double theta = param[i];
        double g = row_tensor(row, GRAD)[i] + __longlong_as_double(row[WEIGHT_DECAY]) * theta;
        if (momentum != 0.0) {
            float* buffer = row_tensor(row, STATE0);
            double b = firstStep ? g : momentum * buffer[i] + (1.0 - dampening) * g;
            buffer[i] = (float) b;
            g = nesterov ? g + momentum * b : b;
        }
        param[i] = (float) (theta - lr * g);
    }
}

extern "C" __global__ void adam_update(const long long* table, int rows, long long total, double lr, double beta1,
                                       double beta2, double eps, double biasCorrection1, double biasCorrection2,
                                       int decoupled) {
    GRID_STRIDE_LOOP(position, total) {
        const long long* row = table_row(table, rows, position);
        long long i = position - row[START];
        float* param = row_tensor(row, PARAM);
        float* firstMoment = row_tensor(row, STATE0);
        float* secondMoment = row_tensor(row, STATE1);
        double weightDecay = __longlong_as_double(row[WEIGHT_DECAY]);
        double theta = param[i];
        double g = row_tensor(row, GRAD)[i];
        if (decoupled) {
            theta -= lr * weightDecay * theta;
        } else {
            g += weightDecay * theta;
        }
        double m = beta1 * firstMoment[i] + (1.0 - beta1) * g;
        double v = beta2 * secondMoment[i] + (1.0 - beta2) * g * g;
        firstMoment[i] = (float) m;
        secondMoment[i] = (float) v;
        param[i] = (float) (theta - lr * (m / biasCorrection1) / (sqrt(v / biasCorrection2) + eps));
    }
}

extern "C" __global__ void rmsprop_update(const long long* table, int rows, long long total, double lr, double alpha,
                                          double eps, double momentum) {
    GRID_STRIDE_LOOP(position, total) {
        const long long* row = table_row(table, rows, position);
        long long i = position - row[START];
        float* param = row_tensor(row, PARAM);
        float* squareAverage = row_tensor(row, STATE0);
        double theta = param[i];
        double g = row_tensor(row, GRAD)[i] + __longlong_as_double(row[WEIGHT_DECAY]) * theta;
        double s = alpha * squareAverage[i] + (1.0 - alpha) * g * g;
        squareAverage[i] = (float) s;
        double normalized = g / (sqrt(s) + eps);
        if (momentum != 0.0) {
            float* buffer = row_tensor(row, STATE1);
            double b = momentum * buffer[i] + normalized;
            buffer[i] = (float) b;
            param[i] = (float) (theta - lr * b);
        } else {
            param[i] = (float) (theta - lr * normalized);
        }
    }
}

extern "C" __global__ void adagrad_update(const long long* table, int rows, long long total, double lr, double eps) {
    GRID_STRIDE_LOOP(position, total) {
        const long long* row = table_row(table, rows, position);
        long long i = position - row[START];
        float* param = row_tensor(row, PARAM);
        float* sumOfSquares = row_tensor(row, STATE0);
        double theta = param[i];
        double g = row_tensor(row, GRAD)[i] + __longlong_as_double(row[WEIGHT_DECAY]) * theta;
        double s = sumOfSquares[i] + g * g;
        sumOfSquares[i] = (float) s;
        param[i] = (float) (theta - lr * g / (sqrt(s) + eps));
    }
}

extern "C" __global__ void zero_gradients(const long long* table, int rows, long long total) {
    GRID_STRIDE_LOOP(position, total) {
        const long long* row = table_row(table, rows, position);
        row_tensor(row, GRAD)[position - row[START]] = 0.0f;
    }
}

extern "C" __global__ void gradient_sum_of_squares(const long long* table, int rows, long long total, double* out) {
    __shared__ double partial[THREADS];
    double sum = 0.0;
    GRID_STRIDE_LOOP(position, total) {
        const long long* row = table_row(table, rows, position);
        double v = row_tensor(row, GRAD)[position - row[START]];
        sum += v * v;
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] += partial[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        atomicAdd(out, partial[0]);
    }
}
