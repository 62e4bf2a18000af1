#include "aws_cli.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace stocktake::bench {

Result<std::string> FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return name;
    return Status::NotFound(name + " is not executable");
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Status::NotFound(name + " not found on PATH (the baseline needs the aws CLI; --aws-bin)");
}

void SetAwsEnvironment(const std::string& access_key, const std::string& secret_key,
                       const std::string& endpoint) {
  for (const char* name :
       {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_CA_BUNDLE"}) {
    ::unsetenv(name);
  }
  ::setenv("AWS_ACCESS_KEY_ID", access_key.c_str(), 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", secret_key.c_str(), 1);
  ::setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
  ::setenv("AWS_ENDPOINT_URL", endpoint.c_str(), 1);
  ::setenv("AWS_CONFIG_FILE", "/dev/null", 1);
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
  ::setenv("AWS_PAGER", "", 1);
}

Result<uint64_t> SumOfPageCounts(const std::string& output) {
  std::stringstream lines(output);
  std::string line;
  uint64_t sum = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line == "None") continue;  // an empty bucket's page has no Contents
    char* end = nullptr;
    uint64_t n = std::strtoull(line.c_str(), &end, 10);
    if (end == line.c_str() || *end != '\0') {
      return Status::Corruption("unexpected aws CLI output line: " + line);
    }
    sum += n;
  }
  return sum;
}

double ChildrenCpuSeconds() {
  struct rusage u {};
  ::getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace stocktake::bench
