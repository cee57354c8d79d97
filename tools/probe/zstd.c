/* Build probe: does libzstd link here? */
#include <zstd.h>
int main(void) { return ZSTD_versionNumber() == 0; }
