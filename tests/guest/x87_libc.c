/* long double through the C library, which computes it on the x87: printf
 * and strtold conversions, libm functions, fenv rounding modes. Results are
 * printed as bits and as text. */
#include <fenv.h>
#include <math.h>
#include <stdlib.h>

#include "x87_util.h"

static void show(const char *what, long double x)
{
	printf("%-10s ", what);
	print_f80(x);
	printf(" %.21Lg %La\n", x, x);
}

int main(void)
{
	static const char *const texts[] = {
		"0.1", "-2.5e-4950", "1.18973149535723176502e+4932", "1e4933", "3.6451995318824746025e-4951",
		"0x1.fffffffffffffffep+16383", "nan", "-inf", "123456789012345678901234567890",
		"0.3333333333333333333333333", "6.02214076e23",
	};
	volatile long double v[] = {0.5L, 2.0L, 10.0L, 1e-3L, 123.456L, -7.25L, 1e300L, 0.7L};
	const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};

	for (unsigned k = 0; k < sizeof texts / sizeof texts[0]; k++)
		show(texts[k], strtold(texts[k], NULL));
	for (unsigned k = 0; k < sizeof v / sizeof v[0]; k++) {
		long double x = v[k];
		printf("x=%Lg\n", x);
		show("sqrtl", sqrtl(x));
		show("expl", expl(x));
		show("logl", logl(x));
		show("sinl", sinl(x));
		show("cosl", cosl(x));
		show("tanl", tanl(x));
		show("atan2l", atan2l(x, 3.0L));
		show("powl", powl(x, 1.5L));
		show("fmodl", fmodl(x, 0.3L));
		show("remainderl", remainderl(x, 0.3L));
		show("cbrtl", cbrtl(x));
		show("log1pl", log1pl(x));
		show("expm1l", expm1l(x));
		show("hypotl", hypotl(x, 1.0L));
		for (unsigned m = 0; m < 4; m++) {
			fesetround(modes[m]);
			printf(" mode %u: rintl ", m);
			print_f80(rintl(x * 3.7L));
			printf(" div ");
			print_f80(x / 3.0L);
			printf(" lrintl %ld llrintl %lld %.25Lf\n", lrintl(x * 1.1L), llrintl(x * -2.3L),
			       x / 7.0L);
		}
		fesetround(FE_TONEAREST);
	}
	return 0;
}
