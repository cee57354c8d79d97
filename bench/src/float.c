/* float: double-precision n-body integration plus a mandelbrot kernel.
 *
 * usage: float [ROUNDS]   (default 24; a round is 3000 n-body steps and one
 *                          mandelbrot frame over a moving window)
 *
 * x86-64 builds run this on SSE2 scalar doubles (mulsd/addsd/divsd/sqrtsd,
 * cvtsi2sd); the -m32 build runs it on the x87 stack with 80-bit
 * intermediates, so the two flavors print different (each deterministic)
 * numbers. The energy is printed with all its digits: one wrong rounding in
 * an emulator's FPU shows up there. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N_BODIES 24
#define STEPS_PER_ROUND 3000
#define MANDEL_W 96
#define MANDEL_H 64
#define MANDEL_MAX_ITER 600

static uint32_t lcg_state = 31337u;
static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

/* Uniform double in [lo, hi) from the LCG: an int->double conversion. */
static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * (double)(lcg_next() >> 8) / 16777216.0;
}

struct body {
    double x, y, z, vx, vy, vz, m;
};

static void bodies_init(struct body *b, int n)
{
    for (int i = 0; i < n; i++) {
        b[i].x = uniform(-10, 10);
        b[i].y = uniform(-10, 10);
        b[i].z = uniform(-2, 2);
        b[i].vx = uniform(-0.5, 0.5);
        b[i].vy = uniform(-0.5, 0.5);
        b[i].vz = uniform(-0.1, 0.1);
        b[i].m = uniform(0.5, 1.5);
    }
}

/* One kick-drift step of softened gravity (softening keeps close encounters
 * finite, so the run stays well-conditioned for the whole length). */
static void nbody_step(struct body *b, int n, double dt)
{
    const double soft2 = 0.01;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double r2 = dx * dx + dy * dy + dz * dz + soft2;
            double inv_r3 = 1.0 / (r2 * sqrt(r2));
            double fi = b[j].m * inv_r3 * dt, fj = b[i].m * inv_r3 * dt;
            b[i].vx -= dx * fi;
            b[i].vy -= dy * fi;
            b[i].vz -= dz * fi;
            b[j].vx += dx * fj;
            b[j].vy += dy * fj;
            b[j].vz += dz * fj;
        }
    for (int i = 0; i < n; i++) {
        b[i].x += b[i].vx * dt;
        b[i].y += b[i].vy * dt;
        b[i].z += b[i].vz * dt;
    }
}

static double nbody_energy(const struct body *b, int n)
{
    double e = 0;
    for (int i = 0; i < n; i++) {
        e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

/* Escape-time iteration counts over a W x H grid of the window centred on
 * (cx, cy): a tight loop of dependent multiplies and a compare per step. */
static uint64_t mandelbrot(double cx, double cy, double span)
{
    uint64_t total = 0;
    for (int py = 0; py < MANDEL_H; py++) {
        double ci = cy + span * ((double)py / MANDEL_H - 0.5);
        for (int px = 0; px < MANDEL_W; px++) {
            double cr = cx + span * 1.5 * ((double)px / MANDEL_W - 0.5);
            double zr = 0, zi = 0;
            int it = 0;
            while (it < MANDEL_MAX_ITER && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it++;
            }
            total += (uint64_t)it * (uint64_t)(px + 1);
        }
    }
    return total;
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 24;
    struct body bodies[N_BODIES];
    bodies_init(bodies, N_BODIES);
    double e0 = nbody_energy(bodies, N_BODIES);
    uint64_t iters = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (int s = 0; s < STEPS_PER_ROUND; s++)
            nbody_step(bodies, N_BODIES, 0.001);
        /* Zoom towards the seahorse valley, so later frames iterate longer. */
        double span = 3.0 / (1.0 + 0.15 * r);
        iters += mandelbrot(-0.743643887 + 0.1 / (1.0 + r), 0.131825904, span);
    }
    double e1 = nbody_energy(bodies, N_BODIES);
    printf("float rounds=%u e0=%.17g e1=%.17g x0=%.17g mandel=%llu\n", rounds, e0, e1,
           bodies[0].x, (unsigned long long)iters);
    /* Checksum over the exact bit patterns, not a rounded decimal. */
    union {
        double d;
        uint64_t u;
    } pe = {e1}, px = {bodies[N_BODIES - 1].vx};
    printf("checksum %016llx\n", (unsigned long long)(pe.u ^ (px.u << 1) ^ iters));
    return 0;
}
