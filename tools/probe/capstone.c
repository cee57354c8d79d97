/* Build probe: does libcapstone link here? */
#include <capstone/capstone.h>
int main(void) { return cs_version(0, 0) == 0; }
