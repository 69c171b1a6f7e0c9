// Per-sample logistic terms for z = x w (computed by project_*) plus intercept b:
// loss[i] = log(1 + exp(z)) - y z (overflow-free form), r[i] = sigmoid(z) - y (the gradient weight).
__kernel void logistic_residual(__global const float* restrict z, __global const float* restrict y,
                                const int n, const float b,
                                __global float* restrict r, __global float* restrict loss)
{
    const int i = get_global_id(0);
    if (i >= n) return;
    const float zi = z[i] + b;
    const float yi = y[i];
    const float e = exp(-fabs(zi));
    loss[i] = fmax(zi, 0.0f) + log1p(e) - yi * zi;
    const float s = zi >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    r[i] = s - yi;
}
