// Process-wide malloc settings, applied once at the start of `main` (the server, its tools and
// the benchmarks that measure them).
#pragma once

namespace stocktake {

// Allocations of 1 MiB and more get pages of their own (mmap), returned to the system when freed.
// glibc's default threshold moves up to the largest block freed so far (up to 32 MiB), after
// which the many-MiB buffers of a report (dictionaries, page scratch, row batches) live in the
// heap; across the hundreds of files of a long report the heap fragments around them, and peak
// RSS grew from 10 M to 100 M objects (Parquet 100 -> 106-114 MiB; with a fixed 1 MiB threshold
// 88 -> 92 MiB, at the same speed).
void TuneMallocForLargeBuffers();

}  // namespace stocktake
