#include <cblas.h>

/* LAPACK (bundled in OpenBLAS): eigenvalues / eigenvectors of a real symmetric matrix, divide and conquer. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
