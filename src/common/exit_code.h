// The exit statuses of every `stocktake` command: one list, so that a script can tell the cases
// apart the same way whatever the command. Documented in README.md ("Exit statuses") and in the
// man page; changing a value breaks users' scripts.
#pragma once

#include "common/status.h"

namespace stocktake {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       // anything not below: an error answer of the server, an I/O error
  kExitUsage = 2,         // a bad command line or configuration file
  kExitNotFound = 3,      // no such report, bucket, configuration, key or directory
  kExitVerifyFailed = 4,  // a report fails its checksums or schema; fsck: data lost
  kExitDenied = 5,        // the server refused the credentials or the request (403)
  kExitUnavailable = 6,   // the server cannot be reached; the data directory is in use
  kExitDifferences = 7,   // report diff: the reports differ; fsck: only crash leftovers
};

// Each status with its meaning, for --help, the man page and README.md's table.
struct ExitStatusInfo {
  int code;
  const char* meaning;
};
inline constexpr ExitStatusInfo kExitStatuses[] = {
    {kExitOk, "success (report diff: no differences; admin fsck: consistent)"},
    {kExitFailure, "failure not listed below: an error answer of the server, an I/O error"},
    {kExitUsage, "usage: a bad command line, option value or --config file"},
    {kExitNotFound, "not found: no such report, bucket, configuration, access key or directory"},
    {kExitVerifyFailed,
     "verification failed: a report fails its checksums, sizes or schema; admin fsck: data lost"},
    {kExitDenied, "access denied: the server refused the credentials or the request (403)"},
    {kExitUnavailable,
     "unavailable: the server cannot be reached; the data directory is in use by a server"},
    {kExitDifferences,
     "differences: report diff found changes; admin fsck found only crash leftovers"},
};

// The exit status for a command that failed with `status` (kExitOk when it is OK).
inline int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kCorruption:
      return kExitVerifyFailed;
    case StatusCode::kPermissionDenied:
      return kExitDenied;
    case StatusCode::kUnavailable:
      return kExitUnavailable;
    default:
      return kExitFailure;
  }
}

// The exit status for a command whose request the server answered with `http_status` (>= 300).
inline int ExitCodeForHttpStatus(int http_status) {
  switch (http_status) {
    case 403:
      return kExitDenied;
    case 404:
      return kExitNotFound;
    case 503:
      return kExitUnavailable;
    default:
      return kExitFailure;
  }
}

}  // namespace stocktake
