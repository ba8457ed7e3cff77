// How rank-4 activations lie in memory, prepended to every source after storage.cuh (KernelText). Kernels read an
// activation as [N, C, S] (S = H·W; a rank-2 [N, C] tensor has S = 1, and then both layouts are the same). The
// channels-last variant (compiled with STRIATE_NHWC defined, only together with STRIATE_BF16: ActivationLayout) keeps
// element (n, c, s) at (n·S + s)·C + c, the default at (n·C + c)·S + s. Parameters, statistics and the loss are never
// reordered. A kernel walks its output in memory order (act_cell) so that neighbouring threads touch neighbouring
// addresses in either layout, and finds every other element with act_offset.
//
//   act_offset(n, c, s, C, S)   where element (n, c, s) of an [N, C, S] activation is
//   act_cell(index, C, S)       which (n, c, s) lies at memory position index

struct ActCell {
    long long n;
    int c;
    long long s;
};

#ifdef STRIATE_NHWC
__device__ __forceinline__ long long act_offset(long long n, long long c, long long s, long long C, long long S) {
    return (n * S + s) * C + c;
}

__device__ __forceinline__ ActCell act_cell(long long index, long long C, long long S) {
    ActCell cell;
    cell.c = (int) (index % C);
    long long rest = index / C;
    cell.s = rest % S;
    cell.n = rest / S;
    return cell;
}
#else
__device__ __forceinline__ long long act_offset(long long n, long long c, long long s, long long C, long long S) {
    return (n * C + c) * S + s;
}

__device__ __forceinline__ ActCell act_cell(long long index, long long C, long long S) {
    ActCell cell;
    cell.s = index % S;
    long long rest = index / S;
    cell.c = (int) (rest % C);
    cell.n = rest / C;
    return cell;
}
#endif
