/* interval.c -- confidence intervals of a count over a denominator: exact Poisson (Garwood) for
 * rates, Wilson score for shares; the gamma and normal quantiles they need, from libm alone. */
#include "internal.h"

#include <float.h>
#include <math.h>

/* Regularized lower incomplete gamma P(a, x), a > 0, x >= 0: the series below a + 1, Lentz's
 * continued fraction for Q above it (Numerical Recipes 6.2). */
static double gamma_p(double a, double x)
{
    if (x <= 0)
        return 0;
    double lg = lgamma(a);
    if (x < a + 1) {
        double sum = 1 / a, term = sum;
        for (int n = 1; n < 1000; n++) {
            term *= x / (a + n);
            sum += term;
            if (fabs(term) < fabs(sum) * 1e-16)
                break;
        }
        return sum * exp(-x + a * log(x) - lg);
    }
    double b = x + 1 - a, c = 1 / DBL_MIN, d = 1 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < DBL_MIN)
            d = DBL_MIN;
        c = b + an / c;
        if (fabs(c) < DBL_MIN)
            c = DBL_MIN;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return 1 - exp(-x + a * log(x) - lg) * h;
}

/* The p-quantile of Gamma(shape a, scale 1): bisection to bracket, then Newton's steps kept
 * inside the bracket. */
double gamma_quantile(double p, double a)
{
    if (p <= 0 || a <= 0)
        return 0;
    if (p >= 1)
        return INFINITY;
    double lo = 0, hi = a + 10 * sqrt(a) + 10;
    while (gamma_p(a, hi) < p)
        hi *= 2;
    double x = a; /* near the mean */
    if (x <= lo || x >= hi)
        x = (lo + hi) / 2;
    for (int i = 0; i < 200; i++) {
        double f = gamma_p(a, x) - p;
        if (f < 0)
            lo = x;
        else
            hi = x;
        double density = exp((a - 1) * log(x) - x - lgamma(a));
        double next = density > 0 ? x - f / density : (lo + hi) / 2;
        if (!(next > lo && next < hi))
            next = (lo + hi) / 2;
        if (fabs(next - x) <= 1e-15 * x || hi - lo <= 1e-15 * hi)
            return next;
        x = next;
    }
    return x;
}

/* The p-quantile of the standard normal: Acklam's rational approximation refined by one Halley
 * step on erfc, good to about 1e-15. */
double normal_quantile(double p)
{
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                6.680131188771972e+01, -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                3.754408661907416e+00 };
    if (p <= 0)
        return -INFINITY;
    if (p >= 1)
        return INFINITY;
    double x;
    if (p < 0.02425) {
        double q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p > 1 - 0.02425) {
        double q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2)) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

bool interval_of(double *lo, double *hi, double count, double denominator, double scale, double level, bool share)
{
    *lo = *hi = NAN;
    if (!(count >= 0) || !(denominator > 0) || !isfinite(count) || !isfinite(denominator))
        return false;
    double alpha = 1 - level;
    if (share && count <= denominator) {
        /* Wilson score interval of the proportion count / denominator */
        double n = denominator, p = count / n, z = normal_quantile(1 - alpha / 2), z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        *lo = fmax(0, centre - half) * scale;
        *hi = fmin(1, centre + half) * scale;
        return true;
    }
    /* Garwood: lower = chi2(alpha/2; 2x)/2, upper = chi2(1 - alpha/2; 2x + 2)/2, i.e. gamma quantiles */
    *lo = (count > 0 ? gamma_quantile(alpha / 2, count) : 0) / denominator * scale;
    *hi = gamma_quantile(1 - alpha / 2, count + 1) / denominator * scale;
    return true;
}
