// ClientPool: a fixed set of threads, each owning one RemoteClient (S3Client is one per thread),
// running batches of requests: HEAD/GetObjectAcl per listed object, uploads of data files.
// ParallelFor may be called from several threads at once; their tasks share the pool in FIFO
// order. The destructor stops and joins the threads: destroy the pool only once every
// ParallelFor has returned.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.h"
#include "scan/remote_client.h"

namespace stocktake::scan {

class ClientPool {
 public:
  static Result<std::unique_ptr<ClientPool>> Create(int threads,
                                                    const RemoteClientOptions& options);
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  using Task = std::function<Status(RemoteClient& client, size_t index)>;
  // Runs task(client, i) for every i in [0, n) and waits for all of them. Returns the first
  // error; once a task failed, the batch's tasks not yet started are skipped.
  Status ParallelFor(size_t n, const Task& task);

 private:
  struct Batch;
  struct Item {
    Batch* batch;
    size_t index;
  };
  ClientPool() = default;
  void Loop(RemoteClient* client);

  std::vector<std::unique_ptr<RemoteClient>> clients_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
};

}  // namespace stocktake::scan
