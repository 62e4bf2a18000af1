#include "scan/client_pool.h"

#include <atomic>

namespace stocktake::scan {

struct ClientPool::Batch {
  const Task* task;
  size_t remaining;
  bool failed = false;
  Status first_error;
  std::condition_variable done;
};

Result<std::unique_ptr<ClientPool>> ClientPool::Create(int threads,
                                                       const RemoteClientOptions& options) {
  std::unique_ptr<ClientPool> pool(new ClientPool());
  for (int i = 0; i < std::max(threads, 1); ++i) {
    ASSIGN_OR_RETURN(auto client, RemoteClient::Create(options));
    pool->clients_.push_back(std::move(client));
  }
  for (auto& client : pool->clients_) {
    pool->threads_.emplace_back([p = pool.get(), c = client.get()] { p->Loop(c); });
  }
  return pool;
}

ClientPool::~ClientPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

Status ClientPool::ParallelFor(size_t n, const Task& task) {
  if (n == 0) return Status::OK();
  Batch batch;
  batch.task = &task;
  batch.remaining = n;
  std::unique_lock lock(mu_);
  for (size_t i = 0; i < n; ++i) queue_.push_back(Item{&batch, i});
  cv_.notify_all();
  batch.done.wait(lock, [&] { return batch.remaining == 0; });
  return batch.first_error;
}

void ClientPool::Loop(RemoteClient* client) {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Item item = queue_.front();
    queue_.pop_front();
    Batch* batch = item.batch;
    Status st;
    if (!batch->failed) {
      lock.unlock();
      st = (*batch->task)(*client, item.index);
      lock.lock();
    }
    if (!st.ok() && !batch->failed) {
      batch->failed = true;
      batch->first_error = std::move(st);
    }
    if (--batch->remaining == 0) batch->done.notify_all();
  }
}

}  // namespace stocktake::scan
