// Batched projection scores: scores[n, k] = x[n, d] * w[k, d]^T + bias[k].
// Two shapes of the same computation; the backend picks one per device type (see KernelShape.cs):
//  - project_rows:   one row per work-item, vload16 + fma. Best on CPU devices (PoCL): each core streams
//                    whole rows with wide vector loads.
//  - project_groups: one work-group per row, strided partial sums and a local-memory tree reduction.
//                    Best on GPUs: consecutive work-items read consecutive floats (coalesced), which is
//                    what reaches HBM bandwidth (3.1 TB/s measured on an H100, equal to cuBLAS).

inline float sum16(float16 v)
{
    float8 a = v.lo + v.hi;
    float4 b = a.lo + a.hi;
    float2 c = b.lo + b.hi;
    return c.x + c.y;
}

__kernel void project_rows(__global const float* restrict x, const int n, const int d,
                           __global const float* restrict w, const int k,
                           __global const float* restrict bias, const int has_bias,
                           __global float* restrict scores)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const float* xr = x + (size_t)row * d;
    const int d16 = d & ~15;
    for (int p = 0; p < k; p++)
    {
        __global const float* wp = w + (size_t)p * d;
        float16 acc = (float16)(0.0f);
        for (int j = 0; j < d16; j += 16)
            acc = fma(vload16(0, xr + j), vload16(0, wp + j), acc);
        float s = sum16(acc);
        for (int j = d16; j < d; j++) s = fma(xr[j], wp[j], s);
        scores[(size_t)row * k + p] = s + (has_bias ? bias[p] : 0.0f);
    }
}

// Local size must be a power of two; scratch holds one float per work-item.
__kernel void project_groups(__global const float* restrict x, const int n, const int d,
                             __global const float* restrict w, const int k,
                             __global const float* restrict bias, const int has_bias,
                             __global float* restrict scores, __local float* scratch)
{
    const int row = get_group_id(0);
    const int lid = get_local_id(0);
    const int ls = get_local_size(0);
    __global const float* xr = x + (size_t)row * d;
    for (int p = 0; p < k; p++)
    {
        __global const float* wp = w + (size_t)p * d;
        float s = 0.0f;
        for (int j = lid; j < d; j += ls) s = fma(xr[j], wp[j], s);
        scratch[lid] = s;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int offset = ls / 2; offset > 0; offset >>= 1)
        {
            if (lid < offset) scratch[lid] += scratch[lid + offset];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (lid == 0) scores[(size_t)row * k + p] = scratch[0] + (has_bias ? bias[p] : 0.0f);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

// Squared L2 norm of each row (cosine similarity against an embedding matrix).
__kernel void row_sq_norms(__global const float* restrict x, const int n, const int d, __global float* restrict norms)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const float* xr = x + (size_t)row * d;
    const int d16 = d & ~15;
    float16 acc = (float16)(0.0f);
    for (int j = 0; j < d16; j += 16) { float16 v = vload16(0, xr + j); acc = fma(v, v, acc); }
    float s = sum16(acc);
    for (int j = d16; j < d; j++) s = fma(xr[j], xr[j], s);
    norms[row] = s;
}

// bfloat16 activations, stored as ushort (the upper half of a float32): widening is a 16-bit shift, exact.
// z = x w for one probe (logistic regression on bf16 x), in the same two shapes as above.
inline float16 widen_bf16x16(__global const ushort* p)
{
    return as_float16(convert_uint16(vload16(0, p)) << 16);
}

inline float widen_bf16(const ushort v)
{
    return as_float((uint)v << 16);
}

__kernel void bf16_dot_rows(__global const ushort* restrict x, const int n, const int d,
                            __global const float* restrict w, __global float* restrict z)
{
    const int row = get_global_id(0);
    if (row >= n) return;
    __global const ushort* xr = x + (size_t)row * d;
    const int d16 = d & ~15;
    float16 acc = (float16)(0.0f);
    for (int j = 0; j < d16; j += 16)
        acc = fma(widen_bf16x16(xr + j), vload16(0, w + j), acc);
    float s = sum16(acc);
    for (int j = d16; j < d; j++) s = fma(widen_bf16(xr[j]), w[j], s);
    z[row] = s;
}

// Local size must be a power of two; scratch holds one float per work-item.
__kernel void bf16_dot_groups(__global const ushort* restrict x, const int n, const int d,
                              __global const float* restrict w, __global float* restrict z,
                              __local float* scratch)
{
    const int row = get_group_id(0);
    const int lid = get_local_id(0);
    const int ls = get_local_size(0);
    __global const ushort* xr = x + (size_t)row * d;
    float s = 0.0f;
    for (int j = lid; j < d; j += ls) s = fma(widen_bf16(xr[j]), w[j], s);
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int offset = ls / 2; offset > 0; offset >>= 1)
    {
        if (lid < offset) scratch[lid] += scratch[lid + offset];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) z[row] = scratch[0];
}
