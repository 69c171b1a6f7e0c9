// Column reductions: partial[s, j] = sum over rows i of slice s of x[i, j] * r[i].
// With r = 1 this gives column sums (means); with r = sigmoid(z) - y it gives the logistic gradient X^T r.
// Work-item (j, s): consecutive j read consecutive floats of a row (coalesced on GPUs); slicing the rows
// gives enough work-items for a GPU when d is only a few thousand. The host adds the slices in double.
// One body for both element formats of x: float32, and bfloat16 stored as ushort (widened by a 16-bit shift, exact).
#define XT_VECTOR_PARTIAL(NAME, T, LOAD)                                                          \
__kernel void NAME(__global const T* restrict x, const int n, const int d,                        \
                   __global const float* restrict r, const int rows_per_slice,                    \
                   __global float* restrict partial)                                              \
{                                                                                                  \
    const int j = get_global_id(0);                                                                \
    const int s = get_global_id(1);                                                                \
    if (j >= d) return;                                                                            \
    const int r0 = s * rows_per_slice;                                                             \
    const int r1 = min(n, r0 + rows_per_slice);                                                    \
    float acc = 0.0f;                                                                              \
    for (int i = r0; i < r1; i++) acc = fma(LOAD(x[(size_t)i * d + j]), r[i], acc);               \
    partial[(size_t)s * d + j] = acc;                                                              \
}

#define LOAD_FLOAT(v) (v)
#define LOAD_BF16(v) as_float((uint)(v) << 16)
XT_VECTOR_PARTIAL(xt_vector_partial, float, LOAD_FLOAT)
XT_VECTOR_PARTIAL(bf16_xt_vector_partial, ushort, LOAD_BF16)

// g[i, j] = sum_r (x[r, i] - mean[i]) (x[r, j] - mean[j]), 16 x 16 tiles through local memory.
// Only tiles on or above the diagonal are computed; the host mirrors the lower triangle.
#define TS 16
__kernel void gram_tiled(__global const float* restrict x, const int n, const int d,
                         __global const float* restrict mean, __global float* restrict g)
{
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int tileJ = get_group_id(0), tileI = get_group_id(1);
    if (tileI > tileJ) return; // uniform over the work-group: no barrier is skipped by part of it
    __local float A[TS][TS + 1];
    __local float B[TS][TS + 1];
    const int ci = tileI * TS + tx, cj = tileJ * TS + tx;
    const float mi = ci < d ? mean[ci] : 0.0f;
    const float mj = cj < d ? mean[cj] : 0.0f;
    float acc = 0.0f;
    for (int r0 = 0; r0 < n; r0 += TS)
    {
        const int r = r0 + ty;
        A[ty][tx] = (r < n && ci < d) ? x[(size_t)r * d + ci] - mi : 0.0f;
        B[ty][tx] = (r < n && cj < d) ? x[(size_t)r * d + cj] - mj : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int t = 0; t < TS; t++) acc = fma(A[t][ty], B[t][tx], acc);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const int i = tileI * TS + ty, j = tileJ * TS + tx;
    if (i < d && j < d) g[(size_t)i * d + j] = acc;
}
