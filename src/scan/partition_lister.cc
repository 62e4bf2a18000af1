#include "scan/partition_lister.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "scan/spool.h"

namespace stocktake::scan {
namespace {

// Failpoint for tests: STOCKTAKE_FAILPOINT_SCAN_PAGE_DELAY_MS pauses before every listing
// request, so a test can kill a scan part-way.
void PageFailpoint() {
  static const int delay_ms = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_SCAN_PAGE_DELAY_MS");
    return v ? std::atoi(v) : 0;
  }();
  if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

Status ListingError(const s3::S3Call& call, const s3::http::ClientResponse& r) {
  std::string msg = DescribeResponse(call, r);
  if (r.status == 404) return Status::NotFound(msg);
  if (r.status == 403) return Status::PermissionDenied(msg);
  return Status::Unavailable(msg);
}

// Where the next page starts.
struct Cursor {
  std::string continuation_token;  // ListObjectsV2
  std::string start_after;         // ListObjectsV2 without a token, first page
  std::string key_marker;          // ListObjectVersions
  std::string version_id_marker;
};

}  // namespace

std::string SpoolPath(const std::string& spool_dir, uint64_t partition_id) {
  return spool_dir + "/part-" + std::to_string(partition_id) + ".spool";
}

Status PartitionLister::Run(RemoteClient& client, PartitionWork work) {
  KeyRange& range = work.range;
  std::string prefix = ListPrefix(range, options_.scan_prefix);
  ASSIGN_OR_RETURN(auto spool, SpoolWriter::Create(SpoolPath(options_.spool_dir, work.id)));
  Cursor cursor;
  if (range.lo) {
    cursor.start_after = *range.lo;
    cursor.key_marker = *range.lo;
  }
  KeyAlphabet seen;
  while (true) {
    PageFailpoint();
    s3::S3Call call;
    call.bucket = options_.bucket;
    auto& q = call.query;
    if (options_.all_versions) {
      q = {{"versions", ""}, {"encoding-type", "url"}};
      if (!cursor.key_marker.empty()) q.emplace_back("key-marker", cursor.key_marker);
      if (!cursor.version_id_marker.empty()) {
        q.emplace_back("version-id-marker", cursor.version_id_marker);
      }
    } else {
      q = {{"list-type", "2"}, {"encoding-type", "url"}};
      if (options_.fetch_owner) q.emplace_back("fetch-owner", "true");
      if (!cursor.continuation_token.empty()) {
        q.emplace_back("continuation-token", cursor.continuation_token);
      } else if (!cursor.start_after.empty()) {
        q.emplace_back("start-after", cursor.start_after);
      }
    }
    q.emplace_back("max-keys", std::to_string(options_.page_size));
    if (!prefix.empty()) q.emplace_back("prefix", prefix);
    ASSIGN_OR_RETURN(auto response, client.Send(call));
    if (response.status != 200) return ListingError(call, response);
    ASSIGN_OR_RETURN(ListPage page, options_.all_versions ? ParseListObjectVersions(response.body)
                                                          : ParseListObjectsV2(response.body));
    stats_->pages.fetch_add(1, std::memory_order_relaxed);

    // Where the page started and ended (entries outside the range are dropped below).
    std::string page_first, page_last, last_version;
    bool page_has_entries = !page.entries.empty();
    if (page_has_entries) {
      page_first = page.entries.front().version.key;
      page_last = page.entries.back().version.key;
      last_version = page.entries.back().version.version_id;
    }
    // The page is in key order: the rows in the range are one run of it, kept in place (moving
    // entries costs about as much as parsing them).
    std::vector<ListedEntry>& rows = page.entries;
    auto first = std::find_if(rows.begin(), rows.end(),
                              [&](const ListedEntry& e) { return range.AboveLo(e.version.key); });
    auto end = std::find_if(first, rows.end(),
                            [&](const ListedEntry& e) { return range.AboveHi(e.version.key); });
    bool past_end = end != rows.end();
    rows.erase(end, rows.end());
    rows.erase(rows.begin(), first);
    for (const ListedEntry& e : rows) seen.Add(e.version.key);
    if (enricher_ && !rows.empty()) RETURN_IF_ERROR(enricher_->Enrich(&rows));
    for (const ListedEntry& e : rows) RETURN_IF_ERROR(spool->Append(e.version));
    stats_->rows.fetch_add(rows.size(), std::memory_order_relaxed);
    if (past_end || !page.truncated) break;

    // Continue after the last entry the server returned (not only the kept ones).
    if (page_has_entries) {
      cursor.start_after = page_last;
      cursor.key_marker = page_last;
      cursor.version_id_marker = last_version.empty() ? "null" : last_version;
    } else if (!page.next_key_marker.empty()) {
      cursor.key_marker = page.next_key_marker;
      cursor.version_id_marker = page.next_version_id_marker;
    } else if (page.next_continuation_token.empty()) {
      return Status::Unavailable(DescribeCall(call) + ": truncated page without a way to go on");
    }
    cursor.continuation_token = page.next_continuation_token;
    if (page_has_entries) {
      if (auto at = scheduler_->MaybeSplit(work.id, page_first, page_last, seen)) range.hi = *at;
    }
  }
  RETURN_IF_ERROR(spool->Close());
  return scheduler_->Complete(work.id, spool->records(), spool->bytes());
}

Result<std::vector<PartitionRecord>> PlanPartitions(RemoteClient& client, const std::string& bucket,
                                                    const std::string& scan_prefix, int target,
                                                    const KeyRange& within) {
  s3::S3Call call;
  call.bucket = bucket;
  call.query = {
      {"list-type", "2"}, {"encoding-type", "url"}, {"delimiter", "/"}, {"max-keys", "1000"}};
  std::string prefix = ListPrefix(within, scan_prefix);
  if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
  if (within.lo && !within.lo->empty()) call.query.emplace_back("start-after", *within.lo);
  ASSIGN_OR_RETURN(auto response, client.Send(call));
  if (response.status != 200) return ListingError(call, response);
  ASSIGN_OR_RETURN(ListPage page, ParseListObjectsV2(response.body));

  // A key bounds the range it ends; a common prefix "a/" is bounded by "a0" ('/' + 1), which
  // every key under "a/" is below and no later entry is above.
  std::vector<std::string> bounds;
  size_t k = 0, c = 0;
  while (k < page.entries.size() || c < page.common_prefixes.size()) {
    bool take_key =
        c == page.common_prefixes.size() ||
        (k < page.entries.size() && page.entries[k].version.key < page.common_prefixes[c]);
    std::string bound;
    if (take_key) {
      bound = page.entries[k++].version.key;
    } else {
      bound = page.common_prefixes[c++];
      bound.back() = static_cast<char>(bound.back() + 1);
    }
    if (!within.AboveLo(bound)) continue;
    if (within.AboveHi(bound) || bound == within.hi) break;
    if (bounds.empty() || bound > bounds.back()) bounds.push_back(std::move(bound));
  }
  std::vector<std::string> chosen;
  size_t want = static_cast<size_t>(std::max(target, 1)) - 1;
  if (bounds.size() <= want) {
    chosen = bounds;
  } else {
    for (size_t i = 1; i <= want; ++i) chosen.push_back(bounds[i * bounds.size() / (want + 1)]);
    // The unknown tail of a truncated page starts right after its last entry.
    if (page.truncated && chosen.back() != bounds.back()) chosen.push_back(bounds.back());
  }
  // A complete listing needs no range past its last entry but the one that catches objects
  // added since; it stays (it costs one request).
  std::vector<PartitionRecord> partitions;
  std::optional<std::string> lo = within.lo;
  for (const std::string& b : chosen) {
    PartitionRecord p;
    p.id = partitions.size();
    p.range.lo = lo;
    p.range.hi = b;
    partitions.push_back(std::move(p));
    lo = b;
  }
  PartitionRecord last;
  last.id = partitions.size();
  last.range.lo = lo;
  last.range.hi = within.hi;
  partitions.push_back(std::move(last));
  return partitions;
}

}  // namespace stocktake::scan
