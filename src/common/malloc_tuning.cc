#include "common/malloc_tuning.h"

#include <malloc.h>

namespace stocktake {

void TuneMallocForLargeBuffers() {
  // Setting the threshold also turns glibc's dynamic adjustment of it off.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

}  // namespace stocktake
