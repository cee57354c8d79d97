/* Build probe: can a static executable be linked here? */
int main(void) { return 0; }
