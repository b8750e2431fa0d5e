/* libfmugw_missing.so: linked into MissingLib at build time, never shipped. */
int fmugw_missing_answer(void);
int fmugw_missing_answer(void) { return 42; }
