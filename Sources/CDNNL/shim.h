/* oneDNN (Debian's libdnnl-dev 2.6, OpenMP runtime): the convolution primitives of OneDNNConvolution. */
#include <oneapi/dnnl/dnnl.h>
