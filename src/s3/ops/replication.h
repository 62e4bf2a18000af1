// Bucket replication hooks (issue 6; replication_ops.cc): the object operations mark new
// versions for replication and hand them to the Replicator (replication/replicator.h) once
// committed. The ?replication operations themselves are in op.h.
#pragma once

#include <string_view>

#include "s3/ops/op.h"

namespace stocktake::s3 {

// A new version (PutObject, CopyObject, CompleteMultipartUpload) of the addressed key, before its
// commit: PENDING when an enabled rule of the bucket's configuration matches the key and the
// version's tags, else no status
// (a copy or completion never inherits one).
void MarkForReplication(const OpContext& ctx, store::ObjectVersion* version);
// After the commit: queues a PENDING version of the addressed object (`version_id` as the store
// assigned it).
void QueueReplication(const OpContext& ctx, const store::ObjectVersion& version,
                      std::string_view version_id);
// After DeleteObject(s) created the delete marker `marker_version_id` of `key`: marks it PENDING
// and queues it when a rule replicates delete markers of that key.
void ReplicateDeleteMarker(const OpContext& ctx, std::string_view key,
                           std::string_view marker_version_id);

// The Replicator's authorization hook: whether `destination` accepts replicas of `key` from
// `source`. The owner's own buckets do unless their policy denies; another account's bucket
// needs its policy to allow s3:ReplicateObject to the source bucket's owner (User Guide,
// "Configuring replication when the source and destination buckets are owned by different
// accounts").
Status AuthorizeReplication(const store::Bucket& source, const store::Bucket& destination,
                            std::string_view key);

}  // namespace stocktake::s3
